import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readText, readYaml, ROOT } from './repo';

/**
 * The Helm chart, validated with the real tools: helm and kubeconform built from the Go module
 * proxy by scripts/tools/k8s-tools.sh (once, cached in ~/.cache/lcm-tools), Kubernetes schemas from
 * the kubernetes-validate package, and promtool for the alert rules.
 */
function toolPaths(script: string): Record<string, string> {
  const output = execFileSync('bash', [join(ROOT, script)], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  ports: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: unknown;
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

const CHART = join(ROOT, 'deployment/helm/lcm');
const REQUIRED = ['--set', 'secrets.internalApiKey=an-internal-key-of-32-characters!!'];

describe('Helm chart deployment/helm/lcm', () => {
  let tools: Record<string, string>;
  const helm = (...args: string[]) =>
    execFileSync(tools['HELM']!, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const render = (...args: string[]): K8sObject[] =>
    parseAllDocuments(helm('template', 'lcm', CHART, ...REQUIRED, ...args))
      .map((document) => document.toJS() as K8sObject | null)
      .filter((object): object is K8sObject => object !== null);
  const find = (objects: K8sObject[], kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);
  const container = (deployment: K8sObject | undefined) =>
    (deployment?.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;

  beforeAll(() => {
    tools = toolPaths('scripts/tools/k8s-tools.sh');
  }, 900_000);

  it('passes helm lint --strict', () => {
    expect(helm('lint', CHART, '--strict', ...REQUIRED)).toContain('0 chart(s) failed');
  });

  it('renders manifests that kubeconform validates strictly against the Kubernetes schemas', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcm-helm-'));
    const file = join(dir, 'rendered.yaml');
    writeFileSync(
      file,
      helm(
        'template',
        'lcm',
        CHART,
        ...REQUIRED,
        '--set',
        'serviceMonitor.enabled=true',
        '--set',
        'prometheusRule.enabled=true',
      ),
    );
    const summary = execFileSync(
      tools['KUBECONFORM']!,
      [
        '-strict',
        '-summary',
        '-output',
        'json',
        '-kubernetes-version',
        tools['K8S_VERSION']!.replace(/^v/, ''),
        '-schema-location',
        `${tools['K8S_SCHEMAS']}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
        // Prometheus Operator objects have no Kubernetes schema; their shape is checked below.
        '-skip',
        'ServiceMonitor,PrometheusRule',
        file,
      ],
      { encoding: 'utf8' },
    );
    const result = JSON.parse(summary) as {
      summary: { valid: number; invalid: number; errors: number; skipped: number };
    };
    expect(result.summary).toEqual({ valid: 20, invalid: 0, errors: 0, skipped: 5 });
  });

  it('runs the control plane with at least 2 replicas, a PodDisruptionBudget and a CPU HPA', () => {
    const objects = render();
    const deployment = find(objects, 'Deployment', 'lcm-control-plane-api');
    // The HPA owns the replica count; a fixed one would fight it on every upgrade.
    expect(deployment?.spec?.['replicas']).toBeUndefined();
    expect(find(objects, 'HorizontalPodAutoscaler', 'lcm-control-plane-api')?.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleTargetRef: { kind: 'Deployment', name: 'lcm-control-plane-api' },
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    });
    expect(find(objects, 'PodDisruptionBudget', 'lcm-control-plane-api')?.spec).toMatchObject({
      minAvailable: 1,
    });
    const withoutHpa = render('--set', 'controlPlane.hpa.enabled=false');
    expect(find(withoutHpa, 'Deployment', 'lcm-control-plane-api')?.spec?.['replicas']).toBe(2);
    expect(find(withoutHpa, 'HorizontalPodAutoscaler', 'lcm-control-plane-api')).toBeUndefined();
  });

  it.each([
    ['resource-scheduler', 8081],
    ['worker-controller', 8083],
    ['lablet-controller', 8082],
  ])(
    'runs the %s with 2 replicas (leader + warm standby), its admin Service, probes and limits',
    (name, port) => {
      const objects = render();
      const deployment = find(objects, 'Deployment', `lcm-${name}`);
      expect(deployment?.spec?.['replicas']).toBe(2);
      const main = container(deployment);
      expect(main.ports).toEqual([{ name: 'admin', containerPort: port, protocol: 'TCP' }]);
      expect(main.livenessProbe?.httpGet.path).toBe('/health');
      expect(main.readinessProbe?.httpGet.path).toBe('/ready');
      expect(main.startupProbe).toBeDefined();
      expect(main.resources?.requests).toBeDefined();
      expect(main.resources?.limits).toBeDefined();
      expect(main.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      });
      // Each replica advertises its own pod address in the leader key.
      expect(main.env).toEqual(
        expect.arrayContaining([{ name: 'ADVERTISE_URL', value: `http://$(POD_IP):${port}` }]),
      );
      expect(find(objects, 'Service', `lcm-${name}`)?.spec).toMatchObject({
        ports: [{ name: 'admin', port }],
      });
      const config = find(objects, 'ConfigMap', `lcm-${name}`)?.data;
      expect(config).toMatchObject({ PORT: String(port), CPA_URL: 'http://lcm-control-plane-api:80' });
    },
  );

  it('takes MongoDB and etcd by URL and keeps secrets out of ConfigMaps', () => {
    const objects = render(
      '--set',
      'mongodb.url=mongodb://db.example:27017/?replicaSet=rs0',
      '--set',
      'etcd.endpoints=http://etcd.example:2379',
    );
    expect(find(objects, 'ConfigMap', 'lcm-config')?.data).toMatchObject({
      ETCD_ENDPOINTS: 'http://etcd.example:2379',
    });
    expect(find(objects, 'Secret', 'lcm-secrets')?.stringData).toMatchObject({
      MONGO_URL: 'mongodb://db.example:27017/?replicaSet=rs0',
      INTERNAL_API_KEYS: 'an-internal-key-of-32-characters!!',
    });
    for (const configMap of objects.filter((o) => o.kind === 'ConfigMap'))
      expect(
        Object.keys(configMap.data ?? {}).filter((key) =>
          /SECRET|PASSWORD|TOKEN|API_KEY|MONGO_URL/.test(key),
        ),
      ).toEqual([]);
    const env = container(find(objects, 'Deployment', 'lcm-control-plane-api')).env ?? [];
    expect(env.map((variable) => variable.valueFrom?.secretKeyRef?.key)).toEqual(
      expect.arrayContaining(['INTERNAL_API_KEYS', 'MONGO_URL', 'OIDC_CLIENT_SECRET', 'SESSION_SECRET']),
    );
    // An existing Secret replaces the chart's own; without either, rendering refuses.
    const external = render('--set', 'secrets.existingSecret=lcm-from-vault');
    expect(external.some((o) => o.kind === 'Secret')).toBe(false);
    expect(() => execFileSync(tools['HELM']!, ['template', 'lcm', CHART], { stdio: 'pipe' })).toThrow(
      /secrets.internalApiKey is required/,
    );
  });

  it('creates ServiceMonitors that select the Services and ports serving /metrics, and the alert rules as a PrometheusRule', () => {
    const objects = render('--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true');
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors).toHaveLength(4);
    for (const monitor of monitors) {
      const spec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
      const service = objects.find(
        (o) =>
          o.kind === 'Service' &&
          Object.entries(spec.selector.matchLabels).every(
            ([key, value]) => o.metadata.labels?.[key] === value,
          ),
      );
      expect(service).toBeDefined();
      const ports = (service!.spec as { ports: { name: string }[] }).ports.map((port) => port.name);
      expect(ports).toContain(spec.endpoints[0]!.port);
      expect(spec.endpoints[0]!.path).toBe('/metrics');
    }
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    expect(rule?.spec).toEqual(readYaml('deployment/prometheus/alerts.yml'));
    expect(render().some((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule')).toBe(false);
  });

  it('has alert rules and a Prometheus configuration that promtool accepts', () => {
    const { PROMTOOL } = toolPaths('scripts/tools/prometheus.sh');
    expect(
      execFileSync(PROMTOOL!, ['check', 'rules', join(ROOT, 'deployment/prometheus/alerts.yml')], {
        encoding: 'utf8',
      }),
    ).toContain('SUCCESS: 6 rules found');
    // The compose file mounts the rules at /etc/prometheus/alerts.yml; here they are next to the copy.
    const dir = mkdtempSync(join(tmpdir(), 'lcm-prometheus-'));
    writeFileSync(join(dir, 'alerts.yml'), readText('deployment/prometheus/alerts.yml'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      readText('deployment/prometheus/prometheus.yml').replace(
        '/etc/prometheus/alerts.yml',
        join(dir, 'alerts.yml'),
      ),
    );
    expect(
      execFileSync(PROMTOOL!, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' }),
    ).toMatch(/SUCCESS/);
  });
});
