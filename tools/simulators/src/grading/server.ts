import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { buildCloudEvent, CloudEventSink, type DeliveryMode } from '../kit/cloudevents';
import { addControlRoute, addFaultControl, addSettingsControl, addSinkControl, installGlobalFaults, parseControlBody } from '../kit/control';
import { FaultInjector } from '../kit/faults';
import type { ErrorBodyFactory } from '../kit/http';
import { RealScheduler, type Scheduler } from '../kit/scheduler';
import { listen, type SimulatorHandle } from '../kit/server';
import {
  addPartSchema,
  buildScoreReport,
  createSessionSchema,
  GradingError,
  GradingStore,
  podSchema,
  scoringSchema,
  sessionView,
  zodToGradingError,
  type GradingPart,
  type GradingSession,
  type Rubric,
} from './model';

/** `canonical` = LCM names (LDS-API.md §5.2), `assessment` = the peer's `assessment.grading.*.v1` aliases. */
export type GradingEventFamily = 'canonical' | 'assessment';
export const GRADING_EVENT_TYPES: Record<GradingEventFamily, { completed: string; failed: string }> = {
  canonical: { completed: 'grading.session.completed', failed: 'grading.session.failed' },
  assessment: { completed: 'assessment.grading.completed.v1', failed: 'assessment.grading.failed.v1' },
};

export interface GradingOutcome {
  /** Make grading of this session fail (emits the failed event) instead of producing a report. */
  fail?: boolean;
  errorMessage?: string;
  errorCode?: string;
  retryPossible?: boolean;
  /** Per-device-label score overrides (0..10). */
  deviceScores?: Record<string, number>;
}

export interface GradingSimulatorOptions {
  host?: string;
  port?: number;
  /** Time between `POST .../grade` (202) and the score report / CloudEvent. */
  gradingDelayMs?: number;
  rubric?: Rubric;
  /** Fail every grading run (injectable failure mode); per-session outcomes override it. */
  failGrading?: boolean;
  /** Accepted bearer tokens; empty/omitted = any non-empty bearer token is accepted. */
  acceptedTokens?: string[];
  sinkUrl?: string | null;
  sinkMode?: DeliveryMode;
  family?: GradingEventFamily;
  /** CloudEvent `source`; defaults to the simulator's base URL (the engine's configured base URL). */
  eventSource?: string;
  scheduler?: Scheduler;
  random?: () => number;
  sinkRetryBaseDelayMs?: number;
  logger?: boolean;
}

export interface GradingSimulator extends SimulatorHandle {
  store: GradingStore;
  sink: CloudEventSink;
  faults: FaultInjector;
  setOutcome(sessionId: string, outcome: GradingOutcome | null): void;
}

const problem = (status: number, title: string, detail?: string, errors?: Record<string, string[]>) => ({
  type: `https://tools.ietf.org/html/rfc9110#section-15.${status >= 500 ? '6' : '5'}`,
  title,
  status,
  ...(detail ? { detail } : {}),
  ...(errors ? { errors } : {}),
});

const gradingErrorBody: ErrorBodyFactory = (status, message) => ({ contentType: 'application/problem+json', body: problem(status, message) });

/** Responses list YAML first in the OAS; a client that does not ask for JSON gets YAML (GRADING-API.md §1). */
function send(request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const accept = String(request.headers.accept ?? '');
  if (/json/.test(accept)) return reply.code(status).type('application/json').send(JSON.stringify(body));
  return reply.code(status).type('application/yaml').send(stringifyYaml(body));
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const e = error instanceof GradingError ? error : error instanceof z.ZodError ? zodToGradingError(error) : new GradingError(500, 'Internal Server Error', (error as Error).message);
  return send(request, reply, e.status, problem(e.status, e.title, e.detail, e.errors));
}

export async function startGradingSimulator(options: GradingSimulatorOptions = {}): Promise<GradingSimulator> {
  const scheduler = options.scheduler ?? new RealScheduler();
  const store = new GradingStore(() => scheduler.now());
  const faults = new FaultInjector(options.random);
  const sink = new CloudEventSink({ url: options.sinkUrl ?? null, mode: options.sinkMode ?? 'structured', retryBaseDelayMs: options.sinkRetryBaseDelayMs });
  const outcomes = new Map<string, GradingOutcome>();
  const inProgress = new Map<string, () => void>();
  const config = {
    gradingDelayMs: options.gradingDelayMs ?? 0,
    rubric: options.rubric ?? ('port-presence' as Rubric),
    failGrading: options.failGrading ?? false,
    family: options.family ?? ('canonical' as GradingEventFamily),
    eventSource: options.eventSource ?? (null as string | null),
    acceptedTokens: options.acceptedTokens ?? [],
  };
  const app = Fastify({ logger: options.logger ?? false });
  let baseUrl = '';

  const yamlParser = (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, String(body).trim() === '' ? undefined : parseYaml(String(body)));
    } catch (error) {
      done(Object.assign(new Error(`Malformed body: ${(error as Error).message}`), { statusCode: 400 }));
    }
  };
  // The OAS accepts JSON, YAML and text/json request bodies; YAML parsing covers all of them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'text/json', 'application/yaml', 'application/x-yaml'], { parseAs: 'string' }, yamlParser);
  app.addContentTypeParser(/^application\/.*\+json$/, { parseAs: 'string' }, yamlParser);

  const source = () => config.eventSource ?? baseUrl;

  const runGrading = (session: GradingSession, part: GradingPart, recollect: boolean) => {
    const key = `${session.id}\u0000${part.id}`;
    if (inProgress.has(key)) return;
    part.status = 'Grading';
    part.statusReason = null;
    store.touch(session, part, recollect ? 'grade-recollect' : 'grade');
    const cancel = scheduler.schedule(config.gradingDelayMs, () => {
      inProgress.delete(key);
      if (!store.sessions.has(session.id) || !session.parts.includes(part)) return;
      const outcome = outcomes.get(session.id) ?? {};
      const types = GRADING_EVENT_TYPES[config.family];
      const now = store.iso();
      if (outcome.fail ?? config.failGrading) {
        part.status = 'Faulted';
        part.statusReason = outcome.errorMessage ?? 'Simulated grading failure: could not collect device outputs';
        store.touch(session, part, 'grading-faulted');
        void sink.emit(
          buildCloudEvent({
            type: types.failed,
            source: source(),
            subject: session.id,
            time: new Date(scheduler.now()),
            data: { sessionId: session.id, partId: part.id, errorMessage: part.statusReason, errorCode: outcome.errorCode ?? 'COLLECTION_FAILED', failedAt: now, retryPossible: outcome.retryPossible ?? true },
          }),
        );
        return;
      }
      const previous = part.scoreReport;
      const report = buildScoreReport({
        sessionId: session.id,
        partId: part.id,
        pod: part.pod ?? { id: null, devices: [] },
        rubric: config.rubric,
        // A recollect (or the first run) is a new collection generation; every run is a new revision.
        generation: (previous?.generation ?? 0) + (recollect || !previous ? 1 : 0),
        revision: (previous?.revision ?? 0) + 1,
        nowIso: now,
        overrides: outcome.deviceScores,
      });
      part.scoreReport = report;
      part.firstGraded ??= now;
      part.status = 'Graded';
      store.touch(session, part, 'graded');
      const cutScore = store.cutScore(part.id, report.maxScore);
      void sink.emit(
        buildCloudEvent({
          type: types.completed,
          source: source(),
          subject: session.id,
          time: new Date(scheduler.now()),
          data: {
            sessionId: session.id,
            partId: part.id,
            candidateId: session.candidateId,
            ...(session.lds?.id ? { ldsSessionId: session.lds.id } : {}),
            score: report.score,
            maxScore: report.maxScore,
            cutScore,
            passed: report.score >= cutScore,
            generation: report.generation,
            revision: report.revision,
            gradedAt: now,
            scoreReport: report,
          },
        }),
      );
    });
    inProgress.set(key, cancel);
  };

  installGlobalFaults(app, faults, gradingErrorBody);
  addFaultControl(app, () => faults);
  addSinkControl(app, sink);

  void app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        // 401/403 carry no body in the OAS.
        if (!token) return reply.code(401).header('www-authenticate', 'Bearer realm="mozart"').send();
        if (config.acceptedTokens.length > 0 && !config.acceptedTokens.includes(token)) return reply.code(403).send();
      });
      api.setErrorHandler((error, request, reply) => sendError(request, reply, error instanceof GradingError || error instanceof z.ZodError ? error : new GradingError((error as { statusCode?: number }).statusCode ?? 500, (error as Error).message)));
      api.setNotFoundHandler((request, reply) => sendError(request, reply, new GradingError(404, 'Not Found')));

      type P = { sessionId: string; partId: string; sectionIndex: string; itemIndex: string };
      const view = (s: GradingSession) => sessionView(store, s);
      const ok = (request: FastifyRequest, reply: FastifyReply, session: GradingSession) => send(request, reply, 200, view(session));

      api.post('/sessions', async (request, reply) => ok(request, reply, store.create(createSessionSchema.parse(request.body ?? {}))));
      api.get('/sessions/:sessionId', async (request, reply) => ok(request, reply, store.get((request.params as P).sessionId)));
      api.post('/sessions/parts', async (request, reply) => {
        const body = addPartSchema.parse(request.body ?? {});
        return ok(request, reply, store.addPart(body.sessionId, body.part));
      });
      api.delete('/sessions/:sessionId/parts/:partId', async (request, reply) => {
        const { sessionId, partId } = request.params as P;
        inProgress.get(`${sessionId}\u0000${partId}`)?.();
        inProgress.delete(`${sessionId}\u0000${partId}`);
        return ok(request, reply, store.removePart(sessionId, partId));
      });
      api.post('/sessions/:sessionId/parts/:partId/pod', async (request, reply) => {
        const { sessionId, partId } = request.params as P;
        return ok(request, reply, store.setPod(sessionId, partId, podSchema.parse(request.body ?? {}), 'assign'));
      });
      api.put('/sessions/:sessionId/parts/:partId/pod', async (request, reply) => {
        const { sessionId, partId } = request.params as P;
        return ok(request, reply, store.setPod(sessionId, partId, podSchema.parse(request.body ?? {}), 'replace'));
      });
      api.delete('/sessions/:sessionId/parts/:partId/pod', async (request, reply) => {
        const { sessionId, partId } = request.params as P;
        return ok(request, reply, store.removePod(sessionId, partId));
      });
      const grade = async (request: FastifyRequest, reply: FastifyReply) => {
        const { sessionId, partId, sectionIndex, itemIndex } = request.params as P;
        const { session, part } = store.part(sessionId, partId);
        if (!part.pod || (part.pod.devices ?? []).length === 0) throw new GradingError(422, 'No pod assigned', `Part '${partId}' has no pod with devices to grade`);
        if (sectionIndex !== undefined) {
          // Re-grading one item needs an existing report that has that section and item.
          const section = part.scoreReport?.sections[Number(sectionIndex)];
          if (!section || !section.items[Number(itemIndex)]) throw new GradingError(404, 'Not Found', `No item ${itemIndex} in section ${sectionIndex}`);
        }
        runGrading(session, part, String((request.query as Record<string, unknown>)['recollect']) === 'true');
        return reply.code(202).send();
      };
      api.post('/sessions/:sessionId/parts/:partId/grade', grade);
      api.post('/sessions/:sessionId/parts/:partId/sections/:sectionIndex/items/:itemIndex/grade', grade);
      api.post('/sessions/:sessionId/parts/:partId/submit', async (request, reply) => {
        const { sessionId, partId } = request.params as P;
        return ok(request, reply, store.submit(sessionId, partId));
      });
      api.get('/sessions/:sessionId/score/view', async (request, reply) => {
        const session = store.get((request.params as P).sessionId);
        const rows = session.parts.map((p) => `<tr><td>${p.id}</td><td>${p.status}</td><td>${p.scoreReport ? `${p.scoreReport.score}/${p.scoreReport.maxScore}` : '-'}</td></tr>`).join('');
        return reply.type('text/html').send(`<html><body><h1>Score report ${session.id}</h1><table>${rows}</table></body></html>`);
      });
      api.get('/sessions/parts/:partId/ruleset/grading/rules', async (request, reply) => {
        const { partId } = request.params as P;
        const req = store.scoring.get(partId);
        return reply
          .type('application/xml')
          .send(`<?xml version="1.0" encoding="utf-8"?><Ruleset id="${partId}"><Grading><Ruleset><Lab title="${partId}" version="1.0.0"/><Section index="0" mode="auto" points="${10}"/></Ruleset></Grading><Scoring cutScore="${req?.cutScore ?? ''}" minScore="${req?.minScore ?? 0}" rereadScore="${req?.rereadScore ?? 0}"/></Ruleset>`);
      });
      api.get('/sessions/parts/:partId/ruleset/grading/guide', async (request, reply) => reply.type('text/html').send(`<html><body><h1>Grading guide ${(request.params as P).partId}</h1></body></html>`));
      api.post('/sessions/parts/ruleset/grading/synchronize', async (_request, reply) => reply.code(204).send());
      api.put('/sessions/parts/ruleset/scoring', async (request, reply) => {
        const body = scoringSchema.parse(request.body ?? {});
        if (!body.partId) throw new GradingError(400, 'One or more validation errors occurred.', undefined, { partId: ['partId is required'] });
        store.scoring.set(body.partId, body.scoringRequirements);
        return reply.code(204).send();
      });
    },
    { prefix: '/api/v1' },
  );

  const configSchema = z
    .object({
      gradingDelayMs: z.number().int().min(0).optional(),
      rubric: z.enum(['port-presence', 'hashed']).optional(),
      failGrading: z.boolean().optional(),
      family: z.enum(['canonical', 'assessment']).optional(),
      eventSource: z.string().min(1).nullable().optional(),
      acceptedTokens: z.array(z.string().min(1)).optional(),
    })
    .strict();
  const outcomeSchema = z
    .object({
      fail: z.boolean().optional(),
      errorMessage: z.string().optional(),
      errorCode: z.string().optional(),
      retryPossible: z.boolean().optional(),
      deviceScores: z.record(z.string(), z.number().min(0).max(10)).optional(),
    })
    .strict();
  addSettingsControl(app, 'grading', config as unknown as Record<string, unknown>, configSchema, () => store.sessions.size);
  addControlRoute(app, 'GET', '/sessions', () => [...store.sessions.values()].map((s) => sessionView(store, s)));
  addControlRoute(app, 'PUT', '/sessions/:id/outcome', (request, reply) => {
    const body = parseControlBody(outcomeSchema, request, reply);
    if (!body) return reply;
    outcomes.set((request.params as { id: string }).id, body);
    return body;
  });
  addControlRoute(app, 'DELETE', '/sessions/:id/outcome', (request, reply) => {
    outcomes.delete((request.params as { id: string }).id);
    return reply.code(204).send();
  });

  const handle = await listen(app, { host: options.host, port: options.port }, () => {
    scheduler.cancelAll();
    sink.close();
  });
  baseUrl = handle.url;
  return {
    ...handle,
    store,
    sink,
    faults,
    setOutcome: (sessionId, outcome) => {
      if (outcome) outcomes.set(sessionId, outcome);
      else outcomes.delete(sessionId);
    },
  };
}
