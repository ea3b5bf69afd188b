import {
  type AwsWorkerPort,
  type Ec2InstanceInfo,
  type Ec2InstanceStatus,
  type InstanceMetricQuery,
} from '@lcm/integrations/aws';

/** CloudWatch accepts 500 queries per GetMetricData; two per worker. */
const WORKERS_PER_METRIC_REQUEST = 250;
const METRIC_PERIOD_SECONDS = 300;

export interface InstanceReadings {
  instance: Ec2InstanceInfo | null;
  status: Ec2InstanceStatus | null;
  cpu_utilization: number | null;
  memory_utilization: number | null;
}

const latest = (values: { value: number }[] | undefined): number | null => {
  const last = values?.[values.length - 1];
  return last === undefined ? null : Math.min(100, Math.max(0, last.value));
};

/**
 * EC2 state, status checks and CloudWatch CPU/memory (5-minute means) of many instances of one
 * region: one DescribeInstances, one DescribeInstanceStatus and one GetMetricData per 250
 * instances, however many workers there are (AWS.md request-rate ceilings).
 */
export async function readInstances(
  aws: AwsWorkerPort,
  instanceIds: readonly string[],
  now: Date,
): Promise<Map<string, InstanceReadings>> {
  const readings = new Map<string, InstanceReadings>();
  if (instanceIds.length === 0) return readings;
  const [instances, statuses] = await Promise.all([
    aws.describeInstances(instanceIds),
    aws.describeInstanceStatuses(instanceIds),
  ]);
  const cloudwatch = new Map<string, { cpu: number | null; memory: number | null }>();
  for (let start = 0; start < instanceIds.length; start += WORKERS_PER_METRIC_REQUEST) {
    const chunk = instanceIds.slice(start, start + WORKERS_PER_METRIC_REQUEST);
    const queries: InstanceMetricQuery[] = chunk.flatMap((instanceId, index) => [
      { id: `cpu_${index}`, namespace: 'AWS/EC2', metricName: 'CPUUtilization', instanceId, stat: 'Average' },
      {
        id: `mem_${index}`,
        namespace: 'CWAgent',
        metricName: 'mem_used_percent',
        instanceId,
        stat: 'Average',
      },
    ]);
    const series = new Map(
      (
        await aws.getMetricData({
          queries,
          start: new Date(now.getTime() - 2 * METRIC_PERIOD_SECONDS * 1000),
          end: now,
          periodSeconds: METRIC_PERIOD_SECONDS,
        })
      ).map((result) => [result.id, result.datapoints]),
    );
    chunk.forEach((instanceId, index) =>
      cloudwatch.set(instanceId, {
        cpu: latest(series.get(`cpu_${index}`)),
        memory: latest(series.get(`mem_${index}`)),
      }),
    );
  }
  const byId = new Map(instances.map((instance) => [instance.instance_id, instance]));
  const statusById = new Map(statuses.map((status) => [status.instance_id, status]));
  for (const instanceId of instanceIds) {
    readings.set(instanceId, {
      instance: byId.get(instanceId) ?? null,
      status: statusById.get(instanceId) ?? null,
      cpu_utilization: cloudwatch.get(instanceId)?.cpu ?? null,
      memory_utilization: cloudwatch.get(instanceId)?.memory ?? null,
    });
  }
  return readings;
}

/** `ok`, or which check is not (the dashboard shows it verbatim). */
export function statusCheckSummary(status: Ec2InstanceStatus | null): string | null {
  if (!status || (status.system_status === null && status.instance_status === null)) return null;
  if (status.system_status === 'ok' && status.instance_status === 'ok') return 'ok';
  return `system ${status.system_status ?? 'unknown'}, instance ${status.instance_status ?? 'unknown'}`;
}
