import { InvalidConfigError, loadConfig } from './env.schema';

const devEnv = {
  INTERNAL_API_KEYS: 'controller-key-0123456789',
  AUTH_MODE: 'development',
  DEV_AUTH_SECRET: 'a-development-secret-of-32-chars!!',
};

describe('loadConfig', () => {
  it('applies the local defaults', () => {
    const config = loadConfig(devEnv);
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8020,
      MONGO_DB: 'lcm',
      ETCD_ENDPOINTS: ['http://127.0.0.1:2379'],
    });
    expect(config.INTERNAL_API_KEYS).toEqual(['controller-key-0123456789']);
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', INTERNAL_API_KEYS: 'short', AUTH_MODE: 'oidc' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const problems = (error as InvalidConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('INTERNAL_API_KEYS');
    expect(problems).toContain('OIDC_ISSUER');
    expect(problems).toContain('OIDC_AUDIENCE');
  });

  it('refuses development auth without a signing secret', () => {
    expect(() => loadConfig({ ...devEnv, DEV_AUTH_SECRET: undefined })).toThrow(/DEV_AUTH_SECRET/);
  });
});
