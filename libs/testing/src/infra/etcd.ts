import { randomUUID } from 'node:crypto';
import { Etcd3, type Namespace } from 'etcd3';
import { infraEndpoints } from './endpoints';

export interface TestEtcd {
  client: Etcd3;
  /** Keys under a prefix unique to this test file. */
  namespace: Namespace;
  prefix: string;
  close(): Promise<void>;
}

export function openTestEtcd(): TestEtcd {
  const client = new Etcd3({ hosts: infraEndpoints().etcdEndpoints });
  const prefix = `/lcm-test/${randomUUID()}/`;
  const namespace = client.namespace(prefix);
  return {
    client,
    namespace,
    prefix,
    async close() {
      await namespace.delete().all();
      client.close();
    },
  };
}
