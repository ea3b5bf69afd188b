/**
 * Prepares an EC2 emulator (moto) so a worker scale-up works out of the box: a VPC, a subnet and a
 * security group (found by their Name tag, created when missing), a registered CML AMI whose name
 * matches the seeded templates' pattern (CML-2.9.*), and the per-region network file the
 * worker-controller reads (WORKER_REGIONS_CONFIG). Idempotent: running it again finds everything.
 *
 *   pnpm exec tsx scripts/infra/moto-prepare.ts [--name lcm-local] [--out .infra/worker-regions.json]
 *
 * Env: AWS_ENDPOINT_URL (default http://127.0.0.1:5000), AWS_REGION (default us-east-1). Used by
 * scripts/dev.sh and by the worker-controller's integration tests (each with a name of its own).
 * It refuses to run against real AWS: the endpoint must be given or default to loopback.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Matches the seeded templates' `ami_pattern` (apps/control-plane-api/seeds/worker-templates.yaml). */
export const LOCAL_CML_AMI_PREFIX = 'CML-2.9.0';

export interface MotoPreparation {
  region: string;
  vpc_id: string;
  subnet_id: string;
  security_group_id: string;
  ami_id: string;
  ami_name: string;
  regions_config: string;
}

async function prepare(options: {
  endpoint: string;
  region: string;
  name: string;
  out: string;
}): Promise<MotoPreparation> {
  const ec2 = new EC2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: {
      accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'test',
      secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'test',
    },
  });
  const named = (resourceType: 'vpc' | 'subnet' | 'security-group', name: string) => [
    {
      ResourceType: resourceType,
      Tags: [
        { Key: 'Name', Value: name },
        { Key: 'lcm:deployment', Value: options.name },
      ],
    },
  ];
  const byName = (name: string) => [{ Name: 'tag:Name', Values: [name] }];
  try {
    const vpcName = `${options.name}-vpc`;
    const vpcId =
      (await ec2.send(new DescribeVpcsCommand({ Filters: byName(vpcName) }))).Vpcs?.[0]?.VpcId ??
      (
        await ec2.send(
          new CreateVpcCommand({ CidrBlock: '10.90.0.0/16', TagSpecifications: named('vpc', vpcName) }),
        )
      ).Vpc?.VpcId;
    if (!vpcId) throw new Error('moto created no VPC');

    const subnetName = `${options.name}-workers`;
    const subnetId =
      (
        await ec2.send(
          new DescribeSubnetsCommand({
            Filters: [...byName(subnetName), { Name: 'vpc-id', Values: [vpcId] }],
          }),
        )
      ).Subnets?.[0]?.SubnetId ??
      (
        await ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcId,
            // A /20 holds 4,091 instances: the system bench launches a fleet of 1,000, and a /24
            // ran out of addresses at 251 (moto then answers RunInstances with an HTML 500).
            CidrBlock: '10.90.16.0/20',
            TagSpecifications: named('subnet', subnetName),
          }),
        )
      ).Subnet?.SubnetId;
    if (!subnetId) throw new Error('moto created no subnet');

    const groupName = `${options.name}-cml-workers`;
    let groupId = (
      await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'group-name', Values: [groupName] },
            { Name: 'vpc-id', Values: [vpcId] },
          ],
        }),
      )
    ).SecurityGroups?.[0]?.GroupId;
    if (!groupId) {
      groupId = (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: groupName,
            Description: 'CML workers (HTTPS)',
            VpcId: vpcId,
            TagSpecifications: named('security-group', groupName),
          }),
        )
      ).GroupId;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    }
    if (!groupId) throw new Error('moto created no security group');

    const amiName = `${LOCAL_CML_AMI_PREFIX}-${options.name}`;
    const existing = (
      await ec2.send(
        new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [amiName] }] }),
      )
    ).Images?.[0]?.ImageId;
    const amiId =
      existing ??
      (
        await ec2.send(
          new RegisterImageCommand({
            Name: amiName,
            Description: 'Cisco Modeling Labs 2.9 (local emulation)',
            RootDeviceName: '/dev/sda1',
            Architecture: 'x86_64',
          }),
        )
      ).ImageId;
    if (!amiId) throw new Error('moto registered no image');

    const regionsConfig = resolve(options.out);
    mkdirSync(dirname(regionsConfig), { recursive: true });
    writeFileSync(
      regionsConfig,
      `${JSON.stringify({ regions: { [options.region]: { subnet_id: subnetId, security_group_ids: [groupId], default_tags: { 'lcm:environment': options.name } } } }, null, 2)}\n`,
    );
    return {
      region: options.region,
      vpc_id: vpcId,
      subnet_id: subnetId,
      security_group_id: groupId,
      ami_id: amiId,
      ami_name: amiName,
      regions_config: regionsConfig,
    };
  } finally {
    ec2.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string', default: 'lcm-local' },
      out: { type: 'string', default: '.infra/worker-regions.json' },
    },
  });
  const endpoint = process.env['AWS_ENDPOINT_URL'] || 'http://127.0.0.1:5000';
  if (!/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(endpoint)) {
    throw new Error(`refusing to prepare ${endpoint}: this script only prepares a local EC2 emulator`);
  }
  const preparation = await prepare({
    endpoint,
    region: process.env['AWS_REGION'] || 'us-east-1',
    name: values.name,
    out: values.out,
  });
  process.stdout.write(`${JSON.stringify(preparation)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`moto-prepare: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
