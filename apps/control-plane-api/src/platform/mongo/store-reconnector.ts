import { type MongoClient } from 'mongodb';
import { type Logger } from '@lcm/observability';

/** How many store timeouts of unbroken failure make the client suspect rather than the store. */
const SUSPECT_AFTER_TIMEOUTS = 3;

/**
 * Watches the store connection once start-up has connected it, and starts the driver's topology
 * afresh (close, connect) when the store has not answered a ping for SUSPECT_AFTER_TIMEOUTS store
 * timeouts. The fault drills (README "Fault drills") cut the store link for seconds and saw the
 * driver's server monitor hang on a connection that never completed: the store was back, but the
 * client kept failing server selection with the error of the dropped connection, so every request
 * answered 503 until the process was restarted. Closing and connecting again replaces that monitor;
 * while the store is really away the connect fails at once and is tried again on the next round.
 */
export class StoreReconnector {
  private timer?: NodeJS.Timeout;
  private failingSince: number | null = null;
  private checking = false;
  private stopped = false;

  constructor(
    private readonly client: Pick<MongoClient, 'db' | 'close' | 'connect'>,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Does nothing once stopped: start-up may finish after a shutdown began. */
  start(): void {
    if (this.stopped) return;
    this.timer = setInterval(() => void this.check(), this.timeoutMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One round: a ping, and a fresh topology when the failures have lasted too long. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.client.db('admin').command({ ping: 1 });
      this.failingSince = null;
    } catch (error) {
      this.failingSince ??= this.now();
      if (this.now() - this.failingSince >= SUSPECT_AFTER_TIMEOUTS * this.timeoutMs) {
        this.logger.warn(
          { err: error, failing_ms: this.now() - this.failingSince },
          'the store has not answered for a while; reconnecting the client',
        );
        this.failingSince = this.now();
        await this.reconnect();
      }
    } finally {
      this.checking = false;
    }
  }

  private async reconnect(): Promise<void> {
    await this.client.close().catch(() => undefined);
    await this.client.connect().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'store reconnect failed; tried again next round');
    });
  }
}
