import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type Etcd3 } from 'etcd3';
import { type Db, type Document } from 'mongodb';
import { ETCD_ROOT } from '@lcm/contracts';
import { CmlWorkerState, LabletSessionState, LabRecordState } from '@lcm/domain';
import { LCM_TAGS } from '@lcm/integrations/aws';
import { type AuditRow, type CmlLabView, type Ec2InstanceView, type SystemSnapshot } from './snapshot';

/** Where one run of the system keeps its state. */
export interface SnapshotSources {
  /** The control plane's database (its MONGO_DB). */
  db: Db;
  etcd: Etcd3;
  ec2: EC2Client;
  /** The run's `lcm:deployment` tag (worker-controller DEPLOYMENT_NAME): moto may be shared with other runs. */
  deployment: string;
  /** The CML fleet simulator's root URL (its control API is at /_control). */
  cmlSimulatorUrl: string;
}

/** A stored document as the domain's state: `_id` is the aggregate id (platform/mongo/aggregate-repository.ts). */
const asState = ({ _id, ...rest }: Document): Record<string, unknown> => ({ id: _id, ...rest });

async function readCollection<T>(db: Db, name: string, parse: (state: unknown) => T): Promise<T[]> {
  const documents = await db.collection(name).find({}).toArray();
  return documents.map((document) => parse(asState(document)));
}

async function readEtcd(etcd: Etcd3): Promise<Map<string, string>> {
  const all = await etcd.getAll().prefix(ETCD_ROOT).strings();
  return new Map(Object.entries(all));
}

async function readInstances(ec2: EC2Client, deployment: string): Promise<Ec2InstanceView[]> {
  const instances: Ec2InstanceView[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: `tag:${LCM_TAGS.deployment}`, Values: [deployment] }],
        NextToken: nextToken,
      }),
    );
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        instances.push({
          instanceId: instance.InstanceId ?? '',
          state: instance.State?.Name ?? 'unknown',
          workerId: instance.Tags?.find((tag) => tag.Key === LCM_TAGS.workerId)?.Value ?? null,
        });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return instances;
}

interface SimulatedCmlWorker {
  key: string;
  labs: { id: string; state: string }[];
}

async function readCmlLabs(simulatorUrl: string): Promise<CmlLabView[]> {
  const answer = await fetch(`${simulatorUrl}/_control/workers`, { signal: AbortSignal.timeout(10_000) });
  if (!answer.ok) throw new Error(`CML simulator /_control/workers answered ${answer.status}`);
  const workers = (await answer.json()) as SimulatedCmlWorker[];
  return workers.flatMap((worker) =>
    worker.labs.map((lab) => ({ workerKey: worker.key, labId: lab.id, state: lab.state })),
  );
}

/**
 * Reads every source once: the aggregates first, then the audit log (written right after each
 * commit, so it already holds every change the aggregates show), then etcd, EC2 and the CML
 * simulator (never older than the store they are compared with).
 */
export async function readSnapshot(sources: SnapshotSources): Promise<SystemSnapshot> {
  const takenAt = new Date();
  const [sessions, workers, labRecords] = await Promise.all([
    readCollection(sources.db, 'lablet_sessions', (state) => LabletSessionState.parse(state)),
    readCollection(sources.db, 'cml_workers', (state) => CmlWorkerState.parse(state)),
    readCollection(sources.db, 'lab_records', (state) => LabRecordState.parse(state)),
  ]);
  const audit = (await sources.db
    .collection<AuditRow & Document>('audit_log')
    .find({}, { projection: { _id: 0, target_id: 1, before_status: 1, after_status: 1 } })
    .toArray()) as AuditRow[];
  const [etcd, instances, cmlLabs] = await Promise.all([
    readEtcd(sources.etcd),
    readInstances(sources.ec2, sources.deployment),
    readCmlLabs(sources.cmlSimulatorUrl),
  ]);
  return { takenAt, sessions, workers, labRecords, audit, etcd, instances, cmlLabs };
}
