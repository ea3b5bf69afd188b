import { type Etcd3, type IKeyValue, type Watcher } from 'etcd3';
import { type Logger } from '@lcm/observability';

/**
 * Where a controller's keys come from. A watch pushes keys as etcd changes (etcd is only a
 * trigger: the reconcile re-reads the entity through the API); a list names every key that may
 * need work and runs when the replica becomes leader and then at every resync.
 */
export interface KeySource {
  readonly name: string;
  /** Starts pushing keys; standbys watch too, so a takeover starts from a warm queue. */
  watch?(enqueue: (key: string) => void): Promise<void>;
  /** Every key that may need work now. */
  list?(): Promise<readonly string[]>;
  /** Own list interval; defaults to the controller's resync interval. */
  readonly listIntervalMs?: number;
  stop?(): Promise<void>;
}

export interface EtcdPrefixSourceOptions {
  name: string;
  etcd: Etcd3;
  prefix: string;
  /**
   * The entity key an etcd change is about, or null to ignore it. `value` is null for a delete.
   * Parse failures are the mapper's to handle (return null); the watch never throws.
   */
  keyOf: (etcdKey: string, value: string | null) => string | null;
  logger: Logger;
}

/** Watches one etcd prefix and maps each put/delete to an entity key. */
export class EtcdPrefixSource implements KeySource {
  readonly name: string;
  private watcher?: Watcher;

  constructor(private readonly options: EtcdPrefixSourceOptions) {
    this.name = options.name;
  }

  async watch(enqueue: (key: string) => void): Promise<void> {
    const { etcd, prefix, keyOf, logger } = this.options;
    const emit = (kv: IKeyValue, deleted: boolean) => {
      const key = keyOf(kv.key.toString(), deleted ? null : kv.value.toString());
      if (key) enqueue(key);
    };
    this.watcher = await etcd.watch().prefix(prefix).create();
    this.watcher.on('put', (kv) => emit(kv, false));
    this.watcher.on('delete', (kv) => emit(kv, true));
    this.watcher.on('disconnected', (error) => logger.warn({ source: this.name, err: error }, 'etcd watch disconnected; reconnecting'));
    this.watcher.on('connected', () => logger.debug({ source: this.name }, 'etcd watch connected'));
    this.watcher.on('error', (error) => logger.error({ source: this.name, err: error }, 'etcd watch failed'));
  }

  async stop(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
  }
}

/** A source that only lists (through the control plane's API), on the resync or its own interval. */
export class ListSource implements KeySource {
  constructor(
    readonly name: string,
    private readonly lister: () => Promise<readonly string[]>,
    readonly listIntervalMs?: number,
  ) {}

  list(): Promise<readonly string[]> {
    return this.lister();
  }
}
