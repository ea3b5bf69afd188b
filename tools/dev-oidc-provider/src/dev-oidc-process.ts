import { freePort, NodeAppProcess } from '@lcm/testing';

export const DEV_OIDC_CLIENT_ID = 'lcm-dashboard';

/**
 * The development OIDC provider as its own process, as scripts/dev.sh runs it. Tests use this
 * because `oidc-provider` is an ES module that jest on Node 20 cannot load in-process.
 */
export class DevOidcProcess extends NodeAppProcess {
  private constructor(
    readonly issuer: string,
    options: ConstructorParameters<typeof NodeAppProcess>[0],
  ) {
    super(options);
  }

  /** `port` lets a caller name the issuer before the provider runs (the control plane needs it at start). */
  static async start(redirectUris: string[], options: { port?: number; logDir?: string } = {}): Promise<DevOidcProcess> {
    const port = options.port ?? (await freePort());
    const issuer = `http://127.0.0.1:${port}`;
    const provider = new DevOidcProcess(issuer, {
      name: 'dev-oidc-provider',
      entry: 'tools/dev-oidc-provider/src/main.ts',
      readyUrl: `${issuer}/.well-known/openid-configuration`,
      logDir: options.logDir,
      env: {
        DEV_OIDC_PORT: String(port),
        DEV_OIDC_CLIENT_ID,
        DEV_OIDC_REDIRECT_URIS: redirectUris.join(','),
      },
    });
    await provider.start();
    return provider;
  }
}
