import { Controller, Get, Inject } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { type Db } from 'mongodb';
import { ApiError } from '../http/api-error';
import { StoreStartup } from '../mongo/store-startup';
import { ETCD_CLIENT, MONGO_DB } from '../platform.tokens';

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export interface Readiness {
  /** `degraded`: serving, but the etcd projection (and with it SSE and the controllers' view) lags. */
  status: 'up' | 'degraded';
  mongo: 'up';
  etcd: 'up' | 'down';
  projection: 'current' | 'behind';
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    @Inject(StoreStartup) private readonly startup: StoreStartup,
  ) {}

  /** The process is alive; says nothing about its dependencies. */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  /**
   * Ready means "can serve": every read and write needs MongoDB, none needs etcd (docs/architecture.md:
   * the projection is repaired from MongoDB when etcd returns). So only a missing MongoDB takes the
   * replica out of service; an etcd outage, which every replica shares, is reported as degraded.
   */
  @Get('ready')
  async ready(): Promise<Readiness> {
    const [mongo, etcd] = await Promise.all([
      check(() => this.db.command({ ping: 1 })),
      check(() => this.etcd.get('/lcm/health-probe').string()),
    ]);
    if (mongo !== 'up')
      throw new ApiError('DEPENDENCY_UNAVAILABLE', 'MongoDB does not answer; this replica cannot serve.');
    if (!this.startup.ready)
      throw new ApiError(
        'DEPENDENCY_UNAVAILABLE',
        'Starting: the start-up work on the store (indexes, seeds) is not done yet; this replica cannot serve.',
      );
    return etcd === 'up'
      ? { status: 'up', mongo, etcd, projection: 'current' }
      : { status: 'degraded', mongo, etcd, projection: 'behind' };
  }
}
