import { type Db } from 'mongodb';
import { Registry } from 'prom-client';
import { registerDomainMetrics } from './domain-metrics';

/** Just enough of a MongoDB database for the scrape-time reads: every read answers `rows` or fails. */
function fakeDb(read: () => Promise<Record<string, unknown>[]>): Db {
  const cursor = { toArray: read };
  return { collection: () => ({ aggregate: () => cursor, find: () => cursor }) } as unknown as Db;
}

describe('domain metrics', () => {
  it('reads sessions and workers by status at scrape time', async () => {
    const registry = new Registry();
    registerDomainMetrics(registry, () => fakeDb(async () => [{ _id: 'RUNNING', count: 3 }]));
    const text = await registry.metrics();
    expect(text).toContain('lcm_sessions{status="RUNNING"} 3');
    expect(text).toContain('lcm_workers{status="RUNNING"} 3');
  });

  it('still answers the scrape when MongoDB is down, leaving those metrics out and counting the failures', async () => {
    const registry = new Registry();
    registerDomainMetrics(registry, () =>
      fakeDb(async () => Promise.reject(new Error('server selection timed out'))),
    );
    const text = await registry.metrics();
    expect(text).not.toMatch(/^lcm_sessions\{/m);
    expect(text).not.toMatch(/^lcm_fleet_capacity\{/m);
    // The counter is serialised alongside the reads, so a failure shows from the next scrape on.
    const next = await registry.metrics();
    expect(next).toMatch(/^lcm_metrics_store_read_failures_total\{metric="lcm_sessions"\} [1-9]$/m);
    expect(next).toMatch(/^lcm_metrics_store_read_failures_total\{metric="lcm_fleet_capacity"\} [1-9]$/m);
  });
});
