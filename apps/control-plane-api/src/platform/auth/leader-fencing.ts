import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Etcd3, type IKeyValue, type Watcher } from 'etcd3';
import { ControllerName, etcdKeys } from '@lcm/contracts';
import { type Logger } from '@lcm/observability';
import { ApiError } from '../http/api-error';
import { ETCD_CLIENT, LOGGER } from '../platform.tokens';

const TERM = /^(resource-scheduler|worker-controller|lablet-controller):(\d+)$/;

/**
 * Fencing of controller writes (docs/decisions/reconcilers.md): a controller replica sends its
 * leader term, the etcd revision that created its leader key. The control plane follows the leader
 * keys and refuses a write whose term is older than the newest term it has seen, or than the
 * deletion of the key that term created — so a deposed leader's late calls cannot win over its
 * successor's. Calls without a term (operators' tools, tests) are not fenced.
 */
@Injectable()
export class LeaderFencing implements OnModuleInit, OnModuleDestroy {
  private readonly floors = new Map<ControllerName, bigint>();
  private readonly watchers: Watcher[] = [];
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // Start-up never waits on etcd; until the watch runs, the floors only rise from the terms seen.
    void this.follow();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await Promise.all(this.watchers.map((watcher) => watcher.cancel().catch(() => undefined)));
  }

  /** Throws STALE_LEADER for an outdated term, VALIDATION_FAILED for a malformed one. */
  check(header: string | string[] | undefined): void {
    if (header === undefined) return;
    const match = typeof header === 'string' ? TERM.exec(header) : null;
    if (!match) {
      throw new ApiError('VALIDATION_FAILED', 'x-lcm-leader-term: expected <controller>:<revision>', [
        { field: 'x-lcm-leader-term', message: 'expected <controller>:<revision>' },
      ]);
    }
    const controller = match[1] as ControllerName;
    const term = BigInt(match[2] as string);
    const floor = this.floors.get(controller) ?? 0n;
    if (term < floor) {
      throw new ApiError(
        'STALE_LEADER',
        `${controller} term ${term} is older than the current term ${floor}; this replica no longer leads`,
      );
    }
    this.raise(controller, term);
  }

  private raise(controller: ControllerName, revision: bigint): void {
    if (revision > (this.floors.get(controller) ?? 0n)) this.floors.set(controller, revision);
  }

  private async follow(): Promise<void> {
    try {
      for (const controller of ControllerName.options) {
        const key = etcdKeys.leader(controller);
        const current = await this.etcd.get(key).exec();
        const kv = current.kvs[0];
        if (kv) this.raise(controller, BigInt(kv.create_revision));
        const watcher = await this.etcd.watch().key(key).create();
        watcher.on('put', (change: IKeyValue) => this.raise(controller, BigInt(change.create_revision)));
        watcher.on('delete', (change: IKeyValue) => this.raise(controller, BigInt(change.mod_revision)));
        this.watchers.push(watcher);
      }
    } catch (error) {
      if (this.closed) return;
      this.logger.warn({ err: error }, 'following the controllers’ leader keys failed; retrying');
      await Promise.all(this.watchers.splice(0).map((watcher) => watcher.cancel().catch(() => undefined)));
      this.retry = setTimeout(() => void this.follow(), 5_000);
      this.retry.unref();
    }
  }
}
