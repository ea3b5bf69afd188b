import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { applyFault, type ErrorBodyFactory } from './http';
import { type FaultInjector } from './faults';
import type { CloudEventSink } from './cloudevents';

/**
 * Every simulator exposes its test controls under `/_control`. The spec documents (proposed) the same
 * surface as `/_sim`, so both prefixes are served and clients written from either document work.
 */
export const CONTROL_PREFIXES = ['/_control', '/_sim'] as const;

export const isControlPath = (url: string): boolean => CONTROL_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`));

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ControlHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

export function addControlRoute(app: FastifyInstance, method: Method, path: string, handler: ControlHandler): void {
  for (const prefix of CONTROL_PREFIXES) {
    app.route({ method, url: `${prefix}${path}`, handler: async (req, reply) => handler(req, reply) });
  }
}

/** Parses a control body with zod; a bad body answers 400 with the issues instead of throwing. */
export function parseControlBody<S extends z.ZodType>(schema: S, request: FastifyRequest, reply: FastifyReply): z.output<S> | undefined {
  const result = schema.safeParse(request.body ?? {});
  if (result.success) return result.data;
  void reply.code(400).send({ error: 'invalid control request', issues: result.error.issues });
  return undefined;
}

/** GET/PUT/DELETE `<prefix>/faults` (and a per-scope path when `path` is given) for one injector. */
export function addFaultControl(app: FastifyInstance, resolve: (req: FastifyRequest) => FaultInjector | undefined, path = '/faults'): void {
  const withInjector = (fn: (inj: FaultInjector, req: FastifyRequest, reply: FastifyReply) => unknown): ControlHandler =>
    (req, reply) => {
      const injector = resolve(req);
      if (!injector) return reply.code(404).send({ error: 'unknown fault scope' });
      return fn(injector, req, reply);
    };
  addControlRoute(app, 'GET', path, withInjector((inj) => inj.current()));
  addControlRoute(
    app,
    'PUT',
    path,
    withInjector((inj, req, reply) => {
      try {
        inj.configure((req.body ?? {}) as never);
        return inj.current();
      } catch (error) {
        return reply.code(400).send({ error: 'invalid fault config', issues: (error as z.ZodError).issues ?? String(error) });
      }
    }),
  );
  addControlRoute(
    app,
    'DELETE',
    path,
    withInjector((inj, _req, reply) => {
      inj.reset();
      return reply.code(204).send();
    }),
  );
}

/** Applies the simulator-wide injector to every non-control request. */
export function installGlobalFaults(app: FastifyInstance, injector: FaultInjector, errorBody: ErrorBodyFactory): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isControlPath(request.url)) return;
    if (await applyFault(injector, request, reply, errorBody)) return reply;
  });
}

const sinkConfigSchema = z
  .object({
    url: z.url().nullable().optional(),
    mode: z.enum(['structured', 'binary']).optional(),
    maxAttempts: z.number().int().min(1).max(20).optional(),
    retryBaseDelayMs: z.number().int().min(0).optional(),
    bearerToken: z.string().nullable().optional(),
  })
  .strict();

/** `<prefix>/sink` (GET/PUT) to point a simulator's CloudEvents elsewhere, and `<prefix>/events` for its delivery log. */
export function addSinkControl(app: FastifyInstance, sink: CloudEventSink): void {
  const view = () => ({ url: sink.url, mode: sink.mode, maxAttempts: sink.maxAttempts, retryBaseDelayMs: sink.retryBaseDelayMs, bearerToken: sink.bearerToken ? '***' : null });
  addControlRoute(app, 'GET', '/sink', view);
  addControlRoute(app, 'PUT', '/sink', (req, reply) => {
    const body = parseControlBody(sinkConfigSchema, req, reply);
    if (!body) return reply;
    if (body.url !== undefined) sink.url = body.url;
    if (body.mode) sink.mode = body.mode;
    if (body.maxAttempts) sink.maxAttempts = body.maxAttempts;
    if (body.retryBaseDelayMs !== undefined) sink.retryBaseDelayMs = body.retryBaseDelayMs;
    if (body.bearerToken !== undefined) sink.bearerToken = body.bearerToken;
    return view();
  });
  addControlRoute(app, 'GET', '/events', () => sink.history);
}

/**
 * The control routes every event-posting simulator has: `/health` (with how many sessions it
 * holds) and `/config` to read and partly change its settings at run time.
 */
export function addSettingsControl<S extends z.ZodType<Record<string, unknown>>>(
  app: FastifyInstance,
  simulator: string,
  config: Record<string, unknown>,
  schema: S,
  sessionCount: () => number,
): void {
  addControlRoute(app, 'GET', '/health', () => ({ status: 'ok', simulator, sessions: sessionCount() }));
  addControlRoute(app, 'GET', '/config', () => config);
  addControlRoute(app, 'PUT', '/config', (request, reply) => {
    const body = parseControlBody(schema, request, reply);
    if (!body) return reply;
    for (const [key, value] of Object.entries(body)) if (value !== undefined) config[key] = value;
    return config;
  });
}
