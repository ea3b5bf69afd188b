import { Module } from '@nestjs/common';
import { SystemPublicController } from './api/system.public.controller';
import { RequestSchedulerActionHandler } from './application/commands/request-scheduler-action.command';
import { GetSchedulerStatusHandler } from './application/queries/get-scheduler-status.query';
import { GetSystemHealthHandler } from './application/queries/get-system-health.query';
import { ListPendingPlacementsHandler } from './application/queries/list-pending-placements.query';
import { ResourceSchedulerClient } from './infrastructure/resource-scheduler.client';

/** System health, the scheduler views (proxied to the resource-scheduler) and the current user. */
@Module({
  controllers: [SystemPublicController],
  providers: [
    ResourceSchedulerClient,
    GetSystemHealthHandler,
    GetSchedulerStatusHandler,
    ListPendingPlacementsHandler,
    RequestSchedulerActionHandler,
  ],
})
export class SystemModule {}
