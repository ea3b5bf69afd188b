import { Module } from '@nestjs/common';
import { SettingsInternalController } from './api/settings.internal.controller';
import { SettingsPublicController } from './api/settings.public.controller';
import { UpdateSettingsHandler } from './application/commands/update-settings.command';
import { GetSettingsHandler } from './application/queries/get-settings.query';

/** The `default` system settings singleton (spec §3.8): admins edit it, controllers read it. */
@Module({
  controllers: [SettingsPublicController, SettingsInternalController],
  providers: [GetSettingsHandler, UpdateSettingsHandler],
})
export class SettingsModule {}
