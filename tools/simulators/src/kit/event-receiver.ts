import Fastify from 'fastify';
import type { CloudEvent, DeliveryMode } from './cloudevents';

export interface ReceivedEvent {
  mode: DeliveryMode;
  event: CloudEvent;
  headers: Record<string, string | string[] | undefined>;
}

export interface CloudEventReceiver {
  url: string;
  events: ReceivedEvent[];
  /** Status the receiver answers with (default 202); lets tests exercise the sender's retries. */
  respondWith(status: number): void;
  waitFor(predicate: (e: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): Promise<void>;
}

/** Percent-decoding after removing RFC 7230 double quotes, as the CloudEvents HTTP binding requires. */
function decodeHeader(value: string): string {
  const unquoted = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  return decodeURIComponent(unquoted);
}

/**
 * A small CloudEvents HTTP receiver standing in for the lablet-controller's `/api/events`. It decodes
 * both content modes the same way the real receiver must, so tests see what LCM would see.
 */
export async function startCloudEventReceiver(options: { host?: string; port?: number; path?: string } = {}): Promise<CloudEventReceiver> {
  const path = options.path ?? '/api/events';
  const app = Fastify({ logger: false });
  const events: ReceivedEvent[] = [];
  const waiters: Array<{ predicate: (e: ReceivedEvent) => boolean; resolve: (e: ReceivedEvent) => void }> = [];
  let status = 202;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(path, async (request, reply) => {
    if (status >= 300) return reply.code(status).send();
    const contentType = String(request.headers['content-type'] ?? '');
    const raw = String(request.body ?? '');
    let received: ReceivedEvent;
    if (contentType.startsWith('application/cloudevents+json')) {
      received = { mode: 'structured', event: JSON.parse(raw) as CloudEvent, headers: request.headers };
    } else {
      const attributes: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.startsWith('ce-') && typeof value === 'string') attributes[name.slice(3)] = decodeHeader(value);
      }
      if (!attributes['specversion'] || !attributes['id'] || !attributes['source'] || !attributes['type']) {
        return reply.code(415).send();
      }
      const isJson = /[/+]json(;|$)/.test(contentType.split(';')[0] ?? '') || /[/+]json/.test(contentType);
      const event = { ...attributes, datacontenttype: contentType, data: isJson && raw ? JSON.parse(raw) : raw } as CloudEvent;
      received = { mode: 'binary', event, headers: request.headers };
    }
    events.push(received);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(received)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    }
    return reply.code(status).send();
  });

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url: `${address}${path}`,
    events,
    respondWith: (s) => {
      status = s;
    },
    waitFor: (predicate, timeoutMs = 5000) => {
      const existing = events.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching CloudEvent within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    close: () => app.close(),
  };
}
