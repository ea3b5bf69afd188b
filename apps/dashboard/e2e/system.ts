import { INTERNAL_ACTOR_HEADER, INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { ContractClient } from '../src/api/contract-client';

/** Where global-setup.ts leaves the running system for the test workers. */
export const E2E_ENV = {
  baseUrl: 'LCM_E2E_BASE_URL',
  internalKey: 'LCM_E2E_INTERNAL_KEY',
  adminToken: 'LCM_E2E_ADMIN_TOKEN',
  etcdEndpoint: 'LCM_E2E_ETCD_ENDPOINT',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: the browser tests run through playwright.config.ts (global set-up)`);
  return value;
}

const withHeaders =
  (headers: Record<string, string>): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } });

export interface SystemUnderTest {
  baseUrl: string;
  internalKey: string;
  etcdEndpoint: string;
  /** The controllers' side of the control plane (`/api/internal`, API key). */
  internal: ContractClient;
  /** An API client with an admin bearer token, for setting the scene. */
  admin: ContractClient;
}

export function systemUnderTest(): SystemUnderTest {
  const baseUrl = required(E2E_ENV.baseUrl);
  const noCookies = () => '';
  return {
    baseUrl,
    internalKey: required(E2E_ENV.internalKey),
    etcdEndpoint: required(E2E_ENV.etcdEndpoint),
    internal: new ContractClient({
      baseUrl,
      cookies: noCookies,
      fetch: withHeaders({
        [INTERNAL_API_KEY_HEADER]: required(E2E_ENV.internalKey),
        [INTERNAL_ACTOR_HEADER]: 'lablet-controller',
      }),
    }),
    admin: new ContractClient({
      baseUrl,
      cookies: noCookies,
      fetch: withHeaders({ authorization: `Bearer ${required(E2E_ENV.adminToken)}` }),
    }),
  };
}
