import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { type AppConfig } from '../../config/env.schema';
import { APP_CONFIG } from '../../platform/app-config.token';
import { ETCD_CLIENT } from '../../platform/platform.tokens';
import { ChangeEventBus } from '../../platform/change-events/change-event-bus';
import { LiveUpdatesController } from './live-updates.controller';
import { SnapshotRegistry } from '../../platform/change-events/snapshot-registry';
import { ProjectionRegistry } from '../../platform/etcd-projection/projection-registry';

/** SSE for the dashboard: committed changes fan out to every CPA process through etcd. */
@Global()
@Module({
  controllers: [LiveUpdatesController],
  providers: [
    {
      provide: ChangeEventBus,
      useFactory: (etcd: Etcd3, config: AppConfig) =>
        new ChangeEventBus(etcd, config.SSE_REPLAY_WINDOW_SECONDS),
      inject: [ETCD_CLIENT, APP_CONFIG],
    },
    SnapshotRegistry,
    ProjectionRegistry,
  ],
  exports: [ChangeEventBus, SnapshotRegistry, ProjectionRegistry],
})
export class LiveUpdatesModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(ChangeEventBus) private readonly bus: ChangeEventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Waits for the event watch at most as long as for one etcd call: etcd away delays no start. */
  async onModuleInit(): Promise<void> {
    await this.bus.start(this.config.ETCD_CALL_TIMEOUT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.stop();
  }
}
