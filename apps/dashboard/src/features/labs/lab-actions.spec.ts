import { labActionEnabled } from './lab-actions';

describe('lab actions enabled per status (spec §9 Lab detail modal)', () => {
  it('offers start on a stopped lab and stop on a booted one, never the reverse', () => {
    expect(labActionEnabled('start', { status: 'STOPPED', pending_action: null })).toBe(true);
    expect(labActionEnabled('stop', { status: 'STOPPED', pending_action: null })).toBe(false);
    expect(labActionEnabled('stop', { status: 'BOOTED', pending_action: null })).toBe(true);
    expect(labActionEnabled('start', { status: 'BOOTED', pending_action: null })).toBe(false);
  });

  it('holds lifecycle actions while another is pending but still allows export', () => {
    const pending = { status: 'DEFINED' as const, pending_action: 'start' };
    expect(labActionEnabled('wipe', pending)).toBe(false);
    expect(labActionEnabled('export', pending)).toBe(true);
  });

  it('offers nothing that changes a deleted lab', () => {
    const deleted = { status: 'DELETED' as const, pending_action: null };
    expect(
      ['start', 'stop', 'wipe', 'delete', 'clone', 'archive'].some((action) =>
        labActionEnabled(action as never, deleted),
      ),
    ).toBe(false);
  });
});
