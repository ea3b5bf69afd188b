import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { type SessionUnschedulableAccepted, type SessionUnschedulableReport } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { ChangeEventBus } from '../../../../platform/change-events/change-event-bus';
import { GetSessionQuery } from '../../../sessions';

/**
 * The resource-scheduler found a PENDING session no template can ever fit (issue 9): every
 * dashboard hears of it as `lablet_session.unschedulable`. Nothing is stored; the flag lives in
 * the scheduler's pending view (`/api/v1/scheduler/pending`). A session that has moved on since
 * (placed, expired, terminated) is not announced; an unknown one is a 404.
 */
export class ReportUnschedulableSessionCommand extends Command<SessionUnschedulableAccepted> {
  constructor(readonly report: SessionUnschedulableReport) {
    super();
  }
}

@CommandHandler(ReportUnschedulableSessionCommand)
export class ReportUnschedulableSessionHandler implements ICommandHandler<ReportUnschedulableSessionCommand> {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(ChangeEventBus) private readonly bus: ChangeEventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ report }: ReportUnschedulableSessionCommand): Promise<SessionUnschedulableAccepted> {
    const session = await this.queries.execute(new GetSessionQuery(report.lablet_session_id));
    if (session.status !== 'PENDING')
      return { lablet_session_id: report.lablet_session_id, published: false };
    await this.bus.publish({
      type: 'lablet_session.unschedulable',
      data: { ...report },
      at: this.clock.now().toISOString(),
    });
    return { lablet_session_id: report.lablet_session_id, published: true };
  }
}
