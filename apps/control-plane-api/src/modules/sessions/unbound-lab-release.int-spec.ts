import { type LabletSession, type LabRecord } from '@lcm/contracts';
import { TEST_TOPOLOGY } from '@lcm/testing';
import {
  eventually,
  inMinutes,
  type SessionsTestKit,
  startSessionsTestKit,
} from './testing/session-test-kit';

/**
 * A cold import registers its lab record before the import, attached to the session and listing
 * the session's ports (decision 2). A session terminated before the lab is bound to it must not
 * leave that record attached to it or holding ports the worker already gave back.
 */
describe('a session terminated between the lab registration and the binding', () => {
  let kit: SessionsTestKit;

  beforeAll(async () => {
    kit = await startSessionsTestKit();
  });
  afterAll(() => kit.close());

  /** A session placed on a worker of its own (ports 4000-4099) and INSTANTIATING. */
  async function instantiating(): Promise<{ session: LabletSession; workerId: string }> {
    const definition = await kit.seedDefinition((builder) => builder.withPorts('r1_console', 'r2_console'));
    const worker = await kit.seedWorker({ ports: [4000, 4099] });
    const created = await kit.admin.sessions.create({
      body: {
        definition_id: definition.id,
        owner: 'candidate@example.com',
        reservation_id: `res-${definition.id}`,
        timeslot_end: inMinutes(90),
      },
    });
    const params = { lablet_session_id: created.id };
    await kit.internal.sessions.schedule({ params, body: { worker_id: worker.id } });
    return { session: await kit.internal.sessions.startInstantiation({ params }), workerId: worker.id };
  }

  /** The record the controller registers before the session's cold import, with the session's ports. */
  const register = (session: LabletSession, workerId: string): Promise<LabRecord> =>
    kit.internal.labs.create({
      body: {
        worker_id: workerId,
        title: 'cold import',
        topology_yaml: TEST_TOPOLOGY,
        based_on_definition_id: session.definition_id,
        allocated_ports: session.allocated_ports,
        lablet_session_id: session.id,
      },
    });

  /** An INSTANTIATING session whose cold import is registered (not bound yet). */
  async function registeredImport(): Promise<{ session: LabletSession; lab: LabRecord; workerId: string }> {
    const { session, workerId } = await instantiating();
    const lab = await register(session, workerId);
    expect(lab).toMatchObject({
      active_lablet_session_id: session.id,
      allocated_ports: { r1_console: 4000, r2_console: 4001 },
    });
    return { session, lab, workerId };
  }

  const terminate = (session: LabletSession) =>
    kit.internal.sessions.transition({
      params: { lablet_session_id: session.id },
      body: { target_status: 'TERMINATED', reason: 'operator terminated' },
    });

  it('detaches the record and drops the ports the worker released with the session', async () => {
    const { session, lab, workerId } = await registeredImport();

    await terminate(session);

    const record = await kit.internal.labs.get({ params: { lab_record_id: lab.id } });
    expect(record).toMatchObject({ active_lablet_session_id: null, allocated_ports: {} });
    const worker = (await kit.workers.findStateById(workerId))!;
    expect(worker.port_allocations).toEqual([]);
    expect(worker.session_ids).toEqual([]);
    const audited = await eventually(
      async () =>
        (await kit.audit.collection.find({ target_id: lab.id }).toArray()).map((entry) => entry['action']),
      (actions) => actions.includes('lab_record.ports_released'),
    );
    expect(audited).toEqual(
      expect.arrayContaining(['lab_record.session_detached', 'lab_record.ports_released']),
    );

    // Every later command on the session repeats the release and finds nothing left to do.
    const again = await terminate(session);
    expect(again.status).toBe('TERMINATED');
    expect((await kit.internal.labs.get({ params: { lab_record_id: lab.id } })).version).toBe(record.version);
  });

  it('lets go of a record registered after the terminate once the controller reports the cleanup', async () => {
    const { session, workerId } = await instantiating();
    await terminate(session);
    // The controller read the session before the terminate and registers its import after it.
    const lab = await register(session, workerId);

    await kit.internal.sessions.markCleanupCompleted({ params: { lablet_session_id: session.id } });

    expect(await kit.internal.labs.get({ params: { lab_record_id: lab.id } })).toMatchObject({
      active_lablet_session_id: null,
      allocated_ports: {},
    });
  });

  it('lets the record keep ports the worker holds for it (a binding cut short after its worker write)', async () => {
    const { session, lab, workerId } = await registeredImport();
    const worker = (await kit.workers.findById(workerId))!;
    worker.transferPortsToLab(session.id, lab.id);
    await kit.workers.save(worker);

    await terminate(session);

    const record = await kit.internal.labs.get({ params: { lab_record_id: lab.id } });
    expect(record).toMatchObject({
      active_lablet_session_id: null,
      allocated_ports: { r1_console: 4000, r2_console: 4001 },
    });
    expect((await kit.workers.findStateById(workerId))!.port_allocations).toEqual([
      expect.objectContaining({ holder_id: lab.id, holder_kind: 'lab_record' }),
    ]);
  });
});
