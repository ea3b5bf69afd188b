import { createHash } from 'node:crypto';
import { type WorkerLaunchSpec } from './aws.port';

/** Tag keys written at launch and read by discovery (AWS.md §5, proposed canonical set). */
export const LCM_TAGS = {
  managed: 'lcm:managed',
  workerId: 'lcm:worker-id',
  template: 'lcm:template',
  deployment: 'lcm:deployment',
  /** The launch's ClientToken, so a repeated launch can find the instance of the first one. */
  launchToken: 'lcm:launch-token',
  managedBy: 'ManagedBy',
  name: 'Name',
} as const;

/** Matches the IAM condition `ec2:ResourceTag/ManagedBy = cml-cloud-manager` (values are case-sensitive). */
export const MANAGED_BY_VALUE = 'cml-cloud-manager';

const CLIENT_TOKEN_MAX_LENGTH = 64;

/**
 * EC2 idempotency token for a worker's launch: the same worker (and generation) always yields the
 * same token, so a launch retried after a timeout or crash returns the first instance instead of
 * creating a second one.
 */
export function clientTokenForWorker(workerId: string, launchGeneration = 0): string {
  const readable = `lcm-${workerId}-g${launchGeneration}`;
  if (readable.length <= CLIENT_TOKEN_MAX_LENGTH && /^[\x21-\x7e]+$/.test(readable)) return readable;
  return `lcm-${createHash('sha256').update(`${workerId}\u0000${launchGeneration}`).digest('hex').slice(0, 56)}`;
}

export function lcmTagsForWorker(spec: WorkerLaunchSpec): Record<string, string> {
  return {
    ...spec.extraTags,
    [LCM_TAGS.name]: `cml-worker-${spec.templateName}-${spec.workerId.slice(0, 8)}`,
    [LCM_TAGS.managedBy]: MANAGED_BY_VALUE,
    [LCM_TAGS.managed]: 'true',
    [LCM_TAGS.workerId]: spec.workerId,
    [LCM_TAGS.template]: spec.templateName,
    [LCM_TAGS.deployment]: spec.deploymentName,
    [LCM_TAGS.launchToken]: clientTokenForWorker(spec.workerId, spec.launchGeneration),
  };
}

// Standard-resolution EC2 metrics only exist per minute; a period of 30 s (used by the original) is rejected.
export function assertMetricPeriod(periodSeconds: number): void {
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw new RangeError(`metric period must be a positive multiple of 60 seconds, got ${periodSeconds}`);
  }
}
