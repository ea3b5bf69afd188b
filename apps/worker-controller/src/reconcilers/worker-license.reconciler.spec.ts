import { apiContract, type WorkerLicenseValue } from '@lcm/contracts';
import { FakeFleet } from '../testing/fake-fleet';
import { WorkerLicenseReconciler } from './worker-license.reconciler';

const complete = apiContract.internal.workers.completeLicenseOperation;

describe('licence operations', () => {
  let fleet: FakeFleet;
  let requests: Map<string, WorkerLicenseValue>;
  let reconciler: WorkerLicenseReconciler;
  const step = (workerId: string) => reconciler.reconcile(workerId);

  beforeEach(() => {
    fleet = new FakeFleet();
    requests = new Map();
    reconciler = new WorkerLicenseReconciler(
      fleet.deps,
      async (workerId) => requests.get(workerId) ?? null,
      [],
    );
  });

  it('registers with the stored token, waits for CML to finish and completes the operation', async () => {
    const worker = await fleet.addRunning();
    const cml = fleet.cmlFor(worker.aws_instance_id as string);
    await cml.deregisterLicense();
    requests.set(worker.id, { operation: 'register', token: 'smart-token', reregister: false });
    await expect(step(worker.id)).resolves.toMatchObject({ kind: 'requeue', reason: 'registering' });
    expect(cml.recorder.callsTo('registerLicense')).toEqual([['smart-token', false]]);
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.cpa.callsTo(complete)).toEqual([
      { params: { worker_id: worker.id }, body: { operation: 'register', succeeded: true } },
    ]);
  });

  it('reports a token CML refuses as a failed operation', async () => {
    const worker = await fleet.addRunning();
    const cml = fleet.cmlFor(worker.aws_instance_id as string);
    cml.rejectedLicenseTokens.add('bad');
    requests.set(worker.id, { operation: 'register', token: 'bad', reregister: true });
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.cpa.callsTo(complete)[0]?.body).toMatchObject({
      operation: 'register',
      succeeded: false,
      error_message: expect.stringContaining('invalid token'),
    });
  });

  it('deregisters, treating "already deregistered" as done', async () => {
    const worker = await fleet.addRunning();
    requests.set(worker.id, { operation: 'deregister' });
    await step(worker.id);
    await step(worker.id);
    expect(fleet.cpa.callsTo(complete).map((call) => call.body)).toEqual([
      { operation: 'deregister', succeeded: true },
      { operation: 'deregister', succeeded: true },
    ]);
  });

  it('fails the operation of a stopped worker and does nothing without a request', async () => {
    const stopped = fleet.add({ status: 'STOPPED' });
    requests.set(stopped.id, { operation: 'deregister' });
    await step(stopped.id);
    expect(fleet.cpa.callsTo(complete)[0]?.body).toMatchObject({
      succeeded: false,
      error_message: 'worker is STOPPED; CML is not reachable',
    });
    const idle = await fleet.addRunning();
    await expect(step(idle.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.cpa.callsTo(complete)).toHaveLength(1);
  });
});
