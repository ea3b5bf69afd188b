import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { InvalidError, NotFoundError } from '@lcm/integrations/http';
import { AwsSdkAdapter, type AwsClientSettings } from './aws.sdk-adapter';
import { type WorkerLaunchSpec } from './aws.port';

// moto_server (started by the int preset's global setup) stands in for EC2 and CloudWatch.
const settings: AwsClientSettings = {
  region: 'us-east-1',
  endpoint: process.env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:5000',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  timeoutMs: 10_000,
};
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

describe('AwsSdkAdapter against moto', () => {
  const aws = new AwsSdkAdapter(settings, { logger: silent });
  const ec2 = new EC2Client(settings);
  const cloudwatch = new CloudWatchClient(settings);
  let network: Pick<WorkerLaunchSpec, 'imageId' | 'subnetId' | 'securityGroupIds'>;

  const launchSpec = (workerId: string): WorkerLaunchSpec => ({
    ...network,
    workerId,
    templateName: 'personal-standard',
    deploymentName: 'lcm-int',
    instanceType: 'm5zn.metal',
    volumeSizeGb: 500,
    detailedMonitoring: true,
    userData: '#!/bin/bash\necho cml',
  });

  beforeAll(async () => {
    const images = await ec2.send(new DescribeImagesCommand({}));
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({}));
    network = {
      imageId: images.Images?.[0]?.ImageId ?? '',
      subnetId: subnets.Subnets?.[0]?.SubnetId ?? '',
      securityGroupIds: [groups.SecurityGroups?.[0]?.GroupId ?? ''],
    };
  });
  afterAll(() => {
    aws.destroy();
    ec2.destroy();
    cloudwatch.destroy();
  });

  it('launches one instance per worker even when the launch is repeated (ClientToken)', async () => {
    const workerId = randomUUID();
    const first = await aws.launchInstance(launchSpec(workerId));
    const retried = await aws.launchInstance(launchSpec(workerId));
    expect(retried.instance_id).toBe(first.instance_id);
    const mine = await aws.findInstances({ tags: { 'lcm:worker-id': workerId } });
    expect(mine.map((instance) => instance.instance_id)).toEqual([first.instance_id]);
  });

  it('tags the instance with LCM tags and describes it', async () => {
    const workerId = randomUUID();
    const launched = await aws.launchInstance(launchSpec(workerId));
    expect(launched.state).toBe('pending');
    const described = await aws.describeInstance(launched.instance_id);
    expect(described).toMatchObject({
      instance_id: launched.instance_id,
      state: 'running',
      instance_type: 'm5zn.metal',
      image_id: network.imageId,
      subnet_id: network.subnetId,
      tags: {
        Name: `cml-worker-personal-standard-${workerId.slice(0, 8)}`,
        ManagedBy: 'cml-cloud-manager',
        'lcm:managed': 'true',
        'lcm:worker-id': workerId,
        'lcm:template': 'personal-standard',
        'lcm:deployment': 'lcm-int',
      },
    });
    expect(described.private_ip).toEqual(expect.any(String));
    const managed = await aws.findInstances({ tags: { 'lcm:managed': 'true', 'lcm:deployment': 'lcm-int' } });
    expect(managed.map((instance) => instance.instance_id)).toContain(launched.instance_id);
  });

  it('describes many instances and their status checks in one call, leaving out unknown ids', async () => {
    const first = await aws.launchInstance(launchSpec(randomUUID()));
    const second = await aws.launchInstance(launchSpec(randomUUID()));
    await aws.stopInstance(second.instance_id);
    const ids = [first.instance_id, second.instance_id, 'i-0000000000000dead'];
    const described = await aws.describeInstances(ids);
    expect(described.map((instance) => instance.instance_id).sort()).toEqual(
      [first.instance_id, second.instance_id].sort(),
    );
    const statuses = await aws.describeInstanceStatuses(ids);
    expect(Object.fromEntries(statuses.map((status) => [status.instance_id, status.state]))).toEqual({
      [first.instance_id]: 'running',
      [second.instance_id]: 'stopped',
    });
    await aws.terminateInstance(first.instance_id);
    await aws.terminateInstance(second.instance_id);
  });

  it("finds this account's images by an EC2 name pattern", async () => {
    const marker = randomUUID().slice(0, 8);
    const registered = await ec2.send(
      new RegisterImageCommand({
        Name: `CML-2.9.${marker}-test`,
        Description: 'cml',
        RootDeviceName: '/dev/sda1',
      }),
    );
    const found = await aws.findImages(`CML-2.9.${marker}*`);
    expect(found).toEqual([
      expect.objectContaining({
        image_id: registered.ImageId,
        name: `CML-2.9.${marker}-test`,
        description: 'cml',
      }),
    ]);
    await expect(aws.findImages(`no-such-image-${marker}*`)).resolves.toEqual([]);
  });

  it('stops, starts and terminates, and reports status checks of a stopped instance', async () => {
    const { instance_id } = await aws.launchInstance(launchSpec(randomUUID()));
    await expect(aws.describeInstanceStatus(instance_id)).resolves.toMatchObject({
      state: 'running',
      instance_status: 'ok',
      instance_reachability: 'passed',
    });

    await expect(aws.stopInstance(instance_id)).resolves.toMatchObject({
      current_state: 'stopping',
      previous_state: 'running',
    });
    await expect(aws.describeInstance(instance_id)).resolves.toMatchObject({ state: 'stopped' });
    await expect(aws.describeInstanceStatus(instance_id)).resolves.toMatchObject({
      instance_id,
      state: 'stopped',
    });

    await expect(aws.startInstance(instance_id)).resolves.toMatchObject({
      current_state: 'pending',
      previous_state: 'stopped',
    });
    await expect(aws.terminateInstance(instance_id)).resolves.toMatchObject({
      current_state: 'shutting-down',
    });
    await expect(aws.describeInstance(instance_id)).resolves.toMatchObject({ state: 'terminated' });
    const active = await aws.findInstances({ tags: { 'lcm:deployment': 'lcm-int' } });
    expect(active.map((instance) => instance.instance_id)).not.toContain(instance_id);
  });

  it('treats terminating an unknown instance as already terminated and describing it as NotFound', async () => {
    await expect(aws.terminateInstance('i-0123456789abcdef0')).resolves.toEqual({
      instance_id: 'i-0123456789abcdef0',
      current_state: 'terminated',
      previous_state: null,
    });
    await expect(aws.describeInstance('i-0123456789abcdef0')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads CloudWatch series with GetMetricData, oldest datapoint first', async () => {
    const { instance_id } = await aws.launchInstance(launchSpec(randomUUID()));
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const samples = [
      { minute: 2, value: 30 },
      { minute: 0, value: 10 },
      { minute: 1, value: 20 },
    ];
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: samples.map((sample) => ({
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: instance_id }],
          Timestamp: new Date(base + sample.minute * 60_000),
          Value: sample.value,
          Unit: 'Percent',
        })),
      }),
    );
    const [series] = await aws.getMetricData({
      queries: [
        {
          id: 'cpu_0',
          namespace: 'AWS/EC2',
          metricName: 'CPUUtilization',
          instanceId: instance_id,
          stat: 'Average',
        },
      ],
      start: new Date(base - 60_000),
      end: new Date(base + 5 * 60_000),
      periodSeconds: 60,
    });
    expect(series?.id).toBe('cpu_0');
    expect(series?.datapoints.map((point) => point.value)).toEqual([10, 20, 30]);
    expect(series?.datapoints.map((point) => point.timestamp.getTime())).toEqual([
      base,
      base + 60_000,
      base + 120_000,
    ]);
  });

  it('rejects metric periods CloudWatch does not have for EC2 metrics, without calling AWS', async () => {
    await expect(
      aws.getMetricData({
        queries: [],
        start: new Date(Date.now() - 600_000),
        end: new Date(),
        periodSeconds: 30,
      }),
    ).rejects.toBeInstanceOf(InvalidError);
  });

  it('maps an unknown instance to NotFoundError', async () => {
    await expect(aws.stopInstance('i-0123456789abcdef1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('returns the terminated instance for a repeated launch of the same generation, and a new one for the next generation', async () => {
    const workerId = randomUUID();
    const first = await aws.launchInstance(launchSpec(workerId));
    await aws.terminateInstance(first.instance_id);
    await expect(aws.launchInstance(launchSpec(workerId))).resolves.toMatchObject({
      instance_id: first.instance_id,
    });
    const relaunched = await aws.launchInstance({ ...launchSpec(workerId), launchGeneration: 1 });
    expect(relaunched.instance_id).not.toBe(first.instance_id);
  });
});

// A proxy in front of moto that answers the first N requests with an EC2 throttling error, to see
// the shared retry policy at work on the real SDK wire.
async function startThrottlingProxy(target: string, throttledRequests: number) {
  let remaining = throttledRequests;
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      if (remaining > 0) {
        remaining -= 1;
        outgoing.writeHead(503, { 'Content-Type': 'text/xml' });
        outgoing.end(
          '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>',
        );
        return;
      }
      const forwarded = http.request(
        `${target}${incoming.url ?? '/'}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('AwsSdkAdapter retry policy on the wire', () => {
  it('retries EC2 throttling with backoff and then succeeds', async () => {
    const proxy = await startThrottlingProxy(settings.endpoint ?? '', 2);
    const delays: number[] = [];
    const aws = new AwsSdkAdapter(
      { ...settings, endpoint: proxy.url },
      {
        logger: silent,
        random: () => 0.5,
        sleep: async (ms) => {
          delays.push(ms);
        },
      },
    );
    try {
      await expect(aws.findInstances({ tags: { 'lcm:deployment': 'nobody' } })).resolves.toEqual([]);
      expect(delays).toEqual([100, 200]);
    } finally {
      aws.destroy();
      await proxy.close();
    }
  });

  it('surfaces throttling that outlasts the bounded attempts', async () => {
    const proxy = await startThrottlingProxy(settings.endpoint ?? '', 10);
    const aws = new AwsSdkAdapter(
      { ...settings, endpoint: proxy.url },
      { logger: silent, sleep: async () => undefined },
    );
    try {
      await expect(aws.describeInstance('i-0123456789abcdef2')).rejects.toMatchObject({
        kind: 'throttled',
        code: 'RequestLimitExceeded',
      });
    } finally {
      aws.destroy();
      await proxy.close();
    }
  });
});
