import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadLdsDeploymentsConfig, parseLdsDeploymentsConfig, selectLdsDeployment } from './lds.deployments';

const configYaml = `
default_region: us-east-1
deployments:
  us-east-1:
    base_url: https://lds-internal.us.example.com
    username: lcm
    password: secret
    label: US
    frontend_base_url: https://labs.us.example.com
  eu-west-1:
    base_url: https://lds-internal.eu.example.com
    username: lcm
    password: secret
    timeout_seconds: 10
`;

describe('LDS deployments config', () => {
  it('parses the YAML and defaults the timeout to 30 s', () => {
    const config = parseLdsDeploymentsConfig(configYaml);
    expect(config.deployments['us-east-1']).toMatchObject({ timeout_seconds: 30, frontend_base_url: 'https://labs.us.example.com' });
    expect(config.deployments['eu-west-1']?.timeout_seconds).toBe(10);
  });

  it('loads the config from a file', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'lds-config-'));
    const file = path.join(directory, 'lds.yaml');
    await writeFile(file, configYaml);
    await expect(loadLdsDeploymentsConfig(file)).resolves.toMatchObject({ default_region: 'us-east-1' });
  });

  it('rejects a default region without a deployment', () => {
    expect(() => parseLdsDeploymentsConfig(configYaml.replace('default_region: us-east-1', 'default_region: ap-south-1'))).toThrow(
      /default_region/,
    );
  });

  it('rejects a deployment without a valid base_url', () => {
    expect(() => parseLdsDeploymentsConfig(configYaml.replace('https://lds-internal.eu.example.com', 'not a url'))).toThrow(/base_url/);
  });

  it('selects the region deployment or the default', () => {
    const config = parseLdsDeploymentsConfig(configYaml);
    expect(selectLdsDeployment(config, 'eu-west-1').deployment.base_url).toBe('https://lds-internal.eu.example.com');
    expect(selectLdsDeployment(config, 'sa-east-1').region).toBe('us-east-1');
  });
});
