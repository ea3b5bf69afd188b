import { SSE_EVENT_PAYLOADS, SSE_STREAM_PATH, type SseEvent, SseEventType } from '@lcm/contracts';

/** The part of the browser's EventSource this connection uses; tests pass a fake. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (message: { data: string; lastEventId: string }) => void): void;
  /** `never`: the error event carries nothing this connection reads, so any event type fits. */
  onerror: ((event: never) => unknown) | null;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A live event as the cache sees it: its type and its payload checked against the contract. */
export type LiveEvent = Pick<SseEvent, 'type' | 'data'>;

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LiveEventsOptions {
  createSource: EventSourceFactory;
  onEvent: (event: LiveEvent) => void;
  onStateChange?: (state: ConnectionState) => void;
  scheduler?: Scheduler;
  /** Spreads reconnecting tabs over time; tests pass a constant. */
  random?: () => number;
  baseDelayMs?: number;
  /** Spec §8.2: reconnect with backoff capped at 30 s. */
  maxDelayMs?: number;
  /** Heartbeats come every 30 s (spec §8.2); two missed ones mean the connection is dead. */
  silenceLimitMs?: number;
}

export const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * One SSE connection per tab (spec §8.2): the stream of change events with reconnects under our
 * own backoff, resuming from the last event id the tab saw so nothing in between is lost.
 */
export class LiveEventsConnection {
  private source?: EventSourceLike;
  private state: ConnectionState = 'closed';
  private attempt = 0;
  private lastEventId?: string;
  private retryTimer?: unknown;
  private silenceTimer?: unknown;
  private readonly scheduler: Scheduler;
  private readonly random: () => number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly silenceLimitMs: number;

  constructor(private readonly options: LiveEventsOptions) {
    this.scheduler = options.scheduler ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
    };
    this.random = options.random ?? Math.random;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? MAX_RECONNECT_DELAY_MS;
    this.silenceLimitMs = options.silenceLimitMs ?? 65_000;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  start(): void {
    if (this.source || this.retryTimer !== undefined) return;
    this.connect('connecting');
  }

  stop(): void {
    this.clearTimers();
    this.source?.close();
    this.source = undefined;
    this.setState('closed');
  }

  /** The tab became visible again: a broken connection is retried now instead of after its backoff. */
  resume(): void {
    if (this.state === 'open' || this.state === 'connecting') return;
    this.clearTimers();
    this.connect('reconnecting');
  }

  /** The delay before reconnect attempt `attempt` (1-based): doubling, jittered, capped. */
  reconnectDelay(attempt: number): number {
    const exponential = this.baseDelayMs * 2 ** Math.min(attempt - 1, 16);
    return Math.min(this.maxDelayMs, exponential * (0.5 + this.random() / 2));
  }

  private connect(state: ConnectionState): void {
    this.retryTimer = undefined;
    this.setState(state);
    const resumeFrom = this.lastEventId ? `?last_event_id=${encodeURIComponent(this.lastEventId)}` : '';
    const source = this.options.createSource(`${SSE_STREAM_PATH}${resumeFrom}`);
    this.source = source;
    source.onerror = () => this.reconnectLater();
    for (const type of SseEventType.options) {
      source.addEventListener(type, (message) => this.receive(source, type, message));
    }
    this.watchSilence();
  }

  private receive(
    source: EventSourceLike,
    type: SseEventType,
    message: { data: string; lastEventId: string },
  ): void {
    if (source !== this.source) return;
    this.watchSilence();
    if (message.lastEventId) this.lastEventId = message.lastEventId;
    if (type === 'connected') {
      this.attempt = 0;
      this.setState('open');
    }
    if (type === 'system.sse.shutdown') {
      this.reconnectLater();
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(message.data);
    } catch {
      return;
    }
    const parsed = SSE_EVENT_PAYLOADS[type].safeParse(payload);
    // An event this build does not understand is skipped, never allowed to corrupt the cache.
    if (parsed.success) this.options.onEvent({ type, data: parsed.data } as LiveEvent);
  }

  private reconnectLater(): void {
    this.source?.close();
    this.source = undefined;
    this.clearTimers();
    this.attempt += 1;
    this.setState('reconnecting');
    this.retryTimer = this.scheduler.setTimeout(
      () => this.connect('reconnecting'),
      this.reconnectDelay(this.attempt),
    );
  }

  private watchSilence(): void {
    if (this.silenceTimer !== undefined) this.scheduler.clearTimeout(this.silenceTimer);
    this.silenceTimer = this.scheduler.setTimeout(() => this.reconnectLater(), this.silenceLimitMs);
  }

  private clearTimers(): void {
    if (this.retryTimer !== undefined) this.scheduler.clearTimeout(this.retryTimer);
    if (this.silenceTimer !== undefined) this.scheduler.clearTimeout(this.silenceTimer);
    this.retryTimer = undefined;
    this.silenceTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
