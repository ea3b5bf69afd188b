import {
  type Ec2ImageInfo,
  type Ec2InstanceInfo,
  type Ec2InstanceState,
  type Ec2InstanceStatus,
  type Ec2StateChange,
  type MetricSeries,
} from './aws.schemas';

export type { Ec2ImageInfo, Ec2InstanceInfo, Ec2InstanceState, Ec2InstanceStatus, Ec2StateChange, MetricSeries };

export interface WorkerLaunchSpec {
  /** LCM worker aggregate id: source of the idempotency token and the `lcm:worker-id` tag. */
  workerId: string;
  /** Bumped only when a worker deliberately gets a fresh instance (the previous one is terminated). */
  launchGeneration?: number;
  templateName: string;
  /** Installation name, so two LCM installs in one account never adopt each other's instances. */
  deploymentName: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  keyName?: string;
  volumeSizeGb?: number;
  /** Must match the AMI's root device. Default `/dev/sda1`. */
  rootDeviceName?: string;
  detailedMonitoring?: boolean;
  /** Plain text; base64-encoded for EC2 by the adapter. */
  userData?: string;
  iamInstanceProfileName?: string;
  /** Extra tags (e.g. the region's default tags); LCM's own tags win on key clashes. */
  extraTags?: Record<string, string>;
}

export interface InstanceFilter {
  /** Exact tag matches, e.g. `{ 'lcm:managed': 'true' }`. */
  tags?: Record<string, string>;
  /** Default: pending, running, stopping, stopped (terminated instances linger for an hour). */
  states?: Ec2InstanceState[];
  imageIds?: string[];
}

export type MetricStat = 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount';

export interface InstanceMetricQuery {
  /** Query id, echoed in the result; `^[a-z][a-zA-Z0-9_]*$`. */
  id: string;
  namespace: string;
  metricName: string;
  instanceId: string;
  stat: MetricStat;
}

export interface MetricDataRequest {
  queries: InstanceMetricQuery[];
  start: Date;
  end: Date;
  /** Seconds; a multiple of 60 (standard-resolution EC2 metrics). */
  periodSeconds: number;
}

/** EC2 + CloudWatch calls of the worker-controller (AWS.md). Errors are the typed errors of `@lcm/integrations/http`. */
export interface AwsWorkerPort {
  /** Idempotent per worker (ClientToken): a retried launch returns the instance of the first one. */
  launchInstance(spec: WorkerLaunchSpec): Promise<Ec2InstanceInfo>;
  /** NotFoundError when EC2 does not know the id (also briefly right after launch: eventual consistency). */
  describeInstance(instanceId: string): Promise<Ec2InstanceInfo>;
  /**
   * Many instances in as few calls as EC2 allows (chunks of ids per request), whatever their state;
   * ids EC2 does not know are left out. A fleet's metrics pass makes one such call, not one per worker.
   */
  describeInstances(instanceIds: readonly string[]): Promise<Ec2InstanceInfo[]>;
  /** All pages of a filtered discovery. */
  findInstances(filter: InstanceFilter): Promise<Ec2InstanceInfo[]>;
  startInstance(instanceId: string): Promise<Ec2StateChange>;
  stopInstance(instanceId: string): Promise<Ec2StateChange>;
  /** An instance EC2 no longer knows counts as terminated. */
  terminateInstance(instanceId: string): Promise<Ec2StateChange>;
  /** Status checks of any state (IncludeAllInstances); null when EC2 reports nothing for the id. */
  describeInstanceStatus(instanceId: string): Promise<Ec2InstanceStatus | null>;
  /** Status checks of many instances (any state), chunked like `describeInstances`; unknown ids are left out. */
  describeInstanceStatuses(instanceIds: readonly string[]): Promise<Ec2InstanceStatus[]>;
  /** Images whose name matches the EC2 wildcard `namePattern` (`*`, `?`), owned by `owners` (default: this account). */
  findImages(namePattern: string, owners?: readonly string[]): Promise<Ec2ImageInfo[]>;
  /** Datapoints of each series sorted oldest first. */
  getMetricData(request: MetricDataRequest): Promise<MetricSeries[]>;
}

export type AwsOperation = keyof AwsWorkerPort;
