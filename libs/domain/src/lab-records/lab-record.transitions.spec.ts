import { aLabRecord, describeTransitionMatrix } from '@lcm/testing';
import { LabRecordStatus } from '@lcm/contracts';
import { LAB_RECORD_TRANSITIONS, labStatusForCmlState } from './lab-record.transitions';

// archive() adds its own refusals (terminal → 400, pending action → 409) and is covered in lab-record.aggregate.spec.ts.
describeTransitionMatrix('LabRecord', {
  entity: 'LAB_RECORD',
  statuses: LabRecordStatus.options,
  table: LAB_RECORD_TRANSITIONS,
  build: (from, clock) => aLabRecord().inState(from).build(clock),
  statusOf: (lab) => lab.status,
  pullEvents: (lab) => lab.pullEvents(),
  eventFor: () => 'lab_record.status_changed',
  drivers: {
    ...Object.fromEntries(
      LabRecordStatus.options.map((status) => [
        status,
        (lab: { observeStatus(s: LabRecordStatus): void }) => lab.observeStatus(status),
      ]),
    ),
    ERROR: (lab) => lab.markError('boom'),
    ORPHANED: (lab) => lab.markOrphaned(),
  },
});

describe('CML lab state mapping', () => {
  it.each([
    ['DEFINED_ON_CORE', true, 'DEFINED'],
    ['STARTED', false, 'BOOTED'],
    ['BOOTED', false, 'BOOTED'],
    ['STOPPED', false, 'STOPPED'],
    ['QUEUED', false, 'QUEUED'],
    ['WEIRD', true, 'DISCOVERED'],
    ['WEIRD', false, 'DEFINED'],
  ] as const)('maps %s (new: %s) to %s', (cml, isNew, status) => {
    expect(labStatusForCmlState(cml, isNew)).toBe(status);
  });
});
