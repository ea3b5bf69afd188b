import { z } from 'zod';
import { type DomainEvent, type PersistedState } from '@lcm/domain';
import { ConcurrencyConflictError, DocumentNotFoundError } from './versioned-collection';
import {
  AggregateChanges,
  type AggregateStore,
  derivedId,
  MAX_CONFLICT_ATTEMPTS,
  retryOnConflict,
} from './unit-of-work';

describe('derivedId', () => {
  it('gives the same valid UUID for the same name and different ones for different names', () => {
    const id = derivedId('user-session', 'abc');
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(derivedId('user-session', 'abc')).toBe(id);
    expect(derivedId('score-report', 'abc')).not.toBe(id);
    expect(derivedId('user-session', 'abd')).not.toBe(id);
  });
});

describe('retryOnConflict', () => {
  it('re-runs the work after a version conflict and returns its result', async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw new ConcurrencyConflictError('c', 'id', 1);
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows other errors at once and the last conflict after the bound', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
    await expect(
      retryOnConflict(async () => {
        throw new ConcurrencyConflictError('c', 'id', 1);
      }, 2),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);
  });
});

const AT = '2026-12-02T00:00:00.000Z';

interface CounterState extends PersistedState {
  value: number;
}

interface Counter extends CounterState {
  events: DomainEvent[];
}

const raised = (id: string, value: number): DomainEvent => ({
  type: 'counter.set',
  aggregate_type: 'lablet_session',
  aggregate_id: id,
  occurred_at: AT,
  payload: { value },
});

/** A versioned in-memory store of one counter; `racesToLose` saves are refused as if another writer won. */
function counterStore(racesToLose = 0) {
  const stored: CounterState = { id: 'c1', version: 1, value: 0, created_at: AT, updated_at: AT };
  const calls = { loads: 0, saves: 0 };
  let races = racesToLose;
  const store: AggregateStore<Counter, CounterState> = {
    entity: 'counter',
    load: async (id) => {
      calls.loads += 1;
      return id === stored.id ? { ...stored, events: [] } : null;
    },
    snapshot: (unit) => JSON.stringify([unit.value]),
    save: async (unit) => {
      calls.saves += 1;
      if (races > 0 || unit.version !== stored.version) {
        races -= 1;
        throw new ConcurrencyConflictError('counters', unit.id, unit.version);
      }
      Object.assign(stored, { value: unit.value, version: unit.version + 1 });
      return { state: { ...stored }, events: unit.events };
    },
    unchanged: ({ events: _events, ...state }) => ({ state, events: [] }),
  };
  const recorded: { events: DomainEvent[]; actor: string }[] = [];
  const recorder = {
    recordCommit: async (committed: { events: DomainEvent[] }, actor: string) => {
      recorded.push({ events: committed.events, actor });
    },
  };
  return { changes: new AggregateChanges(store, recorder), calls, recorded, stored };
}

const set = (value: number) => (unit: Counter) => {
  unit.value = value;
  unit.events.push(raised(unit.id, value));
};

describe('AggregateChanges', () => {
  beforeEach(() => jest.spyOn(Math, 'random').mockReturnValue(0));
  afterEach(() => jest.restoreAllMocks());

  it('re-reads and re-applies after a lost race and hands the events to the recorder once', async () => {
    const { changes, calls, recorded, stored } = counterStore(2);
    const committed = await changes.update('c1', 'tester', set(7));
    expect(calls).toEqual({ loads: 3, saves: 3 });
    expect(committed.state).toMatchObject({ id: 'c1', version: 2, value: 7 });
    expect(stored.value).toBe(7);
    expect(recorded).toEqual([{ events: [raised('c1', 7)], actor: 'tester' }]);
  });

  it('gives up after MAX_CONFLICT_ATTEMPTS lost races with the last conflict and records nothing', async () => {
    const { changes, calls, recorded } = counterStore(Number.POSITIVE_INFINITY);
    await expect(changes.update('c1', 'tester', set(7))).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(calls.saves).toBe(MAX_CONFLICT_ATTEMPTS);
    expect(recorded).toEqual([]);
  });

  it('writes nothing when the command changed nothing, and still tells the recorder what is stored', async () => {
    const { changes, calls, recorded } = counterStore();
    const committed = await changes.update('c1', 'tester', set(0));
    expect(calls.saves).toBe(0);
    expect(committed).toEqual({
      state: { id: 'c1', version: 1, value: 0, created_at: AT, updated_at: AT },
      events: [],
    });
    expect(recorded).toEqual([{ events: [], actor: 'tester' }]);
  });

  it('answers a missing aggregate with DocumentNotFoundError naming it, without applying', async () => {
    const { changes } = counterStore();
    const apply = jest.fn();
    await expect(changes.update('c2', 'tester', apply)).rejects.toEqual(
      new DocumentNotFoundError('counter', 'c2'),
    );
    expect(apply).not.toHaveBeenCalled();
  });

  it('does not retry a refusal of the command itself', async () => {
    const { changes, calls } = counterStore();
    await expect(
      changes.update('c1', 'tester', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(calls.loads).toBe(1);
  });

  it('creates a new aggregate in one write and records it', async () => {
    const { changes, recorded } = counterStore();
    const unit: Counter = {
      id: 'c1',
      version: 1,
      value: 3,
      created_at: AT,
      updated_at: AT,
      events: [raised('c1', 3)],
    };
    const committed = await changes.save(unit, 'tester');
    expect(committed.state.value).toBe(3);
    expect(recorded).toEqual([{ events: [raised('c1', 3)], actor: 'tester' }]);
  });
});
