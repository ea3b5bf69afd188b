import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from '../../config/env.schema';
import { APP_CONFIG } from '../../platform/app-config.token';
import { ETCD_CLIENT, LOGGER } from '../../platform/platform.tokens';
import { ProjectionRegistry } from '../../platform/etcd-projection/projection-registry';

const PROBE_KEY = '/lcm/health-probe';

/**
 * Decision 18: etcd only ever holds what MongoDB says, so instead of an outbox every key is
 * rewritten from MongoDB at start-up, after etcd comes back (noticed by a cheap periodic probe,
 * which also catches a republish that failed half-way) and by a periodic safety resync that
 * repairs any write lost between a Mongo commit and its etcd write.
 */
@Injectable()
export class ProjectionRepublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timers: NodeJS.Timeout[] = [];
  private stale = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly registry: ProjectionRegistry,
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.republishAll('start-up');
    this.timers = [
      setInterval(
        () => void this.republishAll('periodic resync'),
        this.config.PROJECTION_RESYNC_SECONDS * 1000,
      ),
      setInterval(() => void this.probe(), this.config.PROJECTION_ETCD_PROBE_SECONDS * 1000),
    ];
    this.timers.forEach((timer) => timer.unref());
  }

  onApplicationShutdown(): void {
    this.timers.forEach((timer) => clearInterval(timer));
  }

  /** Runs every registered projector; a run already under way is joined, not doubled. */
  republishAll(reason: string): Promise<void> {
    this.running ??= this.runProjectors(reason).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runProjectors(reason: string): Promise<void> {
    const results = await Promise.allSettled(
      this.registry.all().map((projector) => projector.republishAll()),
    );
    const failed = this.registry.all().filter((_projector, index) => results[index]?.status === 'rejected');
    results.forEach((result, index) => {
      if (result.status === 'rejected')
        this.logger.warn(
          { err: result.reason, projector: this.registry.all()[index]?.name, reason },
          'etcd republish failed; retried when etcd answers',
        );
    });
    this.stale = failed.length > 0;
    // Debug: it repeats every PROJECTION_RESYNC_SECONDS; failures above are the lines that matter.
    if (!this.stale)
      this.logger.debug(
        { reason, projectors: this.registry.all().map((projector) => projector.name) },
        'etcd projection republished',
      );
  }

  private async probe(): Promise<void> {
    try {
      await this.etcd.get(PROBE_KEY).string();
    } catch {
      this.stale = true;
      return;
    }
    if (this.stale) await this.republishAll('etcd reconnected');
  }
}
