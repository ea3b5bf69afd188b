import { type Db, type Document, type Filter } from 'mongodb';
import { z } from 'zod';
import { type ListDefinitionsQuery, type Page, type PageQuery } from '@lcm/contracts';
import { type Clock, LabletDefinition, type LabletDefinitionState } from '@lcm/domain';
import { findStatePage } from '../../../platform/mongo/state-page';
import { SidecarAggregateRepository } from '../../../platform/mongo/sidecar-repository';

/** Contract fields of a definition version the domain state does not model; immutable like its content. */
export const DefinitionContentExtras = z.object({ grading_collector: z.string().min(1).default('ccm') });
export type DefinitionContentExtras = z.infer<typeof DefinitionContentExtras>;

/** Versions kept in memory per process; a fleet uses far fewer at once. */
const PINNED_VERSIONS_CACHED = 1000;

/** Statuses a list hides unless asked for by status or include_deprecated. */
const RETIRED_STATUSES = ['deprecated', 'archived', 'deleted'];

export class LabletDefinitionRepository extends SidecarAggregateRepository<
  LabletDefinitionState,
  LabletDefinition,
  DefinitionContentExtras
> {
  constructor(db: Db, clock: Clock) {
    super(
      db,
      clock,
      {
        collection: 'lablet_definitions',
        entity: 'lablet definition',
        hydrate: (state, c) => LabletDefinition.fromState(state, c),
        indexes: [
          { key: { name: 1, semver: 1 }, name: 'name_semver_unique', unique: true },
          { key: { status: 1 }, name: 'status' },
        ],
      },
      { field: 'content_extras', schema: DefinitionContentExtras },
    );
  }

  private readonly pinnedVersions = new Map<string, LabletDefinitionState>();

  /**
   * The content of a definition version (resource requirements, port template, topology) never
   * changes once created (spec §3.7; only operational flags and status do), so commands that need
   * only the content of the version a session pinned read it once per process. Callers must not
   * rely on the returned status or flags.
   */
  async findPinnedVersion(id: string): Promise<LabletDefinition | null> {
    let state = this.pinnedVersions.get(id);
    if (!state) {
      const stored = await this.findStateById(id);
      if (!stored) return null;
      if (this.pinnedVersions.size >= PINNED_VERSIONS_CACHED)
        this.pinnedVersions.delete(this.pinnedVersions.keys().next().value as string);
      this.pinnedVersions.set(id, stored);
      state = stored;
    }
    return LabletDefinition.fromState(structuredClone(state), this.clock);
  }

  async findPage(query: ListDefinitionsQuery): Promise<Page<LabletDefinitionState>> {
    const filter: Filter<Document> = {};
    if (query.name) filter['name'] = query.name;
    if (query.status) filter['status'] = { $in: query.status };
    else if (!query.include_deprecated) filter['status'] = { $nin: RETIRED_STATUSES };
    return findStatePage(this, filter, query);
  }

  async findVersionPage(name: string, page: PageQuery): Promise<Page<LabletDefinitionState>> {
    return findStatePage(this, { name }, page);
  }

  async findStateByNameAndSemver(name: string, semver: string): Promise<LabletDefinitionState | null> {
    const [state] = await this.findStates({ name, semver }, { _id: 1 }, 1);
    return state ?? null;
  }

  /** What a dashboard starts from: every definition that is not deleted, newest first, bounded. */
  async findSnapshotStates(limit: number): Promise<LabletDefinitionState[]> {
    return this.findStates({ status: { $ne: 'deleted' } }, { created_at: -1 }, limit);
  }
}
