import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type FastifyInstance } from 'fastify';
import { type Logger } from '@lcm/observability';
import { ApiError } from '../http/api-error';
import { sendProblem } from '../http/problem-details.filter';
import { LOGGER } from '../platform.tokens';

/** How long start-up waits before trying a failed step again. */
const RETRY_AFTER_FAILURE_MS = 2_000;

/**
 * The start-up work that needs the store (the connect, indexes, expiry sweeps, template seeds).
 * A slow or unreachable store must not stop the control plane from starting: it listens at once,
 * reports not-ready on /health/ready and answers 503 with Retry-After (as during a store outage at
 * runtime, platform/http/problem-details.ts), while these steps run in the order they were
 * registered, each tried again until it succeeds; then the replica is ready by itself.
 */
@Injectable()
export class StoreStartup implements OnApplicationShutdown {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /** Every registered step has succeeded. */
  get ready(): boolean {
    return this.pending === 0;
  }

  /** Resolves once every step registered so far has succeeded (tests and tools wait on it). */
  async whenReady(): Promise<void> {
    while (!this.ready) await this.queue;
  }

  /** Runs `step` after the steps registered before it, again and again until it succeeds. */
  register(name: string, step: () => Promise<void>): void {
    this.pending += 1;
    this.queue = this.queue.then(async () => {
      await this.untilDone(name, step);
      this.pending -= 1;
      if (this.ready && !this.stopped) this.logger.info('store start-up done; ready to serve');
    });
  }

  private async untilDone(name: string, step: () => Promise<void>): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt += 1) {
      try {
        await step();
        return;
      } catch (error) {
        // A warning once, then debug: a long outage would otherwise log every two seconds.
        this.logger[attempt === 1 ? 'warn' : 'debug'](
          { err: error, step: name, attempt },
          'store start-up step failed; not ready, retrying',
        );
        await new Promise<void>((resolve) => {
          this.retryTimer = setTimeout(resolve, RETRY_AFTER_FAILURE_MS);
        });
      }
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }
}

/**
 * Served while starting: the probes (/health/ready says why it is not ready) and the metrics,
 * which an operator needs most when the store is away and which read nothing the start-up creates.
 */
const SERVED_WHILE_STARTING = ['/health/', '/metrics'];

/**
 * Until start-up is done every other request answers 503 with Retry-After: an index or seed the
 * request relies on may not exist yet.
 */
export function refuseUntilStoreReady(fastify: FastifyInstance, startup: StoreStartup, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (startup.ready || SERVED_WHILE_STARTING.some((prefix) => request.url.startsWith(prefix)))
      return done();
    sendProblem(
      new ApiError('DEPENDENCY_UNAVAILABLE', 'Starting: the data store has not answered yet; retry shortly.'),
      request,
      reply,
      logger,
    );
  });
}
