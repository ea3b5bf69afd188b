import { type DomainEvent, InvalidTransitionError, type MachineEntity } from '@lcm/domain';
import { FakeClock } from '../fake-clock';

export interface TransitionMatrixSpec<S extends string, A> {
  entity: MachineEntity;
  statuses: readonly S[];
  table: { readonly [K in S]: readonly S[] };
  /** An aggregate in `from`, built on `clock` so drivers can move time. */
  build(from: S, clock: FakeClock): A;
  statusOf(aggregate: A): S;
  pullEvents(aggregate: A): DomainEvent[];
  /** The intent method that requests each target; a status without one is entered only at creation. */
  drivers: Partial<Record<S, (aggregate: A, clock: FakeClock) => void>>;
  /** The event type raised on entering `to`. */
  eventFor(to: S): string;
}

/**
 * Every (from, to) pair of a machine: allowed pairs move and raise the target's event, same-status
 * requests change nothing and raise nothing, all others throw InvalidTransitionError naming both.
 */
export function describeTransitionMatrix<S extends string, A>(name: string, spec: TransitionMatrixSpec<S, A>): void {
  const driven = spec.statuses.filter((to) => spec.drivers[to] !== undefined);
  const pairs = spec.statuses.flatMap((from) => driven.map((to) => [from, to] as const));

  describe(`${name} transition matrix`, () => {
    it.each(pairs)('%s -> %s', (from, to) => {
      const clock = new FakeClock();
      const aggregate = spec.build(from, clock);
      const drive = spec.drivers[to] as (aggregate: A, clock: FakeClock) => void;
      spec.pullEvents(aggregate);

      if (from === to) {
        drive(aggregate, clock);
        expect(spec.statusOf(aggregate)).toBe(from);
        expect(spec.pullEvents(aggregate)).toEqual([]);
      } else if (spec.table[from].includes(to)) {
        drive(aggregate, clock);
        expect(spec.statusOf(aggregate)).toBe(to);
        const entered = spec.pullEvents(aggregate).find((event) => event.type === spec.eventFor(to));
        expect(entered?.payload).toMatchObject({ to });
      } else {
        let thrown: unknown;
        try {
          drive(aggregate, clock);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidTransitionError);
        const error = thrown as InvalidTransitionError;
        expect({ code: error.code, current: error.current, requested: error.requested }).toEqual({
          code: `${spec.entity}.INVALID_TRANSITION`,
          current: from,
          requested: to,
        });
        expect(error.message).toContain(from);
        expect(error.message).toContain(to);
        expect(spec.statusOf(aggregate)).toBe(from);
        expect(spec.pullEvents(aggregate)).toEqual([]);
      }
    });

    const undriven = spec.statuses.filter((status) => spec.drivers[status] === undefined);
    if (undriven.length > 0) {
      it(`never enters ${undriven.join(', ')} through a transition (creation only)`, () => {
        const targets = new Set<S>(spec.statuses.flatMap((from) => spec.table[from]));
        expect(undriven.filter((status) => targets.has(status))).toEqual([]);
      });
    }
  });
}
