import { ConflictError, InvalidError, NotFoundError } from '@lcm/integrations/http';
import { AwsFake } from './aws.fake';
import { type WorkerLaunchSpec } from './aws.port';

const spec: WorkerLaunchSpec = {
  workerId: 'worker-1',
  templateName: 't',
  deploymentName: 'd',
  imageId: 'ami-1',
  instanceType: 'm5zn.metal',
  subnetId: 'subnet-1',
  securityGroupIds: ['sg-1'],
};

describe('AwsFake', () => {
  it('launches once per ClientToken and settles transitional states on the next read', async () => {
    const aws = new AwsFake();
    const first = await aws.launchInstance(spec);
    await expect(aws.launchInstance(spec)).resolves.toMatchObject({ instance_id: first.instance_id });
    expect(aws.instances.size).toBe(1);
    await expect(aws.describeInstance(first.instance_id)).resolves.toMatchObject({ state: 'running', tags: { 'lcm:worker-id': 'worker-1' } });
    await aws.stopInstance(first.instance_id);
    await expect(aws.describeInstanceStatus(first.instance_id)).resolves.toMatchObject({ state: 'stopped', instance_status: 'not-applicable' });
    await aws.startInstance(first.instance_id);
    await aws.terminateInstance(first.instance_id);
    await expect(aws.findInstances({ tags: { 'lcm:worker-id': 'worker-1' } })).resolves.toEqual([]);
    await expect(aws.startInstance(first.instance_id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('answers NotFound for unknown instances but terminates them as a no-op', async () => {
    const aws = new AwsFake();
    await expect(aws.describeInstance('i-missing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(aws.terminateInstance('i-missing')).resolves.toMatchObject({ current_state: 'terminated' });
  });

  it('serves seeded metrics oldest first within the window and validates the period', async () => {
    const aws = new AwsFake();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    aws.seedMetric('AWS/EC2', 'CPUUtilization', 'i-1', [
      { timestamp: at(2), value: 3 },
      { timestamp: at(1), value: 2 },
      { timestamp: at(9), value: 9 },
    ]);
    const query = { id: 'cpu', namespace: 'AWS/EC2', metricName: 'CPUUtilization', instanceId: 'i-1', stat: 'Average' as const };
    const [series] = await aws.getMetricData({ queries: [query], start: at(0), end: at(5), periodSeconds: 60 });
    expect(series?.datapoints.map((point) => point.value)).toEqual([2, 3]);
    await expect(aws.getMetricData({ queries: [query], start: at(0), end: at(5), periodSeconds: 30 })).rejects.toBeInstanceOf(InvalidError);
  });

  it('describes many instances and statuses in one call each, and finds images by name pattern', async () => {
    const aws = new AwsFake();
    const first = await aws.launchInstance(spec);
    const second = await aws.launchInstance({ ...spec, workerId: 'worker-2' });
    await aws.stopInstance(second.instance_id);
    aws.recorder.reset();
    const described = await aws.describeInstances([first.instance_id, second.instance_id, 'i-unknown']);
    expect(described.map((instance) => [instance.instance_id, instance.state])).toEqual([
      [first.instance_id, 'running'],
      [second.instance_id, 'stopped'],
    ]);
    const statuses = await aws.describeInstanceStatuses([first.instance_id, 'i-unknown']);
    expect(statuses).toEqual([expect.objectContaining({ instance_id: first.instance_id, instance_status: 'ok' })]);
    expect(aws.recorder.operations()).toEqual(['describeInstances', 'describeInstanceStatuses']);
    aws.registerImage({ name: 'CML-2.9.0-a', creation_date: '2025-01-01T00:00:00.000Z' });
    aws.registerImage({ name: 'other' });
    await expect(aws.findImages('CML-2.9.*')).resolves.toEqual([expect.objectContaining({ name: 'CML-2.9.0-a' })]);
  });
});
