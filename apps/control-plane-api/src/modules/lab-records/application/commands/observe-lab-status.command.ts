import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type LabStatusObservationBody } from '@lcm/contracts';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';
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
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, observation, actor }: ObserveLabStatusCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) => {
      if (isStaleObservation(lab.toState(), observation.observed_at)) return;
      // Before the status moves on from IMPORTING: the id is only accepted while the import is open.
      if (observation.lab_id) lab.assignCmlLabId(observation.lab_id);
      if (observation.status === 'ERROR')
        lab.markError(observation.error_message ?? 'reported by the lablet-controller');
      else if (observation.status === 'ORPHANED')
        lab.markOrphaned(observation.error_message ?? 'reported by the lablet-controller');
      else lab.observeStatus(observation.status, observation.error_message ?? 'observed');
    });
    return toLabRecordView(state);
  }
}
