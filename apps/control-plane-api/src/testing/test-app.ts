import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AxiosInstance } from 'axios';
import { type Role } from '@lcm/contracts';
import { createLogger } from '@lcm/observability';
import { infraEndpoints } from '@lcm/testing';
import { type AppConfig, loadConfig } from '../config/env.schema';
import { createApp } from '../create-app';
import { StoreStartup } from '../platform/mongo/store-startup';

export const TEST_INTERNAL_API_KEY = 'integration-test-controller-key';

export interface RunningTestApp {
  app: NestFastifyApplication;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

/** Config of a control plane on an ephemeral port against the test servers, in development auth mode. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  const endpoints = infraEndpoints();
  return loadConfig({
    PORT: '0',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: `lcm_it_${randomUUID().slice(0, 8)}`,
    ETCD_ENDPOINTS: endpoints.etcdEndpoints.join(','),
    INTERNAL_API_KEYS: TEST_INTERNAL_API_KEY,
    AUTH_MODE: 'development',
    DEV_AUTH_SECRET: 'integration-tests-development-secret',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/**
 * Starts a real control plane (HTTP on loopback, real MongoDB-wire server and etcd); by default it
 * resolves once the start-up work on the store is done, as a deployment waits for /health/ready.
 */
export async function startTestApp(
  config: AppConfig = testConfig(),
  { waitUntilReady = true } = {},
): Promise<RunningTestApp> {
  const app = await createApp(config, createLogger({ service: 'control-plane-api', level: 'silent' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  if (waitUntilReady) await app.get(StoreStartup).whenReady();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, config, close: () => app.close() };
}

/** A development-mode bearer token for `roles`, issued by the control plane under test. */
export async function devToken(
  http: AxiosInstance,
  roles: Role[],
  subject = `${roles[0]}-user`,
): Promise<string> {
  return (await http.post('/api/auth/dev-token', { subject, roles })).data.access_token as string;
}

/** Request options carrying a bearer token. */
export const bearer = (token: string): { headers: Record<string, string> } => ({
  headers: { authorization: `Bearer ${token}` },
});
