import { auditContract } from './audit/audit.contract';
import type { Route } from './http/route';
import { schedulerInternalContract } from './events/scheduler-events';
import { labRecordsContract, labRecordsInternalContract } from './lab-records/lab-records.contract';
import {
  labletDefinitionsContract,
  labletDefinitionsInternalContract,
} from './lablet-definitions/lablet-definitions.contract';
import { sessionsContract, sessionsInternalContract } from './sessions/sessions.contract';
import { settingsContract, settingsInternalContract } from './settings/settings.contract';
import { systemContract } from './system/system.contract';
import {
  workerTemplatesContract,
  workerTemplatesInternalContract,
} from './worker-templates/worker-templates.contract';
import { workersContract, workersInternalContract } from './workers/workers.contract';

/** Every HTTP route of the control-plane API, grouped by audience and resource. */
export const apiContract = {
  public: {
    sessions: sessionsContract,
    labRecords: labRecordsContract,
    workers: workersContract,
    workerTemplates: workerTemplatesContract,
    labletDefinitions: labletDefinitionsContract,
    settings: settingsContract,
    audit: auditContract,
    system: systemContract,
  },
  internal: {
    sessions: sessionsInternalContract,
    labRecords: labRecordsInternalContract,
    workers: workersInternalContract,
    workerTemplates: workerTemplatesInternalContract,
    labletDefinitions: labletDefinitionsInternalContract,
    settings: settingsInternalContract,
    scheduler: schedulerInternalContract,
  },
} as const;

/** All routes flat, for router registration and contract-wide checks. */
export const allRoutes = (): Route[] =>
  [...Object.values(apiContract.public), ...Object.values(apiContract.internal)].flatMap(
    (group) => Object.values(group) as Route[],
  );
