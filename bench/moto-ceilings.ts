/**
 * Raw ceilings of moto, the EC2 emulator the system benchmark launches its fleet on, measured in the
 * same run (bench/system.bench.ts): how many RunInstances and DescribeInstances calls per second it
 * answers at the fleet's size, so a launch rate can be read against what the emulator allows.
 */
import {
  DescribeInstancesCommand,
  DescribeTagsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';

const clientFor = (endpoint: string) =>
  new EC2Client({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });

/** Calls of `call` per second, `concurrency` in flight, for `seconds`. */
async function callsPerSecond(
  seconds: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<number> {
  let calls = 0;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await call();
        calls += 1;
      }
    }),
  );
  return calls / ((Date.now() - started) / 1000);
}

/** RunInstances/s on a moto of its own (the fleet's moto must not hold instances no worker claims). */
export async function motoRunInstancesPerSecond(
  endpoint: string,
  seconds: number,
  concurrency: number,
): Promise<number> {
  const ec2 = clientFor(endpoint);
  // moto launches from an AMI id it does not know, so the ceiling needs no image set up.
  const launch = () =>
    ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-00000000',
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 1,
      }),
    );
  try {
    // The first EC2 call of a region loads moto's default images (seconds): not part of the rate.
    await launch();
    return await callsPerSecond(seconds, concurrency, launch);
  } finally {
    ec2.destroy();
  }
}

export interface MotoDescribeRates {
  instances: number;
  byIdPerSecond: number;
  /** DescribeInstances with a tag filter: the launch's lookup before it went through the tag index. */
  byTagFilterPerSecond: number;
  /** DescribeTags of one tag value: the launch's lookup of an earlier instance of the same launch. */
  tagIndexPerSecond: number;
}

/** On the moto holding the fleet: the describes a launch and a start make, per second at this size. */
export async function motoDescribeRates(
  endpoint: string,
  seconds: number,
  concurrency: number,
): Promise<MotoDescribeRates> {
  const ec2 = clientFor(endpoint);
  try {
    const listed = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-type', Values: ['instance'] },
          { Name: 'key', Values: ['lcm:launch-token'] },
        ],
      }),
    );
    const instanceIds = (listed.Tags ?? []).map((tag) => tag.ResourceId as string);
    const [instanceId] = instanceIds;
    if (!instanceId) throw new Error('moto holds no launched worker to measure against');
    const absentToken = [
      { Name: 'key', Values: ['lcm:launch-token'] },
      { Name: 'value', Values: ['bench-absent'] },
    ];
    return {
      instances: instanceIds.length,
      byIdPerSecond: await callsPerSecond(seconds, concurrency, () =>
        ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] })),
      ),
      byTagFilterPerSecond: await callsPerSecond(seconds, concurrency, () =>
        ec2.send(
          new DescribeInstancesCommand({
            Filters: [{ Name: 'tag:lcm:launch-token', Values: ['bench-absent'] }],
          }),
        ),
      ),
      tagIndexPerSecond: await callsPerSecond(seconds, concurrency, () =>
        ec2.send(
          new DescribeTagsCommand({
            Filters: [{ Name: 'resource-type', Values: ['instance'] }, ...absentToken],
          }),
        ),
      ),
    };
  } finally {
    ec2.destroy();
  }
}
