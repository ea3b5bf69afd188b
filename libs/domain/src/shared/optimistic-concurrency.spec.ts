import { FakeClock, aWorker } from '@lcm/testing';
import { CmlWorker } from '../workers/cml-worker.aggregate';
import type { CmlWorkerState } from '../workers/cml-worker.state';
import { ConcurrencyConflictError } from './domain-error';

/** The repository's `replaceOne({_id, version: expected}, {...state, version: expected + 1})`, in memory. */
class VersionedStore {
  private readonly documents = new Map<string, CmlWorkerState>();

  insert(state: CmlWorkerState): void {
    this.documents.set(state.id, state);
  }

  load(id: string, clock: FakeClock): CmlWorker {
    return CmlWorker.fromState(structuredClone(this.documents.get(id) as CmlWorkerState), clock);
  }

  save(worker: CmlWorker): void {
    const stored = this.documents.get(worker.id);
    if (!stored || stored.version !== worker.version) throw new ConcurrencyConflictError(worker.id, worker.version);
    this.documents.set(worker.id, { ...worker.toState(), version: worker.version + 1 });
  }

  get(id: string): CmlWorkerState | undefined {
    return this.documents.get(id);
  }
}

describe('optimistic concurrency', () => {
  it('lets the first of two writers loaded at the same version win and detects the second', () => {
    const clock = new FakeClock();
    const store = new VersionedStore();
    const seed = aWorker().running().withPortRange(2000, 2000).buildState(clock);
    store.insert(CmlWorker.fromState(seed, clock).toState());
    const worker = store.get(seed.id as string) as CmlWorkerState;

    const first = store.load(worker.id, clock);
    const second = store.load(worker.id, clock);
    const demand = { cpu_cores: 1, memory_gb: 1, storage_gb: 1, max_nodes: 1 };
    // Both see the last free port and take it; only the version makes the double booking visible.
    expect(first.allocate('s1', demand, ['console'])).toEqual({ console: 2000 });
    expect(second.allocate('s2', demand, ['console'])).toEqual({ console: 2000 });

    store.save(first);
    expect(() => store.save(second)).toThrow(ConcurrencyConflictError);
    expect(store.get(worker.id)).toMatchObject({ version: worker.version + 1, session_ids: ['s1'] });

    const retried = store.load(worker.id, clock);
    expect(() => retried.allocate('s2', demand, ['console'])).toThrow(expect.objectContaining({ code: 'WORKER.PORTS_EXHAUSTED' }));
  });

  it('round-trips through toState/fromState without losing fields or pending events leaking', () => {
    const clock = new FakeClock();
    const worker = aWorker().running().build(clock);
    worker.allocate('s1', { cpu_cores: 1, memory_gb: 1, storage_gb: 1, max_nodes: 1 }, ['a']);
    const copy = CmlWorker.fromState(worker.toState(), clock);
    expect(copy.toState()).toEqual(worker.toState());
    expect(copy.pullEvents()).toEqual([]);
    expect(worker.pullEvents()).toHaveLength(1);
    expect(worker.pullEvents()).toEqual([]);
  });
});
