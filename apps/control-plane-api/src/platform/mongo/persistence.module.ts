import {
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { type Db } from 'mongodb';
import { type Clock } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from '../../config/env.schema';
import { AuditLog } from '../../modules/audit/audit-log';
import { LabRecordRepository } from '../../modules/lab-records/infrastructure/lab-record.repository';
import { LabletDefinitionRepository } from '../../modules/lablet-definitions/infrastructure/lablet-definition.repository';
import { ChangeEventBus } from '../../modules/live-updates/change-event-bus';
import {
  GradingSessionRepository,
  LabletSessionRepository,
  ScoreReportRepository,
  UserSessionRepository,
} from '../../modules/sessions/infrastructure/session.repositories';
import { SystemSettingsRepository } from '../../modules/settings/infrastructure/system-settings.repository';
import { WorkerTemplateRepository } from '../../modules/worker-templates/infrastructure/worker-template.repository';
import { CmlWorkerRepository } from '../../modules/workers/infrastructure/cml-worker.repository';
import { WorkersEtcdProjector } from '../../modules/workers/infrastructure/workers.etcd-projector';
import { APP_CONFIG } from '../app-config.token';
import { CommitRecorder } from '../commit/commit-recorder';
import { CLOCK, LOGGER, MONGO_DB } from '../platform.tokens';
import { expireDocuments } from './expiring-collection';
import { VERSION_CLAIMS_COLLECTION } from './versioned-collection';

const REPOSITORIES = [
  LabletSessionRepository,
  UserSessionRepository,
  GradingSessionRepository,
  ScoreReportRepository,
  LabRecordRepository,
  CmlWorkerRepository,
  WorkerTemplateRepository,
  LabletDefinitionRepository,
  SystemSettingsRepository,
] as const;

const repositoryProviders: Provider[] = REPOSITORIES.map((Repository) => ({
  provide: Repository,
  useFactory: (db: Db, clock: Clock) => new Repository(db, clock),
  inject: [MONGO_DB, CLOCK],
}));

/** Every aggregate's repository, the audit log and the after-commit recorder; indexes at start-up. */
@Global()
@Module({
  providers: [
    ...repositoryProviders,
    {
      provide: AuditLog,
      useFactory: (db: Db, config: AppConfig) => new AuditLog(db, config.AUDIT_RETENTION_DAYS),
      inject: [MONGO_DB, APP_CONFIG],
    },
    {
      provide: CommitRecorder,
      useFactory: (audit: AuditLog, bus: ChangeEventBus, logger: Logger, config: AppConfig) =>
        new CommitRecorder(audit, bus, logger, config.ETCD_COMMIT_WAIT_MS),
      inject: [AuditLog, ChangeEventBus, LOGGER, APP_CONFIG],
    },
    // Sessions and workers both change worker capacity, so both contexts project worker keys through it.
    WorkersEtcdProjector,
  ],
  exports: [...REPOSITORIES, AuditLog, CommitRecorder, WorkersEtcdProjector],
})
export class PersistenceModule implements OnModuleInit, OnApplicationShutdown {
  private readonly repositories: { ensureIndexes(): Promise<void> }[];
  private readonly stopSweeps: (() => void)[] = [];

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LabletSessionRepository) sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) userSessions: UserSessionRepository,
    @Inject(GradingSessionRepository) gradingSessions: GradingSessionRepository,
    @Inject(ScoreReportRepository) scoreReports: ScoreReportRepository,
    @Inject(LabRecordRepository) labRecords: LabRecordRepository,
    @Inject(CmlWorkerRepository) workers: CmlWorkerRepository,
    @Inject(WorkerTemplateRepository) templates: WorkerTemplateRepository,
    @Inject(LabletDefinitionRepository) definitions: LabletDefinitionRepository,
    @Inject(SystemSettingsRepository) settings: SystemSettingsRepository,
  ) {
    this.repositories = [
      sessions,
      userSessions,
      gradingSessions,
      scoreReports,
      labRecords,
      workers,
      templates,
      definitions,
      settings,
    ];
  }

  async onModuleInit(): Promise<void> {
    // One collection at a time: FerretDB has been seen to drop connections when a new database
    // gets many collections created concurrently.
    for (const repository of this.repositories) await repository.ensureIndexes();
    this.stopSweeps.push(
      await this.audit.ensureIndexes(this.logger),
      await expireDocuments(
        this.db.collection(VERSION_CLAIMS_COLLECTION),
        'claimed_at',
        24 * 3600,
        this.logger,
      ),
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeps.forEach((stop) => stop());
  }
}
