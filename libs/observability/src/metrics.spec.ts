import { Gauge } from 'prom-client';
import { createMetricsRegistry } from './metrics';

describe('createMetricsRegistry', () => {
  it('labels every series with the service and extra labels, and takes domain metrics next to the runtime ones', async () => {
    const registry = createMetricsRegistry({
      service: 'worker-controller',
      labels: { controller: 'worker-controller' },
    });
    const workers = new Gauge({
      name: 'lcm_test_workers',
      help: 'test gauge',
      labelNames: ['status'],
      registers: [registry],
    });
    workers.set({ status: 'RUNNING' }, 3);

    const text = await registry.metrics();
    expect(text).toContain(
      'lcm_test_workers{status="RUNNING",service="worker-controller",controller="worker-controller"} 3',
    );
    expect(text).toMatch(
      /^nodejs_heap_size_used_bytes\{service="worker-controller",controller="worker-controller"\} \d+/m,
    );
  });

  it('keeps registries of two apps in one process apart', async () => {
    const a = createMetricsRegistry({ service: 'a' });
    const b = createMetricsRegistry({ service: 'b' });
    new Gauge({ name: 'lcm_only_in_a', help: 'test gauge', registers: [a] }).set(1);
    expect(await a.metrics()).toContain('lcm_only_in_a');
    expect(await b.metrics()).not.toContain('lcm_only_in_a');
  });
});
