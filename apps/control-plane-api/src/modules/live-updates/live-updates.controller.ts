import { Controller, Get, Inject, type OnApplicationShutdown, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { READ_ROLES, SSE_STREAM_PATH } from '@lcm/contracts';
import { APP_CONFIG } from '../../platform/app-config.token';
import { type AppConfig } from '../../config/env.schema';
import { ChangeEventBus } from '../../platform/change-events/change-event-bus';
import { SnapshotRegistry } from '../../platform/change-events/snapshot-registry';
import { SseStream } from './sse-stream';
import { UserAuthenticator } from '../../platform/auth/user-authenticator';

@Controller()
export class LiveUpdatesController implements OnApplicationShutdown {
  private readonly streams = new Set<SseStream>();

  constructor(
    private readonly bus: ChangeEventBus,
    private readonly snapshots: SnapshotRegistry,
    private readonly authenticator: UserAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Browsers' EventSource cannot send headers, so besides the bearer header the token may come as
   * the `access_token` query parameter on this route only.
   */
  @Get(SSE_STREAM_PATH)
  async stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const queryToken = (request.query as Record<string, unknown>)['access_token'];
    await this.authenticator.authenticate(
      request,
      READ_ROLES,
      typeof queryToken === 'string' ? queryToken : undefined,
    );
    // EventSource sends Last-Event-ID only on its own retries; the dashboard, which reconnects
    // under its own backoff with a new EventSource, passes the id as `last_event_id`.
    const lastEventId = Number(
      request.headers['last-event-id'] ?? (request.query as Record<string, unknown>)['last_event_id'],
    );
    reply.hijack();
    const stream = new SseStream(reply.raw, this.bus, () => this.snapshots.snapshot(), {
      heartbeatMs: this.config.SSE_HEARTBEAT_MS,
      now: () => new Date(),
    });
    this.streams.add(stream);
    reply.raw.on('close', () => this.streams.delete(stream));
    await stream.open(Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : undefined);
  }

  onApplicationShutdown(): void {
    this.streams.forEach((stream) => stream.shutdown('server shutting down'));
  }
}
