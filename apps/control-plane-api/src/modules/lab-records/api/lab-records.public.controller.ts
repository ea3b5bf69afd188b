import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  apiContract,
  type LabExport,
  type LabletSession,
  type LabPendingAction,
  type LabRecord,
  type LabRecordSummary,
  type LabRevision,
  type LabRunRecord,
  type LabTopology,
  type Page,
} from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { ArchiveLabCommand } from '../application/commands/archive-lab.command';
import { BeginLabImportCommand } from '../application/commands/begin-lab-import.command';
import { CloneLabCommand } from '../application/commands/clone-lab.command';
import { RequestLabActionCommand } from '../application/commands/request-lab-action.command';
import { ExportLabQuery } from '../application/queries/export-lab.query';
import { GetLabRecordQuery } from '../application/queries/get-lab-record.query';
import { GetLabTopologyQuery } from '../application/queries/get-lab-topology.query';
import { ListLabRevisionsQuery, ListLabRunsQuery } from '../application/queries/lab-history.query';
import { ListLabRecordsQuery } from '../application/queries/list-lab-records.query';
import { ListLabSessionsQuery } from '../application/queries/list-lab-sessions.query';
import { toLabRecordSummary } from '../infrastructure/lab-record.views';

const routes = apiContract.public.labRecords;
type ById = ContractInput<typeof routes.getLabRecord>;

@Controller()
export class LabRecordsPublicController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.listLabRecords)
  async list(
    @Input() { query }: ContractInput<typeof routes.listLabRecords>,
  ): Promise<Page<LabRecordSummary>> {
    const page = await this.queries.execute(new ListLabRecordsQuery(query));
    return { items: page.items.map(toLabRecordSummary), next_cursor: page.next_cursor };
  }

  @ContractRoute(routes.getLabRecord)
  get(@Input() { params }: ById): Promise<LabRecord> {
    return this.queries.execute(new GetLabRecordQuery(params.lab_record_id));
  }

  @ContractRoute(routes.getLabTopology)
  topology(@Input() { params }: ById): Promise<LabTopology> {
    return this.queries.execute(new GetLabTopologyQuery(params.lab_record_id));
  }

  @ContractRoute(routes.listLabRevisions)
  revisions(
    @Input() { params, query }: ContractInput<typeof routes.listLabRevisions>,
  ): Promise<Page<LabRevision>> {
    return this.queries.execute(new ListLabRevisionsQuery(params.lab_record_id, query));
  }

  @ContractRoute(routes.listLabRuns)
  runs(@Input() { params, query }: ContractInput<typeof routes.listLabRuns>): Promise<Page<LabRunRecord>> {
    return this.queries.execute(new ListLabRunsQuery(params.lab_record_id, query));
  }

  @ContractRoute(routes.listLabSessions)
  sessions(
    @Input() { params, query }: ContractInput<typeof routes.listLabSessions>,
  ): Promise<Page<LabletSession>> {
    return this.queries.execute(new ListLabSessionsQuery(params.lab_record_id, query));
  }

  @ContractRoute(routes.startLab)
  start(@Input() { params }: ById, @Actor() actor: string): Promise<LabRecord> {
    return this.request(params.lab_record_id, 'start', actor);
  }

  @ContractRoute(routes.stopLab)
  stop(@Input() { params }: ById, @Actor() actor: string): Promise<LabRecord> {
    return this.request(params.lab_record_id, 'stop', actor);
  }

  @ContractRoute(routes.wipeLab)
  wipe(@Input() { params }: ById, @Actor() actor: string): Promise<LabRecord> {
    return this.request(params.lab_record_id, 'wipe', actor);
  }

  @ContractRoute(routes.deleteLab)
  delete(@Input() { params }: ById, @Actor() actor: string): Promise<LabRecord> {
    return this.request(params.lab_record_id, 'delete', actor);
  }

  @ContractRoute(routes.cloneLab)
  clone(
    @Input() { params, body }: ContractInput<typeof routes.cloneLab>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(new CloneLabCommand(params.lab_record_id, body.title, actor));
  }

  @ContractRoute(routes.exportLab)
  export(@Input() { params }: ById): Promise<LabExport> {
    return this.queries.execute(new ExportLabQuery(params.lab_record_id));
  }

  @ContractRoute(routes.archiveLab)
  archive(@Input() { params }: ById, @Actor() actor: string): Promise<LabRecord> {
    return this.commands.execute(new ArchiveLabCommand(params.lab_record_id, actor));
  }

  @ContractRoute(routes.importLab)
  import(
    @Input() { body }: ContractInput<typeof routes.importLab>,
    @Actor() actor: string,
  ): Promise<LabRecord> {
    return this.commands.execute(
      new BeginLabImportCommand(
        { worker_id: body.worker_id, yaml: body.yaml, yaml_field: 'body.yaml', title: body.title },
        actor,
      ),
    );
  }

  private request(labRecordId: string, action: LabPendingAction, actor: string): Promise<LabRecord> {
    return this.commands.execute(new RequestLabActionCommand(labRecordId, action, actor));
  }
}
