import { type EventSourceLike, LiveEventsConnection, type LiveEvent, type Scheduler } from './live-events';

type Listener = (message: { data: string; lastEventId: string }) => void;

/** Stands in for the browser's EventSource: the test plays the server's side of the stream. */
class FakeEventSource implements EventSourceLike {
  onerror: ((event: never) => unknown) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  emit(type: string, data: unknown, id = ''): void {
    for (const listener of this.listeners.get(type) ?? [])
      listener({ data: JSON.stringify(data), lastEventId: id });
  }

  fail(): void {
    this.onerror?.({} as never);
  }
}

/** Timers the test fires by hand, so backoff delays are read, not waited for. */
class ManualScheduler implements Scheduler {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the timers waiting now, shortest first. */
  delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms).sort((a, b) => a - b);
  }

  fireShortest(): void {
    const [handle, timer] = [...this.pending].sort(([, a], [, b]) => a.ms - b.ms)[0] ?? [];
    if (handle === undefined || !timer) throw new Error('no timer pending');
    this.pending.delete(handle);
    timer.callback();
  }
}

const connected = {
  client_id: 'tab-1',
  server_time: '2026-01-01T00:00:00.000Z',
  heartbeat_interval_seconds: 30,
};
const WORKER_ID = '0192f0c4-3a6b-7c1d-8e2f-123456789abc';

function connection() {
  const sources: FakeEventSource[] = [];
  const events: LiveEvent[] = [];
  const states: string[] = [];
  const scheduler = new ManualScheduler();
  const live = new LiveEventsConnection({
    createSource: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    onEvent: (event) => events.push(event),
    onStateChange: (state) => states.push(state),
    scheduler,
    random: () => 1,
    silenceLimitMs: 65_000,
  });
  const current = (): FakeEventSource => {
    const source = sources.at(-1);
    if (!source) throw new Error('no connection opened');
    return source;
  };
  return { live, sources, events, states, scheduler, current };
}

describe('LiveEventsConnection (one SSE connection per tab, spec §8.2)', () => {
  it('opens the stream, reports it open on `connected` and hands on events that match the contract', () => {
    const { live, current, events, states } = connection();
    live.start();
    current().emit('connected', connected);
    current().emit('worker.labs.updated', { worker_id: WORKER_ID, labs_count: 3 }, '41');

    expect(current().url).toBe('/api/v1/events/stream');
    expect(states).toEqual(['connecting', 'open']);
    expect(events.map((event) => event.type)).toEqual(['connected', 'worker.labs.updated']);
    expect(events[1]?.data).toEqual({ worker_id: WORKER_ID, labs_count: 3 });
  });

  it('drops an event whose payload breaks the contract instead of passing it on', () => {
    const { live, current, events } = connection();
    live.start();
    current().emit('worker.labs.updated', { worker_id: 'not-a-uuid', labs_count: -1 }, '7');
    expect(events).toEqual([]);
  });

  it('reconnects after an error with a doubling delay capped at 30 s', () => {
    const { live, current, scheduler, sources } = connection();
    live.start();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      current().fail();
      delays.push(scheduler.delays().at(-1) ?? 0);
      scheduler.fireShortest();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(sources).toHaveLength(8);
    expect(sources.slice(0, -1).every((source) => source.closed)).toBe(true);
  });

  it('resumes from the last event id it saw when it reconnects', () => {
    const { live, current, scheduler } = connection();
    live.start();
    current().emit('connected', connected);
    current().emit('worker.labs.updated', { worker_id: WORKER_ID, labs_count: 1 }, '1207');
    current().fail();
    scheduler.fireShortest();
    expect(current().url).toBe('/api/v1/events/stream?last_event_id=1207');
  });

  it('starts the backoff again from 1 s once a reconnect succeeded', () => {
    const { live, current, scheduler } = connection();
    live.start();
    current().fail();
    scheduler.fireShortest();
    current().fail();
    scheduler.fireShortest();
    current().emit('connected', connected);
    current().fail();
    expect(scheduler.delays()).toContain(1_000);
  });

  it('reconnects at once when the tab becomes visible instead of waiting out the backoff', () => {
    const { live, current, scheduler, sources, states } = connection();
    live.start();
    for (let failures = 0; failures < 5; failures += 1) {
      current().fail();
      scheduler.fireShortest();
    }
    current().fail();
    expect(scheduler.delays()).toContain(30_000);
    live.resume();
    expect(sources).toHaveLength(7);
    expect(scheduler.delays()).not.toContain(30_000);
    expect(states.at(-1)).toBe('reconnecting');
  });

  it('leaves an open connection alone when the tab becomes visible', () => {
    const { live, current, sources } = connection();
    live.start();
    current().emit('connected', connected);
    live.resume();
    expect(sources).toHaveLength(1);
  });

  it('treats the server shutting down like a broken connection', () => {
    const { live, current, scheduler, states } = connection();
    live.start();
    current().emit('connected', connected);
    current().emit('system.sse.shutdown', { reason: 'server shutting down' });
    expect(current().closed).toBe(true);
    expect(states.at(-1)).toBe('reconnecting');
    expect(scheduler.delays()).toContain(1_000);
  });

  it('reconnects when the stream falls silent past two heartbeats', () => {
    const { live, current, scheduler, sources } = connection();
    live.start();
    current().emit('connected', connected);
    expect(scheduler.delays()).toEqual([65_000]);
    scheduler.fireShortest();
    expect(sources[0]?.closed).toBe(true);
    scheduler.fireShortest();
    expect(sources).toHaveLength(2);
  });

  it('closes the stream and every timer on stop', () => {
    const { live, current, scheduler, states } = connection();
    live.start();
    current().fail();
    live.stop();
    expect(scheduler.pending.size).toBe(0);
    expect(states.at(-1)).toBe('closed');
  });
});
