import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateGradingSessionBody, type GradingSession as GradingSessionView } from '@lcm/contracts';
import { type Clock, GradingSession, type GradingSessionState } from '@lcm/domain';
import { type Committed } from '../../../../platform/mongo/aggregate-repository';
import { compact, fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { CLOCK } from '../../../../platform/platform.tokens';
import { GradingSessionRepository, LabletSessionRepository } from '../../infrastructure/session.repositories';
import { toGradingSessionView } from '../../infrastructure/session.views';
import { assertSessionCan } from '../assert-session-can';
import { gradingSessionIdOf } from '../child-ids';
import { SessionChanges } from '../session-changes';

export class CreateGradingSessionCommand extends Command<GradingSessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: CreateGradingSessionBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * LC submitted the collected evidence to the GradingEngine (its id comes with the body): the
 * GradingSession is stored as GRADING and the session moves COLLECTING → GRADING, or, during a
 * grading fault hold, the new GradingSession replaces the faulted one (decision 21).
 */
@CommandHandler(CreateGradingSessionCommand)
export class CreateGradingSessionHandler implements ICommandHandler<CreateGradingSessionCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ sessionId, body, actor }: CreateGradingSessionCommand): Promise<GradingSessionView> {
    const session = await this.sessions.getById(sessionId);
    const id = gradingSessionIdOf(sessionId, body.grading_session_id);
    let grading = await this.gradingSessions.findById(id);
    if (grading && session.gradingSessionId === id) return toGradingSessionView(grading.toState());
    if (session.status !== 'GRADING') assertSessionCan(session, 'GRADING');
    let gradingCommitted: Committed<GradingSessionState> | null = null;
    if (!grading) {
      const created = GradingSession.create(
        {
          id,
          lablet_session_id: sessionId,
          form_qualified_name: body.form_qualified_name,
          grading_rules_uri: body.grading_rules_uri ?? null,
          devices: body.devices,
        },
        this.clock,
      );
      created.startCollecting();
      created.recordEvidence(
        (body.evidence ?? []).map(({ node_label, kind, content }) => ({ node_label, kind, content })),
      );
      created.submit({
        grading_session_id: body.grading_session_id,
        pod_id: body.pod_id ?? null,
        grading_part_id: body.grading_part_id ?? null,
      });
      const inserted = await this.gradingSessions.insertOnce(created);
      gradingCommitted = inserted.committed;
      grading = inserted.aggregate;
    }
    const before = fingerprint(session);
    if (session.status === 'GRADING') session.retryGrading(grading);
    else session.beginGrading(grading, actor);
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed], gradingSessions: compact([gradingCommitted]) });
    return toGradingSessionView(grading.toState());
  }
}
