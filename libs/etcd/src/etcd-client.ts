import { Etcd3 } from 'etcd3';

/** One client per process; endpoints come from the app's validated config (ETCD_ENDPOINTS). */
export function createEtcdClient(endpoints: string[], dialTimeoutMs = 3000): Etcd3 {
  return new Etcd3({ hosts: endpoints, dialTimeout: dialTimeoutMs });
}
