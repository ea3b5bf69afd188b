import { tolerantEnum } from '@lcm/integrations/http';
import { z } from 'zod';

// Projections of the AWS SDK v3 outputs LCM reads (AWS.md §3, §6). The SDK already types them;
// parsing pins what LCM relies on and turns unknown state names into UNKNOWN instead of crashing.

export const EC2_INSTANCE_STATES = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'] as const;
export const EC2_STATUS_VALUES = ['ok', 'impaired', 'insufficient-data', 'not-applicable', 'initializing'] as const;

const tagsSchema = z
  .array(z.object({ Key: z.string().optional(), Value: z.string().optional() }))
  .nullish()
  .transform((tags) => Object.fromEntries((tags ?? []).filter((tag) => tag.Key !== undefined).map((tag) => [tag.Key as string, tag.Value ?? ''])));

export const ec2InstanceSchema = z
  .object({
    InstanceId: z.string(),
    State: z.object({ Name: tolerantEnum(EC2_INSTANCE_STATES, 'instance.state'), Code: z.number().optional() }),
    StateReason: z.object({ Code: z.string().optional(), Message: z.string().optional() }).nullish(),
    StateTransitionReason: z.string().nullish(),
    PublicIpAddress: z.string().nullish(),
    PrivateIpAddress: z.string().nullish(),
    PublicDnsName: z.string().nullish(),
    InstanceType: z.string().nullish(),
    ImageId: z.string().nullish(),
    LaunchTime: z.date().nullish(),
    Tags: tagsSchema,
    Monitoring: z.object({ State: z.string().optional() }).nullish(),
    SubnetId: z.string().nullish(),
    VpcId: z.string().nullish(),
    Placement: z.object({ AvailabilityZone: z.string().optional() }).nullish(),
  })
  .transform((instance) => ({
    instance_id: instance.InstanceId,
    state: instance.State.Name,
    state_code: instance.State.Code ?? null,
    state_reason: instance.StateReason?.Message ?? instance.StateTransitionReason ?? null,
    public_ip: instance.PublicIpAddress || null,
    private_ip: instance.PrivateIpAddress || null,
    public_dns: instance.PublicDnsName || null,
    instance_type: instance.InstanceType ?? null,
    image_id: instance.ImageId ?? null,
    launch_time: instance.LaunchTime ?? null,
    tags: instance.Tags,
    monitoring_state: instance.Monitoring?.State ?? null,
    subnet_id: instance.SubnetId ?? null,
    vpc_id: instance.VpcId ?? null,
    availability_zone: instance.Placement?.AvailabilityZone ?? null,
  }));

export const ec2StateChangeSchema = z
  .object({
    InstanceId: z.string(),
    CurrentState: z.object({ Name: tolerantEnum(EC2_INSTANCE_STATES, 'instance.state') }),
    PreviousState: z.object({ Name: tolerantEnum(EC2_INSTANCE_STATES, 'instance.state') }).nullish(),
  })
  .transform((change) => ({
    instance_id: change.InstanceId,
    current_state: change.CurrentState.Name,
    previous_state: change.PreviousState?.Name ?? null,
  }));

const statusSummarySchema = z
  .object({
    Status: tolerantEnum(EC2_STATUS_VALUES, 'instance_status.status'),
    Details: z.array(z.object({ Name: z.string().optional(), Status: z.string().optional() })).nullish(),
  })
  .nullish();

export const ec2InstanceStatusSchema = z
  .object({
    InstanceId: z.string(),
    InstanceState: z.object({ Name: tolerantEnum(EC2_INSTANCE_STATES, 'instance.state') }),
    InstanceStatus: statusSummarySchema,
    SystemStatus: statusSummarySchema,
    AvailabilityZone: z.string().nullish(),
  })
  .transform((status) => ({
    instance_id: status.InstanceId,
    state: status.InstanceState.Name,
    instance_status: status.InstanceStatus?.Status ?? null,
    instance_reachability: status.InstanceStatus?.Details?.find((detail) => detail.Name === 'reachability')?.Status ?? null,
    system_status: status.SystemStatus?.Status ?? null,
    system_reachability: status.SystemStatus?.Details?.find((detail) => detail.Name === 'reachability')?.Status ?? null,
    availability_zone: status.AvailabilityZone ?? null,
  }));

export const metricDataResultSchema = z
  .object({
    Id: z.string(),
    Label: z.string().nullish(),
    StatusCode: z.string().nullish(),
    Timestamps: z.array(z.date()).nullish(),
    Values: z.array(z.number()).nullish(),
  })
  .transform((result) => ({
    id: result.Id,
    label: result.Label ?? null,
    status_code: result.StatusCode ?? null,
    // CloudWatch returns datapoints in the requested scan order, not necessarily ascending; callers
    // want oldest-first so "latest" is the last element.
    datapoints: (result.Timestamps ?? [])
      .map((timestamp, index) => ({ timestamp, value: result.Values?.[index] }))
      .filter((point): point is { timestamp: Date; value: number } => point.value !== undefined)
      .sort((left, right) => left.timestamp.getTime() - right.timestamp.getTime()),
  }));

export const ec2ImageSchema = z
  .object({
    ImageId: z.string(),
    Name: z.string().nullish(),
    Description: z.string().nullish(),
    CreationDate: z.string().nullish(),
    State: z.string().nullish(),
    RootDeviceName: z.string().nullish(),
  })
  .transform((image) => ({
    image_id: image.ImageId,
    name: image.Name ?? null,
    description: image.Description ?? null,
    /** ISO 8601 as EC2 reports it, or null. */
    creation_date: image.CreationDate ?? null,
    state: image.State ?? null,
    root_device_name: image.RootDeviceName ?? null,
  }));

export type Ec2InstanceInfo = z.output<typeof ec2InstanceSchema>;
export type Ec2InstanceState = Ec2InstanceInfo['state'];
export type Ec2StateChange = z.output<typeof ec2StateChangeSchema>;
export type Ec2InstanceStatus = z.output<typeof ec2InstanceStatusSchema>;
export type MetricSeries = z.output<typeof metricDataResultSchema>;
export type Ec2ImageInfo = z.output<typeof ec2ImageSchema>;
