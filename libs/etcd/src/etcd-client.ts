import { Etcd3 } from 'etcd3';

export interface EtcdClientResilience {
  /** Deadline of every unary call (not watches), so a partitioned etcd fails calls instead of hanging them. */
  callTimeoutMs: number;
}

/**
 * One client per process; endpoints come from the app's validated config (ETCD_ENDPOINTS).
 * With `resilience`, unary calls get a deadline, a dead connection is noticed by keepalive pings,
 * and reconnect attempts stay at most a second or two apart, so the client is usable again
 * within seconds of etcd's return instead of after a grown reconnect backoff.
 */
export function createEtcdClient(
  endpoints: string[],
  dialTimeoutMs = 3000,
  resilience?: EtcdClientResilience,
): Etcd3 {
  if (!resilience) return new Etcd3({ hosts: endpoints, dialTimeout: dialTimeoutMs });
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: dialTimeoutMs,
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + resilience.callTimeoutMs },
    grpcOptions: {
      'grpc.keepalive_time_ms': 5_000,
      'grpc.keepalive_timeout_ms': 2_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2_000,
    },
  });
}
