import { apiContract } from '@lcm/contracts';
import { ConflictError } from '@lcm/cpa-client';

import { createLogger } from '@lcm/observability';
import { FakeClock, FakeControlPlane } from '@lcm/testing';
import { reportLabStatus } from './lab-operations';

const updateStatus = apiContract.internal.labRecords.updateLabStatus;

function context(cpa: FakeControlPlane) {
  return { cpa: cpa.client, clock: new FakeClock(), log: createLogger({ service: 'test', level: 'silent' }) };
}

describe('reportLabStatus', () => {
  it('drops a report the record has moved past (409 INVALID_TRANSITION)', async () => {
    const cpa = new FakeControlPlane().failNext(updateStatus, 409, 1, 'INVALID_TRANSITION');
    await expect(
      reportLabStatus(context(cpa), { id: 'lab-1', status: 'BOOTED' }, 'STOPPED'),
    ).resolves.toBeNull();
  });

  it('throws a report that lost a version race (409 VERSION_CONFLICT), so the reconcile retries it', async () => {
    const cpa = new FakeControlPlane().failNext(updateStatus, 409, 1, 'VERSION_CONFLICT');
    await expect(
      reportLabStatus(context(cpa), { id: 'lab-1', status: 'IMPORTING' }, 'DEFINED', { lab_id: 'cml-1' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
