import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Capacity, type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { type Clock, SESSION_STATUSES_NEVER_HOLDING_CAPACITY, sessionHoldsCapacity } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabRecordRepository } from '../../../lab-records';
import { LabletDefinitionRepository } from '../../../lablet-definitions';
import { LabletSessionRepository } from '../../../sessions';
import { WorkerChanges } from '../worker-changes';

/** Statuses that never hold a worker's capacity, so the query need not read them (decision 3). */
export const NEVER_HOLDING = [...SESSION_STATUSES_NEVER_HOLDING_CAPACITY];
/**
 * An allocation younger than this may belong to a placement in progress: the worker write is
 * done, the session write not yet (WorkerPlacements). Recalculation keeps such allocations, and
 * a placement that reuses an older one re-stamps it (CmlWorker.allocate), so a repair never takes
 * an allocation a placement is about to count on. Far longer than any one command runs.
 */
export const PLACEMENT_GRACE_MS = 15_000;

export class RecalculateWorkerCapacityCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
    /**
     * Allocations younger than this are kept (a placement may be writing its session). An
     * operator's request keeps only those made after the sessions were read; a placement it cut
     * short is counted again by the next reconciliation pass.
     */
    readonly keepYoungerThanMs = 0,
  ) {
    super();
  }
}

/** A worker carries at most its max_nodes sessions; the bound keeps the query from ever being unbounded. */
const HOLDER_BATCH = 1000;

/**
 * Operator repair and periodic reconciliation (spec §3.5 recalculation): rebuilds the worker's
 * allocation from the sessions that hold it now, each with its definition's demand (or its current
 * allocation if the definition is gone) and, for holders without a lab, their own ports; ports of
 * DELETED or ARCHIVED lab records are freed.
 * Allocations made within `keepYoungerThanMs` before the sessions were read are kept: their
 * session may be scheduled meanwhile.
 */
@CommandHandler(RecalculateWorkerCapacityCommand)
export class RecalculateWorkerCapacityHandler implements ICommandHandler<RecalculateWorkerCapacityCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    workerId,
    actor,
    keepYoungerThanMs,
  }: RecalculateWorkerCapacityCommand): Promise<CmlWorkerView> {
    const keepNewerThan = new Date(this.clock.now().getTime() - keepYoungerThanMs).toISOString();
    const holders = (
      await this.sessions.findStates(
        { worker_id: workerId, status: { $nin: NEVER_HOLDING } },
        { _id: 1 },
        HOLDER_BATCH,
      )
    ).filter((session) => sessionHoldsCapacity(session.status, session.lab_record_id));
    const demand = new Map<string, Capacity>();
    for (const definitionId of new Set(holders.map((session) => session.definition_id))) {
      const definition = await this.definitions.findById(definitionId);
      if (definition) demand.set(definitionId, definition.capacityDemand);
    }
    const committed = await this.changes.update(workerId, actor, async (worker) => {
      const retiredLabs = await this.labs.findRetiredIds(
        worker.portAllocations
          .filter((allocation) => allocation.holder_kind === 'lab_record')
          .map((allocation) => allocation.holder_id),
      );
      const allocations = worker.toState().capacity_allocations;
      const current = new Map(allocations.map((allocation) => [allocation.session_id, allocation.capacity]));
      const active = holders.flatMap((session) => {
        const capacity = demand.get(session.definition_id) ?? current.get(session.id);
        const ports = session.lab_record_id === null ? session.allocated_ports : undefined;
        return capacity ? [{ session_id: session.id, capacity, ports }] : [];
      });
      const listed = new Set(active.map((entry) => entry.session_id));
      const scheduledMeanwhile = allocations.filter(
        (allocation) => allocation.allocated_at > keepNewerThan && !listed.has(allocation.session_id),
      );
      worker.recalculateCapacity([...active, ...scheduledMeanwhile], retiredLabs);
    });
    return committed.view;
  }
}
