import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addControlRoute, addFaultControl, installGlobalFaults, parseControlBody } from '../kit/control';
import { FaultInjector } from '../kit/faults';
import { applyFault, type ErrorBodyFactory } from '../kit/http';
import { RealScheduler, type Scheduler } from '../kit/scheduler';
import { listen, type SimulatorHandle } from '../kit/server';
import { CmlError, CmlWorker, exportTopologyYaml, type CmlLatencies, type TelemetryCategory, type WorkerOptions } from './model';
import * as view from './views';

export interface CmlFleetSimulatorOptions {
  host?: string;
  /** 0 picks a free port (tests); the CLI default is 9440. */
  port?: number;
  /** Default latencies for every worker (zero unless given). */
  latencies?: Partial<CmlLatencies>;
  /** Unknown worker keys are registered on first use with `defaultCredentials` (default true). */
  autoRegister?: boolean;
  defaultCredentials?: { username: string; password: string };
  /** Defaults applied to every registered worker (capacity, token lifetime, readiness delay, ...). */
  workerDefaults?: Omit<WorkerOptions, 'key'>;
  workers?: WorkerOptions[];
  scheduler?: Scheduler;
  random?: () => number;
  logger?: boolean;
}

export interface CmlFleetSimulator extends SimulatorHandle {
  fleet: CmlFleet;
  /** Simulator-wide fault injection (per-worker injectors live on `fleet.faultsFor(key)`). */
  faults: FaultInjector;
  /** `http://host:port/workers/<key>` — what a client would call `https://<worker-ip>`. */
  workerBaseUrl(key: string): string;
  /** `workerBaseUrl(key)/api/v0` — the CML API root of that worker. */
  workerApiUrl(key: string): string;
}

const KEY_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

/** The workers one fleet simulator serves, each with its own state, credentials and fault injector. */
export class CmlFleet {
  private readonly workers = new Map<string, { worker: CmlWorker; faults: FaultInjector }>();
  private readonly secret = randomBytes(32).toString('hex');

  constructor(
    private readonly scheduler: Scheduler,
    private readonly defaults: Omit<WorkerOptions, 'key'>,
    private readonly random: () => number,
  ) {}

  register(options: WorkerOptions): { worker: CmlWorker; created: boolean } {
    if (!KEY_PATTERN.test(options.key)) throw new CmlError(400, `worker key must match ${KEY_PATTERN.source}`);
    const existing = this.workers.get(options.key);
    if (existing) return { worker: existing.worker, created: false };
    const worker = new CmlWorker(
      { ...this.defaults, ...options, latencies: { ...this.defaults.latencies, ...options.latencies } },
      this.scheduler,
      this.secret,
    );
    this.workers.set(options.key, { worker, faults: new FaultInjector(this.random) });
    return { worker, created: true };
  }

  get(key: string): CmlWorker | undefined {
    return this.workers.get(key)?.worker;
  }

  faultsFor(key: string): FaultInjector | undefined {
    return this.workers.get(key)?.faults;
  }

  remove(key: string): boolean {
    const entry = this.workers.get(key);
    if (!entry) return false;
    for (const lab of entry.worker.labs.values()) for (const node of lab.nodes) node.cancelPending?.();
    return this.workers.delete(key);
  }

  list(): CmlWorker[] {
    return [...this.workers.values()].map((e) => e.worker);
  }

  setLatencies(latencies: Partial<CmlLatencies>): void {
    this.defaults.latencies = { ...this.defaults.latencies, ...latencies };
    for (const worker of this.list()) worker.latencies = { ...worker.latencies, ...latencies };
  }
}

const cmlErrorBody: ErrorBodyFactory = (status, message) => ({ contentType: 'application/json', body: { code: status, description: message } });

const boolQuery = (value: unknown): boolean | undefined => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : undefined);

function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof CmlError) return reply.code(error.status).type('application/json').send({ code: error.status, description: error.message });
  return reply.code(500).type('application/json').send({ code: 500, description: (error as Error).message ?? 'Internal Server Error' });
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body;
  if (raw === undefined || raw === null || raw === '') return {};
  try {
    const parsed = JSON.parse(String(raw)) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new Error('not an object');
  } catch {
    throw new CmlError(400, 'Request body must be a JSON object');
  }
}

/** Quoted JSON string, the way CML answers `/authenticate`, `/labs/{id}/state` or `PATCH node`. */
const jsonString = (reply: FastifyReply, value: string) => reply.type('application/json').send(JSON.stringify(value));

const PUBLIC_PATHS = new Set(['/authenticate', '/auth_extended', '/system_information', '/system/maintenance_mode']);
const API_PREFIX = '/workers/:workerKey/api/v0';

type Params = { workerKey: string; lab_id: string; node_id: string; console_id: string; label: string };

function registerCmlApi(app: FastifyInstance, fleet: CmlFleet, scheduler: Scheduler, autoRegister: boolean, credentials: { username: string; password: string }): void {
  const workerOf = (request: FastifyRequest): CmlWorker => {
    const { workerKey } = request.params as Params;
    const worker = fleet.get(workerKey);
    if (!worker) throw new CmlError(404, `Unknown worker ${workerKey}`);
    return worker;
  };

  void app.register(
    async (api) => {
      // Import bodies arrive as YAML under any Content-Type (virl2 posts the raw file); every route
      // therefore receives the body as text and parses JSON itself.
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

      api.addHook('onRequest', async (request, reply) => {
        const { workerKey } = request.params as Params;
        if (!fleet.get(workerKey)) {
          if (!autoRegister || !KEY_PATTERN.test(workerKey)) return sendError(reply, new CmlError(404, `Unknown worker ${workerKey}`));
          fleet.register({ key: workerKey, ...credentials });
        }
        const worker = fleet.get(workerKey)!;
        if (worker.phase === 'offline') {
          reply.hijack();
          request.raw.socket.destroy();
          return reply;
        }
        if (worker.phase === 'booting') {
          // What nginx in front of a booting CML controller answers.
          return reply.code(502).type('text/html').send('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
        }
        if (await applyFault(fleet.faultsFor(workerKey)!, request, reply, cmlErrorBody)) return reply;
        const routePath = (request.routeOptions.url ?? '').slice(`${API_PREFIX}`.length);
        const isPublic = PUBLIC_PATHS.has(routePath) && !(routePath === '/system/maintenance_mode' && request.method !== 'GET');
        if (!isPublic) {
          try {
            worker.checkToken(request.headers.authorization);
          } catch (error) {
            return sendError(reply, error);
          }
        }
      });

      api.setNotFoundHandler((_request, reply) => sendError(reply, new CmlError(404, 'Not Found')));
      api.setErrorHandler((error, _request, reply) => sendError(reply, error instanceof CmlError ? error : new CmlError((error as { statusCode?: number }).statusCode ?? 500, (error as Error).message)));

      type Handler = (worker: CmlWorker, request: FastifyRequest, reply: FastifyReply) => unknown;
      const route = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, handler: Handler) =>
        api.route({ method, url, handler: async (request, reply) => handler(workerOf(request), request, reply) });
      const labOf = (w: CmlWorker, r: FastifyRequest) => w.getLab((r.params as Params).lab_id);

      // -- auth
      route('POST', '/authenticate', (w, r, reply) => {
        const body = jsonBody(r);
        return jsonString(reply, w.authenticate(body['username'], body['password']));
      });
      route('POST', '/auth_extended', (w, r) => {
        const body = jsonBody(r);
        const token = w.authenticate(body['username'], body['password']);
        return { username: w.username, id: w.userId, token, admin: true, error: null };
      });
      route('GET', '/authok', (_w, _r, reply) => jsonString(reply, 'OK'));
      route('DELETE', '/logout', (w, r) => w.logout(r.headers.authorization, boolQuery((r.query as Record<string, unknown>)['clear_all_sessions']) === true));
      route('GET', '/web_session_timeout', (w) => Math.floor(w.tokenLifetimeMs / 1000));

      // -- readiness and metrics
      route('GET', '/system_information', (w) => view.systemInformation(w));
      route('GET', '/system_health', (w) => view.systemHealth(w));
      route('GET', '/system_stats', (w) => view.systemStats(w));
      route('GET', '/system/compute_hosts', (w) => view.computeHosts(w));
      route('GET', '/telemetry/events', (w) => w.telemetry);
      route('GET', '/system/maintenance_mode', (w) => ({ maintenance_mode: w.maintenanceMode, notice: null, resolved_notice: null }));

      // -- licensing
      route('GET', '/licensing', (w) => view.licensingStatus(w));
      route('POST', '/licensing/registration', (w, r, reply) => {
        const body = jsonBody(r);
        w.registerLicense(body['token'], body['reregister'] === true);
        return reply.code(204).send();
      });
      route('DELETE', '/licensing/deregistration', (w, _r, reply) => {
        w.deregisterLicense();
        return reply.code(204).send();
      });

      // -- labs
      route('GET', '/labs', (w) => [...w.labs.keys()]);
      route('GET', '/populate_lab_tiles', (w) => view.labTiles(w));
      route('POST', '/import', async (w, r) => {
        const title = (r.query as Record<string, unknown>)['title'];
        const text = typeof r.body === 'string' ? r.body : '';
        if (text.trim().length === 0) throw new CmlError(400, 'Import failed: empty topology');
        if (w.latencies.importMs > 0) await new Promise<void>((resolve) => scheduler.schedule(w.latencies.importMs, resolve));
        const { lab, warnings } = w.importTopology(text, typeof title === 'string' ? title : undefined);
        return { id: lab.id, warnings };
      });
      route('GET', '/labs/:lab_id', (w, r) => view.labResponse(w, labOf(w, r)));
      route('DELETE', '/labs/:lab_id', (w, r, reply) => {
        w.deleteLab(labOf(w, r));
        return reply.code(204).send();
      });
      route('GET', '/labs/:lab_id/state', (w, r, reply) => jsonString(reply, w.labState(labOf(w, r))));
      route('GET', '/labs/:lab_id/lab_element_state', (w, r) => view.labElementState(w, labOf(w, r)));
      route('GET', '/labs/:lab_id/check_if_converged', (w, r) => w.converged(labOf(w, r)));
      for (const action of ['start', 'stop', 'wipe'] as const) {
        route('PUT', `/labs/:lab_id/${action}`, (w, r, reply) => {
          const lab = labOf(w, r);
          if (action === 'start') w.startLab(lab);
          else if (action === 'stop') w.stopLab(lab);
          else w.wipeLab(lab);
          return reply.code(204).send();
        });
      }
      route('GET', '/labs/:lab_id/download', (w, r, reply) => {
        const lab = labOf(w, r);
        w.recordTelemetry('export_lab', { lab_id: lab.id, user_id: w.userId });
        // Real servers send the YAML text, not the JSON string the OAS declares (CML-API.md §3.4).
        return reply.type('application/x-yaml').send(exportTopologyYaml(lab));
      });
      route('GET', '/labs/:lab_id/topology', (w, r) => view.topologyResponse(w, labOf(w, r), boolQuery((r.query as Record<string, unknown>)['exclude_configurations'])));
      route('GET', '/labs/:lab_id/events', (w, r) => labOf(w, r).events);

      // -- nodes
      const nodeOpts = (r: FastifyRequest) => {
        const q = r.query as Record<string, unknown>;
        return { operational: boolQuery(q['operational']), excludeConfigurations: boolQuery(q['exclude_configurations']), simplified: boolQuery(q['simplified']) === true };
      };
      route('GET', '/labs/:lab_id/nodes', (w, r) => {
        const lab = labOf(w, r);
        if (boolQuery((r.query as Record<string, unknown>)['data']) !== true) return lab.nodes.map((n) => n.id);
        return lab.nodes.map((n) => view.nodeResponse(w, n, nodeOpts(r)));
      });
      route('GET', '/nodes', (w, r) => [...w.labs.values()].flatMap((lab) => lab.nodes.map((n) => view.nodeResponse(w, n, nodeOpts(r)))));
      route('GET', '/labs/:lab_id/nodes/:node_id', (w, r) => {
        const lab = labOf(w, r);
        return view.nodeResponse(w, w.getNode(lab, (r.params as Params).node_id, 400), nodeOpts(r));
      });
      route('PATCH', '/labs/:lab_id/nodes/:node_id', (w, r, reply) => {
        const lab = labOf(w, r);
        const node = w.getNode(lab, (r.params as Params).node_id);
        w.updateNode(lab, node, jsonBody(r));
        return jsonString(reply, node.id);
      });
      route('GET', '/labs/:lab_id/nodes/:node_id/state', (w, r) => {
        const node = w.getNode(labOf(w, r), (r.params as Params).node_id);
        return { state: node.state, progress: node.state === 'BOOTED' ? 'Booted' : node.state === 'STARTED' ? 'Booting' : 'Not running' };
      });
      for (const action of ['start', 'stop'] as const) {
        route('PUT', `/labs/:lab_id/nodes/:node_id/state/${action}`, (w, r, reply) => {
          const lab = labOf(w, r);
          const node = w.getNode(lab, (r.params as Params).node_id);
          if (action === 'start') w.startNode(lab, node);
          else w.stopNode(lab, node);
          return reply.code(204).send();
        });
      }
      route('PUT', '/labs/:lab_id/nodes/:node_id/wipe_disks', (w, r, reply) => {
        const lab = labOf(w, r);
        w.wipeNode(lab, w.getNode(lab, (r.params as Params).node_id));
        return reply.code(204).send();
      });
      route('PUT', '/labs/:lab_id/nodes/:node_id/extract_configuration', (w, r) => {
        const lab = labOf(w, r);
        w.extractConfiguration(lab, w.getNode(lab, (r.params as Params).node_id));
        return {};
      });
      route('GET', '/labs/:lab_id/nodes/:node_id/consoles/:console_id/log', (w, r, reply) => {
        const node = w.getNode(labOf(w, r), (r.params as Params).node_id);
        if (!node.consoleKey || node.consoleKey !== (r.params as Params).console_id) throw new CmlError(404, 'Console log not found');
        const lines = Number((r.query as Record<string, unknown>)['lines']);
        return jsonString(reply, view.consoleLog(node, Number.isInteger(lines) && lines > 0 ? lines : undefined));
      });
      route('GET', '/labs/:lab_id/find/node/label/:label', (w, r, reply) => {
        const id = labOf(w, r).nodes.find((n) => n.label === (r.params as Params).label)?.id;
        return reply.type('application/json').send(JSON.stringify(id ?? null));
      });
    },
    { prefix: API_PREFIX },
  );
}

const workerOptionsSchema = z
  .object({
    key: z.string().regex(KEY_PATTERN),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    hostname: z.string().regex(/^[a-zA-Z\d.-]{1,64}$/).optional(),
    version: z.string().optional(),
    cpus: z.number().int().positive().optional(),
    memoryMb: z.number().int().positive().optional(),
    diskGb: z.number().int().positive().optional(),
    maxRunningNodes: z.number().int().min(0).optional(),
    tokenLifetimeMs: z.number().int().positive().optional(),
    readyAfterMs: z.number().int().min(0).optional(),
    licensed: z.boolean().optional(),
    failingLicenseTokens: z.array(z.string()).optional(),
    productLicense: z.enum(['CML_Enterprise', 'CML_Personal', 'CML_Personal40', 'CML_Education', 'CML_Evaluation']).optional(),
    latencies: z.record(z.enum(['importMs', 'queueMs', 'bootMs', 'stopMs', 'wipeMs', 'licenseRegistrationMs']), z.number().int().min(0)).optional(),
  })
  .strict();

const workerPatchSchema = z
  .object({
    phase: z.enum(['running', 'booting', 'offline']).optional(),
    ready: z.boolean().nullable().optional(),
    maintenanceMode: z.boolean().optional(),
    tokenLifetimeMs: z.number().int().positive().optional(),
    licenseAuthorization: z.enum(['IN_COMPLIANCE', 'EVAL', 'OUT_OF_COMPLIANCE']).optional(),
    latencies: z.record(z.enum(['importMs', 'queueMs', 'bootMs', 'stopMs', 'wipeMs', 'licenseRegistrationMs']), z.number().int().min(0)).optional(),
  })
  .strict();

const telemetrySchema = z
  .object({
    category: z.enum(['start_lab', 'stop_lab', 'queue_node', 'stop_node', 'start_node', 'boot_node', 'wipe_node', 'import_lab', 'export_lab', 'user_activity', 'license_info', 'running_nodes', 'system_stats']),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

function registerCmlControl(app: FastifyInstance, fleet: CmlFleet, baseUrl: () => string): void {
  const summary = (w: CmlWorker) => ({
    key: w.key,
    baseUrl: `${baseUrl()}/workers/${w.key}`,
    apiUrl: `${baseUrl()}/workers/${w.key}/api/v0`,
    username: w.username,
    hostname: w.hostname,
    computeId: w.computeId,
    phase: w.phase,
    ready: w.ready,
    license: w.license,
    latencies: w.latencies,
    labs: [...w.labs.values()].map((l) => ({ id: l.id, title: l.title, state: w.labState(l), nodes: l.nodes.map((n) => ({ id: n.id, label: n.label, state: n.state, tags: n.tags })) })),
  });
  const workerParam = (r: FastifyRequest) => fleet.get((r.params as { key: string }).key);

  addControlRoute(app, 'GET', '/health', () => ({ status: 'ok', simulator: 'cml', workers: fleet.list().length }));
  addControlRoute(app, 'GET', '/workers', () => fleet.list().map(summary));
  addControlRoute(app, 'POST', '/workers', (r, reply) => {
    const body = parseControlBody(workerOptionsSchema, r, reply);
    if (!body) return reply;
    const { worker, created } = fleet.register(body as WorkerOptions);
    return reply.code(created ? 201 : 200).send(summary(worker));
  });
  addControlRoute(app, 'GET', '/workers/:key', (r, reply) => {
    const w = workerParam(r);
    return w ? summary(w) : reply.code(404).send({ error: 'unknown worker' });
  });
  addControlRoute(app, 'PATCH', '/workers/:key', (r, reply) => {
    const w = workerParam(r);
    if (!w) return reply.code(404).send({ error: 'unknown worker' });
    const body = parseControlBody(workerPatchSchema, r, reply);
    if (!body) return reply;
    if (body.phase) w.phase = body.phase;
    if (body.ready !== undefined) w.readyOverride = body.ready;
    if (body.maintenanceMode !== undefined) w.maintenanceMode = body.maintenanceMode;
    if (body.tokenLifetimeMs) w.tokenLifetimeMs = body.tokenLifetimeMs;
    if (body.licenseAuthorization) w.license.authorization = body.licenseAuthorization;
    if (body.latencies) w.latencies = { ...w.latencies, ...body.latencies };
    return summary(w);
  });
  addControlRoute(app, 'DELETE', '/workers/:key', (r, reply) => reply.code(fleet.remove((r.params as { key: string }).key) ? 204 : 404).send());
  addControlRoute(app, 'POST', '/workers/:key/expire-tokens', (r, reply) => {
    const w = workerParam(r);
    return w ? { expired: w.expireTokens() } : reply.code(404).send({ error: 'unknown worker' });
  });
  addControlRoute(app, 'POST', '/workers/:key/telemetry', (r, reply) => {
    const w = workerParam(r);
    if (!w) return reply.code(404).send({ error: 'unknown worker' });
    const body = parseControlBody(telemetrySchema, r, reply);
    if (!body) return reply;
    w.recordTelemetry(body.category as TelemetryCategory, { user_id: w.userId, ...body.data }, body.timestamp ? new Date(body.timestamp).toISOString() : undefined);
    return reply.code(201).send(w.telemetry[w.telemetry.length - 1]);
  });
  addControlRoute(app, 'POST', '/workers/:key/labs/:labId/nodes/:nodeId/disconnect', (r, reply) => {
    const { labId, nodeId } = r.params as { labId: string; nodeId: string };
    const w = workerParam(r);
    const lab = w?.labs.get(labId);
    const node = lab?.nodes.find((n) => n.id === nodeId);
    if (!w || !lab || !node) return reply.code(404).send({ error: 'unknown worker, lab or node' });
    w.disconnectNode(lab, node);
    return reply.code(204).send();
  });
  addControlRoute(app, 'PUT', '/latencies', (r, reply) => {
    const body = parseControlBody(workerPatchSchema.shape.latencies.unwrap(), r, reply);
    if (!body) return reply;
    fleet.setLatencies(body);
    return { applied: body };
  });
  addFaultControl(app, (r) => fleet.faultsFor((r.params as { key: string }).key), '/workers/:key/faults');
}

export async function startCmlFleetSimulator(options: CmlFleetSimulatorOptions = {}): Promise<CmlFleetSimulator> {
  const scheduler = options.scheduler ?? new RealScheduler();
  const random = options.random ?? Math.random;
  const credentials = options.defaultCredentials ?? { username: 'admin', password: 'admin' };
  const fleet = new CmlFleet(scheduler, { ...options.workerDefaults, latencies: { ...options.workerDefaults?.latencies, ...options.latencies } }, random);
  const faults = new FaultInjector(random);
  const app = Fastify({ logger: options.logger ?? false });
  let baseUrl = '';

  installGlobalFaults(app, faults, cmlErrorBody);
  addFaultControl(app, () => faults);
  registerCmlControl(app, fleet, () => baseUrl);
  registerCmlApi(app, fleet, scheduler, options.autoRegister ?? true, credentials);
  for (const worker of options.workers ?? []) fleet.register(worker);

  const handle = await listen(app, { host: options.host, port: options.port }, () => scheduler.cancelAll());
  baseUrl = handle.url;
  return {
    ...handle,
    fleet,
    faults,
    workerBaseUrl: (key) => `${handle.url}/workers/${key}`,
    workerApiUrl: (key) => `${handle.url}/workers/${key}/api/v0`,
  };
}
