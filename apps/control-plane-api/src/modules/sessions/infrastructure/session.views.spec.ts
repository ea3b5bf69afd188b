import { randomUUID } from 'node:crypto';
import { SystemClock } from '@lcm/domain';
import { aSession } from '@lcm/testing';
import { toSessionView } from './session.views';

describe('toSessionView', () => {
  const state = () =>
    aSession().with({ id: randomUUID(), definition_id: randomUUID() }).build(new SystemClock()).toState();

  it('describes one committed state once, however often it is asked (the SSE event and the answer of a batch)', () => {
    const committed = state();
    const view = toSessionView(committed);
    expect(toSessionView(committed)).toBe(view);
    expect(view).toMatchObject({ id: committed.id, status: committed.status });
  });

  it('describes another state object afresh, even of the same session', () => {
    const committed = state();
    const later = { ...committed, status: 'SCHEDULED' as const };
    expect(toSessionView(later).status).toBe('SCHEDULED');
    expect(toSessionView(committed).status).toBe(committed.status);
  });
});
