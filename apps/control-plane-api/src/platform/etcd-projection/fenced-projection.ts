import { type Etcd3, type IKeyValue } from 'etcd3';

/** What every projected aggregate state carries (spec §3.1: `id`, `version`, `updated_at`). */
export interface ProjectedState {
  id: string;
  version: number;
  updated_at: string;
}

/** How one kind of entity maps onto etcd keys. */
export interface EntityKeyLayout<S extends ProjectedState> {
  /** Names the kind in fence keys, e.g. `sessions`. */
  readonly kind: string;
  /** Prefix of every key of every entity of this kind, e.g. `/lcm/sessions/`. */
  readonly prefix: string;
  /** Prefix of every key of one entity. */
  entityPrefix(id: string): string;
  /** The entity a key under `prefix` belongs to; null for keys this projection does not own. */
  ownerOf(key: string): string | null;
  /** Every key the projection writes for the state, with its encoded value or null where the key must not exist. */
  keysOf(state: S): ReadonlyMap<string, string | null>;
}

/** Fences live outside every watched prefix: controllers never see them (decision 23 keeps `/lcm/<kind>/` theirs to watch). */
export const FENCE_ROOT = '/lcm-projection-fences/';
/**
 * A fence of an entity that publishes nothing any more (retired session, terminated worker, lab
 * record without a pending action) is kept this long so a writer still holding an older state
 * cannot bring its keys back, then removed by the sweep. Writers hold a state for milliseconds
 * (a command) or one resync pass, both far shorter.
 */
export const TOMBSTONE_GRACE_MS = 10 * 60_000;
/** Attempts of one fenced write; each retry means another writer won, so two are already rare. */
const WRITE_ATTEMPTS = 5;
const VERSION_DIGITS = 12;
/** Entities per combined write: etcd refuses a transaction of more than 128 operations (its --max-txn-ops default). */
const ENTITIES_PER_TRANSACTION = 25;

/** Versions as fixed-width decimals, so etcd's byte-wise value comparison orders them numerically. */
const fenceValue = (version: number): string => String(version).padStart(VERSION_DIGITS, '0');

/**
 * Writes an entity's etcd keys so that they never go back to an older committed version, with any
 * number of writers in any number of processes (docs/decisions/etcd-projection-fencing.md).
 * Every write is one etcd transaction that sets the entity's keys together with a fence key
 * holding the aggregate version they were derived from, and only applies if the fence holds no
 * newer version. The periodic republish compares against a snapshot taken before it scans
 * MongoDB, so an entity created while it scans is not in the snapshot and is never swept.
 */
export class FencedProjection<S extends ProjectedState> {
  constructor(
    private readonly etcd: Etcd3,
    private readonly layout: EntityKeyLayout<S>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  fenceKey(id: string): string {
    return `${FENCE_ROOT}${this.layout.kind}/${id}`;
  }

  /** Publishes the state unless etcd already holds a newer version of the entity. */
  async write(state: S): Promise<void> {
    const fence = this.fenceKey(state.id);
    const operations = this.operations(state);
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      // Not newer than this state: written by this version or an older one.
      const applied = await this.etcd
        .if(fence, 'Value', '<', fenceValue(state.version + 1))
        .then(...operations)
        .else(this.etcd.get(fence))
        .commit();
      if (applied.succeeded) return;
      const existing = applied.responses[0]?.response_range?.kvs ?? [];
      // A newer version is published: nothing to do. etcd fails a value comparison on a missing key.
      if (existing.length > 0) return;
      const created = await this.etcd
        .if(fence, 'Create', '==', 0)
        .then(...operations)
        .commit();
      if (created.succeeded) return;
    }
    throw new Error(`etcd projection of ${this.layout.kind}/${state.id} kept losing to other writers`);
  }

  /**
   * `write` for many states in one etcd transaction (per ENTITIES_PER_TRANSACTION): it applies
   * when every fence holds an older version, which is the common case of a command's commit;
   * otherwise (an entity with no fence yet, or one already newer) each state is written on its own.
   */
  async writeAll(states: readonly S[]): Promise<void> {
    for (let start = 0; start < states.length; start += ENTITIES_PER_TRANSACTION) {
      const chunk = states.slice(start, start + ENTITIES_PER_TRANSACTION);
      const [first, ...rest] = chunk;
      if (!first) continue;
      let transaction = this.etcd.if(this.fenceKey(first.id), 'Value', '<', fenceValue(first.version + 1));
      for (const state of rest)
        transaction = transaction.and(this.fenceKey(state.id), 'Value', '<', fenceValue(state.version + 1));
      const applied = await transaction.then(...chunk.flatMap((state) => this.operations(state))).commit();
      if (!applied.succeeded) await Promise.all(chunk.map((state) => this.write(state)));
    }
  }

  /**
   * Rewrites every entity whose keys differ from MongoDB and deletes keys of entities MongoDB no
   * longer publishes. `scan` yields every state that may publish keys; `load` re-reads entities
   * found in etcd but not in the scan.
   */
  async republish(
    scan: () => AsyncIterable<readonly S[]>,
    load: (ids: string[]) => Promise<S[]>,
  ): Promise<void> {
    const snapshot = await this.snapshot();
    const scanned = new Set<string>();
    for await (const page of scan()) {
      for (const state of page) {
        scanned.add(state.id);
        await this.repair(state, snapshot);
      }
    }
    const unscanned = [...snapshot.ids].filter((id) => !scanned.has(id));
    const found = new Map((unscanned.length ? await load(unscanned) : []).map((state) => [state.id, state]));
    for (const id of unscanned) {
      const state = found.get(id);
      await (state ? this.repair(state, snapshot) : this.deleteVanished(id, snapshot));
    }
  }

  private async repair(state: S, snapshot: Snapshot): Promise<void> {
    const wanted = this.layout.keysOf(state);
    const publishes = [...wanted.values()].some((value) => value !== null);
    const fence = snapshot.fences.get(state.id);
    // An entity publishing nothing needs no fence of its own; the one left by its last change suffices.
    const current = publishes
      ? fence?.value === fenceValue(state.version) &&
        [...wanted].every(([key, value]) => (snapshot.values.get(key) ?? null) === value)
      : !snapshot.owners.has(state.id);
    if (!current) await this.write(state);
    if (!publishes && fence && this.now().getTime() - Date.parse(state.updated_at) > TOMBSTONE_GRACE_MS)
      await this.etcd
        .if(this.fenceKey(state.id), 'Value', '==', fenceValue(state.version))
        .then(this.etcd.delete().key(this.fenceKey(state.id)))
        .commit();
  }

  /** An entity MongoDB does not hold: its keys go unless a writer touched the entity since the snapshot. */
  private async deleteVanished(id: string, snapshot: Snapshot): Promise<void> {
    const fence = this.fenceKey(id);
    const seen = snapshot.fences.get(id);
    await this.etcd
      .if(fence, 'Mod', '==', seen ? seen.modRevision : '0')
      .then(this.etcd.delete().prefix(this.layout.entityPrefix(id)), this.etcd.delete().key(fence))
      .commit();
  }

  private operations(state: S) {
    const wanted = this.layout.keysOf(state);
    const fence = this.etcd.put(this.fenceKey(state.id)).value(fenceValue(state.version));
    if (![...wanted.values()].some((value) => value !== null))
      return [this.etcd.delete().prefix(this.layout.entityPrefix(state.id)), fence];
    return [
      ...[...wanted].map(([key, value]) =>
        value === null ? this.etcd.delete().key(key) : this.etcd.put(key).value(value),
      ),
      fence,
    ];
  }

  private async snapshot(): Promise<Snapshot> {
    const [keys, fences] = await Promise.all([
      this.etcd.getAll().prefix(this.layout.prefix).exec(),
      this.etcd.getAll().prefix(`${FENCE_ROOT}${this.layout.kind}/`).exec(),
    ]);
    const values = new Map<string, string>();
    const owners = new Set<string>();
    for (const kv of keys.kvs) {
      const key = kv.key.toString();
      const owner = this.layout.ownerOf(key);
      if (owner === null) continue;
      owners.add(owner);
      values.set(key, kv.value.toString());
    }
    const fenceMap = new Map(
      fences.kvs.map((kv: IKeyValue) => [
        kv.key.toString().slice(this.fenceKey('').length),
        { value: kv.value.toString(), modRevision: kv.mod_revision },
      ]),
    );
    return { values, owners, fences: fenceMap, ids: new Set([...owners, ...fenceMap.keys()]) };
  }
}

interface Snapshot {
  values: Map<string, string>;
  /** Entities with at least one key in etcd. */
  owners: Set<string>;
  fences: Map<string, { value: string; modRevision: string }>;
  ids: Set<string>;
}
