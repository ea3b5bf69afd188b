import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type UpdateLabTopologyBody } from '@lcm/contracts';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';
import { isStaleObservation } from '../observation-freshness';

/**
 * The topology the lablet-controller read from CML. The revision follows the checksum LCM computes
 * itself (canonical JSON, spec §3.4), so differently normalised reports of one topology never
 * make a revision; the reported checksum is not trusted.
 */
export class UpdateLabTopologyCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly report: UpdateLabTopologyBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(UpdateLabTopologyCommand)
export class UpdateLabTopologyHandler implements ICommandHandler<UpdateLabTopologyCommand> {
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, report, actor }: UpdateLabTopologyCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) => {
      if (isStaleObservation(lab.toState(), report.observed_at)) return;
      lab.recordTopology(report.topology_spec, 'system', report.change_summary ?? null);
    });
    return toLabRecordView(state);
  }
}
