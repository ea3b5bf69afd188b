import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, NoContextError, readConfig, resolveContext, writeConfig } from './config';

describe('config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lcmctl-config-'));

  it('lives at LCMCTL_CONFIG, else under XDG_CONFIG_HOME', () => {
    expect(configPath({ LCMCTL_CONFIG: '/x/y.yaml' })).toBe('/x/y.yaml');
    expect(configPath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/lcm/lcmctl.yaml');
  });

  it('reads a missing file as empty and round-trips contexts, owner-readable only', () => {
    const file = join(dir, 'nested', 'lcmctl.yaml');
    expect(readConfig(file)).toEqual({ current_context: null, contexts: {} });
    writeConfig(file, {
      current_context: 'prod',
      contexts: { prod: { server: 'https://lcm.example.org', token: 't' } },
    });
    expect(readConfig(file).contexts['prod']).toEqual({ server: 'https://lcm.example.org', token: 't' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that is not a config', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'contexts:\n  prod:\n    server: not-a-url\n');
    expect(() => readConfig(file)).toThrow(/not a valid lcmctl config/);
  });

  it('resolves --context, then the current context, with --server/--token overriding', () => {
    const config = {
      current_context: 'local',
      contexts: {
        local: { server: 'http://127.0.0.1:8020', token: 'a' },
        prod: { server: 'https://lcm.example.org', token: 'b' },
      },
    };
    expect(resolveContext(config, {})).toMatchObject({
      name: 'local',
      server: 'http://127.0.0.1:8020',
      token: 'a',
    });
    expect(resolveContext(config, { context: 'prod' })).toMatchObject({ name: 'prod', token: 'b' });
    expect(resolveContext(config, { token: 'c' })).toMatchObject({ name: 'local', token: 'c' });
    expect(() => resolveContext(config, { context: 'nope' })).toThrow(NoContextError);
    expect(() => resolveContext({ current_context: null, contexts: {} }, {})).toThrow(/no control plane/);
    expect(resolveContext({ current_context: null, contexts: {} }, { server: 'http://h:1' })).toMatchObject({
      name: null,
      server: 'http://h:1',
    });
  });
});
