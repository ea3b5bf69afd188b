import { FakeClock, aTemplate } from '@lcm/testing';
import { DomainValidationError } from '../shared/domain-error';
import { WorkerTemplate } from './worker-template.aggregate';

describe('WorkerTemplate', () => {
  it('applies the spec defaults on create', () => {
    const template = WorkerTemplate.create(
      { id: 't1', props: { name: 'multi-sessions', instance_type: 'm5zn.metal', capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 }, license_type: 'ENTERPRISE', max_nodes: 250, ami_pattern: 'CML-2.9.*', region: 'us-east-1' }, seeded: true },
      new FakeClock(),
    );
    expect(template.toState()).toMatchObject({ startup_time_minutes: 20, drain_timeout_hours: 4, port_range: { start: 2000, end: 7999 }, enabled: true, is_seeded: true });
  });

  it('reports only changed fields and refuses an invalid port range', () => {
    const template = aTemplate().build();
    template.update({ drain_timeout_hours: 4, instance_type: 'm5.metal' });
    expect(template.pullEvents()).toEqual([expect.objectContaining({ type: 'worker_template.updated', payload: { changed_fields: ['instance_type'] } })]);
    expect(() => template.update({ port_range: { start: 3000, end: 2000 } })).toThrow(DomainValidationError);
  });

  it('toggles enabled once', () => {
    const template = aTemplate().build();
    template.setEnabled(false);
    template.setEnabled(false);
    expect(template.pullEvents().map((event) => event.type)).toEqual(['worker_template.enabled_changed']);
  });
});
