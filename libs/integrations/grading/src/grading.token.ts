import { createAxiosInstance, HttpCaller, type IntegrationLogger, type IssuedToken } from '@lcm/integrations/http';
import { z } from 'zod';

export interface ClientCredentialsSettings {
  /** Keycloak token endpoint of the `mozart` realm, e.g. `https://sso.example.com/realms/mozart/protocol/openid-connect/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  timeoutMs?: number;
  logger?: IntegrationLogger;
}

const tokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

/**
 * OAuth2 client-credentials grant for the GradingEngine's bearer token (GRADING-API.md §1: the OAS
 * only declares the implicit flow, which a backend cannot use).
 */
export function clientCredentialsTokenIssuer(settings: ClientCredentialsSettings, now: () => number = Date.now): () => Promise<IssuedToken> {
  const tokenUrl = new URL(settings.tokenUrl);
  const caller = new HttpCaller({
    system: 'grading',
    http: createAxiosInstance({ baseUrl: tokenUrl.origin, timeoutMs: settings.timeoutMs ?? 10_000 }),
    ...(settings.logger ? { logger: settings.logger } : {}),
  });
  return async () => {
    const requestedAt = now();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: settings.clientId, client_secret: settings.clientSecret });
    if (settings.scope) form.set('scope', settings.scope);
    const token = await caller.json({
      operation: 'issueToken',
      method: 'POST',
      path: tokenUrl.pathname,
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      idempotent: true,
      anonymous: true,
      schema: tokenResponseSchema,
    });
    return { value: token.access_token, ...(token.expires_in ? { expiresAtMs: requestedAt + token.expires_in * 1000 } : {}) };
  };
}

/** A fixed token (tests, or a token injected by a sidecar that rotates the process). */
export const staticTokenIssuer =
  (token: string): (() => Promise<IssuedToken>) =>
  async () => ({ value: token });
