import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig } from '../../config/env.schema';
import { DashboardController } from './dashboard.controller';
import { DashboardFiles } from './dashboard-files';

/** Where `nx run dashboard:build` writes the app, relative to this file in the source tree. */
const BUILT_DASHBOARD = join(__dirname, '..', '..', '..', '..', 'dashboard', 'dist');

/** Serves the operator dashboard; registered last so every API route is matched before its catch-all. */
@Module({})
export class DashboardModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController],
      providers: [{ provide: DashboardFiles, useValue: new DashboardFiles(config.DASHBOARD_DIR ?? BUILT_DASHBOARD) }],
    };
  }
}
