import { LdsStore, type LdsError } from './model';

const request = { auth_id: 'alice', candidate_id: 'alice', session_parts: [{ repository_type: 'minio', form_qualified_name: 'Exam ENCOR/1.0/Form A' }] };

describe('LDS session lifecycle', () => {
  it('PENDING -> RUNNING <-> PAUSED -> USER_FINISHED -> ENDED, with the event kind of each step', () => {
    const store = new LdsStore(() => 0);
    const { id } = store.create(request);
    expect(store.apply(id, 'login').event).toBe('running');
    expect(store.apply(id, 'pause').event).toBe('paused');
    expect(store.apply(id, 'resume').event).toBe('running');
    expect(store.apply(id, 'finish').event).toBe('userfinished');
    const ended = store.apply(id, 'end', { reason: 'timeslot over', endedBy: 'timeout' });
    expect([ended.session.state, ended.session.endReason, ended.session.endedBy]).toEqual(['SESSION_ENDED', 'timeslot over', 'timeout']);
    expect(store.release(id)).toMatchObject({ changed: true, session: { state: 'SESSION_ARCHIVED' } });
    expect(store.release(id).changed).toBe(false);
  });

  it('refuses transitions from the wrong state with 409', () => {
    const store = new LdsStore(() => 0);
    const { id } = store.create(request);
    expect(() => store.apply(id, 'pause')).toThrow(expect.objectContaining({ status: 409 }) as LdsError);
  });

  it('rejects unknown protocols and duplicate labels with 422 naming the field; accepts serial', () => {
    const store = new LdsStore(() => 0);
    const { id } = store.create(request);
    const base = { host: '54.1.2.3', port: 5041 };
    expect(() => store.setDevices(id, 1, [{ ...base, device_label: 'r1', protocol: 'rdp' }])).toThrow(expect.objectContaining({ status: 422, field: [0, 'protocol'] }) as LdsError);
    expect(() =>
      store.setDevices(id, 1, [
        { ...base, device_label: 'r1', protocol: 'telnet' },
        { ...base, device_label: 'r1', protocol: 'vnc' },
      ]),
    ).toThrow(expect.objectContaining({ status: 422, field: [1, 'device_label'] }) as LdsError);
    expect(store.setDevices(id, 1, [{ ...base, device_label: 'r1', protocol: 'serial' }]).devices).toHaveLength(1);
    expect(() => store.setDevices(id, 2, [])).toThrow(expect.objectContaining({ status: 404 }) as LdsError);
  });
});
