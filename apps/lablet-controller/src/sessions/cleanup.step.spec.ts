import { SessionHarness } from '../testing/session-harness';
import { importTitle } from './instantiation/lab-resolve.step';

describe('cleanup of a session terminated between its import registration and the binding', () => {
  it('finds by its title a record the control plane already let go of, and deletes it', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = harness.addSession({ status: 'INSTANTIATING' });
    // The terminate detached the record and dropped its ports; the controller never recorded it in the progress.
    const registered = harness.addLab({
      status: 'IMPORTING',
      title: importTitle(session.definition_name, session.id),
      active_lablet_session_id: null,
    });
    const unrelated = harness.addLab({ status: 'IMPORTING', title: importTitle('other', 'session-x') });
    harness.cpa.sessions.set(session.id, { ...harness.session(session.id), status: 'TERMINATED' });

    await harness.reconcile(session.id);

    expect(harness.cpa.lab(registered.id).status).toBe('DELETED');
    expect(harness.cpa.lab(unrelated.id).status).toBe('IMPORTING');
    expect(harness.session(session.id).cleanup_completed_at).not.toBeNull();
  });
});
