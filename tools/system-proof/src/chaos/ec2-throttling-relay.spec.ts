import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { toAwsIntegrationError } from '@lcm/integrations/aws';
import { freePort, type RecordingServer, startRecordingServer } from '@lcm/testing';
import { Ec2ThrottlingRelay } from './ec2-throttling-relay';
import { SeededRandom } from './seeded-random';

const NO_INSTANCES =
  '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  '<requestId>r-1</requestId><reservationSet/></DescribeInstancesResponse>';

describe('EC2 throttling relay', () => {
  let moto: RecordingServer;
  let relay: Ec2ThrottlingRelay;
  let ec2: EC2Client;

  const describeInstances = () =>
    ec2.send(new DescribeInstancesCommand({})).then(
      () => 'answered',
      (error: unknown) => toAwsIntegrationError('describeInstances', error),
    );

  beforeEach(async () => {
    moto = await startRecordingServer(() => ({ status: 200, body: NO_INSTANCES }));
    relay = new Ec2ThrottlingRelay(await freePort(), new URL(moto.url));
    await relay.start();
    ec2 = new EC2Client({
      region: 'us-east-1',
      endpoint: relay.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterEach(async () => {
    ec2.destroy();
    await relay.stop();
    await moto.close();
  });

  it('passes every call through until throttling begins', async () => {
    expect(await describeInstances()).toBe('answered');
    expect(moto.received).toHaveLength(1);
    expect(moto.received[0]?.body).toContain('Action=DescribeInstances');
  });

  it('answers throttled EC2 calls with RequestLimitExceeded without reaching moto, which the AWS integration reads as throttled', async () => {
    relay.throttle(1, new SeededRandom(1));
    const error = await describeInstances();
    expect(error).toMatchObject({
      kind: 'throttled',
      code: 'RequestLimitExceeded',
      status: 503,
      retryable: true,
    });
    expect(moto.received).toHaveLength(0);
    expect(relay.throttled).toMatchObject({ ec2Calls: 1, throttled: 1 });
  });

  it('refuses the given share of the EC2 calls, lets other services through and stops when cleared', async () => {
    relay.throttle(0.5, new SeededRandom(7));
    const answers = [];
    for (let call = 0; call < 40; call += 1) answers.push(await describeInstances());
    const refused = answers.filter((answer) => answer !== 'answered').length;
    expect(refused).toBeGreaterThan(10);
    expect(refused).toBeLessThan(30);
    expect(relay.throttled).toMatchObject({ ec2Calls: 40, throttled: refused });

    const cloudwatch = await fetch(`${relay.url}/`, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=GetMetricData',
    });
    expect(cloudwatch.status).toBe(200);
    expect(relay.throttled.ec2Calls).toBe(40);

    relay.clear();
    expect(await describeInstances()).toBe('answered');
    expect(relay.throttled).toMatchObject({ ec2Calls: 40, throttled: refused });
  });
});
