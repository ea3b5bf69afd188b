import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type RecordLabRunBody } from '@lcm/contracts';
import { type Clock, LabRecord as LabRecordAggregate } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';

const RUN_HISTORY_LIMIT = 50;

/** A run the lablet-controller recorded (e.g. a session's start → stop); same run id again replaces it. */
export class RecordLabRunCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly run: RecordLabRunBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * The LabRecord aggregate has no method for a run reported from outside (it only opens and closes
 * runs on action completion), so the run is added to the loaded state and the record rebuilt from
 * it; the save stays version-checked and the fact is audited as `lab_record.run_recorded`.
 */
@CommandHandler(RecordLabRunCommand)
export class RecordLabRunHandler implements ICommandHandler<RecordLabRunCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ labRecordId, run, actor }: RecordLabRunCommand): Promise<LabRecord> {
    const state = (await this.labs.getById(labRecordId)).toState();
    const at = this.clock.now().toISOString();
    const runs = [...state.run_history.filter((existing) => existing.run_id !== run.run_id), run].slice(
      -RUN_HISTORY_LIMIT,
    );
    const lab = LabRecordAggregate.fromState({ ...state, run_history: runs, updated_at: at }, this.clock);
    const { state: saved } = await this.commits.save(lab, actor, [
      {
        type: 'lab_record.run_recorded',
        aggregate_type: 'lab_record',
        aggregate_id: labRecordId,
        occurred_at: at,
        payload: { run_id: run.run_id },
      },
    ]);
    return toLabRecordView(saved);
  }
}
