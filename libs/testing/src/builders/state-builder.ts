import type { Clock } from '@lcm/domain';
import { FakeClock } from '../fake-clock';

const counters = new Map<string, number>();

/** Readable, unique ids per kind (`session-3`), so failures name what they are about. */
export function nextTestId(kind: string): string {
  const next = (counters.get(kind) ?? 0) + 1;
  counters.set(kind, next);
  return `${kind}-${next}`;
}

/**
 * Defaults plus overrides: a builder collects persisted-state fields and reconstitutes the
 * aggregate through its `fromState`, so any status can be built with the fields it requires.
 */
export abstract class StateBuilder<TInput extends object, TOut> {
  protected fields: Partial<TInput> = {};

  with(patch: Partial<TInput>): this {
    this.fields = { ...this.fields, ...patch };
    return this;
  }

  buildState(clock: Clock = new FakeClock()): TInput {
    const at = clock.now().toISOString();
    return { ...this.defaults(at, clock), ...this.fields };
  }

  build(clock: Clock = new FakeClock()): TOut {
    return this.reconstitute(this.buildState(clock), clock);
  }

  protected abstract defaults(at: string, clock: Clock): TInput;
  protected abstract reconstitute(state: TInput, clock: Clock): TOut;
}
