import { z } from 'zod';
import { openTestEtcd, type TestEtcd } from '@lcm/testing';
import { EtcdJsonStore, type KeyChange } from './etcd-store';

const Value = z.object({ status: z.string() });
type Value = z.infer<typeof Value>;

describe('EtcdJsonStore against a real etcd', () => {
  let etcd: TestEtcd;
  let store: EtcdJsonStore;
  const key = (name: string) => `${etcd.prefix}${name}`;

  beforeAll(() => {
    etcd = openTestEtcd();
    store = new EtcdJsonStore(etcd.client);
  });
  afterAll(() => etcd.close());

  it('round-trips a schema-checked value and refuses to write an invalid one', async () => {
    await store.put(key('a'), Value, { status: 'RUNNING' });
    expect(await store.get(key('a'), Value)).toEqual({ status: 'RUNNING' });
    await expect(store.put(key('b'), Value, { status: 42 } as unknown as Value)).rejects.toThrow();
    expect(await store.get(key('b'), Value)).toBeNull();
  });

  it('delivers a put and a delete to a prefix watch', async () => {
    const changes: KeyChange<Value>[] = [];
    const invalid: string[] = [];
    const watcher = await store.watchPrefix(
      key('watched/'),
      Value,
      (c) => changes.push(c),
      (k) => invalid.push(k),
    );
    await store.put(key('watched/1'), Value, { status: 'PENDING' });
    await etcd.client.put(key('watched/bad')).value('not json');
    await store.delete(key('watched/1'));
    await waitFor(() => changes.length === 2 && invalid.length === 1);
    await watcher.cancel();
    expect(changes).toEqual([
      { kind: 'put', key: key('watched/1'), value: { status: 'PENDING' } },
      { kind: 'delete', key: key('watched/1') },
    ]);
    expect(invalid).toEqual([key('watched/bad')]);
  });

  it('removes a key when its lease expires', async () => {
    const lease = etcd.client.lease(1, { autoKeepAlive: false });
    await store.put(key('leased'), Value, { status: 'LEADER' }, lease);
    expect(await store.get(key('leased'), Value)).toEqual({ status: 'LEADER' });
    await waitFor(async () => (await store.get(key('leased'), Value)) === null, 6000);
    expect(await store.get(key('leased'), Value)).toBeNull();
  });

  it('lists the values under a prefix, reporting unparseable ones', async () => {
    await store.put(key('list/x'), Value, { status: 'A' });
    await etcd.client.put(key('list/y')).value('{"status":1}');
    const invalid: string[] = [];
    const listed = await store.list(key('list/'), Value, (k) => invalid.push(k));
    expect([...listed.entries()]).toEqual([[key('list/x'), { status: 'A' }]]);
    expect(invalid).toEqual([key('list/y')]);
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
