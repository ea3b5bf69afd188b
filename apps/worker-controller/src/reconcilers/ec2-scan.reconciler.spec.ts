import { apiContract } from '@lcm/contracts';
import { FakeFleet } from '../testing/fake-fleet';
import { Ec2ScanReconciler } from './ec2-scan.reconciler';

describe('EC2 scan: drift, orphans and discovery', () => {
  let fleet: FakeFleet;
  let scan: Ec2ScanReconciler;

  beforeEach(() => {
    fleet = new FakeFleet();
    scan = new Ec2ScanReconciler(fleet.deps, []);
  });

  it('describes every worker instance of a region in one call and reports what changed outside LCM', async () => {
    const [stopped, gone, readdressed, inSync] = await Promise.all([
      fleet.addRunning(),
      fleet.addRunning(),
      fleet.addRunning(),
      fleet.addRunning(),
    ]);
    const failed = fleet.add({ status: 'FAILED', aws_instance_id: 'i-never-seen' });
    await fleet.aws.stopInstance(stopped.aws_instance_id as string);
    fleet.aws.instances.delete(gone.aws_instance_id as string);
    fleet.aws.setInstance(readdressed.aws_instance_id as string, { public_ip: '54.9.9.9' });
    fleet.aws.recorder.reset();
    const summary = await scan.scan();
    expect(fleet.aws.recorder.operations()).toEqual(['describeInstances']);
    expect(summary).toEqual({ workers: 5, drift_reports: 4, imported_instances: 0 });
    expect(fleet.statuses(stopped.id)).toEqual(['STOPPING', 'STOPPED']);
    expect(fleet.statuses(gone.id)).toEqual(['TERMINATED']);
    expect(fleet.statuses(failed.id)).toEqual(['TERMINATED']);
    expect(fleet.workers.get(readdressed.id)).toMatchObject({ status: 'RUNNING', public_ip: '54.9.9.9' });
    expect(fleet.statuses(inSync.id)).toEqual([]);
    expect(fleet.decisions.snapshot()).toMatchObject({
      'drift:orphan_detection': 2,
      'drift:ec2_stopped': 1,
      'drift:ec2_readdressed': 1,
    });
  });

  it('reports an unrequested start of a STOPPED worker as STARTING', async () => {
    const worker = await fleet.addRunning({ status: 'STOPPED', public_ip: null, private_ip: null });
    await scan.scan();
    expect(fleet.statuses(worker.id)).toEqual(['STARTING']);
  });

  it('with discovery enabled, imports instances of the discovery AMI pattern that no worker has, never its own launches', async () => {
    fleet.settings = {
      ...fleet.settings,
      discovery: { ...fleet.settings.discovery, enabled: true, regions: ['us-east-1'] },
    };
    const image = fleet.aws.registerImage({ name: 'cisco-cml2.9-lts' });
    const known = await fleet.addRunning();
    const foreign = await fleet.aws.launchInstance({
      workerId: 'manual',
      templateName: 'x',
      deploymentName: 'other',
      imageId: image.image_id,
      instanceType: 'm5zn.metal',
      subnetId: 's',
      securityGroupIds: ['g'],
    });
    expect(known.aws_instance_id).not.toBe(foreign.instance_id);
    await fleet.aws.launchInstance({
      workerId: 'launch-in-flight',
      templateName: 'x',
      deploymentName: 'lcm-test',
      imageId: image.image_id,
      instanceType: 'm5zn.metal',
      subnetId: 's',
      securityGroupIds: ['g'],
    });
    fleet.cpa.on(apiContract.internal.workers.importWorker, ({ body }) =>
      fleet.add({
        status: 'UNKNOWN',
        origin: 'ec2_discovery',
        aws_instance_id: body.aws_instance_id ?? null,
      }),
    );
    const summary = await scan.scan();
    expect(summary.imported_instances).toBe(1);
    expect(
      fleet.cpa.callsTo(apiContract.internal.workers.importWorker).map((call) => call.body.aws_instance_id),
    ).toEqual([foreign.instance_id]);
    await expect(scan.scan()).resolves.toMatchObject({ imported_instances: 0 });
  });
});
