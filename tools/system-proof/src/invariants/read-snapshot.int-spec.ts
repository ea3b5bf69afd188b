import {
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { MongoClient } from 'mongodb';
import { etcdKeys } from '@lcm/contracts';
import { PublicApiClient } from '@lcm/cpa-client';
import { LCM_TAGS } from '@lcm/integrations/aws';
import { type CmlFleetSimulator, startCmlFleetSimulator } from '@lcm/simulators';
import { ControlPlaneProcess, infraEndpoints, PrivateEtcd, waitFor } from '@lcm/testing';
import { readSnapshot, type SnapshotSources } from './read-snapshot';
import { checkInvariants } from './rules';

const TOPOLOGY = ['lab:', '  title: invariant lab', '  version: 0.2.2', 'nodes: []', 'links: []', ''].join(
  '\n',
);
const OPTIONS = { pendingActionTimeoutMs: 30 * 60_000 };

describe('invariant checker against the real store, etcd, moto and the CML simulator', () => {
  const deployment = `lcm-proof-${randomUUID().slice(0, 8)}`;
  let etcdServer: PrivateEtcd;
  let cpa: ControlPlaneProcess;
  let cml: CmlFleetSimulator;
  let mongo: MongoClient;
  let etcd: Etcd3;
  let ec2: EC2Client;
  let sources: SnapshotSources;
  const launched: string[] = [];

  beforeAll(async () => {
    etcdServer = await PrivateEtcd.start();
    [cpa, cml] = await Promise.all([
      // A short resync, so the test sees a lost key come back without waiting a minute.
      ControlPlaneProcess.start({
        etcdEndpoint: etcdServer.endpoint,
        env: { PROJECTION_RESYNC_SECONDS: '2' },
      }),
      startCmlFleetSimulator({ port: 0 }),
    ]);
    mongo = await MongoClient.connect(infraEndpoints().mongoUrl);
    etcd = new Etcd3({ hosts: etcdServer.endpoint });
    ec2 = new EC2Client({
      region: 'us-east-1',
      endpoint: infraEndpoints().awsEndpointUrl,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    sources = { db: mongo.db(cpa.mongoDb), etcd, ec2, deployment, cmlSimulatorUrl: cml.url };
  }, 120_000);

  afterAll(async () => {
    if (launched.length > 0) await ec2.send(new TerminateInstancesCommand({ InstanceIds: launched }));
    await mongo?.db(cpa.mongoDb).dropDatabase();
    await mongo?.close();
    etcd?.close();
    await cml?.close();
    await cpa?.stop();
    await etcdServer?.destroy();
  });

  it('finds a freshly booked session consistent, then reports what breaks and sees the republished key', async () => {
    const token = await cpa.token(['admin']);
    const api = new PublicApiClient({ baseUrl: cpa.url, accessToken: () => token });
    const definition = await api.definitions.create({
      body: {
        name: `proof-${Date.now()}`,
        version: '1.0.0',
        topology_yaml: TOPOLOGY,
        resource_requirements: {
          cpu_cores: 2,
          memory_gb: 4,
          storage_gb: 10,
          nested_virt: false,
          ami_requirements: [],
        },
        max_duration_minutes: 60,
      } as Parameters<typeof api.definitions.create>[0]['body'],
    });
    const session = await api.sessions.create({
      body: {
        definition_id: definition.id,
        owner: 'candidate-1',
        timeslot_end: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    const desiredKey = etcdKeys.sessionDesiredState(session.id);
    await waitFor(
      'the session keys in etcd',
      async () => (await etcd.get(desiredKey).string()) === 'running',
    );

    const clean = checkInvariants(await readSnapshot(sources), {
      ...OPTIONS,
      expectedSessionIds: [session.id],
    });
    expect(clean.violations).toEqual([]);
    expect(clean.figures).toMatchObject({
      sessions: 1,
      'sessions.PENDING': 1,
      audit_entries: expect.any(Number),
    });
    expect(clean.figures['audit_entries']).toBeGreaterThanOrEqual(1);

    // An instance of this deployment that no worker launched, and a lab on a CML host LCM does not know.
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: image,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: LCM_TAGS.deployment, Value: deployment }] },
        ],
      }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    launched.push(instanceId);
    const worker = cml.fleet.register({ key: instanceId }).worker;
    worker.importTopology(TOPOLOGY, 'stray');
    await etcd.delete().key(desiredKey);

    const broken = await readSnapshot(sources);
    expect(broken.cmlLabs).toEqual([expect.objectContaining({ workerKey: instanceId })]);
    expect(checkInvariants(broken, OPTIONS).violations).toEqual([
      {
        invariant: 'ec2-workers',
        subject: `instance ${instanceId}`,
        detail: expect.stringContaining('without an lcm:worker-id tag'),
      },
      { invariant: 'etcd-projection', subject: desiredKey, detail: 'missing, but the store implies it' },
    ]);

    // Decision 18: the control plane's periodic resync writes the key back from MongoDB.
    await waitFor(
      'the republished key',
      async () => (await etcd.get(desiredKey).string()) === 'running',
      20_000,
    );
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    expect(checkInvariants(await readSnapshot(sources), OPTIONS).violations).toEqual([]);
  });
});
