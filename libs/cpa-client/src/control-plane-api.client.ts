import {
  apiContract,
  type ControllerName,
  INTERNAL_ACTOR_HEADER,
  INTERNAL_API_KEY_HEADER,
  LEADER_TERM_HEADER,
} from '@lcm/contracts';
import { bindRoutes, type BoundRoutes, type RouteTable } from './bind-routes';
import { CpaApiClient } from './cpa-api-client';
import { CpaHttpCore, type CpaHttpCoreOptions, type RouteCaller } from './cpa-http-core';

const internal = apiContract.internal;

/** Method names of spec §5.4, each bound to its internal route. */
export const controlPlaneApiRoutes = {
  sessions: {
    list: internal.sessions.listSessions,
    get: internal.sessions.getSession,
    reconcilable: internal.sessions.listReconcilableSessions,
    schedule: internal.sessions.scheduleSession,
    scheduleBatch: internal.sessions.scheduleBatch,
    startInstantiation: internal.sessions.startInstantiation,
    expire: internal.sessions.expireSession,
    transition: internal.sessions.transitionSession,
    updateSessionLab: internal.sessions.updateSessionLab,
    markReady: internal.sessions.markReady,
    notifySessionStarted: internal.sessions.notifySessionStarted,
    updatePipelineProgress: internal.sessions.updatePipelineProgress,
    markCleanupCompleted: internal.sessions.markCleanupCompleted,
  },
  children: {
    createUserSession: internal.sessions.createUserSession,
    updateUserSessionStatus: internal.sessions.updateUserSessionStatus,
    createGradingSession: internal.sessions.createGradingSession,
    updateGradingSessionStatus: internal.sessions.updateGradingSessionStatus,
    createScoreReport: internal.sessions.createScoreReport,
    findUserSessions: internal.sessions.findUserSessions,
    findGradingSessions: internal.sessions.findGradingSessions,
  },
  definitions: {
    list: internal.labletDefinitions.listDefinitions,
    get: internal.labletDefinitions.getDefinition,
  },
  settings: {
    get: internal.settings.getSettings,
  },
  templates: {
    list: internal.workerTemplates.listWorkerTemplates,
    get: internal.workerTemplates.getWorkerTemplate,
  },
  workers: {
    list: internal.workers.listWorkers,
    get: internal.workers.getWorker,
    patch: internal.workers.patchWorker,
    reportMetrics: internal.workers.reportMetrics,
    reportActivity: internal.workers.reportActivity,
    requestScaleUp: internal.workers.scaleUp,
    import: internal.workers.importWorker,
    drain: internal.workers.drainWorker,
    stop: internal.workers.stopWorker,
    sessions: internal.workers.listWorkerSessions,
    capacity: internal.workers.listCapacity,
    completeLicenseOperation: internal.workers.completeLicenseOperation,
    requestLabDiscovery: internal.workers.requestLabDiscovery,
    clearLabDiscoveryRequest: internal.workers.clearLabDiscoveryRequest,
  },
  scheduler: {
    reportUnschedulable: internal.scheduler.reportUnschedulable,
  },
  labs: {
    discover: internal.labRecords.discoverLabs,
    list: internal.labRecords.listLabRecords,
    get: internal.labRecords.getLabRecord,
    create: internal.labRecords.registerLabImport,
    updateStatus: internal.labRecords.updateLabStatus,
    updateTopology: internal.labRecords.updateLabTopology,
    claimPorts: internal.labRecords.claimLabPorts,
    recordRun: internal.labRecords.recordLabRun,
    completeAction: internal.labRecords.completeLabAction,
    failAction: internal.labRecords.failLabAction,
  },
} as const satisfies Record<string, RouteTable>;

/** The controllers' view of the control plane: one bound method per route, as the real client and its fakes offer it. */
export type ControlPlane = {
  readonly [Group in keyof typeof controlPlaneApiRoutes]: BoundRoutes<(typeof controlPlaneApiRoutes)[Group]>;
};

/** Binds every controller route to `caller` (the HTTP core, or a fake in unit tests). */
export const bindControlPlane = (caller: RouteCaller): ControlPlane => ({
  sessions: bindRoutes(caller, controlPlaneApiRoutes.sessions),
  children: bindRoutes(caller, controlPlaneApiRoutes.children),
  definitions: bindRoutes(caller, controlPlaneApiRoutes.definitions),
  settings: bindRoutes(caller, controlPlaneApiRoutes.settings),
  templates: bindRoutes(caller, controlPlaneApiRoutes.templates),
  workers: bindRoutes(caller, controlPlaneApiRoutes.workers),
  labs: bindRoutes(caller, controlPlaneApiRoutes.labs),
  scheduler: bindRoutes(caller, controlPlaneApiRoutes.scheduler),
});

/** Spec §5.3: expiring an already EXPIRED session answers 200 without change, so a lost answer may be asked again. */
const IDEMPOTENT_POSTS = new Set([internal.sessions.expireSession]);

export interface ControlPlaneApiClientOptions extends CpaHttpCoreOptions {
  apiKey: string;
  /** Recorded by CPA as the actor of every change this client makes. */
  actor: ControllerName;
  /**
   * The leader term of the calling replica (the revision of its leader key), read at every call;
   * CPA refuses writes from an older term, so a deposed leader's late calls cannot win.
   */
  leaderTerm?: () => string | undefined;
}

/** The controllers' client of `/api/internal` (spec §5.4), authenticated by the shared API key. */
export class ControlPlaneApiClient extends CpaApiClient<'internal'> implements ControlPlane {
  private readonly bound = bindControlPlane(this.core);
  readonly sessions = this.bound.sessions;
  readonly children = this.bound.children;
  readonly definitions = this.bound.definitions;
  readonly settings = this.bound.settings;
  readonly templates = this.bound.templates;
  readonly workers = this.bound.workers;
  readonly labs = this.bound.labs;
  readonly scheduler = this.bound.scheduler;

  constructor({ apiKey, actor, leaderTerm, ...options }: ControlPlaneApiClientOptions) {
    super(
      new CpaHttpCore({
        ...options,
        idempotentPosts: IDEMPOTENT_POSTS,
        authHeaders: () => {
          const term = leaderTerm?.();
          return {
            [INTERNAL_API_KEY_HEADER]: apiKey,
            [INTERNAL_ACTOR_HEADER]: actor,
            ...(term ? { [LEADER_TERM_HEADER]: `${actor}:${term}` } : {}),
          };
        },
      }),
    );
  }
}
