import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type Etcd3 } from 'etcd3';
import { type Db } from 'mongodb';
import {
  ControllerName,
  decodeEtcdValue,
  etcdKeys,
  type HealthState,
  type SystemHealth,
} from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { CLOCK, ETCD_CLIENT, MONGO_DB } from '../../../../platform/platform.tokens';

const PROBE_TIMEOUT_MS = 2000;

type Component = SystemHealth['components'][number];

/** Runs a probe with a deadline; the answer says how it went and how long it took. */
async function probe(name: string, work: () => Promise<string | null>): Promise<Component> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    const detail = await Promise.race([work(), deadline]);
    return { name, status: 'ok', detail, latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name, status: 'down', detail: (error as Error).message, latency_ms: null };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * CPA answers (it is running this), MongoDB and etcd answer a ping, and each controller has an
 * elected leader (its lease key in etcd, spec §6). A missing store is `down`; a controller
 * without a leader makes the system `degraded`, since the control plane itself still works.
 */
export class GetSystemHealthQuery extends Query<SystemHealth> {}

@QueryHandler(GetSystemHealthQuery)
export class GetSystemHealthHandler implements IQueryHandler<GetSystemHealthQuery> {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(): Promise<SystemHealth> {
    const [mongo, etcd, ...controllers] = await Promise.all([
      probe('mongodb', async () => {
        await this.db.command({ ping: 1 });
        return null;
      }),
      probe('etcd', async () => {
        await this.etcd.get('/lcm/health-probe').string();
        return null;
      }),
      ...ControllerName.options.map((controller) =>
        probe(controller, async () => {
          const raw = await this.etcd.get(etcdKeys.leader(controller)).string();
          if (raw === null) throw new Error('no elected leader');
          return `leader ${decodeEtcdValue('leader', raw).replica_id}`;
        }),
      ),
    ]);
    const stores = [mongo, etcd] as Component[];
    const status: HealthState = stores.some((c) => c.status === 'down')
      ? 'down'
      : controllers.some((c) => c.status !== 'ok')
        ? 'degraded'
        : 'ok';
    return {
      status,
      checked_at: this.clock.now().toISOString(),
      components: [
        { name: 'control-plane-api', status: 'ok', detail: null, latency_ms: 0 },
        ...stores,
        ...controllers,
      ],
    };
  }
}
