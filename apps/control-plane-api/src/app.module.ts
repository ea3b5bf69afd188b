import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from './config/env.schema';
import { AuditModule } from './modules/audit/audit.module';
import { DashboardModule } from './modules/dashboard/dashboard.module';
import { LabRecordsModule } from './modules/lab-records/lab-records.module';
import { LabletDefinitionsModule } from './modules/lablet-definitions/lablet-definitions.module';
import { LiveUpdatesModule } from './modules/live-updates/live-updates.module';
import { ProjectionModule } from './modules/projection/projection.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { SettingsModule } from './modules/settings/settings.module';
import { SystemModule } from './modules/system/system.module';
import { WorkerTemplatesModule } from './modules/worker-templates/worker-templates.module';
import { WorkersModule } from './modules/workers/workers.module';
import { PersistenceModule } from './persistence.module';
import { PlatformModule } from './platform/platform.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger?: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, logger),
        CqrsModule.forRoot(),
        LiveUpdatesModule,
        PersistenceModule,
        SessionsModule,
        LabRecordsModule,
        AuditModule,
        SystemModule,
        ProjectionModule,
        WorkersModule,
        WorkerTemplatesModule,
        LabletDefinitionsModule,
        SettingsModule,
        DashboardModule.forRoot(config),
      ],
    };
  }
}
