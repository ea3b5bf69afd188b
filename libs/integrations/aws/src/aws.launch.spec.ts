import { assertMetricPeriod, clientTokenForWorker, lcmTagsForWorker } from './aws.launch';

describe('clientTokenForWorker', () => {
  it('is stable per worker and generation and differs otherwise', () => {
    expect(clientTokenForWorker('w-1')).toBe(clientTokenForWorker('w-1', 0));
    expect(clientTokenForWorker('w-1', 1)).not.toBe(clientTokenForWorker('w-1', 0));
    expect(clientTokenForWorker('w-2')).not.toBe(clientTokenForWorker('w-1'));
  });

  it('stays within the 64 ASCII characters EC2 accepts for long or non-ASCII ids', () => {
    const token = clientTokenForWorker('ä'.repeat(100));
    expect(token.length).toBeLessThanOrEqual(64);
    expect(token).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('lcmTagsForWorker', () => {
  it('writes the canonical LCM tags, which win over extra tags', () => {
    const tags = lcmTagsForWorker({
      workerId: '0123456789abcdef',
      templateName: 'personal-standard',
      deploymentName: 'prod',
      imageId: 'ami-1',
      instanceType: 'm5zn.metal',
      subnetId: 'subnet-1',
      securityGroupIds: ['sg-1'],
      extraTags: { Environment: 'prod', ManagedBy: 'someone-else' },
    });
    expect(tags).toEqual({
      Environment: 'prod',
      Name: 'cml-worker-personal-standard-01234567',
      ManagedBy: 'cml-cloud-manager',
      'lcm:managed': 'true',
      'lcm:worker-id': '0123456789abcdef',
      'lcm:template': 'personal-standard',
      'lcm:deployment': 'prod',
      'lcm:launch-token': 'lcm-0123456789abcdef-g0',
    });
  });
});

describe('assertMetricPeriod', () => {
  it('accepts positive multiples of 60 and rejects the rest', () => {
    expect(() => assertMetricPeriod(60)).not.toThrow();
    expect(() => assertMetricPeriod(300)).not.toThrow();
    expect(() => assertMetricPeriod(30)).toThrow(RangeError);
    expect(() => assertMetricPeriod(90)).toThrow(RangeError);
    expect(() => assertMetricPeriod(0)).toThrow(RangeError);
  });
});
