import { join } from 'node:path';
import { DEV_OIDC_CLIENT_ID, DevOidcProcess } from '@lcm/dev-oidc-provider';
import { ControlPlaneProcess, freePort, PrivateEtcd, REPO_ROOT } from '@lcm/testing';
import { E2E_ENV } from './system';

/**
 * Starts the system the browser tests drive: a private etcd, the control plane serving the built
 * dashboard with OIDC login, and the development OIDC provider; stops them afterwards.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const logDir = join(REPO_ROOT, 'reports', 'playwright', 'logs');
  const etcd = await PrivateEtcd.start();
  // The control plane needs the issuer at start and the provider needs the control plane's
  // callback, so the provider's port is chosen first.
  const issuer = `http://127.0.0.1:${await freePort()}`;
  const cpa = await ControlPlaneProcess.start({
    etcdEndpoint: etcd.endpoint,
    logDir,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: DEV_OIDC_CLIENT_ID,
      SESSION_SECRET: 'browser-tests-session-secret-0123456789',
      DASHBOARD_DIR: join(REPO_ROOT, 'apps', 'dashboard', 'dist'),
    },
  });
  const provider = await DevOidcProcess.start([`${cpa.url}/api/auth/callback`], {
    port: Number(new URL(issuer).port),
    logDir,
  });
  process.env[E2E_ENV.baseUrl] = cpa.url;
  process.env[E2E_ENV.internalKey] = cpa.apiKey;
  process.env[E2E_ENV.etcdEndpoint] = etcd.endpoint;
  process.env[E2E_ENV.adminToken] = await cpa.token(['admin'], 'e2e-admin-script');
  return async () => {
    await provider.stop();
    await cpa.stop();
    await etcd.destroy();
  };
}
