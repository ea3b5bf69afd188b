import { Module } from '@nestjs/common';
import { SystemInternalController } from './api/system.internal.controller';
import { SystemPublicController } from './api/system.public.controller';
import { ReportUnschedulableSessionHandler } from './application/commands/report-unschedulable-session.command';
import { RequestSchedulerActionHandler } from './application/commands/request-scheduler-action.command';
import { GetSchedulerStatusHandler } from './application/queries/get-scheduler-status.query';
import { GetSystemHealthHandler } from './application/queries/get-system-health.query';
import { ListPendingPlacementsHandler } from './application/queries/list-pending-placements.query';
import { ResourceSchedulerClient } from './infrastructure/resource-scheduler.client';

/** System health, the scheduler views (proxied to the resource-scheduler), its unschedulable reports and the current user. */
@Module({
  controllers: [SystemPublicController, SystemInternalController],
  providers: [
    ResourceSchedulerClient,
    GetSystemHealthHandler,
    GetSchedulerStatusHandler,
    ListPendingPlacementsHandler,
    RequestSchedulerActionHandler,
    ReportUnschedulableSessionHandler,
  ],
})
export class SystemModule {}
