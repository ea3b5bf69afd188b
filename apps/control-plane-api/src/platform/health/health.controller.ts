import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { type Db } from 'mongodb';
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

@Controller('health')
export class HealthController {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
  ) {}

  /** The process is alive; says nothing about its dependencies. */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  /** Ready to serve: MongoDB and etcd both answer. */
  @Get('ready')
  @HttpCode(200)
  async ready(): Promise<{ status: 'up'; mongo: 'up'; etcd: 'up' }> {
    const [mongo, etcd] = await Promise.all([
      check(() => this.db.command({ ping: 1 })),
      check(() => this.etcd.get('/lcm/health-probe').string()),
    ]);
    if (mongo !== 'up' || etcd !== 'up')
      throw new ServiceUnavailableException(`mongo ${mongo}, etcd ${etcd}`);
    return { status: 'up', mongo, etcd };
  }
}
