import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type Logger } from '@lcm/observability';
import { APP_CONFIG } from '../../app-config.token';
import { type AppConfig } from '../../../config/env.schema';
import { LOGGER } from '../../platform.tokens';
import { principalFrom } from '../token-verifier';
import { readCookies, serializeCookie } from './http-cookies';
import { OidcLoginClient } from './oidc-login-client';
import {
  CSRF_COOKIE,
  LOGIN_TTL_SECONDS,
  openLoginTransaction,
  sealLoginTransaction,
  SESSION_COOKIE,
  SessionCookieCodec,
} from './session-cookie';
import { OIDC_LOGIN_CLIENT, SESSION_CODEC } from './session-login.tokens';

const LOGIN_COOKIE = 'lcm_login';
const AUTH_PATH = '/api/auth';
const LOGIN_PAGE = '/login';

/** Only a path of this site may follow the login, never another origin (open redirect). */
function safeReturnPath(candidate: unknown): string {
  return typeof candidate === 'string' && candidate.startsWith('/') && !candidate.startsWith('//')
    ? candidate
    : '/';
}

/**
 * The dashboard's OIDC login as a backend-for-frontend (spec §2, §5.2): the browser never sees a
 * token, only a signed HttpOnly session cookie plus the CSRF token it must echo on writes.
 */
@Controller('api/auth')
export class SessionLoginController {
  private readonly secure: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_CODEC) private readonly codec: SessionCookieCodec,
    @Inject(OIDC_LOGIN_CLIENT) private readonly oidc: OidcLoginClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.secure = (config.PUBLIC_URL ?? '').startsWith('https:');
  }

  @Get('login')
  async login(
    @Query('return_to') returnTo: unknown,
    @Query('prompt') prompt: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const transaction = this.oidc.newTransaction(safeReturnPath(returnTo));
    const target = await this.oidc.authorizationUrl(transaction, prompt === 'login' ? 'login' : undefined);
    const sealed = await sealLoginTransaction(this.codec, transaction);
    reply
      .header('set-cookie', this.cookie(LOGIN_COOKIE, sealed, LOGIN_TTL_SECONDS, AUTH_PATH, true))
      .header('cache-control', 'no-store')
      .redirect(target, 302);
  }

  @Get('callback')
  async callback(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const clearLogin = this.cookie(LOGIN_COOKIE, '', 0, AUTH_PATH, true);
    const fail = (reason: string): void => {
      this.logger.warn({ reason }, 'dashboard login failed');
      reply
        .header('set-cookie', clearLogin)
        .redirect(`${LOGIN_PAGE}?error=${encodeURIComponent(reason)}`, 302);
    };
    const sealed = readCookies(request.headers.cookie).get(LOGIN_COOKIE);
    const transaction = sealed ? await openLoginTransaction(this.codec, sealed) : undefined;
    if (!transaction) return fail('the login expired or was started in another browser; please log in again');
    if (typeof query['error'] === 'string')
      return fail(`the identity provider refused: ${String(query['error_description'] ?? query['error'])}`);
    if (query['state'] !== transaction.state) return fail('the login answer does not belong to this login');
    if (typeof query['code'] !== 'string') return fail('the identity provider sent no authorization code');
    let principal;
    try {
      principal = principalFrom(
        await this.oidc.redeem(query['code'], transaction),
        this.config.OIDC_ROLES_CLAIM,
      );
    } catch (error) {
      return fail((error as Error).message);
    }
    const { cookie, csrfToken } = await this.codec.issue(principal);
    reply
      .header('set-cookie', [
        clearLogin,
        this.cookie(SESSION_COOKIE, cookie, this.codec.ttlSeconds, '/', true),
        this.cookie(CSRF_COOKIE, csrfToken, this.codec.ttlSeconds, '/', false),
      ])
      .header('cache-control', 'no-store')
      .redirect(transaction.returnTo, 302);
  }

  /** Ends the dashboard session; the next login asks the provider for credentials again. */
  @Get('logout')
  logout(@Res() reply: FastifyReply): void {
    reply
      .header('set-cookie', [
        this.cookie(SESSION_COOKIE, '', 0, '/', true),
        this.cookie(CSRF_COOKIE, '', 0, '/', false),
      ])
      .header('cache-control', 'no-store')
      .redirect(`${LOGIN_PAGE}?logged_out=1`, 302);
  }

  private cookie(
    name: string,
    value: string,
    maxAgeSeconds: number,
    path: string,
    httpOnly: boolean,
  ): string {
    return serializeCookie(name, value, { maxAgeSeconds, path, httpOnly, secure: this.secure });
  }
}
