import { Condition } from '@lcm/contracts';
import { aSession } from '@lcm/testing';
import { sessionConditions } from './session-conditions';

const conditionsOf = (builder: ReturnType<typeof aSession>) => {
  const conditions = sessionConditions(builder.build().toState());
  conditions.forEach((condition) => Condition.parse(condition));
  return Object.fromEntries(
    conditions.map((c) => [c.type, { status: c.status, reason: c.reason, message: c.message }]),
  );
};

describe('sessionConditions', () => {
  it('says a PENDING session waits for placement, and nothing about labs yet', () => {
    expect(conditionsOf(aSession().inState('PENDING'))).toEqual({
      Placed: expect.objectContaining({ status: 'False', reason: 'AwaitingPlacement' }),
    });
  });

  it('names the instantiation step that failed', () => {
    const at = '2026-11-22T10:05:00.000Z';
    const conditions = conditionsOf(
      aSession()
        .inState('INSTANTIATING')
        .with({
          pipeline_progress: {
            instantiate: {
              lab_resolve: {
                status: 'completed',
                result_data: null,
                error: null,
                updated_at: '2026-11-22T10:01:00.000Z',
              },
              lab_start: { status: 'failed', result_data: null, error: 'CML answered 503', updated_at: at },
            },
          },
        }),
    );
    expect(conditions['Placed']).toMatchObject({ status: 'True', reason: 'WorkerAssigned' });
    expect(conditions['LabReady']).toEqual({
      status: 'False',
      reason: 'StepFailed',
      message: 'lab_start: CML answered 503',
    });
    expect(conditions['LdsProvisioned']).toMatchObject({ status: 'False', reason: 'Provisioning' });
  });

  it('reports a running session as placed, lab up and login link issued', () => {
    const conditions = conditionsOf(aSession().inState('RUNNING'));
    expect(conditions['LabReady']).toMatchObject({ status: 'True', reason: 'LabBooted' });
    expect(conditions['LdsProvisioned']).toMatchObject({ status: 'True', reason: 'LoginLinkIssued' });
    expect(conditions['GradingSubmitted']).toBeUndefined();
  });

  it('shows a grading fault held for an operator (decision 21)', () => {
    const conditions = conditionsOf(
      aSession()
        .inState('GRADING')
        .with({ grading_error: 'engine timeout', grading_faulted_at: '2026-11-22T11:00:00.000Z' }),
    );
    expect(conditions['GradingSubmitted']).toEqual({
      status: 'False',
      reason: 'GradingFaulted',
      message: 'engine timeout',
    });
  });

  it('tracks cleanup of a terminated session', () => {
    expect(conditionsOf(aSession().inState('TERMINATED'))['CleanedUp']).toMatchObject({
      status: 'False',
      reason: 'CleanupPending',
    });
    expect(
      conditionsOf(
        aSession().inState('TERMINATED').with({ cleanup_completed_at: '2026-11-22T12:00:00.000Z' }),
      )['CleanedUp'],
    ).toMatchObject({ status: 'True', reason: 'CleanupCompleted' });
  });
});
