import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type PortMap } from '@lcm/contracts';
import { type Clock, LabRecord as LabRecordAggregate, newId } from '@lcm/domain';
import { Inject } from '@nestjs/common';
import { notFound } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { CmlWorkerRepository } from '../../../workers';
import { parseCmlLabYaml } from '../../infrastructure/cml-topology-yaml';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';
import { placeholderLabId } from '../imported-lab-id';

export interface LabImportRequest {
  worker_id: string;
  yaml: string;
  /** Where the YAML came from in the request, for the 400 naming a bad document. */
  yaml_field: string;
  title?: string;
  based_on_definition_id?: string | null;
  allocated_ports?: PortMap;
  lablet_session_id?: string;
}

/**
 * An IMPORTING record for a YAML topology on a worker: an operator's import, or the
 * lablet-controller registering the cold import it is about to run. The controller picks up
 * IMPORTING records; import is not one of the pending actions (spec §4.2).
 */
export class BeginLabImportCommand extends Command<LabRecord> {
  constructor(
    readonly request: LabImportRequest,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(BeginLabImportCommand)
export class BeginLabImportHandler implements ICommandHandler<BeginLabImportCommand> {
  constructor(
    private readonly workers: CmlWorkerRepository,
    private readonly changes: LabRecordChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, actor }: BeginLabImportCommand): Promise<LabRecord> {
    const parsed = parseCmlLabYaml(request.yaml, request.yaml_field);
    if (!(await this.workers.findStateById(request.worker_id))) throw notFound('worker', request.worker_id);
    const id = newId();
    const lab = LabRecordAggregate.beginImport(
      {
        id,
        worker_id: request.worker_id,
        lab_id: placeholderLabId(id),
        source: 'import',
        metadata: {
          title: request.title ?? parsed.title ?? 'Imported lab',
          description: parsed.description,
          notes: parsed.notes,
        },
        based_on_definition_id: request.based_on_definition_id ?? null,
        topology_spec: parsed.topology,
      },
      this.clock,
    );
    if (request.allocated_ports) lab.assignPorts(request.allocated_ports);
    if (request.lablet_session_id) lab.attachSession(request.lablet_session_id);
    return toLabRecordView((await this.changes.save(lab, actor)).state);
  }
}
