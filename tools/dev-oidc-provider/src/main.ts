import { startDevOidcProvider } from './dev-oidc-provider';

// Started by scripts/dev.sh and by the dashboard's browser tests; settings from the environment.
const port = Number(process.env['DEV_OIDC_PORT'] ?? 8030);
const redirectUris = (process.env['DEV_OIDC_REDIRECT_URIS'] ?? 'http://127.0.0.1:8020/api/auth/callback')
  .split(',')
  .map((uri) => uri.trim())
  .filter(Boolean);
const clientId = process.env['DEV_OIDC_CLIENT_ID'] ?? 'lcm-dashboard';

void startDevOidcProvider({ port, clients: [{ clientId, redirectUris }] }).then((running) => {
  console.log(`development OIDC provider at ${running.issuer} (client ${clientId}; users admin, manager, user)`);
  const stop = (): void => void running.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
