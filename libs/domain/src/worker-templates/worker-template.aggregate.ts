import type { Capacity } from '@lcm/contracts';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import { DomainValidationError } from '../shared/domain-error';
import type { EventUnion } from '../shared/domain-event';
import { WorkerTemplateProps, WorkerTemplateState, type WorkerTemplateStateInput } from './worker-template.state';

export type WorkerTemplateEvent = EventUnion<{
  'worker_template.created': { name: string; is_seeded: boolean };
  'worker_template.updated': { changed_fields: string[] };
  'worker_template.enabled_changed': { enabled: boolean };
}>;

function parseProps<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new DomainValidationError('invalid worker template', { cause: String(error) });
  }
}

export class WorkerTemplate extends AggregateRoot<WorkerTemplateState, WorkerTemplateEvent> {
  protected readonly aggregateType = 'worker_template' as const;

  static create(input: { id: string; props: WorkerTemplateProps; seeded?: boolean }, clock: Clock): WorkerTemplate {
    const at = clock.now().toISOString();
    const props = parseProps(() => WorkerTemplateProps.parse(input.props));
    const template = new WorkerTemplate(
      WorkerTemplateState.parse({ ...props, id: input.id, version: 0, created_at: at, updated_at: at, is_seeded: input.seeded ?? false }),
      clock,
    );
    template.raise('worker_template.created', { name: props.name, is_seeded: template.state.is_seeded });
    return template;
  }

  static fromState(state: WorkerTemplateStateInput, clock: Clock): WorkerTemplate {
    return new WorkerTemplate(WorkerTemplateState.parse(state), clock);
  }

  get name(): string {
    return this.state.name;
  }

  get enabled(): boolean {
    return this.state.enabled;
  }

  get isSeeded(): boolean {
    return this.state.is_seeded;
  }

  /** What a worker launched from this template declares (spec §3.5: declared capacity comes from the template). */
  get declaredCapacity(): Capacity {
    return { ...this.state.capacity, max_nodes: this.state.max_nodes };
  }

  get portRange(): { start: number; end: number } {
    return { ...this.state.port_range };
  }

  get licenseType(): WorkerTemplateState['license_type'] {
    return this.state.license_type;
  }

  /** Name is the seed key and stays fixed; everything else an admin may change. */
  update(patch: Partial<Omit<WorkerTemplateProps, 'name'>>): void {
    const next = parseProps(() => WorkerTemplateProps.parse({ ...this.state, ...patch }));
    const changed = Object.keys(patch).filter(
      (key) => JSON.stringify(next[key as keyof typeof next]) !== JSON.stringify(this.state[key as keyof WorkerTemplateState]),
    );
    if (changed.length === 0) return;
    Object.assign(this.state, next);
    this.touch();
    this.raise('worker_template.updated', { changed_fields: changed });
  }

  setEnabled(enabled: boolean): void {
    if (this.state.enabled === enabled) return;
    this.state.enabled = enabled;
    this.touch();
    this.raise('worker_template.enabled_changed', { enabled });
  }
}
