import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type UpdatePipelineProgressBody } from '@lcm/contracts';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { recordPipelineSteps } from '../record-pipeline-steps';
import { SessionChanges } from '../session-changes';

export class UpdatePipelineProgressCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: UpdatePipelineProgressBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(UpdatePipelineProgressCommand)
export class UpdatePipelineProgressHandler implements ICommandHandler<UpdatePipelineProgressCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, body, actor }: UpdatePipelineProgressCommand): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    const { progress = [], ...step } = body;
    recordPipelineSteps(session, [...progress, step]);
    const committed = await this.sessions.save(session);
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }
}
