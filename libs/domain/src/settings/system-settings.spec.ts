import { FakeClock } from '@lcm/testing';
import { DomainValidationError } from '../shared/domain-error';
import { SystemSettings } from './system-settings.aggregate';

describe('SystemSettings', () => {
  it('starts with the spec defaults', () => {
    expect(SystemSettings.createDefault(new FakeClock()).sections).toMatchObject({
      monitoring: { worker_metrics_poll_interval_seconds: 300 },
      idle_detection: { enabled: true, timeout_minutes: 60 },
      scaling: {
        scale_down_enabled: false,
        min_workers: 0,
        max_workers: 10,
        scale_up_cooldown_s: 300,
        scale_down_cooldown_s: 600,
      },
      discovery: { ami_name_pattern: 'cisco-cml2.9*', scan_interval_seconds: 300 },
    });
  });

  it('merges a patch inside its section and names the changed sections', () => {
    const settings = SystemSettings.createDefault(new FakeClock());
    settings.update(
      { idle_detection: { timeout_minutes: 90 }, monitoring: { worker_metrics_poll_interval_seconds: 300 } },
      'admin',
    );
    expect(settings.sections.idle_detection).toEqual({ enabled: true, timeout_minutes: 90 });
    expect(settings.pullEvents()).toEqual([
      expect.objectContaining({ payload: { sections: ['idle_detection'], updated_by: 'admin' } }),
    ]);
    expect(settings.toState().updated_by).toBe('admin');
  });

  it('refuses min_workers above max_workers, naming min_workers in its section', () => {
    const settings = SystemSettings.createDefault(new FakeClock());
    const refusal = (() => {
      try {
        settings.update({ scaling: { min_workers: 20 } }, 'admin');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(DomainValidationError);
    expect((refusal as DomainValidationError).details['issues']).toEqual([
      expect.objectContaining({ path: ['scaling', 'min_workers'], message: 'must not exceed max_workers' }),
    ]);
  });
});
