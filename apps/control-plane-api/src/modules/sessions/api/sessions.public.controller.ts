import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { apiContract, type Page } from '@lcm/contracts';
import { type RequestActor } from '../../../platform/auth/user-authenticator';
import { Actor, Caller } from '../../../platform/http/actor.decorator';
import { type ContractInput, ContractRoute, Input } from '../../../platform/http/contract-route';
import { CreateSessionCommand } from '../application/commands/create-session.command';
import { ExtendTimeslotCommand } from '../application/commands/extend-timeslot.command';
import { TransitionSessionCommand } from '../application/commands/transition-session.command';
import { GetGradingSessionQuery } from '../application/queries/get-grading-session.query';
import { GetScoreReportQuery } from '../application/queries/get-score-report.query';
import { GetSessionQuery } from '../application/queries/get-session.query';
import { GetUserSessionQuery } from '../application/queries/get-user-session.query';
import { ListScoreReportsQuery } from '../application/queries/list-score-reports.query';
import { ListSessionsQuery } from '../application/queries/list-sessions.query';
import { type SessionView } from '../infrastructure/session.views';

const routes = apiContract.public.sessions;
type In<K extends keyof typeof routes> = ContractInput<(typeof routes)[K]>;

/** Public BFF routes of sessions (spec §5.2); mutations need admin or manager, reads any role. */
@Controller()
export class SessionsPublicController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.listSessions)
  list(@Input() input: In<'listSessions'>): Promise<Page<SessionView>> {
    return this.queries.execute(new ListSessionsQuery(input.query, 'public'));
  }

  @ContractRoute(routes.createSession)
  create(@Input() input: In<'createSession'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(new CreateSessionCommand(input.body, actor));
  }

  @ContractRoute(routes.getSession)
  get(@Input() input: In<'getSession'>): Promise<SessionView> {
    return this.queries.execute(new GetSessionQuery(input.params.lablet_session_id));
  }

  @ContractRoute(routes.terminateSession)
  terminate(@Input() input: In<'terminateSession'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, 'TERMINATED', {
        reason: 'terminated_by_operator',
        actor,
      }),
    );
  }

  /** The dashboard's manual actions: the same command as the controllers', with the user as actor (AR-9). */
  @ContractRoute(routes.transitionSession)
  transition(@Input() input: In<'transitionSession'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, input.body.target_status, {
        reason: input.body.reason,
        actor,
      }),
    );
  }

  @ContractRoute(routes.getUserSession)
  userSession(@Input() input: In<'getUserSession'>, @Caller() caller: RequestActor) {
    return this.queries.execute(new GetUserSessionQuery(input.params.lablet_session_id, caller));
  }

  @ContractRoute(routes.getGradingSession)
  gradingSession(@Input() input: In<'getGradingSession'>, @Caller() caller: RequestActor) {
    return this.queries.execute(new GetGradingSessionQuery(input.params.lablet_session_id, caller));
  }

  @ContractRoute(routes.getScoreReport)
  scoreReport(@Input() input: In<'getScoreReport'>) {
    return this.queries.execute(new GetScoreReportQuery(input.params.lablet_session_id));
  }

  /** On-demand grading: the candidate's part ends now and collection starts (RUNNING → COLLECTING). */
  @ContractRoute(routes.requestGrading)
  requestGrading(@Input() input: In<'requestGrading'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new TransitionSessionCommand(input.params.lablet_session_id, 'COLLECTING', {
        reason: 'grading_requested',
        actor,
      }),
    );
  }

  @ContractRoute(routes.extendTimeslot)
  extendTimeslot(@Input() input: In<'extendTimeslot'>, @Actor() actor: string): Promise<SessionView> {
    return this.commands.execute(
      new ExtendTimeslotCommand(input.params.lablet_session_id, input.body.timeslot_end, actor),
    );
  }

  @ContractRoute(routes.listScoreReports)
  listScoreReports(@Input() input: In<'listScoreReports'>) {
    return this.queries.execute(new ListScoreReportsQuery(input.query));
  }
}
