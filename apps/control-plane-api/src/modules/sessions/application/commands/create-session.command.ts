import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateSessionBody } from '@lcm/contracts';
import { type Clock, LabletSession } from '@lcm/domain';
import { notFound } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabletDefinitionRepository } from '../../../lablet-definitions';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { SessionChanges } from '../session-changes';

export class CreateSessionCommand extends Command<SessionView> {
  constructor(
    readonly body: CreateSessionBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** A PENDING session from a definition; a reservation_id another session holds is 409 DUPLICATE. */
@CommandHandler(CreateSessionCommand)
export class CreateSessionHandler implements ICommandHandler<CreateSessionCommand> {
  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: CreateSessionCommand): Promise<SessionView> {
    const definition = await this.definitions.findById(body.definition_id);
    if (!definition) throw notFound('lablet definition', body.definition_id);
    const session = LabletSession.create(
      {
        id: crypto.randomUUID(),
        definition,
        owner: body.owner,
        created_by: actor,
        reservation_id: body.reservation_id ?? null,
        // No start means "as soon as possible": the timeslot starts now (spec §7.1 ASAP).
        timeslot_start: body.timeslot_start ?? this.clock.now().toISOString(),
        timeslot_end: body.timeslot_end,
      },
      this.clock,
    );
    return toSessionView((await this.changes.sessions.save(session, actor)).state);
  }
}
