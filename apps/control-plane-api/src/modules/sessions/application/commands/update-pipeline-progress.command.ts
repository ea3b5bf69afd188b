import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type UpdatePipelineProgressBody } from '@lcm/contracts';
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
  constructor(@Inject(SessionChanges) private readonly changes: SessionChanges) {}

  async execute({ sessionId, body, actor }: UpdatePipelineProgressCommand): Promise<SessionView> {
    const { progress = [], ...step } = body;
    const { state } = await this.changes.sessions.update(sessionId, actor, (session) =>
      recordPipelineSteps(session, [...progress, step]),
    );
    return toSessionView(state);
  }
}
