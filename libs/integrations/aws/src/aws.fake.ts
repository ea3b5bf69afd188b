import { ConflictError, FakeCallRecorder, InvalidError } from '@lcm/integrations/http';
import { toAwsIntegrationError } from './aws.errors';
import { matchesImageNamePattern } from './aws.images';
import { assertMetricPeriod, clientTokenForWorker, lcmTagsForWorker } from './aws.launch';
import {
  type AwsOperation,
  type AwsWorkerPort,
  type Ec2ImageInfo,
  type Ec2InstanceInfo,
  type Ec2InstanceState,
  type Ec2InstanceStatus,
  type Ec2StateChange,
  type InstanceFilter,
  type MetricDataRequest,
  type MetricSeries,
  type WorkerLaunchSpec,
} from './aws.port';

interface SeededDatapoint {
  timestamp: Date;
  value: number;
}

/**
 * In-memory EC2 + CloudWatch with moto's observable behaviour: launches are idempotent per
 * ClientToken, transitional states (pending, stopping, shutting-down) settle on the next read.
 */
export class AwsFake implements AwsWorkerPort {
  readonly recorder = new FakeCallRecorder<AwsOperation>();
  readonly instances = new Map<string, Ec2InstanceInfo>();
  /** Images of this account, found by `findImages`; tests register them with `registerImage`. */
  readonly images: Ec2ImageInfo[] = [];
  private readonly instanceByClientToken = new Map<string, string>();
  private readonly metrics = new Map<string, SeededDatapoint[]>();
  private launched = 0;

  async launchInstance(spec: WorkerLaunchSpec) {
    this.recorder.enter('launchInstance', spec);
    const token = clientTokenForWorker(spec.workerId, spec.launchGeneration);
    const existing = this.instanceByClientToken.get(token);
    if (existing) return structuredClone(this.require('launchInstance', existing));
    const instanceId = `i-${(++this.launched).toString(16).padStart(17, '0')}`;
    const instance: Ec2InstanceInfo = {
      instance_id: instanceId,
      state: 'pending',
      state_code: 0,
      state_reason: null,
      public_ip: `54.0.0.${this.launched}`,
      private_ip: `10.0.0.${this.launched}`,
      public_dns: null,
      instance_type: spec.instanceType,
      image_id: spec.imageId,
      launch_time: new Date(),
      tags: lcmTagsForWorker(spec),
      monitoring_state: spec.detailedMonitoring === false ? 'disabled' : 'enabled',
      subnet_id: spec.subnetId,
      vpc_id: 'vpc-fake',
      availability_zone: 'us-east-1a',
    };
    this.instances.set(instanceId, instance);
    this.instanceByClientToken.set(token, instanceId);
    return structuredClone(instance);
  }

  async describeInstance(instanceId: string) {
    this.recorder.enter('describeInstance', instanceId);
    return structuredClone(this.settle(this.require('describeInstance', instanceId)));
  }

  async describeInstances(instanceIds: readonly string[]) {
    this.recorder.enter('describeInstances', instanceIds);
    return [...new Set(instanceIds)]
      .map((instanceId) => this.instances.get(instanceId))
      .filter((instance): instance is Ec2InstanceInfo => instance !== undefined)
      .map((instance) => structuredClone(this.settle(instance)));
  }

  async describeInstanceStatuses(instanceIds: readonly string[]) {
    this.recorder.enter('describeInstanceStatuses', instanceIds);
    return [...new Set(instanceIds)]
      .filter((instanceId) => this.instances.has(instanceId))
      .map((instanceId) => this.statusOf(this.settle(this.instances.get(instanceId) as Ec2InstanceInfo)));
  }

  async findImages(namePattern: string) {
    this.recorder.enter('findImages', namePattern);
    return this.images.filter((image) => image.name !== null && matchesImageNamePattern(image.name, namePattern)).map((image) => ({ ...image }));
  }

  registerImage(image: Partial<Ec2ImageInfo> & { name: string }): Ec2ImageInfo {
    const registered: Ec2ImageInfo = {
      image_id: `ami-${(this.images.length + 1).toString(16).padStart(17, '0')}`,
      description: null,
      creation_date: new Date().toISOString(),
      state: 'available',
      root_device_name: '/dev/sda1',
      ...image,
    };
    this.images.push(registered);
    return registered;
  }

  /** Drift from outside LCM: someone stopped, terminated or re-addressed the instance in the console. */
  setInstance(instanceId: string, change: Partial<Ec2InstanceInfo>): void {
    Object.assign(this.require('setInstance', instanceId), change);
  }

  async findInstances(filter: InstanceFilter) {
    this.recorder.enter('findInstances', filter);
    const states = filter.states ?? ['pending', 'running', 'stopping', 'stopped'];
    return [...this.instances.values()]
      .map((instance) => this.settle(instance))
      .filter((instance) => states.includes(instance.state))
      .filter((instance) => Object.entries(filter.tags ?? {}).every(([key, value]) => instance.tags[key] === value))
      .filter((instance) => !filter.imageIds?.length || filter.imageIds.includes(instance.image_id ?? ''))
      .map((instance) => structuredClone(instance));
  }

  async startInstance(instanceId: string) {
    this.recorder.enter('startInstance', instanceId);
    const instance = this.settle(this.require('startInstance', instanceId));
    if (instance.state !== 'stopped' && instance.state !== 'running' && instance.state !== 'pending') throw this.incorrectState('startInstance', instance);
    return this.transition(instance, instance.state === 'stopped' ? 'pending' : instance.state);
  }

  async stopInstance(instanceId: string) {
    this.recorder.enter('stopInstance', instanceId);
    const instance = this.settle(this.require('stopInstance', instanceId));
    if (instance.state === 'terminated' || instance.state === 'shutting-down') throw this.incorrectState('stopInstance', instance);
    return this.transition(instance, instance.state === 'stopped' ? 'stopped' : 'stopping');
  }

  async terminateInstance(instanceId: string) {
    this.recorder.enter('terminateInstance', instanceId);
    const instance = this.instances.get(instanceId);
    if (!instance) return { instance_id: instanceId, current_state: 'terminated' as const, previous_state: null };
    this.settle(instance);
    return this.transition(instance, instance.state === 'terminated' ? 'terminated' : 'shutting-down');
  }

  async describeInstanceStatus(instanceId: string): Promise<Ec2InstanceStatus | null> {
    this.recorder.enter('describeInstanceStatus', instanceId);
    const instance = this.instances.get(instanceId);
    if (!instance) return null;
    return this.statusOf(this.settle(instance));
  }

  private statusOf(instance: Ec2InstanceInfo): Ec2InstanceStatus {
    const running = instance.state === 'running';
    return {
      instance_id: instance.instance_id,
      state: instance.state,
      instance_status: running ? 'ok' : 'not-applicable',
      instance_reachability: running ? 'passed' : null,
      system_status: running ? 'ok' : 'not-applicable',
      system_reachability: running ? 'passed' : null,
      availability_zone: instance.availability_zone,
    };
  }

  async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
    this.recorder.enter('getMetricData', request);
    try {
      assertMetricPeriod(request.periodSeconds);
    } catch (error) {
      throw new InvalidError({ system: 'aws', operation: 'getMetricData', code: 'InvalidPeriod', message: (error as Error).message });
    }
    return request.queries.map((query) => ({
      id: query.id,
      label: query.metricName,
      status_code: 'Complete',
      datapoints: (this.metrics.get(metricKey(query.namespace, query.metricName, query.instanceId)) ?? [])
        .filter((point) => point.timestamp >= request.start && point.timestamp <= request.end)
        .map((point) => ({ ...point }))
        .sort((left, right) => left.timestamp.getTime() - right.timestamp.getTime()),
    }));
  }

  /** Arranges CloudWatch datapoints (moto and the fake generate no EC2 metrics themselves). */
  seedMetric(namespace: string, metricName: string, instanceId: string, datapoints: SeededDatapoint[]): void {
    const key = metricKey(namespace, metricName, instanceId);
    this.metrics.set(key, [...(this.metrics.get(key) ?? []), ...datapoints]);
  }

  private settle(instance: Ec2InstanceInfo): Ec2InstanceInfo {
    const settled: Partial<Record<Ec2InstanceState, Ec2InstanceState>> = { pending: 'running', stopping: 'stopped', 'shutting-down': 'terminated' };
    instance.state = settled[instance.state] ?? instance.state;
    return instance;
  }

  private transition(instance: Ec2InstanceInfo, next: Ec2InstanceState): Ec2StateChange {
    const previous = instance.state;
    instance.state = next;
    return { instance_id: instance.instance_id, current_state: next, previous_state: previous };
  }

  private require(operation: string, instanceId: string): Ec2InstanceInfo {
    const instance = this.instances.get(instanceId);
    if (!instance) throw toAwsIntegrationError(operation, { name: 'InvalidInstanceID.NotFound', message: `${instanceId} not found`, $metadata: { httpStatusCode: 400 } });
    return instance;
  }

  private incorrectState(operation: string, instance: Ec2InstanceInfo): ConflictError {
    return new ConflictError({ system: 'aws', operation, status: 400, code: 'IncorrectInstanceState', message: `${instance.instance_id} is ${instance.state}` });
  }
}

const metricKey = (namespace: string, metricName: string, instanceId: string) => `${namespace}|${metricName}|${instanceId}`;
