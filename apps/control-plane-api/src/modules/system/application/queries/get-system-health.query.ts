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
 * The etcd projection as readiness reports it (platform/health): every read and write needs only
 * MongoDB, and what etcd missed is republished from MongoDB when it answers again
 * (docs/architecture.md), so an etcd outage delays SSE events and the controllers' view, nothing more.
 */
function projectionOf(etcd: Component): Component {
  return etcd.status === 'ok'
    ? { name: 'etcd-projection', status: 'ok', detail: 'current', latency_ms: null }
    : {
        name: 'etcd-projection',
        status: 'degraded',
        detail: 'behind: etcd does not answer; writes go on and are republished when it returns',
        latency_ms: null,
      };
}

/**
 * CPA answers (it is running this), MongoDB and etcd answer a ping, and each controller has an
 * elected leader (its lease key in etcd, spec §6). Only a missing MongoDB makes the system `down`
 * (nothing can be served, as readiness says); a missing etcd, whose projection then lags, and a
 * controller without a leader make it `degraded`, since the control plane itself still works.
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
    const projection = projectionOf(etcd);
    const status: HealthState =
      mongo.status === 'down'
        ? 'down'
        : [etcd, projection, ...controllers].some((c) => c.status !== 'ok')
          ? 'degraded'
          : 'ok';
    return {
      status,
      checked_at: this.clock.now().toISOString(),
      components: [
        { name: 'control-plane-api', status: 'ok', detail: null, latency_ms: 0 },
        mongo,
        etcd,
        projection,
        ...controllers,
      ],
    };
  }
}
