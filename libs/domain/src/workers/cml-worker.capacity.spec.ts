import { FakeClock, aTemplate, aWorker } from '@lcm/testing';
import type { Capacity } from '@lcm/contracts';
import { CmlWorker } from './cml-worker.aggregate';
import {
  CapacityExceededError,
  PortConflictError,
  PortsExhaustedError,
  WorkerNotAcceptingError,
} from './worker.errors';

const CAPACITY: Capacity = { cpu_cores: 8, memory_gb: 32, storage_gb: 100, max_nodes: 10 };
const demand = (patch: Partial<Capacity> = {}): Capacity => ({
  cpu_cores: 2,
  memory_gb: 8,
  storage_gb: 25,
  max_nodes: 2,
  ...patch,
});

describe('CmlWorker capacity', () => {
  it('allocates an exact fit and leaves nothing available', () => {
    const worker = aWorker().running().withCapacity(CAPACITY).build();
    worker.allocate('s1', CAPACITY, []);
    expect(worker.allocatedCapacity).toEqual(CAPACITY);
    expect(worker.availableCapacity).toEqual({ cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 });
    expect(worker.sessionIds).toEqual(['s1']);
  });

  it.each(['cpu_cores', 'memory_gb', 'storage_gb', 'max_nodes'] as const)(
    'refuses one over in %s and changes nothing',
    (dimension) => {
      const worker = aWorker().running().withCapacity(CAPACITY).build();
      worker.allocate('s1', demand(), []);
      worker.pullEvents();
      const over = { ...CAPACITY, [dimension]: CAPACITY[dimension] - demand()[dimension] + 1 };
      const attempt = () => worker.allocate('s2', { ...demand(), [dimension]: over[dimension] }, ['p']);
      expect(attempt).toThrow(CapacityExceededError);
      expect(attempt).toThrow(
        expect.objectContaining({ dimensions: [dimension], code: 'WORKER.CAPACITY_EXCEEDED' }),
      );
      expect(worker.sessionIds).toEqual(['s1']);
      expect(worker.pullEvents()).toEqual([]);
    },
  );

  it.each([
    ['not RUNNING', aWorker().inState('DRAINING').withServiceStatus('AVAILABLE'), 'not_running'],
    [
      'service not AVAILABLE',
      aWorker().inState('RUNNING').withServiceStatus('STARTING'),
      'service_not_available',
    ],
    [
      'without declared capacity (decision 13)',
      aWorker().running().withCapacity(null),
      'capacity_undeclared',
    ],
  ] as const)('refuses a worker %s', (_label, builder, reason) => {
    const worker = builder.build();
    expect(() =>
      worker.allocate('s1', demand({ cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 }), []),
    ).toThrow(expect.objectContaining({ constructor: WorkerNotAcceptingError, reason }));
    expect(worker.notAcceptingReason).toBe(reason);
  });

  it('treats a repeated allocation for the same session as a no-op returning its ports', () => {
    const worker = aWorker().running().withCapacity(CAPACITY).build();
    const first = worker.allocate('s1', demand(), ['a', 'b']);
    worker.pullEvents();
    expect(worker.allocate('s1', demand(), ['a', 'b'])).toEqual(first);
    expect(worker.allocatedCapacity).toEqual(demand());
    expect(worker.pullEvents()).toEqual([]);
  });

  it('releases capacity and the session ports, and a second release changes nothing', () => {
    const worker = aWorker().running().withCapacity(CAPACITY).build();
    worker.allocate('s1', demand(), ['a']);
    worker.allocate('s2', demand(), ['a']);
    worker.pullEvents();

    expect(worker.release('s1')).toBe(true);
    expect(worker.allocatedCapacity).toEqual(demand());
    expect(worker.portsHeldBy('s1')).toBeNull();
    expect(worker.pullEvents().map((event) => event.type)).toEqual(['cml_worker.capacity_released']);

    expect(worker.release('s1')).toBe(false);
    expect(worker.allocatedCapacity).toEqual(demand());
    expect(worker.pullEvents()).toEqual([]);
  });

  it('recalculates from the sessions that still hold capacity, keeping lab ports', () => {
    const worker = aWorker().running().withCapacity(CAPACITY).build();
    worker.allocate('s1', demand(), ['a']);
    worker.allocate('gone', demand(), ['a']);
    worker.claimLabPorts('lab-1', { x: 7000 });
    worker.recalculateCapacity([{ session_id: 's1', capacity: demand() }]);
    expect(worker.allocatedCapacity).toEqual(demand());
    expect(worker.sessionIds).toEqual(['s1']);
    expect(worker.portAllocations.map((allocation) => allocation.holder_id).sort()).toEqual(['lab-1', 's1']);
  });

  it('frees the ports of retired (DELETED or ARCHIVED) lab records when it recalculates', () => {
    const worker = aWorker().running().withCapacity(CAPACITY).build();
    worker.claimLabPorts('lab-live', { x: 7000 });
    worker.claimLabPorts('lab-deleted', { y: 7001 });
    worker.recalculateCapacity([], new Set(['lab-deleted']));
    expect(worker.portAllocations.map((allocation) => allocation.holder_id)).toEqual(['lab-live']);
  });

  it('takes declared capacity and port range from the template', () => {
    const template = aTemplate()
      .withCapacity({ cpu_cores: 16, memory_gb: 64, storage_gb: 500, max_nodes: 20 })
      .withPortRange(3000, 3999)
      .build();
    const worker = CmlWorker.create(
      { id: 'w', name: 'w', aws_region: 'us-east-1', template, origin: 'scale_up', created_by: 'rs' },
      new FakeClock(),
    );
    expect(worker.declaredCapacity).toEqual({ cpu_cores: 16, memory_gb: 64, storage_gb: 500, max_nodes: 20 });
    expect(worker.portRange).toEqual({ start: 3000, end: 3999 });
    expect(worker.status).toBe('PENDING');
    // The audit entry of the creation records the first status like every other change (decision 15).
    expect(worker.pullEvents()[0]?.payload).toMatchObject({ from: null, to: 'PENDING' });
  });

  it('imports an EC2 instance without template as unplaceable (decision 13)', () => {
    const worker = CmlWorker.importFromEc2(
      { id: 'w', name: 'w', aws_region: 'eu-west-1', aws_instance_id: 'i-1', ec2_state: 'running' },
      new FakeClock(),
    );
    expect(worker.status).toBe('RUNNING');
    expect(worker.pullEvents()[0]?.payload).toMatchObject({ from: null, to: 'RUNNING' });
    expect(worker.declaredCapacity).toBeNull();
    expect(worker.availableCapacity).toEqual({ cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 });
    expect(worker.portRange).toEqual({ start: 2000, end: 7999 });
  });
});

describe('CmlWorker port reservation (decision 20)', () => {
  it('reserves the lowest free ports in template order and reuses released ones at once', () => {
    const worker = aWorker().running().build();
    expect(worker.allocate('s1', demand(), ['r1', 'r2'])).toEqual({ r1: 2000, r2: 2001 });
    expect(worker.allocate('s2', demand(), ['r1'])).toEqual({ r1: 2002 });
    worker.release('s1');
    expect(worker.allocate('s3', demand(), ['a', 'b', 'c'])).toEqual({ a: 2000, b: 2001, c: 2003 });
  });

  it('fills the range exactly and refuses one port more', () => {
    const worker = aWorker().running().withPortRange(5000, 5002).build();
    expect(worker.allocate('s1', demand(), ['a', 'b', 'c'])).toEqual({ a: 5000, b: 5001, c: 5002 });
    expect(worker.freePortCount).toBe(0);
    expect(() => worker.allocate('s2', demand(), ['a'])).toThrow(
      expect.objectContaining({ constructor: PortsExhaustedError, requested: 1, free: 0 }),
    );
    expect(worker.sessionIds).toEqual(['s1']);
  });

  it('skips ports held by labs', () => {
    const worker = aWorker().running().withPortRange(5000, 5003).build();
    worker.claimLabPorts('lab-1', { console: 5000, vnc: 5002 });
    expect(worker.allocate('s1', demand(), ['a', 'b'])).toEqual({ a: 5001, b: 5003 });
  });

  it('never gives one port two holders', () => {
    const worker = aWorker().running().build();
    worker.allocate('s1', demand(), ['a']);
    expect(() => worker.claimLabPorts('lab-1', { x: 2000 })).toThrow(PortConflictError);
    expect(() => worker.claimLabPorts('lab-1', { x: 9000 })).toThrow(/outside 2000-7999/);
    expect(() => worker.claimLabPorts('lab-1', { x: 3000, y: 3000 })).toThrow(/repeat/);
  });

  it('moves a cold-imported session reservation to the lab, which keeps it after the session is released', () => {
    const worker = aWorker().running().build();
    const ports = worker.allocate('s1', demand(), ['a', 'b']);
    expect(worker.transferPortsToLab('s1', 'lab-1')).toEqual(ports);
    worker.release('s1');
    expect(worker.portsHeldBy('lab-1')).toEqual(ports);
    expect(worker.portAllocations).toEqual([
      expect.objectContaining({ holder_id: 'lab-1', holder_kind: 'lab_record', ports }),
    ]);
    expect(worker.allocate('s2', demand(), ['a'])).toEqual({ a: 2002 });
    expect(worker.releaseLabPorts('lab-1')).toEqual(ports);
    expect(worker.releaseLabPorts('lab-1')).toBeNull();
  });

  it('clears runtime observations when stopped', () => {
    const worker = aWorker()
      .inState('STOPPING')
      .withServiceStatus('AVAILABLE')
      .with({ public_ip: '1.2.3.4', private_ip: '10.0.0.1', https_endpoint: 'https://x' })
      .build();
    worker.markStopped();
    expect(worker.toState()).toMatchObject({
      public_ip: null,
      private_ip: null,
      https_endpoint: null,
      service_status: 'UNAVAILABLE',
    });
  });
});

describe('CmlWorker drain', () => {
  it('sets desired stopped and cancel-drain returns to RUNNING with desired running', () => {
    const worker = aWorker().running().build();
    worker.drain({ reason: 'scale_down', requested_by: 'worker-controller' });
    expect(worker.toState()).toMatchObject({
      status: 'DRAINING',
      desired_status: 'stopped',
      drain_reason: 'scale_down',
    });
    worker.cancelDrain('admin');
    expect(worker.toState()).toMatchObject({
      status: 'RUNNING',
      desired_status: 'running',
      drain_reason: null,
    });
    expect(worker.pullEvents().map((event) => event.type)).toContain('cml_worker.drain_cancelled');
  });

  it('refuses cancel-drain on a worker that is not draining, even where RUNNING is a table edge', () => {
    const worker = aWorker().inState('PROVISIONING').build();
    expect(() => worker.cancelDrain()).toThrow(
      expect.objectContaining({
        code: 'WORKER.INVALID_TRANSITION',
        current: 'PROVISIONING',
        requested: 'RUNNING',
      }),
    );
  });

  it('reports the sessions a stop cascade must visit', () => {
    const worker = aWorker().running().build();
    worker.allocate('s1', demand(), []);
    worker.stop({ requested_by: 'admin' });
    worker.pullEvents();
    worker.markStopped();
    expect(worker.pullEvents().find((event) => event.type === 'cml_worker.stopped')?.payload).toMatchObject({
      session_ids: ['s1'],
    });
  });
});
