import { apiContract } from '@lcm/contracts';
import { bindRoutes, type RouteTable } from './bind-routes';
import { CpaApiClient } from './cpa-api-client';
import { CpaHttpCore, type CpaHttpCoreOptions } from './cpa-http-core';

const routes = apiContract.public;

/** The dashboard's view of the public BFF routes (spec §5.2). */
export const publicApiRoutes = {
  sessions: {
    list: routes.sessions.listSessions,
    get: routes.sessions.getSession,
    create: routes.sessions.createSession,
    terminate: routes.sessions.terminateSession,
    transition: routes.sessions.transitionSession,
    extendTimeslot: routes.sessions.extendTimeslot,
    userSession: routes.sessions.getUserSession,
    gradingSession: routes.sessions.getGradingSession,
    scoreReport: routes.sessions.getScoreReport,
    requestGrading: routes.sessions.requestGrading,
    scoreReports: routes.sessions.listScoreReports,
  },
  workers: {
    capacitySummary: routes.workers.getCapacitySummary,
    list: routes.workers.listWorkers,
    get: routes.workers.getWorker,
    create: routes.workers.createWorker,
    import: routes.workers.importWorker,
    scaleUp: routes.workers.scaleUp,
    terminate: routes.workers.terminateWorker,
    start: routes.workers.startWorker,
    stop: routes.workers.stopWorker,
    drain: routes.workers.drainWorker,
    cancelDrain: routes.workers.cancelDrain,
    capacity: routes.workers.getCapacity,
    ports: routes.workers.getPorts,
    sessions: routes.workers.listWorkerSessions,
    labs: routes.workers.listWorkerLabs,
    activity: routes.workers.getActivity,
    idleStatus: routes.workers.getIdleStatus,
    refresh: routes.workers.refreshWorker,
    updateTags: routes.workers.updateTags,
    registerLicense: routes.workers.registerLicense,
    deregisterLicense: routes.workers.deregisterLicense,
    enableIdleDetection: routes.workers.enableIdleDetection,
    disableIdleDetection: routes.workers.disableIdleDetection,
    setMonitoring: routes.workers.setMonitoring,
    recalculateCapacity: routes.workers.recalculateCapacity,
  },
  labRecords: {
    list: routes.labRecords.listLabRecords,
    get: routes.labRecords.getLabRecord,
    topology: routes.labRecords.getLabTopology,
    revisions: routes.labRecords.listLabRevisions,
    runs: routes.labRecords.listLabRuns,
    sessions: routes.labRecords.listLabSessions,
    start: routes.labRecords.startLab,
    stop: routes.labRecords.stopLab,
    wipe: routes.labRecords.wipeLab,
    delete: routes.labRecords.deleteLab,
    clone: routes.labRecords.cloneLab,
    export: routes.labRecords.exportLab,
    archive: routes.labRecords.archiveLab,
    import: routes.labRecords.importLab,
  },
  templates: {
    list: routes.workerTemplates.listWorkerTemplates,
    get: routes.workerTemplates.getWorkerTemplate,
    create: routes.workerTemplates.createWorkerTemplate,
    update: routes.workerTemplates.updateWorkerTemplate,
    delete: routes.workerTemplates.deleteWorkerTemplate,
  },
  definitions: {
    list: routes.labletDefinitions.listDefinitions,
    get: routes.labletDefinitions.getDefinition,
    create: routes.labletDefinitions.createDefinition,
    update: routes.labletDefinitions.updateDefinition,
    deprecate: routes.labletDefinitions.deprecateDefinition,
    versions: routes.labletDefinitions.listDefinitionVersions,
    version: routes.labletDefinitions.getDefinitionVersion,
  },
  settings: {
    get: routes.settings.getSettings,
    update: routes.settings.updateSettings,
  },
  audit: {
    list: routes.audit.listAuditEntries,
  },
  system: {
    health: routes.system.getSystemHealth,
    currentUser: routes.system.getCurrentUser,
    schedulerStatus: routes.system.getSchedulerStatus,
    pendingPlacements: routes.system.listPendingPlacements,
    triggerSchedulerReconcile: routes.system.triggerSchedulerReconcile,
    resignSchedulerLeadership: routes.system.resignSchedulerLeadership,
  },
} as const satisfies Record<string, RouteTable>;

export interface PublicApiClientOptions extends CpaHttpCoreOptions {
  /** Current access token of the user (OIDC); read before every attempt so a refreshed token is picked up. */
  accessToken: () => string | Promise<string>;
}

/** The dashboard's client of `/api/v1`, authenticated as the user by a bearer token. */
export class PublicApiClient extends CpaApiClient<'public'> {
  readonly sessions = bindRoutes(this.core, publicApiRoutes.sessions);
  readonly workers = bindRoutes(this.core, publicApiRoutes.workers);
  readonly labRecords = bindRoutes(this.core, publicApiRoutes.labRecords);
  readonly templates = bindRoutes(this.core, publicApiRoutes.templates);
  readonly definitions = bindRoutes(this.core, publicApiRoutes.definitions);
  readonly settings = bindRoutes(this.core, publicApiRoutes.settings);
  readonly audit = bindRoutes(this.core, publicApiRoutes.audit);
  readonly system = bindRoutes(this.core, publicApiRoutes.system);

  constructor({ accessToken, ...options }: PublicApiClientOptions) {
    super(
      new CpaHttpCore({
        ...options,
        authHeaders: async () => ({ authorization: `Bearer ${await accessToken()}` }),
      }),
    );
  }
}
