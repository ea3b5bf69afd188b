import { z } from 'zod';

const Discovery = z.object({
  device_authorization_endpoint: z.url(),
  token_endpoint: z.url(),
});
const DeviceAuthorization = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.url(),
  verification_uri_complete: z.url().optional(),
  expires_in: z.number().positive(),
  interval: z.number().positive().optional(),
});
const TokenAnswer = z.object({ access_token: z.string().min(1) }).or(z.object({ error: z.string().min(1) }));

export interface DeviceLoginOptions {
  issuer: string;
  clientId: string;
  scope?: string;
  /** Tells the person where to go and which code to type. */
  prompt: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams(fields).toString(),
});

/**
 * OAuth 2.0 Device Authorization Grant (RFC 8628) against the OIDC issuer the control plane
 * trusts (OIDC_ISSUER): shows a code to enter in a browser, then polls the token endpoint until
 * the person has approved, honouring `slow_down` and the code's expiry.
 */
export async function deviceLogin(options: DeviceLoginOptions): Promise<string> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const wellKnown = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const discovery = Discovery.parse(await (await fetch(wellKnown)).json());
  const started = await fetch(
    discovery.device_authorization_endpoint,
    form({ client_id: options.clientId, scope: options.scope ?? 'openid' }),
  );
  if (!started.ok)
    throw new Error(`the issuer refused the device login (${started.status}): ${await started.text()}`);
  const device = DeviceAuthorization.parse(await started.json());
  options.prompt(
    `Open ${device.verification_uri_complete ?? device.verification_uri} and enter the code ${device.user_code}`,
  );
  let intervalMs = (device.interval ?? 5) * 1000;
  const deadline = Date.now() + device.expires_in * 1000;
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const answer = TokenAnswer.parse(
      await (
        await fetch(
          discovery.token_endpoint,
          form({
            grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
            device_code: device.device_code,
            client_id: options.clientId,
          }),
        )
      ).json(),
    );
    if ('access_token' in answer) return answer.access_token;
    if (answer.error === 'slow_down') intervalMs += 5000;
    else if (answer.error !== 'authorization_pending')
      throw new Error(`device login failed: ${answer.error}`);
  }
  throw new Error('device login expired before it was approved');
}

/** A development token from a control plane in AUTH_MODE=development (README, "What runs locally"). */
export async function developmentLogin(server: string, subject: string, roles: string[]): Promise<string> {
  const answer = await fetch(`${server.replace(/\/$/, '')}/api/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject, roles }),
  });
  if (!answer.ok)
    throw new Error(
      `${server} issues no development tokens (${answer.status}); it is not in AUTH_MODE=development`,
    );
  return z.object({ access_token: z.string().min(1) }).parse(await answer.json()).access_token;
}
