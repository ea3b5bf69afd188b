import { FakeClock, aDefinition, aLabRecord, aSession, aWorker } from '@lcm/testing';
import { CapacityExceededError } from '../workers/worker.errors';
import { LabBindingRefusedError } from './lablet-session.errors';
import {
  bindLabToSession,
  releaseSessionResources,
  releaseUnboundLab,
  scheduleSession,
} from './session-resources.service';

function scheduled(clock = new FakeClock()) {
  const definition = aDefinition().withPorts('r1_console', 'r2_console').build(clock);
  const worker = aWorker().running().build(clock);
  const session = aSession().forDefinition(definition).build(clock);
  scheduleSession(session, worker, definition);
  session.startInstantiation();
  return { clock, definition, worker, session };
}

describe('scheduleSession', () => {
  it('allocates capacity and the lowest free ports and writes them on the session', () => {
    const { worker, session, definition } = scheduled();
    expect(session.toState()).toMatchObject({
      worker_id: worker.id,
      allocated_ports: { r1_console: 2000, r2_console: 2001 },
    });
    expect(worker.allocatedCapacity).toEqual(definition.capacityDemand);
    expect(worker.portsHeldBy(session.id)).toEqual({ r1_console: 2000, r2_console: 2001 });
  });

  it('leaves the worker untouched when the session may not be scheduled', () => {
    const definition = aDefinition().build();
    const worker = aWorker().running().build();
    const session = aSession().inState('RUNNING').forDefinition(definition).build();
    expect(() => scheduleSession(session, worker, definition)).toThrow(
      expect.objectContaining({ code: 'SESSION.INVALID_TRANSITION' }),
    );
    expect(worker.sessionIds).toEqual([]);
  });

  it('leaves the session PENDING when the worker is full', () => {
    const definition = aDefinition()
      .withDemand({ cpu_cores: 100, memory_gb: 1, storage_gb: 1, nodes: 1 })
      .build();
    const session = aSession().forDefinition(definition).build();
    expect(() => scheduleSession(session, aWorker().running().build(), definition)).toThrow(
      CapacityExceededError,
    );
    expect(session.status).toBe('PENDING');
  });
});

describe('bindLabToSession (decision 20)', () => {
  it('cold import: the session reservation moves to the lab and stays after the session ends', () => {
    const { clock, worker, session } = scheduled();
    const lab = aLabRecord().inState('IMPORTING').onWorker(worker).build(clock);
    bindLabToSession(session, lab, worker);

    expect(lab.allocatedPorts).toEqual({ r1_console: 2000, r2_console: 2001 });
    expect(session.toState()).toMatchObject({
      lab_record_id: lab.id,
      cml_lab_id: lab.labId,
      allocated_ports: lab.allocatedPorts,
    });
    expect(worker.portAllocations).toEqual([
      expect.objectContaining({ holder_id: lab.id, holder_kind: 'lab_record' }),
    ]);
    expect(lab.activeSessionId).toBe(session.id);

    session.terminate({ reason: 'test', terminated_by: null });
    releaseSessionResources(session, worker, lab);
    expect(worker.sessionIds).toEqual([]);
    expect(worker.portsHeldBy(lab.id)).toEqual(lab.allocatedPorts);
    expect(lab.activeSessionId).toBeNull();
  });

  it('reuse: the session drops its reservation and takes the lab ports', () => {
    const { clock, worker, session } = scheduled();
    worker.claimLabPorts('lab-reused', { r1_console: 2100, r2_console: 2101 });
    const lab = aLabRecord()
      .with({ id: 'lab-reused' })
      .inState('WIPED')
      .onWorker(worker)
      .withPorts({ r1_console: 2100, r2_console: 2101 })
      .build(clock);
    bindLabToSession(session, lab, worker);
    expect(session.allocatedPorts).toEqual({ r1_console: 2100, r2_console: 2101 });
    expect(worker.portsHeldBy(session.id)).toBeNull();
    expect(worker.portsHeldBy(lab.id)).toEqual({ r1_console: 2100, r2_console: 2101 });
  });

  it('frees the lab ports on the worker when the lab is deleted', () => {
    const { clock, worker, session } = scheduled();
    const lab = aLabRecord().inState('IMPORTING').onWorker(worker).build(clock);
    bindLabToSession(session, lab, worker);
    lab.observeStatus('DEFINED');
    lab.requestAction('delete');
    lab.completeAction('delete');
    const released = lab.pullEvents().find((event) => event.type === 'lab_record.ports_released');
    expect(released?.payload).toEqual({
      worker_id: worker.id,
      ports: { r1_console: 2000, r2_console: 2001 },
    });
    expect(worker.releaseLabPorts(lab.id)).toEqual({ r1_console: 2000, r2_console: 2001 });
    expect(worker.freePortCount).toBe(6000);
  });

  it.each([
    ['a lab used by another session', (b: ReturnType<typeof aLabRecord>) => b.usedBy('someone-else')],
    ['a lab on another worker', (b: ReturnType<typeof aLabRecord>) => b.onWorker('worker-elsewhere')],
    ['a deleted lab', (b: ReturnType<typeof aLabRecord>) => b.inState('DELETED')],
  ])('refuses %s', (_label, shape) => {
    const { clock, worker, session } = scheduled();
    const lab = shape(aLabRecord().onWorker(worker)).build(clock);
    expect(() => bindLabToSession(session, lab, worker)).toThrow(LabBindingRefusedError);
    expect(session.labRecordId).toBeNull();
  });

  it('refuses binding outside INSTANTIATING (decision 2)', () => {
    const worker = aWorker().running().build();
    const session = aSession().inState('SCHEDULED').onWorker(worker).build();
    expect(() => bindLabToSession(session, aLabRecord().onWorker(worker).build(), worker)).toThrow(
      /not INSTANTIATING/,
    );
  });
});

describe('releaseUnboundLab (a cold import registered, then the session ended before the binding)', () => {
  function registered() {
    const { clock, worker, session } = scheduled();
    const lab = aLabRecord().inState('IMPORTING').onWorker(worker).build(clock);
    lab.assignPorts(session.allocatedPorts);
    lab.attachSession(session.id);
    return { clock, worker, session, lab };
  }

  it('leaves the lab alone while the session still holds capacity', () => {
    const { worker, session, lab } = registered();
    releaseUnboundLab(session, lab, worker);
    expect(lab.activeSessionId).toBe(session.id);
    expect(lab.allocatedPorts).toEqual({ r1_console: 2000, r2_console: 2001 });
  });

  it('detaches the lab and drops the ports the worker released with the session', () => {
    const { worker, session, lab } = registered();
    session.terminate({ reason: 'operator', terminated_by: 'ops' });
    releaseSessionResources(session, worker, null);

    releaseUnboundLab(session, lab, worker);

    expect(lab.activeSessionId).toBeNull();
    expect(lab.allocatedPorts).toEqual({});
    expect(lab.pullEvents().map((event) => event.type)).toEqual(
      expect.arrayContaining(['lab_record.session_detached', 'lab_record.ports_released']),
    );
    releaseUnboundLab(session, lab, worker);
    expect(lab.pullEvents()).toEqual([]);
  });

  it('keeps the ports the worker holds for the lab, and never touches the lab the session took', () => {
    const { worker, session, lab } = registered();
    worker.transferPortsToLab(session.id, lab.id);
    session.terminate({ reason: 'operator', terminated_by: 'ops' });
    releaseUnboundLab(session, lab, worker);
    expect(lab).toMatchObject({
      activeSessionId: null,
      allocatedPorts: { r1_console: 2000, r2_console: 2001 },
    });

    const bound = scheduled();
    const taken = aLabRecord().inState('IMPORTING').onWorker(bound.worker).build(bound.clock);
    bindLabToSession(bound.session, taken, bound.worker);
    bound.session.terminate({ reason: 'operator', terminated_by: 'ops' });
    releaseUnboundLab(bound.session, taken, bound.worker);
    expect(taken.activeSessionId).toBe(bound.session.id);
  });
});
