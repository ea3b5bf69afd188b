import { apiContract } from '@lcm/contracts';
import { isConflictError, isUnavailableError, isUnprocessableError } from '@lcm/cpa-client';
import { FakeControlPlane } from '@lcm/testing';
import { aSessionView, uuid } from '../testing/fleet-fixtures';
import { ScheduleBatcher } from './schedule-batcher';

const route = apiContract.internal.sessions.scheduleBatch;
const [s1, s2, s3] = [uuid('c', 1), uuid('c', 2), uuid('c', 3)];
const [w1, w2] = [uuid('a', 1), uuid('a', 2)];
const problem = (status: number, code: 'CAPACITY_EXCEEDED' | 'INVALID_TRANSITION') => ({
  type: 'about:blank',
  title: 'refused',
  status,
  code,
  detail: `refused with ${status}`,
});

describe('ScheduleBatcher', () => {
  it('sends the placements of one window in one call and gives each caller its own answer', async () => {
    const cpa = new FakeControlPlane().on(route, ({ body }) => ({
      results: body.placements.map(({ session_id, worker_id }) =>
        session_id === s1
          ? {
              session_id,
              worker_id,
              outcome: 'scheduled' as const,
              session: aSessionView(s1, { status: 'SCHEDULED', worker_id }),
            }
          : session_id === s2
            ? {
                session_id,
                worker_id,
                outcome: 'refused' as const,
                problem: problem(422, 'CAPACITY_EXCEEDED'),
              }
            : {
                session_id,
                worker_id,
                outcome: 'refused' as const,
                problem: problem(409, 'INVALID_TRANSITION'),
              },
      ),
    }));
    const batcher = new ScheduleBatcher(cpa.client, 5);
    const answers = await Promise.allSettled([
      batcher.schedule(s1, w1),
      batcher.schedule(s2, w1),
      batcher.schedule(s3, w2),
    ]);
    expect(cpa.callsTo(route).map((call) => call.body.placements)).toEqual([
      [
        { session_id: s1, worker_id: w1 },
        { session_id: s2, worker_id: w1 },
        { session_id: s3, worker_id: w2 },
      ],
    ]);
    expect(answers[0]).toMatchObject({
      status: 'fulfilled',
      value: { id: s1, status: 'SCHEDULED', worker_id: w1 },
    });
    expect(answers[1].status === 'rejected' && isUnprocessableError(answers[1].reason)).toBe(true);
    expect(answers[2].status === 'rejected' && isConflictError(answers[2].reason)).toBe(true);
  });

  it('fails every placement of a call that failed as a whole, and starts a new batch afterwards', async () => {
    const cpa = new FakeControlPlane()
      .on(route, ({ body }) => ({
        results: body.placements.map(({ session_id, worker_id }) => ({
          session_id,
          worker_id,
          outcome: 'scheduled' as const,
          session: aSessionView(session_id, { status: 'SCHEDULED', worker_id }),
        })),
      }))
      .failNext(route, 503);
    const batcher = new ScheduleBatcher(cpa.client, 0);
    const failedTogether = await Promise.allSettled([batcher.schedule(s1, w1), batcher.schedule(s2, w2)]);
    expect(
      failedTogether.every((answer) => answer.status === 'rejected' && isUnavailableError(answer.reason)),
    ).toBe(true);
    await expect(batcher.schedule(s1, w1)).resolves.toMatchObject({ id: s1 });
    expect(cpa.callsTo(route)).toHaveLength(2);
  });
});
