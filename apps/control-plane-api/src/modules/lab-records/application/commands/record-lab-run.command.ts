import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type LabRunRecord, type RecordLabRunBody } from '@lcm/contracts';
import { type Clock, newId } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

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

const durationSeconds = (startedAt: string, stoppedAt: string | null): number | null =>
  stoppedAt === null ? null : Math.round((Date.parse(stoppedAt) - Date.parse(startedAt)) / 1000);

@CommandHandler(RecordLabRunCommand)
export class RecordLabRunHandler implements ICommandHandler<RecordLabRunCommand> {
  constructor(
    private readonly changes: LabRecordChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ labRecordId, run, actor }: RecordLabRunCommand): Promise<LabRecord> {
    const stoppedAt = run.stopped_at ?? null;
    // A report naming only its stop time started no later than that: "now" would give a past stop
    // a negative duration, which the stored record then fails its own contract with on every read.
    const now = this.clock.now().toISOString();
    const startedAt =
      run.started_at ?? (stoppedAt !== null && Date.parse(stoppedAt) < Date.parse(now) ? stoppedAt : now);
    const record: LabRunRecord = {
      run_id: run.run_id ?? newId(),
      started_at: startedAt,
      stopped_at: stoppedAt,
      duration_seconds: durationSeconds(startedAt, stoppedAt),
      started_by: run.started_by ?? 'system',
      stop_reason: run.stop_reason ?? null,
      lablet_session_id: run.lablet_session_id ?? null,
      final_state: run.final_state ?? null,
    };
    const { state } = await this.changes.update(labRecordId, actor, (lab) => lab.recordRun(record));
    return toLabRecordView(state);
  }
}
