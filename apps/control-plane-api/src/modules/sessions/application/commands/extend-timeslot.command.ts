import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LabletDefinitionRepository } from '../../../lablet-definitions';
import { fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
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
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, timeslotEnd, actor }: ExtendTimeslotCommand): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    const definition = await this.definitions.findById(session.definitionId);
    const before = fingerprint(session);
    session.extendTimeslot(timeslotEnd, definition?.maxDurationMinutes);
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }
}
