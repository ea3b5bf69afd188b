import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from './config/env.schema';
import { AuditModule } from './modules/audit/audit.module';
import { LabRecordsModule } from './modules/lab-records/lab-records.module';
import { LiveUpdatesModule } from './modules/live-updates/live-updates.module';
import { ProjectionModule } from './modules/projection/projection.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { SystemModule } from './modules/system/system.module';
import { PersistenceModule } from './platform/mongo/persistence.module';
import { PlatformModule } from './platform/platform.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger?: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config, logger), CqrsModule.forRoot(), LiveUpdatesModule, PersistenceModule, SessionsModule, LabRecordsModule, AuditModule, SystemModule, ProjectionModule],
    };
  }
}
