import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { type Etcd3 } from 'etcd3';
import { Collection, type Db } from 'mongodb';
import { decodeEtcdValue, etcdKeys } from '@lcm/contracts';
import { capacityDrifted, type CmlWorkerState, sessionHoldsCapacity, SystemClock } from '@lcm/domain';
import { aDefinition, aLabRecord, aSession, aWorker, PrivateEtcd } from '@lcm/testing';
import { OutboxRelay } from '../../platform/commit/outbox-relay';
import { recordedAction } from '../../platform/commit/recorded-action';
import { OUTBOX_PENDING_FIELD, type OutboxEntry, receiptId, receiptsOf } from '../../platform/mongo/outbox';
import { VERSION_CLAIMS_COLLECTION } from '../../platform/mongo/versioned-collection';
import { AUDIT_COLLECTION } from '../../platform/audit/audit-log';
import { ClaimLabPortsCommand } from '../lab-records/application/commands/claim-lab-ports.command';
import { CompleteLabActionCommand } from '../lab-records/application/commands/complete-lab-action.command';
import { RequestLabActionCommand } from '../lab-records/application/commands/request-lab-action.command';
import { LabRecordRepository } from '../lab-records/infrastructure/lab-record.repository';
import { MarkReadyCommand } from '../sessions/application/commands/mark-ready.command';
import { ETCD_CLIENT, MONGO_DB } from '../../platform/platform.tokens';
import { type RunningTestApp, startTestApp, testConfig } from '../../testing/test-app';
import { LabletDefinitionRepository } from '../lablet-definitions/infrastructure/lablet-definition.repository';
import { ProjectionRepublisher } from '../projection/projection-republisher';
import { ScheduleSessionCommand } from '../sessions/application/commands/schedule-session.command';
import { TransitionSessionCommand } from '../sessions/application/commands/transition-session.command';
import { LabletSessionRepository } from '../sessions/infrastructure/session.repositories';
import { CapacityReconciler } from './application/capacity-reconciler';
import { ReportWorkerStateCommand } from './application/commands/report-worker-state.command';
import { StopWorkerCommand } from './application/commands/stop-worker.command';
import { SESSION_STATUSES_SPARED } from './application/worker-status-cascade';
import { CmlWorkerRepository } from './infrastructure/cml-worker.repository';

const WRITES = [
  'insertOne',
  'insertMany',
  'replaceOne',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'bulkWrite',
] as const;

class ProcessCrashed extends Error {}

/** An outbox entry a committed write of the command stored (its events must all reach the audit log). */
interface CommittedEntry {
  collection: string;
  id: string;
  entry: OutboxEntry;
}

type WrittenDocument = { _id?: string; version?: number; outbox?: OutboxEntry[] };

/** The documents a write call stores whole (inserts and replaces, bulk ones included). */
function writtenDocuments(method: string, args: unknown[]): WrittenDocument[] {
  if (method === 'insertOne') return [args[0] as WrittenDocument];
  if (method === 'replaceOne') return [args[1] as WrittenDocument];
  if (method === 'insertMany') return args[0] as WrittenDocument[];
  if (method === 'bulkWrite')
    return (args[0] as { replaceOne?: { replacement: WrittenDocument } }[]).flatMap((operation) =>
      operation.replaceOne ? [operation.replaceOne.replacement] : [],
    );
  return [];
}

/** The outbox entries a write created: in each document, the one stamped with the version the write stored. */
function createdEntries(collection: string, method: string, args: unknown[]): CommittedEntry[] {
  return writtenDocuments(method, args).flatMap((document) => {
    const entry = document.outbox?.find((candidate) => candidate.version === document.version);
    return entry && document._id ? [{ collection, id: document._id, entry }] : [];
  });
}

/** Older than versioned-collection.ts's abandoned-claim age. */
const ABANDONED_AFTER_MS = 11_000;

/**
 * Simulates the control plane dying before its n-th MongoDB write of one command: that write and
 * every later one of the command (compensations, audit) never happen. Only writes made inside the
 * command's async context count, so background loops do not shift the crash point.
 */
class CrashInjector {
  private readonly scope = new AsyncLocalStorage<symbol>();
  private token = Symbol('command');
  private writes = 0;
  private crashAt = Number.POSITIVE_INFINITY;
  /** Outbox entries committed by the commands run so far (cleared by `takeCommitted`). */
  private committed: CommittedEntry[] = [];

  install(): void {
    for (const method of WRITES) {
      const original = Collection.prototype[method] as (...args: unknown[]) => Promise<unknown>;
      jest.spyOn(Collection.prototype, method).mockImplementation(function (
        this: Collection,
        ...args: unknown[]
      ) {
        if (!injector.admits()) return Promise.reject(new ProcessCrashed('crashed'));
        return original.apply(this, args).then((result) => {
          injector.committed.push(...createdEntries(this.collectionName, method, args));
          return result;
        });
      } as never);
    }
  }

  takeCommitted(): CommittedEntry[] {
    const committed = this.committed;
    this.committed = [];
    return committed;
  }

  /** Runs the command, crashing before write number `crashAt` (1-based); returns how many writes it made. */
  async run(command: () => Promise<unknown>, crashAt = Number.POSITIVE_INFINITY): Promise<number> {
    this.token = Symbol('command');
    this.writes = 0;
    this.crashAt = crashAt;
    await this.scope.run(this.token, command).catch((error: unknown) => {
      if (this.writes < crashAt) throw error;
    });
    this.crashAt = Number.POSITIVE_INFINITY;
    return this.writes;
  }

  private admits(): boolean {
    if (this.scope.getStore() !== this.token) return true;
    this.writes += 1;
    return this.writes < this.crashAt;
  }
}

const injector = new CrashInjector();

/**
 * Deterministic crash points (issue 7): a crash between any two writes of schedule, terminate,
 * expire and the worker stop/terminate cascades leaves no leaked or uncounted capacity or ports
 * once the control plane runs again (its capacity reconciliation and etcd republish), and the
 * interrupted command can simply be sent again.
 */
describe('crash points of the write path', () => {
  let etcdServer: PrivateEtcd;
  let cpa: RunningTestApp;
  let commands: CommandBus;
  let workers: CmlWorkerRepository;
  let sessions: LabletSessionRepository;
  let definitions: LabletDefinitionRepository;
  let labs: LabRecordRepository;
  let etcd: Etcd3;
  let definitionId: string;

  beforeAll(async () => {
    // A private etcd: the etcd assertions must not see another control plane's resync of shared keys.
    etcdServer = await PrivateEtcd.start();
    cpa = await startTestApp(testConfig({ ETCD_ENDPOINTS: etcdServer.endpoint }));
    commands = cpa.app.get(CommandBus);
    workers = cpa.app.get(CmlWorkerRepository);
    sessions = cpa.app.get(LabletSessionRepository);
    definitions = cpa.app.get(LabletDefinitionRepository);
    labs = cpa.app.get(LabRecordRepository);
    etcd = cpa.app.get<Etcd3>(ETCD_CLIENT);
    const definition = aDefinition()
      .with({ id: randomUUID(), version: 0, name: `crash-${randomUUID().slice(0, 8)}` })
      .withDemand({ cpu_cores: 4, memory_gb: 16, storage_gb: 40, nodes: 4 })
      .withPorts('console', 'vnc')
      .build();
    await definitions.save(definition);
    definitionId = definition.id;
    // The test runs the passes of a restarted control plane itself, at chosen points.
    cpa.app.get(CapacityReconciler).onApplicationShutdown();
    injector.install();
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await cpa?.close();
    await etcdServer?.destroy();
  });

  /** A RUNNING worker with `scheduled` sessions placed on it and one PENDING session. */
  async function seed(
    scheduled: number,
  ): Promise<{ workerId: string; pendingId: string; placedIds: string[]; labId: string }> {
    const worker = aWorker().running().with({ id: randomUUID(), version: 0 }).build();
    await workers.save(worker);
    const lab = aLabRecord()
      .onWorker(worker.id)
      .inState('STOPPED')
      .with({ id: randomUUID(), version: 0 })
      .build();
    await labs.save(lab);
    const create = async () => {
      // The timeslot has just ended, so the sessions can also expire.
      const session = aSession()
        .with({
          id: randomUUID(),
          definition_id: definitionId,
          version: 0,
          timeslot_start: new Date(Date.now() - 3600_000).toISOString(),
          timeslot_end: new Date(Date.now() - 1_000).toISOString(),
        })
        .build();
      await sessions.save(session);
      return session.id;
    };
    const placedIds: string[] = [];
    for (let index = 0; index < scheduled; index += 1) {
      const id = await create();
      await commands.execute(new ScheduleSessionCommand(id, worker.id, 'resource-scheduler'));
      placedIds.push(id);
    }
    return { workerId: worker.id, pendingId: await create(), placedIds, labId: lab.id };
  }

  /**
   * What a restarted control plane does by itself, with no placement in progress, once a version
   * claim left by the crashed writer counts as abandoned (versioned-collection.ts): the claims
   * are aged instead of waiting for that in real time.
   */
  async function restart(): Promise<void> {
    await cpa.app
      .get<Db>(MONGO_DB)
      .collection(VERSION_CLAIMS_COLLECTION)
      .updateMany({}, { $set: { claimed_at: new Date(Date.now() - ABANDONED_AFTER_MS) } });
    await cpa.app.get(CapacityReconciler).reconcileAll(0);
    await cpa.app.get(OutboxRelay).relayAll(0);
    await cpa.app.get(ProjectionRepublisher).republishAll('restart after crash');
  }

  /** Every event a committed write stored in an outbox has its audit entry (none lost, none twice). */
  async function assertAudited(): Promise<void> {
    const committed = injector.takeCommitted();
    const ids = committed.flatMap(({ collection, id, entry }) =>
      receiptsOf(collection, id, entry).map((event) => receiptId(event.receipt!)),
    );
    const stored = await cpa.app
      .get<Db>(MONGO_DB)
      .collection(AUDIT_COLLECTION)
      .find({ _id: { $in: ids } } as never, { projection: { _id: 1 } })
      .toArray();
    expect(stored.map((document) => document._id).sort()).toEqual([...new Set(ids)].sort());
  }

  async function assertLabProjected(labId: string): Promise<void> {
    const lab = (await labs.findStateById(labId))!;
    const raw = await etcd.get(etcdKeys.labPendingAction(labId)).string();
    expect(raw === null ? null : (JSON.parse(raw) as { action: string }).action).toBe(lab.pending_action);
  }

  async function assertConsistent(workerId: string): Promise<void> {
    const worker = (await workers.findStateById(workerId)) as CmlWorkerState;
    const onWorker = await sessions.findStates({ worker_id: workerId });
    const holders = onWorker.filter((session) => sessionHoldsCapacity(session.status, session.lab_record_id));
    expect(capacityDrifted(worker, new Set(holders.map((session) => session.id)), new Date(), 0)).toBe(false);
    const demand = (await definitions.findPinnedVersion(definitionId))!.capacityDemand;
    expect(worker.allocated_capacity.cpu_cores).toBe(demand.cpu_cores * holders.length);
    for (const holder of holders.filter((session) => session.lab_record_id === null))
      expect(worker.port_allocations.find((allocation) => allocation.holder_id === holder.id)?.ports).toEqual(
        holder.allocated_ports,
      );
    if (worker.status === 'STOPPED' || worker.status === 'TERMINATED')
      expect(onWorker.filter((session) => !SESSION_STATUSES_SPARED.includes(session.status))).toEqual([]);
    for (const session of await sessions.findStates({ _id: { $in: [...onWorker.map((s) => s.id)] } })) {
      const raw = await etcd.get(etcdKeys.sessionStatus(session.id)).string();
      expect(raw === null ? null : decodeEtcdValue('sessionStatus', raw).status).toBe(session.status);
    }
  }

  type Seeded = Awaited<ReturnType<typeof seed>>;
  const instantiating = ({ placedIds }: Seeded) =>
    commands.execute(
      new TransitionSessionCommand(placedIds[0]!, 'INSTANTIATING', { actor: 'lablet-controller' }),
    );
  const startRequested = ({ labId }: Seeded) =>
    commands.execute(new RequestLabActionCommand(labId, 'start', 'ops'));
  const stopping = ({ workerId }: Seeded) =>
    commands.execute(new StopWorkerCommand(workerId, 'worker-controller', 'maintenance'));
  const scenarios: [
    string,
    number,
    (seeded: Seeded) => Promise<unknown>,
    ((seeded: Seeded) => Promise<unknown>) | null,
  ][] = [
    [
      'schedule',
      1,
      ({ pendingId, workerId }) =>
        commands.execute(new ScheduleSessionCommand(pendingId, workerId, 'resource-scheduler')),
      null,
    ],
    [
      'terminate',
      1,
      ({ placedIds }) =>
        commands.execute(
          new TransitionSessionCommand(placedIds[0]!, 'TERMINATED', { reason: 'operator', actor: 'ops' }),
        ),
      null,
    ],
    [
      'expire',
      1,
      ({ placedIds }) =>
        commands.execute(
          new TransitionSessionCommand(placedIds[0]!, 'EXPIRED', {
            reason: 'timeslot_missed',
            actor: 'lablet-controller',
          }),
        ),
      null,
    ],
    [
      'worker stop cascade',
      1,
      ({ workerId }) =>
        commands.execute(new ReportWorkerStateCommand(workerId, { status: 'STOPPED' }, 'worker-controller')),
      stopping,
    ],
    [
      'mark-ready',
      1,
      ({ placedIds }) =>
        commands.execute(
          new MarkReadyCommand(
            placedIds[0]!,
            {
              cml_lab_id: 'crash-lab',
              lds_session_id: `lds-${placedIds[0]!}`,
              login_url: 'https://lds.example.com/launch/crash',
              devices: [],
            },
            'lablet-controller',
          ),
        ),
      instantiating,
    ],
    [
      'lab action request',
      0,
      ({ labId }) => commands.execute(new RequestLabActionCommand(labId, 'start', 'ops')),
      null,
    ],
    [
      'lab action completion',
      0,
      ({ labId }) =>
        commands.execute(
          new CompleteLabActionCommand(
            labId,
            { action: 'start', resulting_status: 'BOOTED' },
            'lablet-controller',
          ),
        ),
      startRequested,
    ],
    [
      'lab ports claim',
      0,
      ({ labId }) =>
        commands.execute(new ClaimLabPortsCommand(labId, { r1_console: 2050 }, 'lablet-controller')),
      null,
    ],
    [
      'worker terminate cascade',
      1,
      ({ workerId }) =>
        commands.execute(
          new ReportWorkerStateCommand(workerId, { status: 'TERMINATED' }, 'worker-controller'),
        ),
      null,
    ],
  ];

  it.each(scenarios)(
    '%s: a crash before any of its writes leaves nothing leaked once restarted, and the command can be repeated',
    async (_name, scheduled, command, prepare) => {
      const prepared = async () => {
        const seeded = await seed(scheduled);
        await prepare?.(seeded);
        return seeded;
      };
      const probe = await prepared();
      const total = await injector.run(() => command(probe));
      expect(total).toBeGreaterThan(1);
      for (let crashAt = 1; crashAt <= total; crashAt += 1) {
        const seeded = await prepared();
        injector.takeCommitted();
        await injector.run(() => command(seeded), crashAt);
        await restart();
        await assertConsistent(seeded.workerId);
        await assertLabProjected(seeded.labId);
        await assertAudited();
        await command(seeded);
        await restart();
        await assertConsistent(seeded.workerId);
        await assertLabProjected(seeded.labId);
        await assertAudited();
      }
    },
    120_000,
  );

  it('a lab ports claim cut short anywhere never leaves the record listing ports the worker does not hold for it', async () => {
    const ports = { r1_console: 2051 };
    const claim = ({ labId }: Seeded) =>
      commands.execute(new ClaimLabPortsCommand(labId, ports, 'lablet-controller'));
    const held = async ({ workerId, labId }: Seeded) => ({
      worker: (await workers.findStateById(workerId))!.port_allocations
        .filter((allocation) => allocation.holder_id === labId)
        .map((allocation) => allocation.ports),
      record: (await labs.findStateById(labId))!.allocated_ports,
    });
    const probe = await seed(0);
    const writes = await injector.run(() => claim(probe));
    expect(writes).toBeGreaterThan(1);
    for (let crashAt = 1; crashAt <= writes; crashAt += 1) {
      const seeded = await seed(0);
      await injector.run(() => claim(seeded), crashAt);
      await restart();
      const cut = await held(seeded);
      // Nothing yet, the worker's write only, or both: never the record alone.
      expect([
        { worker: [], record: {} },
        { worker: [ports], record: {} },
        { worker: [ports], record: ports },
      ]).toContainEqual(cut);

      await claim(seeded);

      expect(await held(seeded)).toEqual({ worker: [ports], record: ports });
    }
  }, 120_000);

  it('repairs a session terminated while PENDING that still holds an allocation without a worker_id', async () => {
    const probe = await seed(0);
    const total = await injector.run(() =>
      commands.execute(new ScheduleSessionCommand(probe.pendingId, probe.workerId, 'resource-scheduler')),
    );
    const again = await seed(0);
    // Crash right after the worker write: the worker counts the session, the session stays PENDING.
    const workerWrites = 2;
    expect(total).toBeGreaterThan(workerWrites);
    await injector.run(
      () =>
        commands.execute(new ScheduleSessionCommand(again.pendingId, again.workerId, 'resource-scheduler')),
      workerWrites + 1,
    );
    expect((await workers.findStateById(again.workerId))!.session_ids).toEqual([again.pendingId]);
    await commands.execute(
      new TransitionSessionCommand(again.pendingId, 'TERMINATED', { reason: 'operator', actor: 'ops' }),
    );
    expect((await sessions.findStateById(again.pendingId))!.worker_id).toBeNull();

    await restart();

    const worker = (await workers.findStateById(again.workerId))!;
    expect(worker.session_ids).toEqual([]);
    expect(worker.port_allocations).toEqual([]);
    expect(worker.allocated_capacity.cpu_cores).toBe(0);
  });

  it('flags a document while its outbox holds entries, so the relay finds it by that flag alone', async () => {
    const session = aSession().with({ id: randomUUID(), definition_id: definitionId, version: 0 }).build();
    // A save nobody records: its entry stays undelivered, as after a crash right after the commit.
    await sessions.save(session, [
      recordedAction(
        { aggregate_type: 'lablet_session', aggregate_id: session.id },
        'lablet_session.probe',
        {},
        new SystemClock(),
      ),
    ]);
    const stored = () =>
      cpa.app
        .get<Db>(MONGO_DB)
        .collection('lablet_sessions')
        .findOne({ _id: session.id } as never);
    expect(await stored()).toMatchObject({ [OUTBOX_PENDING_FIELD]: true, outbox: [expect.anything()] });

    await cpa.app.get(OutboxRelay).relayAll(0);

    const relayed = (await stored())!;
    expect(relayed['outbox']).toEqual([]);
    expect(relayed).not.toHaveProperty(OUTBOX_PENDING_FIELD);
    expect(
      await cpa.app.get<Db>(MONGO_DB).collection(AUDIT_COLLECTION).countDocuments({ target_id: session.id }),
    ).toBeGreaterThan(0);
  });

  it('frees the ports of a deleted lab by itself, and keeps those of a live one', async () => {
    const { workerId, labId: deletedLabId } = await seed(0);
    const liveLab = aLabRecord()
      .onWorker(workerId)
      .inState('STOPPED')
      .with({ id: randomUUID(), version: 0 })
      .build();
    await labs.save(liveLab);
    const worker = (await workers.findById(workerId))!;
    worker.claimLabPorts(deletedLabId, { r1_console: 2101 });
    worker.claimLabPorts(liveLab.id, { r1_console: 2102 });
    await workers.save(worker);
    // The lab's delete runs its whole course through the API; nothing on that path releases its ports.
    await commands.execute(new RequestLabActionCommand(deletedLabId, 'delete', 'ops'));
    await commands.execute(
      new CompleteLabActionCommand(
        deletedLabId,
        { action: 'delete', resulting_status: 'DELETED' },
        'lablet-controller',
      ),
    );
    expect((await labs.findStateById(deletedLabId))!.status).toBe('DELETED');

    await cpa.app.get(CapacityReconciler).reconcileAll(0);

    const holders = (await workers.findStateById(workerId))!.port_allocations.map(
      (allocation) => allocation.holder_id,
    );
    expect(holders).toEqual([liveLab.id]);
  });
});
