import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { apiContract, type Page, type ScheduleBatchResult } from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { type ContractInput, ContractRoute, Input } from '../../../platform/http/contract-route';
import { internalErrorProblem, toProblem } from '../../../platform/http/problem-details';
import { CreateGradingSessionCommand } from '../application/commands/create-grading-session.command';
import { CreateScoreReportCommand } from '../application/commands/create-score-report.command';
import { CreateUserSessionCommand } from '../application/commands/create-user-session.command';
import { MarkReadyCommand } from '../application/commands/mark-ready.command';
import { UpdateGradingSessionStatusCommand } from '../application/commands/update-grading-session-status.command';
import { UpdateUserSessionStatusCommand } from '../application/commands/update-user-session-status.command';
import { BindSessionLabCommand } from '../application/commands/bind-session-lab.command';
import { MarkCleanupCompletedCommand } from '../application/commands/mark-cleanup-completed.command';
import { ScheduleSessionCommand } from '../application/commands/schedule-session.command';
import { ScheduleSessionsBatchCommand } from '../application/commands/schedule-sessions-batch.command';
import { TransitionSessionCommand } from '../application/commands/transition-session.command';
import { UpdatePipelineProgressCommand } from '../application/commands/update-pipeline-progress.command';
import { FindGradingSessionsQuery } from '../application/queries/find-grading-sessions.query';
import { FindUserSessionsQuery } from '../application/queries/find-user-sessions.query';
import { GetSessionQuery } from '../application/queries/get-session.query';
import { ListSessionsQuery } from '../application/queries/list-sessions.query';
import { ReconcilableSessionsQuery } from '../application/queries/reconcilable-sessions.query';
import { type SessionView, toSessionView } from '../infrastructure/session.views';

const routes = apiContract.internal.sessions;
type In<K extends keyof typeof routes> = ContractInput<(typeof routes)[K]>;

/** Internal routes of the resource-scheduler and the lablet-controller (spec §5.3), behind the API key. */
@Controller()
export class SessionsInternalController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.listSessions)
  list(@Input() input: In<'listSessions'>): Promise<Page<SessionView>> {
    return this.queries.execute(new ListSessionsQuery(input.query, 'internal'));
  }

  @ContractRoute(routes.listReconcilableSessions)
  reconcilable(@Input() input: In<'listReconcilableSessions'>): Promise<Page<SessionView>> {
    return this.queries.execute(new ReconcilableSessionsQuery(input.query));
  }

  @ContractRoute(routes.getSession)
  get(@Input() input: In<'getSession'>): Promise<SessionView> {
    return this.queries.execute(new GetSessionQuery(input.params.lablet_session_id));
  }

  @ContractRoute(routes.scheduleSession)
  schedule(@Input() input: In<'scheduleSession'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new ScheduleSessionCommand(input.params.lablet_session_id, input.body.worker_id, actor),
    );
  }

  @ContractRoute(routes.scheduleBatch)
  async scheduleBatch(
    @Input() input: In<'scheduleBatch'>,
    @Actor() actor: string,
  ): Promise<ScheduleBatchResult> {
    const placements = input.body.placements;
    const outcomes = await this.commands.execute(new ScheduleSessionsBatchCommand(placements, actor));
    return {
      results: placements.map((placement, index) => {
        const outcome = outcomes[index];
        return outcome && 'placed' in outcome
          ? { ...placement, outcome: 'scheduled' as const, session: toSessionView(outcome.placed) }
          : {
              ...placement,
              outcome: 'refused' as const,
              problem: toProblem(outcome?.refused) ?? internalErrorProblem(),
            };
      }),
    };
  }

  @ContractRoute(routes.startInstantiation)
  startInstantiation(@Input() input: In<'startInstantiation'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, 'INSTANTIATING', { actor }),
    );
  }

  /** The reason follows from the status the session was stuck in (decision 19); the body's is informational. */
  @ContractRoute(routes.expireSession)
  expire(@Input() input: In<'expireSession'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, 'EXPIRED', {
        reason: input.body.reason,
        actor,
      }),
    );
  }

  @ContractRoute(routes.transitionSession)
  transition(@Input() input: In<'transitionSession'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, input.body.target_status, {
        reason: input.body.reason,
        actor,
      }),
    );
  }

  @ContractRoute(routes.updateSessionLab)
  updateLab(@Input() input: In<'updateSessionLab'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new BindSessionLabCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.markReady)
  markReady(@Input() input: In<'markReady'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(new MarkReadyCommand(input.params.lablet_session_id, input.body, actor));
  }

  @ContractRoute(routes.notifySessionStarted)
  sessionStarted(@Input() input: In<'notifySessionStarted'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, 'RUNNING', {
        reason: 'lds_session_started',
        actor,
        startedAt: input.body.started_at,
      }),
    );
  }

  @ContractRoute(routes.updatePipelineProgress)
  pipelineProgress(
    @Input() input: In<'updatePipelineProgress'>,
    @Actor() actor: string,
  ): Promise<SessionView> {
    return this.commands.execute(
      new UpdatePipelineProgressCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.markCleanupCompleted)
  cleanupCompleted(@Input() input: In<'markCleanupCompleted'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(new MarkCleanupCompletedCommand(input.params.lablet_session_id, actor));
  }

  @ContractRoute(routes.createUserSession)
  createUserSession(@Input() input: In<'createUserSession'>, @Actor() actor: string) {
    return this.commands.execute(
      new CreateUserSessionCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.updateUserSessionStatus)
  updateUserSessionStatus(@Input() input: In<'updateUserSessionStatus'>, @Actor() actor: string) {
    return this.commands.execute(
      new UpdateUserSessionStatusCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.createGradingSession)
  createGradingSession(@Input() input: In<'createGradingSession'>, @Actor() actor: string) {
    return this.commands.execute(
      new CreateGradingSessionCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.updateGradingSessionStatus)
  updateGradingSessionStatus(@Input() input: In<'updateGradingSessionStatus'>, @Actor() actor: string) {
    return this.commands.execute(
      new UpdateGradingSessionStatusCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.createScoreReport)
  createScoreReport(@Input() input: In<'createScoreReport'>, @Actor() actor: string) {
    return this.commands.execute(
      new CreateScoreReportCommand(input.params.lablet_session_id, input.body, actor),
    );
  }

  @ContractRoute(routes.findUserSessions)
  findUserSessions(@Input() input: In<'findUserSessions'>) {
    return this.queries.execute(new FindUserSessionsQuery(input.query));
  }

  @ContractRoute(routes.findGradingSessions)
  findGradingSessions(@Input() input: In<'findGradingSessions'>) {
    return this.queries.execute(new FindGradingSessionsQuery(input.query));
  }
}
