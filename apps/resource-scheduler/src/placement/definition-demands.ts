import type { LabletDefinition } from '@lcm/contracts';
import type { ControlPlane } from '@lcm/cpa-client';
import { type PlacementDemand, placementDemandOf } from '@lcm/domain';
import { TerminalError } from '@lcm/reconciler-runtime';

export interface DefinitionDemand {
  readonly definition: LabletDefinition;
  readonly demand: PlacementDemand;
}

/**
 * Definitions by id with their compiled placement demand. A (name, version) is immutable in what
 * placement reads (spec §3.7), so a read is reused for `maxAgeMs`; a definition that is gone
 * surfaces as the client's NotFoundError, a failure like any other (spec §7.1 step 7).
 */
export class DefinitionDemands {
  private readonly cache = new Map<string, DefinitionDemand & { readAt: number }>();
  private readonly now: () => number;

  constructor(
    private readonly cpa: ControlPlane,
    private readonly maxAgeMs: number,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  async get(definitionId: string): Promise<DefinitionDemand> {
    const cached = this.cache.get(definitionId);
    if (cached && this.now() - cached.readAt <= this.maxAgeMs) return cached;
    this.cache.delete(definitionId);
    const definition = await this.cpa.definitions.get({ params: { lablet_definition_id: definitionId } });
    let demand: PlacementDemand;
    try {
      demand = placementDemandOf(definition);
    } catch (error) {
      throw new TerminalError(`definition ${definitionId} cannot be placed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const entry = { definition, demand, readAt: this.now() };
    this.cache.set(definitionId, entry);
    return entry;
  }
}
