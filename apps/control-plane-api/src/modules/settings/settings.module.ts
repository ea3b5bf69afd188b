import { Module } from '@nestjs/common';
import { SettingsPublicController } from './api/settings.public.controller';
import { UpdateSettingsHandler } from './application/commands/update-settings.command';
import { GetSettingsHandler } from './application/queries/get-settings.query';

/** The `default` system settings singleton (spec §3.8), admin-only. */
@Module({
  controllers: [SettingsPublicController],
  providers: [GetSettingsHandler, UpdateSettingsHandler],
})
export class SettingsModule {}
