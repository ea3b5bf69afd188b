import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { apiContract, type LabDiscoverResult, type LabRecord, type Page } from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { BeginLabImportCommand } from '../application/commands/begin-lab-import.command';
import { ClaimLabPortsCommand } from '../application/commands/claim-lab-ports.command';
import { CompleteLabActionCommand } from '../application/commands/complete-lab-action.command';
import { DiscoverLabsCommand } from '../application/commands/discover-labs.command';
import { FailLabActionCommand } from '../application/commands/fail-lab-action.command';
import { ObserveLabStatusCommand } from '../application/commands/observe-lab-status.command';
import { RecordLabRunCommand } from '../application/commands/record-lab-run.command';
import { UpdateLabTopologyCommand } from '../application/commands/update-lab-topology.command';
import { GetLabRecordQuery } from '../application/queries/get-lab-record.query';
import { ListLabRecordsQuery } from '../application/queries/list-lab-records.query';
import { toLabRecordView } from '../infrastructure/lab-record.views';

const routes = apiContract.internal.labRecords;

/** The lablet-controller's lab routes (spec §5.3). */
@Controller()
export class LabRecordsInternalController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.discoverLabs)
  discover(
    @Input() { body }: ContractInput<typeof routes.discoverLabs>,
    @Actor() actor: string,
  ): Promise<LabDiscoverResult> {
    return this.commands.execute(new DiscoverLabsCommand(body, actor));
  }

  @ContractRoute(routes.listLabRecords)
  async list(@Input() { query }: ContractInput<typeof routes.listLabRecords>): Promise<Page<LabRecord>> {
    const page = await this.queries.execute(new ListLabRecordsQuery(query));
    return { items: page.items.map(toLabRecordView), next_cursor: page.next_cursor };
  }

  @ContractRoute(routes.getLabRecord)
  get(@Input() { params }: ContractInput<typeof routes.getLabRecord>): Promise<LabRecord> {
    return this.queries.execute(new GetLabRecordQuery(params.lab_record_id));
  }

  @ContractRoute(routes.registerLabImport)
  register(
    @Input() { body }: ContractInput<typeof routes.registerLabImport>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    const { topology_yaml, ...request } = body;
    return this.commands.execute(
      new BeginLabImportCommand({ ...request, yaml: topology_yaml, yaml_field: 'body.topology_yaml' }, actor),
    );
  }

  @ContractRoute(routes.updateLabStatus)
  status(
    @Input() { params, body }: ContractInput<typeof routes.updateLabStatus>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new ObserveLabStatusCommand(params.lab_record_id, body, actor));
  }

  @ContractRoute(routes.updateLabTopology)
  topology(
    @Input() { params, body }: ContractInput<typeof routes.updateLabTopology>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new UpdateLabTopologyCommand(params.lab_record_id, body, actor));
  }

  @ContractRoute(routes.claimLabPorts)
  ports(
    @Input() { params, body }: ContractInput<typeof routes.claimLabPorts>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new ClaimLabPortsCommand(params.lab_record_id, body.allocated_ports, actor));
  }

  @ContractRoute(routes.recordLabRun)
  run(
    @Input() { params, body }: ContractInput<typeof routes.recordLabRun>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new RecordLabRunCommand(params.lab_record_id, body, actor));
  }

  @ContractRoute(routes.completeLabAction)
  complete(
    @Input() { params, body }: ContractInput<typeof routes.completeLabAction>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new CompleteLabActionCommand(params.lab_record_id, body, actor));
  }

  @ContractRoute(routes.failLabAction)
  fail(
    @Input() { params, body }: ContractInput<typeof routes.failLabAction>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new FailLabActionCommand(params.lab_record_id, body, actor));
  }
}
