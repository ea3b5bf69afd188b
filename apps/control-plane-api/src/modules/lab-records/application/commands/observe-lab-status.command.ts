import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type LabStatusObservationBody } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';
import { isStaleObservation } from '../observation-freshness';

/**
 * A status the lablet-controller observed while carrying out an action; checked against the table.
 * For an import it also carries the lab id CML assigned, so a later scan finds the record, not a stranger.
 */
export class ObserveLabStatusCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly observation: LabStatusObservationBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(ObserveLabStatusCommand)
export class ObserveLabStatusHandler implements ICommandHandler<ObserveLabStatusCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
  ) {}

  async execute({ labRecordId, observation, actor }: ObserveLabStatusCommand): Promise<LabRecord> {
    const lab = await this.labs.getById(labRecordId);
    if (isStaleObservation(lab.toState(), observation.observed_at)) return toLabRecordView(lab.toState());
    // Before the status moves on from IMPORTING: the id is only accepted while the import is open.
    if (observation.lab_id) lab.assignCmlLabId(observation.lab_id);
    if (observation.status === 'ERROR')
      lab.markError(observation.error_message ?? 'reported by the lablet-controller');
    else if (observation.status === 'ORPHANED')
      lab.markOrphaned(observation.error_message ?? 'reported by the lablet-controller');
    else lab.observeStatus(observation.status, observation.error_message ?? 'observed');
    return toLabRecordView((await this.commits.save(lab, actor)).state);
  }
}
