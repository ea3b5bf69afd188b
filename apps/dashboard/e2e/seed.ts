import { randomUUID } from 'node:crypto';
import {
  apiContract,
  type CmlWorker,
  type LabletDefinition,
  type LabletSession,
  type WorkerTemplate,
} from '@lcm/contracts';
import { type SystemUnderTest } from './system';

const publicRoutes = apiContract.public;
const internalRoutes = apiContract.internal;

export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A template as an admin creates it; `region` apart keeps a test's workers out of others' counts. */
export function workerTemplate(system: SystemUnderTest, region = 'us-east-1'): Promise<WorkerTemplate> {
  return system.admin.call(publicRoutes.workerTemplates.createWorkerTemplate, {
    body: {
      name: uniqueName('e2e-template'),
      instance_type: 'c5.2xlarge',
      capacity: { cpu_cores: 16, memory_gb: 64, storage_gb: 500 },
      license_type: 'ENTERPRISE',
      max_nodes: 100,
      ami_pattern: 'cml-2.*',
      region,
    },
  });
}

/**
 * A RUNNING worker with capacity, made the way the system makes one: an admin creates a template and
 * a worker from it, then the worker-controller reports it provisioned and running.
 */
export async function runningWorker(system: SystemUnderTest): Promise<CmlWorker> {
  const template = await workerTemplate(system);
  const worker = await system.admin.call(publicRoutes.workers.createWorker, {
    body: { template_id: template.id, name: uniqueName('e2e-worker') },
  });
  const params = { worker_id: worker.id };
  await system.internal.call(internalRoutes.workers.patchWorker, {
    params,
    body: { status: 'PROVISIONING' },
  });
  return system.internal.call(internalRoutes.workers.patchWorker, {
    params,
    body: { status: 'RUNNING', service_status: 'AVAILABLE', https_endpoint: 'https://cml.e2e.invalid' },
  });
}

export function activeDefinition(system: SystemUnderTest): Promise<LabletDefinition> {
  return system.admin.call(publicRoutes.labletDefinitions.createDefinition, {
    body: {
      name: uniqueName('e2e-definition'),
      version: '1.0.0',
      topology_yaml: 'lab:\n  title: e2e\nnodes: []\nlinks: []\n',
      resource_requirements: { cpu_cores: 2, memory_gb: 4, storage_gb: 10 },
      max_duration_minutes: 120,
    },
  });
}

export function pendingSession(
  system: SystemUnderTest,
  definitionId: string,
  owner = uniqueName('candidate'),
): Promise<LabletSession> {
  return system.admin.call(publicRoutes.sessions.createSession, {
    body: {
      definition_id: definitionId,
      owner,
      timeslot_end: new Date(Date.now() + 2 * 3600_000).toISOString(),
    },
  });
}

/** What the scheduler and the lablet-controller do between PENDING and READY. */
export async function placeAndMakeReady(
  system: SystemUnderTest,
  sessionId: string,
  workerId: string,
): Promise<LabletSession> {
  const params = { lablet_session_id: sessionId };
  await system.internal.call(internalRoutes.sessions.scheduleSession, {
    params,
    body: { worker_id: workerId },
  });
  await system.internal.call(internalRoutes.sessions.startInstantiation, { params });
  return system.internal.call(internalRoutes.sessions.markReady, {
    params,
    body: {
      lds_session_id: uniqueName('lds'),
      cml_lab_id: uniqueName('cml-lab'),
      login_url: `${system.baseUrl}/health/live`,
      devices: [{ name: 'router-1', protocol: 'ssh', host: '10.0.0.1', port: 2001 }],
    },
  });
}

/** A session READY on a running worker, as the scheduler and the lablet-controller leave it. */
export async function readySession(system: SystemUnderTest): Promise<LabletSession> {
  const definition = await activeDefinition(system);
  const worker = await runningWorker(system);
  const session = await pendingSession(system, definition.id);
  return placeAndMakeReady(system, session.id, worker.id);
}
