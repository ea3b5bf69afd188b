import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DiscoveredLab,
  type LabDiscoverBody,
  type LabDiscoverResult,
  toFieldErrors,
  unstorableTexts,
} from '@lcm/contracts';
import { type Clock, type DomainEvent, LabRecord, newId } from '@lcm/domain';
import { notFound } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { CmlWorkerRepository } from '../../../workers';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { LabRecordChanges } from '../lab-record-changes';
import { awaitsCmlLabId } from '../imported-lab-id';

/** Bulk-applies one worker scan (lab discovery v2, spec §7.3.4). */
export class DiscoverLabsCommand extends Command<LabDiscoverResult> {
  constructor(
    readonly scan: LabDiscoverBody,
    readonly actor: string,
  ) {
    super();
  }
}

function metadataOf(lab: DiscoveredLab) {
  return {
    title: lab.title,
    description: lab.description ?? null,
    notes: lab.notes ?? null,
    owner_username: lab.owner_username ?? null,
    owner_fullname: lab.owner_fullname ?? null,
    groups: lab.groups ?? [],
    node_count: lab.node_count,
    link_count: lab.link_count,
    cml_created_at: lab.cml_created_at ?? null,
  };
}

const changed = (events: readonly DomainEvent[]) =>
  events.some((event) => event.type !== 'lab_record.created');

/** The lab id of an entry that failed validation, when it has one the store can hold. */
const labIdOf = (entry: unknown): string | null => {
  const labId = (entry as { lab_id?: unknown } | null)?.lab_id;
  return typeof labId === 'string' && labId.length > 0 && unstorableTexts(labId).length === 0 ? labId : null;
};

/**
 * One scan entry checked as input parsing checks a whole request (texts the store can hold, then
 * the DiscoveredLab schema); the route leaves its entries to this (entriesCheckedOneByOne).
 */
function checkEntry(
  entry: unknown,
  path: readonly (string | number)[],
): { success: true; lab: DiscoveredLab } | { success: false; problems: string[] } {
  const unstorable = unstorableTexts(entry, path);
  const parsed = unstorable.length === 0 ? DiscoveredLab.safeParse(entry) : undefined;
  if (parsed?.success) return { success: true, lab: parsed.data };
  const problems = parsed
    ? toFieldErrors(parsed.error).map((e) => ({
        ...e,
        field: [...path, e.field].filter((part) => part !== '').join('.'),
      }))
    : unstorable;
  return { success: false, problems: problems.map((e) => `${e.field}: ${e.message}`) };
}

/**
 * Each lab is checked and saved on its own (single-document saves), so one failing lab (a bad
 * entry, a lost race) is reported in `errors` and neither refuses nor undoes the others.
 */
@CommandHandler(DiscoverLabsCommand)
export class DiscoverLabsHandler implements ICommandHandler<DiscoverLabsCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly workers: CmlWorkerRepository,
    private readonly labCommits: LabRecordChanges,
    private readonly commits: CommitRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ scan, actor }: DiscoverLabsCommand): Promise<LabDiscoverResult> {
    if (!(await this.workers.findStateById(scan.worker_id))) throw notFound('worker', scan.worker_id);
    const known = new Map((await this.labs.findOnWorker(scan.worker_id)).map((lab) => [lab.labId, lab]));
    const result: LabDiscoverResult = {
      synced: 0,
      discovered: 0,
      updated: 0,
      orphaned: 0,
      revisions_created: 0,
      errors: [],
    };

    for (const [index, entry] of scan.labs.entries()) {
      const checked = checkEntry(entry, ['body', 'labs', index]);
      if (!checked.success) {
        const labId = labIdOf(entry);
        // A lab the scan did see, however badly described, is not missing from the worker.
        if (labId) known.delete(labId);
        result.errors.push({ lab_id: labId, message: checked.problems.join('; ') });
        continue;
      }
      const scanned = checked.lab;
      await this.attempt(result, scanned.lab_id, async () => {
        const existing = known.get(scanned.lab_id);
        known.delete(scanned.lab_id);
        const lab = existing ?? this.newlyDiscovered(scan.worker_id, scanned);
        lab.syncFromDiscovery({
          status: existing ? scanned.status : 'DISCOVERED',
          modified_at: scanned.modified_at ?? null,
          metadata: metadataOf(scanned),
          topology_spec: existing ? (scanned.topology_spec ?? null) : null,
          based_on_definition_id: scanned.based_on_definition_id ?? null,
        });
        const { events } = await this.labCommits.save(lab, actor);
        if (existing)
          result.revisions_created += events.filter(
            (event) => event.type === 'lab_record.topology_updated',
          ).length;
        if (!existing) result.discovered += 1;
        else if (changed(events)) result.updated += 1;
        result.synced += 1;
      });
    }

    if (!scan.partial_scan) {
      for (const missing of known.values()) {
        if (missing.isTerminal || missing.status === 'ORPHANED' || awaitsCmlLabId(missing.labId)) continue;
        await this.attempt(result, missing.labId, async () => {
          missing.markOrphaned('not_found_on_worker');
          await this.labCommits.save(missing, actor);
          result.orphaned += 1;
        });
      }
    }

    await this.commits.record({
      events: [],
      actor,
      notifications: [
        {
          type: 'worker.labs.synced',
          data: { ...result, worker_id: scan.worker_id },
          at: this.clock.now().toISOString(),
        },
      ],
    });
    return result;
  }

  private newlyDiscovered(workerId: string, scanned: DiscoveredLab): LabRecord {
    return LabRecord.discover(
      {
        id: newId(),
        worker_id: workerId,
        lab_id: scanned.lab_id,
        topology_spec: scanned.topology_spec ?? null,
        based_on_definition_id: scanned.based_on_definition_id ?? null,
      },
      this.clock,
    );
  }

  private async attempt(
    result: LabDiscoverResult,
    labId: string | null,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      result.errors.push({ lab_id: labId, message: error instanceof Error ? error.message : String(error) });
    }
  }
}
