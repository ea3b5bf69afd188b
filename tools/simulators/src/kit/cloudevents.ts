import { randomUUID } from 'node:crypto';

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  [extension: string]: unknown;
}

export type DeliveryMode = 'structured' | 'binary';
export const DELIVERY_MODES: readonly DeliveryMode[] = ['structured', 'binary'];

export function buildCloudEvent(init: { type: string; source: string; subject?: string; data: unknown; time?: Date; id?: string }): CloudEvent {
  return {
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    source: init.source,
    type: init.type,
    ...(init.subject !== undefined ? { subject: init.subject } : {}),
    time: (init.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: init.data,
  };
}

/**
 * CloudEvents HTTP binding: header values are percent-encoded UTF-8 for space, `"`, `%` and anything
 * outside U+0021..U+007E.
 */
export function percentEncodeHeaderValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x21 || byte > 0x7e || ch === '"' || ch === '%' ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

export function encodeCloudEvent(event: CloudEvent, mode: DeliveryMode): { headers: Record<string, string>; body: string } {
  if (mode === 'structured') {
    return { headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: JSON.stringify(event) };
  }
  const { data, datacontenttype, ...attributes } = event;
  // In binary mode Content-Type *is* datacontenttype, so no ce-datacontenttype header is sent.
  const headers: Record<string, string> = { 'content-type': datacontenttype ?? 'application/json' };
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    headers[`ce-${name}`] = percentEncodeHeaderValue(String(value));
  }
  const isJson = /[/+]json(;|$)/.test(headers['content-type'] ?? '');
  return { headers, body: isJson ? JSON.stringify(data ?? null) : String(data ?? '') };
}

export interface DeliveryRecord {
  event: CloudEvent;
  mode: DeliveryMode;
  url: string | null;
  attempts: number;
  status: number | null;
  error: string | null;
  delivered: boolean;
  at: string;
}

export interface CloudEventSinkOptions {
  url?: string | null;
  mode?: DeliveryMode;
  /** Total attempts per event (first try included); non-2xx and network errors are retried. */
  maxAttempts?: number;
  /** First retry delay; doubles on each retry so receiver idempotency gets exercised realistically. */
  retryBaseDelayMs?: number;
  /** Optional bearer credential the receiver may require (LDS-API.md §6: per-sender token). */
  bearerToken?: string | null;
  historyLimit?: number;
}

/** Posts CloudEvents to a configured URL; keeps a bounded history for the control API. */
export class CloudEventSink {
  url: string | null;
  mode: DeliveryMode;
  maxAttempts: number;
  retryBaseDelayMs: number;
  bearerToken: string | null;
  private readonly historyLimit: number;
  private readonly records: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<DeliveryRecord>>();
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: CloudEventSinkOptions = {}) {
    this.url = options.url ?? null;
    this.mode = options.mode ?? 'structured';
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 200;
    this.bearerToken = options.bearerToken ?? null;
    this.historyLimit = options.historyLimit ?? 500;
  }

  get history(): readonly DeliveryRecord[] {
    return this.records;
  }

  /** Starts delivery in the background; the promise resolves with the final record (never rejects). */
  emit(event: CloudEvent): Promise<DeliveryRecord> {
    // Deliveries are queued one after another so the receiver sees events in the order they happened
    // (login before finish), as a single LDS publisher would send them.
    const promise = this.tail.then(() => this.deliver(event)).finally(() => this.inFlight.delete(promise));
    this.tail = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(promise);
    return promise;
  }

  /** Waits for deliveries in flight, e.g. before a test asserts on what the receiver got. */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
  }

  private async deliver(event: CloudEvent): Promise<DeliveryRecord> {
    const record: DeliveryRecord = { event, mode: this.mode, url: this.url, attempts: 0, status: null, error: null, delivered: false, at: new Date().toISOString() };
    this.records.push(record);
    if (this.records.length > this.historyLimit) this.records.shift();
    if (!this.url) {
      record.error = 'no sink configured';
      return record;
    }
    const { headers, body } = encodeCloudEvent(event, record.mode);
    if (this.bearerToken) headers['authorization'] = `Bearer ${this.bearerToken}`;
    for (let attempt = 1; attempt <= this.maxAttempts && !this.closed; attempt++) {
      record.attempts = attempt;
      try {
        const response = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        record.status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          record.delivered = true;
          record.error = null;
          return record;
        }
        record.error = `HTTP ${response.status}`;
        // 4xx other than 408/429 means the receiver rejected the event itself; resending cannot help.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) return record;
      } catch (error) {
        record.error = (error as Error).message;
      }
      if (attempt < this.maxAttempts) await new Promise((r) => setTimeout(r, this.retryBaseDelayMs * 2 ** (attempt - 1)));
    }
    return record;
  }
}
