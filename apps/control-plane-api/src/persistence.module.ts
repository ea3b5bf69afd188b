import {
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { type Db } from 'mongodb';
import { type Clock } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from './config/env.schema';
import { AuditLog } from './platform/audit/audit-log';
import { LabRecordRepository } from './modules/lab-records/infrastructure/lab-record.repository';
import { LabletDefinitionRepository } from './modules/lablet-definitions/infrastructure/lablet-definition.repository';
import { ChangeEventBus } from './platform/change-events/change-event-bus';
import {
  GradingSessionRepository,
  LabletSessionRepository,
  ScoreReportRepository,
  UserSessionRepository,
} from './modules/sessions/infrastructure/session.repositories';
import { SystemSettingsRepository } from './modules/settings/infrastructure/system-settings.repository';
import { WorkerTemplateRepository } from './modules/worker-templates/infrastructure/worker-template.repository';
import { CmlWorkerRepository } from './modules/workers/infrastructure/cml-worker.repository';
import { WorkersEtcdProjector } from './modules/workers/infrastructure/workers.etcd-projector';
import { APP_CONFIG } from './platform/app-config.token';
import { CommitRecorder } from './platform/commit/commit-recorder';
import { OutboxRelay } from './platform/commit/outbox-relay';
import { CLOCK, LOGGER, MONGO_DB } from './platform/platform.tokens';
import { expireDocuments } from './platform/mongo/expiring-collection';
import { OutboxLedger, withCommandActor } from './platform/mongo/outbox';
import { StoreStartup } from './platform/mongo/store-startup';
import { VERSION_CLAIMS_COLLECTION } from './platform/mongo/versioned-collection';

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

function actorOf(command: object): string | null {
  const { actor, options } = command as { actor?: unknown; options?: { actor?: unknown } };
  if (typeof actor === 'string') return actor;
  return typeof options?.actor === 'string' ? options.actor : null;
}

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
      useFactory: (db: Db, audit: AuditLog, bus: ChangeEventBus, logger: Logger, config: AppConfig) =>
        new CommitRecorder(audit, bus, logger, config.ETCD_COMMIT_WAIT_MS, OutboxLedger.of(db)),
      inject: [MONGO_DB, AuditLog, ChangeEventBus, LOGGER, APP_CONFIG],
    },
    {
      provide: OutboxRelay,
      useFactory: (
        db: Db,
        recorder: CommitRecorder,
        logger: Logger,
        ...repositories: { collection: { collectionName: string } }[]
      ) =>
        new OutboxRelay(
          db,
          OutboxLedger.of(db),
          recorder,
          logger,
          repositories.map((repository) => repository.collection.collectionName),
        ),
      inject: [MONGO_DB, CommitRecorder, LOGGER, ...REPOSITORIES],
    },
    // Sessions and workers both change worker capacity, so both contexts project worker keys through it.
    WorkersEtcdProjector,
  ],
  exports: [...REPOSITORIES, AuditLog, CommitRecorder, OutboxRelay, WorkersEtcdProjector],
})
export class PersistenceModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly repositories: { ensureIndexes(): Promise<void> }[];
  private readonly stopSweeps: (() => void)[] = [];

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(StoreStartup) private readonly startup: StoreStartup,
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

  onModuleInit(): void {
    // One collection at a time: FerretDB has been seen to drop connections when a new database
    // gets many collections created concurrently.
    this.startup.register('indexes', async () => {
      for (const repository of this.repositories) await repository.ensureIndexes();
    });
    this.startup.register('audit log expiry', async () => {
      this.stopSweeps.push(await this.audit.ensureIndexes(this.logger));
    });
    this.startup.register('version claims expiry', async () => {
      this.stopSweeps.push(
        await expireDocuments(
          this.db.collection(VERSION_CLAIMS_COLLECTION),
          'claimed_at',
          24 * 3600,
          this.logger,
        ),
      );
    });
    OutboxLedger.of(this.db).useReceipts((firsts) => this.audit.storedReceipts(firsts));
    this.attributeWrites();
  }

  /**
   * After every module registered its recovery: deliver what a crashed process left, then keep
   * doing so. At start-up without the grace period: what this process committed before it died is
   * being delivered by no one, and a live replica's entry delivered twice is harmless.
   */
  onApplicationBootstrap(): void {
    // Not a start-up step: a full pass reads whole collections, and readiness must not wait on it.
    this.startup
      .whenReady()
      .then(() => this.relay.relayAll(0))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay pass failed'));
    this.relay.start();
  }

  onApplicationShutdown(): void {
    this.relay.stop();
    this.stopSweeps.forEach((stop) => stop());
  }

  /**
   * The outbox entries a command's writes create name the command's actor, so a relayed audit
   * entry is attributed like a directly written one: commands carry it as `actor` (or
   * `options.actor`).
   */
  private attributeWrites(): void {
    const bus = this.moduleRef.get(CommandBus, { strict: false });
    const execute = bus.execute.bind(bus);
    bus.execute = ((command: object) => {
      const actor = actorOf(command);
      return actor ? withCommandActor(actor, () => execute(command as never)) : execute(command as never);
    }) as typeof bus.execute;
  }
}
