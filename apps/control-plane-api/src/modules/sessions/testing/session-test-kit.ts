import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { type Etcd3 } from 'etcd3';
import { type Capacity, INTERNAL_API_KEY_HEADER, type Role } from '@lcm/contracts';
import { ControlPlaneApiClient, PublicApiClient } from '@lcm/cpa-client';
import { type CmlWorker, type LabletDefinition, type LabRecord } from '@lcm/domain';
import { aDefinition, aLabRecord, aWorker } from '@lcm/testing';
import { AuditLog } from '../../../platform/audit/audit-log';
import { LabRecordRepository } from '../../lab-records';
import { LabletDefinitionRepository } from '../../lablet-definitions';
import { CmlWorkerRepository } from '../../workers';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';
import {
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  devToken,
} from '../../../testing/test-app';

export { SseReader, type SseFrame } from '../../../testing/sse-client';

/** A running control plane plus the clients and repositories the sessions tests use. */
export interface SessionsTestKit {
  cpa: RunningTestApp;
  internal: ControlPlaneApiClient;
  admin: PublicApiClient;
  /** Raw HTTP (statuses are asserted, never thrown). */
  http: AxiosInstance;
  etcd: Etcd3;
  audit: AuditLog;
  workers: CmlWorkerRepository;
  definitions: LabletDefinitionRepository;
  labs: LabRecordRepository;
  token(roles: Role[], subject?: string): Promise<string>;
  internalHeaders: Record<string, string>;
  seedDefinition(
    customise?: (builder: ReturnType<typeof aDefinition>) => ReturnType<typeof aDefinition>,
  ): Promise<LabletDefinition>;
  seedWorker(options?: {
    capacity?: Capacity;
    ports?: [number, number];
    running?: boolean;
  }): Promise<CmlWorker>;
  seedLab(worker: CmlWorker, definitionId?: string): Promise<LabRecord>;
  close(): Promise<void>;
}

export async function startSessionsTestKit(): Promise<SessionsTestKit> {
  const cpa = await startTestApp();
  const http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
  const token = (roles: Role[], subject?: string): Promise<string> => devToken(http, roles, subject);
  const adminToken = await token(['admin'], 'alice-admin');
  const noRetry = { retry: { maxAttempts: 1 } };
  const workers = cpa.app.get(CmlWorkerRepository);
  const definitions = cpa.app.get(LabletDefinitionRepository);
  const labs = cpa.app.get(LabRecordRepository);
  return {
    cpa,
    http,
    internal: new ControlPlaneApiClient({
      baseUrl: cpa.url,
      apiKey: TEST_INTERNAL_API_KEY,
      actor: 'lablet-controller',
      ...noRetry,
    }),
    admin: new PublicApiClient({ baseUrl: cpa.url, accessToken: () => adminToken, ...noRetry }),
    etcd: cpa.app.get<Etcd3>(ETCD_CLIENT),
    audit: cpa.app.get(AuditLog),
    workers,
    definitions,
    labs,
    token,
    internalHeaders: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY },
    async seedDefinition(customise = (builder) => builder) {
      const definition = customise(
        aDefinition().with({ id: randomUUID(), version: 0, name: `lab-${randomUUID().slice(0, 8)}` }),
      ).build();
      await definitions.save(definition);
      return (await definitions.findById(definition.id)) as LabletDefinition;
    },
    async seedWorker(options = {}) {
      let builder = aWorker().with({ id: randomUUID(), version: 0, template_id: randomUUID() });
      if (options.running ?? true) builder = builder.running();
      if (options.capacity) builder = builder.withCapacity(options.capacity);
      if (options.ports) builder = builder.withPortRange(...options.ports);
      const worker = builder.build();
      await workers.save(worker);
      return (await workers.findById(worker.id)) as CmlWorker;
    },
    async seedLab(worker, definitionId) {
      let builder = aLabRecord().with({ id: randomUUID(), version: 0 }).onWorker(worker).inState('IMPORTING');
      if (definitionId) builder = builder.basedOn(definitionId);
      const lab = builder.build();
      await labs.save(lab);
      return (await labs.findById(lab.id)) as LabRecord;
    },
    close: () => cpa.close(),
  };
}

/** Polls until the condition holds (etcd, audit and SSE follow a commit). */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
