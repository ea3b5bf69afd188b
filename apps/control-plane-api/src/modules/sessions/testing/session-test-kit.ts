import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { type Etcd3 } from 'etcd3';
import { type Capacity, INTERNAL_API_KEY_HEADER, type Role, SSE_STREAM_PATH } from '@lcm/contracts';
import { ControlPlaneApiClient, PublicApiClient } from '@lcm/cpa-client';
import { type CmlWorker, type LabletDefinition, type LabRecord } from '@lcm/domain';
import { aDefinition, aLabRecord, aWorker } from '@lcm/testing';
import { AuditLog } from '../../audit/audit-log';
import { LabRecordRepository } from '../../lab-records/infrastructure/lab-record.repository';
import { LabletDefinitionRepository } from '../../lablet-definitions/infrastructure/lablet-definition.repository';
import { CmlWorkerRepository } from '../../workers/infrastructure/cml-worker.repository';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';
import { type RunningTestApp, startTestApp, TEST_INTERNAL_API_KEY } from '../../../testing/test-app';

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
  const token = async (roles: Role[], subject = `${roles[0]}-user`): Promise<string> =>
    (await http.post('/api/auth/dev-token', { subject, roles })).data.access_token as string;
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

export interface SseFrame {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/**
 * A small EventSource over fetch: reads the stream route with a development token in the query
 * string and collects parsed frames until closed.
 */
export class SseReader {
  readonly frames: SseFrame[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  static async open(baseUrl: string, accessToken: string): Promise<SseReader> {
    const reader = new SseReader();
    const response = await fetch(
      `${baseUrl}${SSE_STREAM_PATH}?access_token=${encodeURIComponent(accessToken)}`,
      { signal: reader.controller.signal },
    );
    if (!response.ok || !response.body) throw new Error(`SSE stream answered ${response.status}`);
    reader.done = reader.pump(response.body);
    await reader.waitFor((frame) => frame.event === 'connected');
    return reader;
  }

  /** Resolves with the first frame (seen or yet to come) matching the predicate. */
  async waitFor(predicate: (frame: SseFrame) => boolean, timeoutMs = 10_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no matching SSE frame within ${timeoutMs} ms; saw ${this.frames.map((f) => f.event).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done.catch(() => undefined);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Partial<SseFrame> & { lines: string[] } = { lines: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) frame.lines.push(line.slice(6));
        }
        if (frame.event)
          this.frames.push({
            id: frame.id,
            event: frame.event,
            data: JSON.parse(frame.lines.join('\n') || '{}'),
          });
      }
    }
  }
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
