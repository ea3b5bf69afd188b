import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LabletDefinitionRepository } from '../../../lablet-definitions';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { SessionChanges } from '../session-changes';

export class ExtendTimeslotCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly timeslotEnd: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** Operator extension (spec §3.2): a later end only, within the pinned definition's maximum duration. */
@CommandHandler(ExtendTimeslotCommand)
export class ExtendTimeslotHandler implements ICommandHandler<ExtendTimeslotCommand> {
  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, timeslotEnd, actor }: ExtendTimeslotCommand): Promise<SessionView> {
    const { state } = await this.changes.sessions.update(sessionId, actor, async (session) => {
      const definition = await this.definitions.findById(session.definitionId);
      session.extendTimeslot(timeslotEnd, definition?.maxDurationMinutes);
    });
    return toSessionView(state);
  }
}
