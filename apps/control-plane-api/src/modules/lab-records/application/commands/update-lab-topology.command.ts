import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type UpdateLabTopologyBody } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';
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
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
  ) {}

  async execute({ labRecordId, report, actor }: UpdateLabTopologyCommand): Promise<LabRecord> {
    const lab = await this.labs.getById(labRecordId);
    if (isStaleObservation(lab.toState(), report.observed_at)) return toLabRecordView(lab.toState());
    lab.recordTopology(report.topology_spec, 'system', report.change_summary ?? null);
    return toLabRecordView((await this.commits.save(lab, actor)).state);
  }
}
