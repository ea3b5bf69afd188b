import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeTagsCommand,
  EC2Client,
  type Filter,
  type Instance,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  defaultIntegrationLogger,
  type IntegrationLogger,
  InvalidError,
  isNotFound,
  parseReportingUnknownValues,
  type RetryPolicy,
  withRetry,
} from '@lcm/integrations/http';
import { type z } from 'zod';
import { toAwsIntegrationError } from './aws.errors';
import { assertMetricPeriod, clientTokenForWorker, LCM_TAGS, lcmTagsForWorker } from './aws.launch';
import {
  type AwsWorkerPort,
  type InstanceFilter,
  type MetricDataRequest,
  type WorkerLaunchSpec,
} from './aws.port';
import {
  type Ec2ImageInfo,
  ec2ImageSchema,
  type Ec2InstanceInfo,
  ec2InstanceSchema,
  type Ec2InstanceStatus,
  ec2InstanceStatusSchema,
  type Ec2StateChange,
  ec2StateChangeSchema,
  type MetricSeries,
  metricDataResultSchema,
} from './aws.schemas';

export interface AwsClientSettings {
  region: string;
  /** AWS_ENDPOINT_URL, e.g. moto_server in tests; absent = the real AWS endpoints. */
  endpoint?: string;
  /** Absent = the SDK default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  timeoutMs?: number;
}

export interface AwsSdkAdapterOptions {
  retry?: Partial<RetryPolicy>;
  logger?: IntegrationLogger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const ACTIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];
/** EC2 accepts at most 200 values per filter; DescribeInstanceStatus at most 100 explicit ids. */
const DESCRIBE_CHUNK = 200;
const STATUS_CHUNK = 100;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );

/** Reads region / endpoint from the environment; the endpoint is validated so a typo fails at start-up. */
export function awsSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsClientSettings {
  const endpoint = env['AWS_ENDPOINT_URL'];
  if (endpoint !== undefined && endpoint !== '') new URL(endpoint);
  return {
    region: env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * EC2 + CloudWatch for one region. The SDK's own retries are off (maxAttempts 1) so that the one
 * shared retry policy (bounded, jittered, idempotent calls only) governs every outside call.
 */
export class AwsSdkAdapter implements AwsWorkerPort {
  private readonly ec2: EC2Client;
  private readonly cloudwatch: CloudWatchClient;
  private readonly logger: IntegrationLogger;

  constructor(
    settings: AwsClientSettings,
    private readonly options: AwsSdkAdapterOptions = {},
  ) {
    const timeoutMs = settings.timeoutMs ?? 30_000;
    const common = {
      region: settings.region,
      maxAttempts: 1,
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 5_000) },
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
    };
    this.ec2 = new EC2Client(common);
    this.cloudwatch = new CloudWatchClient(common);
    this.logger = options.logger ?? defaultIntegrationLogger();
  }

  /**
   * Find-then-create: an instance already carrying this launch's token is returned whatever its
   * state (a terminated one tells the caller to bump `launchGeneration`). The ClientToken covers the
   * window between the lookup and the launch on real EC2; the tag lookup covers EC2 emulators that
   * ignore ClientToken (moto).
   */
  async launchInstance(spec: WorkerLaunchSpec): Promise<Ec2InstanceInfo> {
    const clientToken = clientTokenForWorker(spec.workerId, spec.launchGeneration);
    const [existing] = await this.instancesTagged(LCM_TAGS.launchToken, clientToken);
    if (existing) return existing;
    const tags = Object.entries(lcmTagsForWorker(spec)).map(([Key, Value]) => ({ Key, Value }));
    const output = await this.call('launchInstance', () =>
      this.ec2.send(
        new RunInstancesCommand({
          ClientToken: clientToken,
          ImageId: spec.imageId,
          InstanceType: spec.instanceType as never,
          MinCount: 1,
          MaxCount: 1,
          SubnetId: spec.subnetId,
          SecurityGroupIds: spec.securityGroupIds,
          EbsOptimized: true,
          Monitoring: { Enabled: spec.detailedMonitoring ?? true },
          TagSpecifications: [
            { ResourceType: 'instance', Tags: tags },
            { ResourceType: 'volume', Tags: tags },
          ],
          ...(spec.keyName ? { KeyName: spec.keyName } : {}),
          ...(spec.volumeSizeGb
            ? {
                BlockDeviceMappings: [
                  {
                    DeviceName: spec.rootDeviceName ?? '/dev/sda1',
                    Ebs: { VolumeSize: spec.volumeSizeGb, VolumeType: 'gp3', DeleteOnTermination: true },
                  },
                ],
              }
            : {}),
          ...(spec.userData ? { UserData: Buffer.from(spec.userData, 'utf8').toString('base64') } : {}),
          ...(spec.iamInstanceProfileName
            ? { IamInstanceProfile: { Name: spec.iamInstanceProfileName } }
            : {}),
        }),
      ),
    );
    const [instance] = output.Instances ?? [];
    if (!instance) throw this.invalidResponse('launchInstance', 'RunInstances returned no instance');
    return this.parse('launchInstance', ec2InstanceSchema, instance);
  }

  async describeInstance(instanceId: string): Promise<Ec2InstanceInfo> {
    const output = await this.call('describeInstance', () =>
      this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    );
    const instance = output.Reservations?.flatMap((reservation) => reservation.Instances ?? []).find(
      (candidate) => candidate.InstanceId === instanceId,
    );
    if (!instance)
      throw toAwsIntegrationError('describeInstance', {
        name: 'InvalidInstanceID.NotFound',
        message: `${instanceId} not found`,
        $metadata: { httpStatusCode: 400 },
      });
    return this.parse('describeInstance', ec2InstanceSchema, instance);
  }

  async describeInstances(instanceIds: readonly string[]): Promise<Ec2InstanceInfo[]> {
    const unique = [...new Set(instanceIds)];
    const described: Ec2InstanceInfo[] = [];
    // A filter, not InstanceIds: one unknown id in InstanceIds fails the whole request.
    for (const chunk of chunks(unique, DESCRIBE_CHUNK)) {
      described.push(
        ...(await this.describePages('describeInstances', [{ Name: 'instance-id', Values: chunk }])),
      );
    }
    return described;
  }

  async describeInstanceStatuses(instanceIds: readonly string[]): Promise<Ec2InstanceStatus[]> {
    const statuses: Ec2InstanceStatus[] = [];
    for (const chunk of chunks([...new Set(instanceIds)], STATUS_CHUNK)) {
      const output = await this.call('describeInstanceStatuses', () =>
        this.ec2.send(
          new DescribeInstanceStatusCommand({
            Filters: [{ Name: 'instance-id', Values: chunk }],
            IncludeAllInstances: true,
            MaxResults: 1000,
          }),
        ),
      );
      // Only the asked ids: emulators (moto) ignore the instance-id filter of this call.
      const asked = new Set(chunk);
      statuses.push(
        ...(output.InstanceStatuses ?? [])
          .filter((status) => asked.has(status.InstanceId ?? ''))
          .map((status) => this.parse('describeInstanceStatuses', ec2InstanceStatusSchema, status)),
      );
    }
    return statuses;
  }

  async findImages(namePattern: string, owners: readonly string[] = ['self']): Promise<Ec2ImageInfo[]> {
    const output = await this.call('findImages', () =>
      this.ec2.send(
        new DescribeImagesCommand({
          Owners: [...owners],
          Filters: [{ Name: 'name', Values: [namePattern] }],
        }),
      ),
    );
    return (output.Images ?? []).map((image) => this.parse('findImages', ec2ImageSchema, image));
  }

  async findInstances(filter: InstanceFilter): Promise<Ec2InstanceInfo[]> {
    const filters: Filter[] = [
      ...Object.entries(filter.tags ?? {}).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
      { Name: 'instance-state-name', Values: filter.states ?? ACTIVE_STATES },
      ...(filter.imageIds?.length ? [{ Name: 'image-id', Values: filter.imageIds }] : []),
    ];
    return this.describePages('findInstances', filters);
  }

  /**
   * Instances in any state carrying tag `key` = `value`: the tag index first (DescribeTags), then a
   * describe by id. A DescribeInstances tag filter reads every instance of the region on moto, about
   * 1 ms each, once per launch, which made a launch of 1,000 workers quadratic (docs/bench/system.md);
   * the tag index answers in a tenth of that.
   */
  private async instancesTagged(key: string, value: string): Promise<Ec2InstanceInfo[]> {
    const output = await this.call('launchInstance', () =>
      this.ec2.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-type', Values: ['instance'] },
            { Name: 'key', Values: [key] },
            { Name: 'value', Values: [value] },
          ],
        }),
      ),
    );
    const ids = [
      ...new Set((output.Tags ?? []).map((tag) => tag.ResourceId).filter((id): id is string => Boolean(id))),
    ];
    if (ids.length === 0) return [];
    return this.describeInstances(ids);
  }

  private async describePages(operation: string, filters: Filter[]): Promise<Ec2InstanceInfo[]> {
    const instances: Instance[] = [];
    let nextToken: string | undefined;
    do {
      const output = await this.call(operation, () =>
        this.ec2.send(
          new DescribeInstancesCommand({
            Filters: filters,
            MaxResults: 1000,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      instances.push(...(output.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []));
      nextToken = output.NextToken;
    } while (nextToken);
    return instances.map((instance) => this.parse(operation, ec2InstanceSchema, instance));
  }

  async startInstance(instanceId: string): Promise<Ec2StateChange> {
    const output = await this.call('startInstance', () =>
      this.ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] })),
    );
    return this.stateChange('startInstance', output.StartingInstances);
  }

  async stopInstance(instanceId: string): Promise<Ec2StateChange> {
    const output = await this.call('stopInstance', () =>
      this.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] })),
    );
    return this.stateChange('stopInstance', output.StoppingInstances);
  }

  async terminateInstance(instanceId: string): Promise<Ec2StateChange> {
    try {
      const output = await this.call('terminateInstance', () =>
        this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
      );
      return this.stateChange('terminateInstance', output.TerminatingInstances);
    } catch (error) {
      if (isNotFound(error))
        return { instance_id: instanceId, current_state: 'terminated', previous_state: null };
      throw error;
    }
  }

  async describeInstanceStatus(instanceId: string): Promise<Ec2InstanceStatus | null> {
    const output = await this.call('describeInstanceStatus', () =>
      // Without IncludeAllInstances only running instances are reported.
      this.ec2.send(
        new DescribeInstanceStatusCommand({ InstanceIds: [instanceId], IncludeAllInstances: true }),
      ),
    );
    const [status] = output.InstanceStatuses ?? [];
    return status ? this.parse('describeInstanceStatus', ec2InstanceStatusSchema, status) : null;
  }

  async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
    try {
      assertMetricPeriod(request.periodSeconds);
    } catch (error) {
      throw new InvalidError({
        system: 'aws',
        operation: 'getMetricData',
        code: 'InvalidPeriod',
        message: (error as Error).message,
      });
    }
    const byId = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      const output = await this.call('getMetricData', () =>
        this.cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: request.start,
            EndTime: request.end,
            ScanBy: 'TimestampDescending',
            MetricDataQueries: request.queries.map((query) => ({
              Id: query.id,
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: query.namespace,
                  MetricName: query.metricName,
                  Dimensions: [{ Name: 'InstanceId', Value: query.instanceId }],
                },
                Period: request.periodSeconds,
                Stat: query.stat,
              },
            })),
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      // Later pages continue the same series: concatenate them per query id.
      for (const result of output.MetricDataResults ?? []) {
        const previous = byId.get(result.Id ?? '');
        byId.set(result.Id ?? '', {
          ...result,
          Timestamps: [...(previous?.Timestamps ?? []), ...(result.Timestamps ?? [])],
          Values: [...(previous?.Values ?? []), ...(result.Values ?? [])],
        });
      }
      nextToken = output.NextToken;
    } while (nextToken);
    return [...byId.values()].map((result) => this.parse('getMetricData', metricDataResultSchema, result));
  }

  /** Every EC2/CloudWatch call used here is idempotent (launch via ClientToken), so all may be retried. */
  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await send();
        } catch (error) {
          throw toAwsIntegrationError(operation, error);
        }
      },
      {
        idempotent: true,
        ...(this.options.retry ? { policy: this.options.retry } : {}),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: ({ attempt, delayMs, error }) =>
          this.logger.warn(
            { system: 'aws', operation, attempt, delayMs, code: error.code, kind: error.kind },
            'retrying idempotent call',
          ),
      },
    );
  }

  private stateChange(operation: string, changes: unknown[] | undefined): Ec2StateChange {
    const [change] = changes ?? [];
    if (!change) throw this.invalidResponse(operation, 'no state change returned');
    return this.parse(operation, ec2StateChangeSchema, change);
  }

  private parse<Schema extends z.ZodType>(
    operation: string,
    schema: Schema,
    value: unknown,
  ): z.output<Schema> {
    const parsed = parseReportingUnknownValues(schema, value, (field, rawValue) =>
      this.logger.warn(
        { system: 'aws', operation, field, rawValue },
        'unknown enumeration value in response; mapped to UNKNOWN',
      ),
    );
    if (!parsed.success) throw this.invalidResponse(operation, parsed.error.message);
    return parsed.data as z.output<Schema>;
  }

  private invalidResponse(operation: string, message: string): InvalidError {
    return new InvalidError({ system: 'aws', operation, code: 'invalid_response', message });
  }

  destroy(): void {
    this.ec2.destroy();
    this.cloudwatch.destroy();
  }
}
