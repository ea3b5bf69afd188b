import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from './config/env.schema';
import { LiveUpdatesModule } from './modules/live-updates/live-updates.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { PersistenceModule } from './platform/mongo/persistence.module';
import { PlatformModule } from './platform/platform.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger?: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config, logger), CqrsModule.forRoot(), LiveUpdatesModule, PersistenceModule, SessionsModule],
    };
  }
}
