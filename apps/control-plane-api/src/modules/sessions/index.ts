// The sessions module's public surface for other modules (.dependency-cruiser.cjs).
export { TransitionSessionCommand } from './application/commands/transition-session.command';
export { GetSessionQuery } from './application/queries/get-session.query';
export { ListSessionsQuery } from './application/queries/list-sessions.query';
export { LabletSessionRepository } from './infrastructure/session.repositories';
export { toSessionView } from './infrastructure/session.views';
export { SessionsModule } from './sessions.module';
