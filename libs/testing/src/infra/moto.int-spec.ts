import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { infraEndpoints } from './endpoints';

// Proves the AWS emulator is reachable through the real SDK; the EC2 adapter's own tests live in
// libs/integrations/aws.
describe('moto answers the EC2 API through @aws-sdk/client-ec2', () => {
  const ec2 = new EC2Client({
    endpoint: infraEndpoints().awsEndpointUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  afterAll(() => ec2.destroy());

  it('launches an instance and describes it back with its tags', async () => {
    const launched = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 'm5zn.metal',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'lcm:plumbing', Value: 'yes' }] }],
      }),
    );
    const instanceId = launched.Instances?.[0]?.InstanceId;
    expect(instanceId).toMatch(/^i-/);

    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId!] }));
    const instance = described.Reservations?.[0]?.Instances?.[0];
    expect(instance?.InstanceType).toBe('m5zn.metal');
    expect(instance?.Tags).toEqual(expect.arrayContaining([{ Key: 'lcm:plumbing', Value: 'yes' }]));
  });
});
