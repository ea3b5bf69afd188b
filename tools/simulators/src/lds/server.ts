import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { buildCloudEvent, CloudEventSink, type DeliveryMode } from '../kit/cloudevents';
import { addControlRoute, addFaultControl, addSettingsControl, addSinkControl, installGlobalFaults, parseControlBody } from '../kit/control';
import { FaultInjector } from '../kit/faults';
import type { ErrorBodyFactory } from '../kit/http';
import { RealScheduler, type Scheduler } from '../kit/scheduler';
import { listen, type SimulatorHandle } from '../kit/server';
import { LdsError, LdsStore, sessionView, type EndedBy, type LdsAction, type LdsEventKind, type LdsSession } from './model';
import { createSessionRequestSchema, sessionPartDeviceSchema } from './schemas';

/** The three naming families of LDS-API.md §5.1; a family without a type for an event does not emit it. */
export type LdsEventFamily = 'seed' | 'pylds' | 'cisco';
export const LDS_EVENT_TYPES: Record<LdsEventFamily, Partial<Record<LdsEventKind, string>>> = {
  seed: { running: 'lds.session.started', userfinished: 'lds.session.user-finished', ended: 'lds.session.ended' },
  pylds: { running: 'io.lablet.lds.session.running.v1', paused: 'io.lablet.lds.session.paused.v1', ended: 'io.lablet.lds.session.ended.v1' },
  cisco: {
    created: 'com.cisco.certs.lds.session.created.v1',
    devicesadded: 'com.cisco.certs.lds.sessionpart.devicesadded.v1',
    running: 'com.cisco.certs.lds.session.running.v1',
    paused: 'com.cisco.certs.lds.session.paused.v1',
    userfinished: 'com.cisco.certs.lds.session.userfinished.v1',
    finalized: 'com.cisco.certs.lds.session.finalized.v1',
  },
};

export interface LdsSimulatorOptions {
  host?: string;
  port?: number;
  /** Basic-auth credentials of the deployment (default `lds` / `lds`). */
  username?: string;
  password?: string;
  /** Browser-facing base of launch URLs; defaults to the simulator's own URL. */
  frontendBaseUrl?: string;
  /** CloudEvents receiver (the lablet-controller's `/api/events`); no events are posted when unset. */
  sinkUrl?: string | null;
  sinkMode?: DeliveryMode;
  family?: LdsEventFamily;
  /** CloudEvent `source` (LDS_CLOUDEVENT_SOURCE on the receiver; default `https://labs.lcm.io`). */
  eventSource?: string;
  /** Simulated candidate: log in this long after the launch URL was issued (null = only on demand). */
  autoLoginAfterMs?: number | null;
  /** ... and finish this long after logging in. */
  autoFinishAfterMs?: number | null;
  scheduler?: Scheduler;
  random?: () => number;
  sinkRetryBaseDelayMs?: number;
  logger?: boolean;
}

export interface LdsSimulator extends SimulatorHandle {
  store: LdsStore;
  sink: CloudEventSink;
  faults: FaultInjector;
  /** `url + /reservations/v3`, the base path the LDS client uses. */
  apiUrl: string;
  /** Drives the simulated candidate exactly like the control API does (emits the CloudEvent). */
  act(sessionId: string, action: LdsAction, end?: { reason?: string; endedBy?: EndedBy }): LdsSession;
}

const ldsErrorBody: ErrorBodyFactory = (status, message) => ({ contentType: 'application/json', body: { detail: message } });

function sendLdsError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof LdsError) {
    const detail = error.field ? [{ loc: ['body', ...error.field], msg: error.message, type: 'value_error' }] : error.message;
    return reply.code(error.status).send({ detail });
  }
  if (error instanceof z.ZodError) {
    return reply.code(422).send({ detail: error.issues.map((i) => ({ loc: ['body', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], msg: i.message, type: i.code })) });
  }
  return reply.code(500).send({ detail: (error as Error).message });
}

const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function startLdsSimulator(options: LdsSimulatorOptions = {}): Promise<LdsSimulator> {
  const scheduler = options.scheduler ?? new RealScheduler();
  const store = new LdsStore(() => scheduler.now());
  const faults = new FaultInjector(options.random);
  const sink = new CloudEventSink({ url: options.sinkUrl ?? null, mode: options.sinkMode ?? 'structured', retryBaseDelayMs: options.sinkRetryBaseDelayMs });
  const username = options.username ?? 'lds';
  const password = options.password ?? 'lds';
  const launchSecret = randomBytes(32);
  const config = {
    family: options.family ?? ('seed' as LdsEventFamily),
    eventSource: options.eventSource ?? 'https://labs.lcm.io',
    frontendBaseUrl: options.frontendBaseUrl ?? null,
    autoLoginAfterMs: options.autoLoginAfterMs ?? null,
    autoFinishAfterMs: options.autoFinishAfterMs ?? null,
  };
  const app = Fastify({ logger: options.logger ?? false });
  let baseUrl = '';

  // An empty body under a JSON content type must reach the release handler (which answers 415), not fail parsing.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Malformed JSON body'), { statusCode: 400 }), undefined);
    }
  });

  const emit = (kind: LdsEventKind, session: LdsSession, extra: Record<string, unknown> = {}) => {
    const type = LDS_EVENT_TYPES[config.family][kind];
    if (!type) return;
    void sink.emit(
      buildCloudEvent({
        type,
        source: config.eventSource,
        subject: session.id,
        time: new Date(scheduler.now()),
        data: { aggregateId: session.id, sessionId: session.id, createdAt: new Date(scheduler.now()).toISOString(), ...extra },
      }),
    );
  };

  const act = (sessionId: string, action: LdsAction, end?: { reason?: string; endedBy?: EndedBy }): LdsSession => {
    const { session, event } = store.apply(sessionId, action, end);
    const extra: Record<string, unknown> = {};
    if (action === 'pause') extra['reason'] = 'Paused by candidate';
    if (action === 'end') Object.assign(extra, { reason: session.endReason, endedBy: session.endedBy });
    emit(event, session, extra);
    if (event === 'running' && action === 'login' && config.autoFinishAfterMs !== null) {
      scheduler.schedule(config.autoFinishAfterMs, () => {
        if (store.sessions.get(sessionId)?.state === 'SESSION_RUNNING') act(sessionId, 'finish');
      });
    }
    return session;
  };

  const signLaunch = (sessionId: string) => {
    const payload = Buffer.from(JSON.stringify({ sid: sessionId, iat: Math.floor(scheduler.now() / 1000) })).toString('base64url');
    return `${payload}.${createHmac('sha256', launchSecret).update(payload).digest('base64url')}`;
  };
  const verifyLaunch = (token: string): string | null => {
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return null;
    if (!safeEqual(signature, createHmac('sha256', launchSecret).update(payload).digest('base64url'))) return null;
    return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string }).sid;
  };

  installGlobalFaults(app, faults, ldsErrorBody);
  addFaultControl(app, () => faults);
  addSinkControl(app, sink);

  // ---- LDS Reservations API v3 -------------------------------------------------------------
  void app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        const match = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
        const [user, ...rest] = match ? Buffer.from(match[1]!, 'base64').toString().split(':') : [];
        if (!match || user !== username || rest.join(':') !== password) {
          return reply.code(401).header('www-authenticate', 'Basic realm="LDS Reservations API v3"').send({ detail: 'Not authenticated' });
        }
      });
      api.setErrorHandler((error, _req, reply) => sendLdsError(reply, error instanceof LdsError || error instanceof z.ZodError ? error : new LdsError((error as { statusCode?: number }).statusCode ?? 500, (error as Error).message)));
      api.setNotFoundHandler((_req, reply) => reply.code(404).send({ detail: 'Not Found' }));

      type P = { session_id: string; part_num: string; fqn: string };
      api.post('/lab_session', async (request, reply) => {
        const body = createSessionRequestSchema.parse(request.body ?? {});
        const session = store.create(body);
        emit('created', session);
        return reply.code(201).send({ session_id: session.id, state: session.state, created_at: session.createdAt });
      });
      api.put('/lab_session/:session_id/part/:part_num/devices', async (request) => {
        const { session_id, part_num } = request.params as P;
        const devices = z.array(sessionPartDeviceSchema).parse(request.body);
        const part = store.setDevices(session_id, Number(part_num), devices);
        emit('devicesadded', store.get(session_id), { partNum: part.partNum, formQualifiedName: part.formQualifiedName });
        return part.devices;
      });
      api.get('/lab_session/:session_id', async (request) => sessionView(store.get((request.params as P).session_id)));
      api.get('/lab_session/:session_id/lablet_launch_url', async (request) => {
        const session = store.get((request.params as P).session_id);
        if (config.autoLoginAfterMs !== null && session.state === 'SESSION_PENDING') {
          scheduler.schedule(config.autoLoginAfterMs, () => {
            if (store.sessions.get(session.id)?.state === 'SESSION_PENDING') act(session.id, 'login');
          });
        }
        return { url: `${config.frontendBaseUrl ?? baseUrl}/lablet/launch?token=${signLaunch(session.id)}` };
      });
      api.post('/lab_session/:session_id/release', async (request, reply) => {
        const session = store.get((request.params as P).session_id);
        // Staging showed that a release without a JSON body is refused with 415 (LDS-API.md §2 #5).
        if (!request.body || typeof request.body !== 'object' || !String(request.headers['content-type'] ?? '').includes('json')) {
          return reply.code(415).send({ detail: 'Unsupported Media Type: a JSON body ({}) is required' });
        }
        const { changed } = store.release(session.id);
        if (changed) emit('finalized', session);
        return reply.code(200).send(sessionView(session));
      });
      api.put('/lab_folder/minio/:fqn', async (request) => store.refreshFolder(decodeURIComponent((request.params as P).fqn)));
    },
    { prefix: '/reservations/v3' },
  );

  // Opening the launch URL in a browser is what logs the candidate in.
  app.get('/lablet/launch', async (request, reply) => {
    const sessionId = verifyLaunch(String((request.query as Record<string, unknown>)['token'] ?? ''));
    const session = sessionId ? store.sessions.get(sessionId) : undefined;
    if (!session) return reply.code(401).type('text/html').send('<html><body><h1>Invalid or expired launch link</h1></body></html>');
    if (session.state === 'SESSION_PENDING' || session.state === 'SESSION_PAUSED') act(session.id, session.state === 'SESSION_PENDING' ? 'login' : 'resume');
    return reply.type('text/html').send(`<html><body><h1>Lablet session ${session.id}</h1><p>State: ${session.state}</p></body></html>`);
  });

  // ---- control API -------------------------------------------------------------------------
  const configSchema = z
    .object({
      family: z.enum(['seed', 'pylds', 'cisco']).optional(),
      eventSource: z.string().min(1).optional(),
      frontendBaseUrl: z.url().nullable().optional(),
      autoLoginAfterMs: z.number().int().min(0).nullable().optional(),
      autoFinishAfterMs: z.number().int().min(0).nullable().optional(),
    })
    .strict();
  addSettingsControl(app, 'lds', config as unknown as Record<string, unknown>, configSchema, () => store.sessions.size);
  addControlRoute(app, 'GET', '/sessions', () => [...store.sessions.values()].map(sessionView));
  const endSchema = z.object({ reason: z.string().optional(), endedBy: z.enum(['timeout', 'user', 'admin', 'system']).optional() }).strict();
  for (const action of ['login', 'pause', 'resume', 'finish', 'end'] as const) {
    addControlRoute(app, 'POST', `/sessions/:id/${action}`, (request: FastifyRequest, reply: FastifyReply) => {
      const end = action === 'end' ? parseControlBody(endSchema, request, reply) : undefined;
      if (action === 'end' && !end) return reply;
      try {
        return sessionView(act((request.params as { id: string }).id, action, end));
      } catch (error) {
        return sendLdsError(reply, error);
      }
    });
  }

  const handle = await listen(app, { host: options.host, port: options.port }, () => {
    scheduler.cancelAll();
    sink.close();
  });
  baseUrl = handle.url;
  return { ...handle, store, sink, faults, apiUrl: `${handle.url}/reservations/v3`, act };
}
