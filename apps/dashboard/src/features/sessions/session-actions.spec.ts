import { LabletSessionStatus } from '@lcm/contracts';
import { mayTerminate, statusesBetween, transitionsFor } from './session-actions';

describe('manual session actions (spec §9 table, without Start Grading: see session-actions.ts)', () => {
  it('offers exactly the buttons of the table per status', () => {
    const offered = Object.fromEntries(
      LabletSessionStatus.options.map((status) => [
        status,
        transitionsFor(status).map((action) => `${action.label}→${action.target}`),
      ]),
    );
    expect(offered).toEqual({
      PENDING: [],
      SCHEDULED: [],
      INSTANTIATING: [],
      READY: ['Start Session→RUNNING'],
      RUNNING: ['Finish Session→COLLECTING'],
      COLLECTING: ['Skip Grading→STOPPING'],
      GRADING: ['Complete Grading→STOPPING'],
      STOPPING: [],
      STOPPED: ['Archive→ARCHIVED'],
      ARCHIVED: [],
      EXPIRED: [],
      TERMINATED: [],
    });
  });

  it('offers Terminate in every status except TERMINATED', () => {
    expect(LabletSessionStatus.options.filter((status) => !mayTerminate(status))).toEqual(['TERMINATED']);
  });

  it('lists the statuses between two along the lifecycle', () => {
    expect(statusesBetween('READY', 'ARCHIVED')).toEqual([
      'READY',
      'RUNNING',
      'COLLECTING',
      'GRADING',
      'STOPPING',
      'STOPPED',
      'ARCHIVED',
    ]);
  });
});
