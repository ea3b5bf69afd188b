import { type Provider, type Type } from '@nestjs/common';
import { type AppConfig } from '../../../config/env.schema';
import { OidcLoginClient } from './oidc-login-client';
import { SessionCookieCodec } from './session-cookie';
import { SessionLoginController } from './session-login.controller';
import { OIDC_LOGIN_CLIENT, SESSION_CODEC } from './session-login.tokens';

/** Scopes asked of the provider; `roles` lets a provider release the roles claim into the ID token. */
const LOGIN_SCOPES = 'openid profile email roles';

/**
 * The dashboard login is on when a client id is configured; SESSION_CODEC is then the cookie
 * codec the authenticator reads, otherwise null and only bearer tokens authenticate users.
 */
export function sessionLogin(config: AppConfig): { controllers: Type[]; providers: Provider[] } {
  if (!config.OIDC_CLIENT_ID || !config.OIDC_ISSUER || !config.SESSION_SECRET)
    return { controllers: [], providers: [{ provide: SESSION_CODEC, useValue: null }] };
  const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '');
  return {
    controllers: [SessionLoginController],
    providers: [
      {
        provide: SESSION_CODEC,
        useValue: new SessionCookieCodec(config.SESSION_SECRET, config.SESSION_TTL_SECONDS),
      },
      {
        provide: OIDC_LOGIN_CLIENT,
        useValue: new OidcLoginClient({
          issuer: config.OIDC_ISSUER,
          clientId: config.OIDC_CLIENT_ID,
          clientSecret: config.OIDC_CLIENT_SECRET,
          redirectUri: `${publicUrl}/api/auth/callback`,
          scopes: LOGIN_SCOPES,
        }),
      },
    ],
  };
}
