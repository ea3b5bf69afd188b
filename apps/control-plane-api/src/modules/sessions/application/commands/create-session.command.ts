import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Collection, type Db } from 'mongodb';
import { type CreateSessionBody } from '@lcm/contracts';
import { type Clock, LabletSession, type LabletSessionState } from '@lcm/domain';
import { ApiError, notFound } from '../../../../platform/http/api-error';
import { type Committed } from '../../../../platform/mongo/aggregate-repository';
import { CLOCK, MONGO_DB } from '../../../../platform/platform.tokens';
import { LabletDefinitionRepository } from '../../../lablet-definitions';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { SessionChanges } from '../session-changes';

export const RESERVATION_CLAIMS_COLLECTION = 'reservation_claims';

interface ReservationClaim {
  _id: string;
  lablet_session_id: string;
  claimed_at: Date;
}

/** A claim whose session never got written (the writer died in between) is given up after this. */
const ABANDONED_RESERVATION_CLAIM_MS = 30_000;

export class CreateSessionCommand extends Command<SessionView> {
  constructor(
    readonly body: CreateSessionBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(CreateSessionCommand)
export class CreateSessionHandler implements ICommandHandler<CreateSessionCommand> {
  private readonly reservations: Collection<ReservationClaim>;

  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MONGO_DB) db: Db,
  ) {
    this.reservations = db.collection<ReservationClaim>(RESERVATION_CLAIMS_COLLECTION);
  }

  async execute({ body, actor }: CreateSessionCommand): Promise<SessionView> {
    const definition = await this.definitions.findById(body.definition_id);
    if (!definition) throw notFound('lablet definition', body.definition_id);
    const id = crypto.randomUUID();
    const session = LabletSession.create(
      {
        id,
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
    const reservation = body.reservation_id ?? null;
    if (reservation) await this.claimReservation(reservation, id);
    let committed: Committed<LabletSessionState>;
    try {
      committed = await this.sessions.save(session);
    } catch (error) {
      if (reservation) await this.reservations.deleteOne({ _id: reservation, lablet_session_id: id });
      throw error;
    }
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }

  /**
   * reservation_id is unique (409 on a second create). FerretDB has no partial unique index, so
   * the value is claimed as the _id of a document of its own before the session is written.
   */
  private async claimReservation(reservationId: string, sessionId: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await this.reservations.insertOne({
          _id: reservationId,
          lablet_session_id: sessionId,
          claimed_at: this.clock.now(),
        });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await this.reservations.findOne({ _id: reservationId });
      if (!existing) continue;
      const holder = await this.sessions.findStateById(existing.lablet_session_id);
      const abandoned =
        !holder &&
        this.clock.now().getTime() - existing.claimed_at.getTime() > ABANDONED_RESERVATION_CLAIM_MS;
      if (!abandoned) break;
      await this.reservations.deleteOne({
        _id: reservationId,
        lablet_session_id: existing.lablet_session_id,
      });
    }
    throw new ApiError('DUPLICATE', `a session with reservation_id ${reservationId} already exists`);
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
