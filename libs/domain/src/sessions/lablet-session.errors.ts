import { DomainError } from '../shared/domain-error';

/** 400 at the API: end not after start, start in the past, too long, or an extension that is not later. */
export class InvalidTimeslotError extends DomainError {
  readonly code = 'SESSION.INVALID_TIMESLOT' as const;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
  }
}

/** Expiry is decided by the clock (decision 19), not by the caller. */
export class TimeslotNotEndedError extends DomainError {
  readonly code = 'SESSION.TIMESLOT_NOT_ENDED' as const;

  constructor(sessionId: string, timeslotEnd: string) {
    super(`session ${sessionId} cannot expire before its timeslot ends at ${timeslotEnd}`, {
      sessionId,
      timeslotEnd,
    });
  }
}

export class ScoreAlreadyRecordedError extends DomainError {
  readonly code = 'SESSION.SCORE_ALREADY_RECORDED' as const;

  constructor(sessionId: string, scoreReportId: string) {
    super(`session ${sessionId} already has score report ${scoreReportId}`, { sessionId, scoreReportId });
  }
}

/** A child entity (UserSession, GradingSession, ScoreReport) handed to a session belongs to another one. */
export class ChildMismatchError extends DomainError {
  readonly code = 'SESSION.CHILD_MISMATCH' as const;

  constructor(sessionId: string, child: string, childId: string) {
    super(`${child} ${childId} does not belong to session ${sessionId}`, { sessionId, child, childId });
  }
}

/** A lab cannot be bound: wrong status, another lab already bound, a different worker, or the lab is in use. */
export class LabBindingRefusedError extends DomainError {
  readonly code = 'SESSION.LAB_BINDING_REFUSED' as const;

  constructor(sessionId: string, labRecordId: string, reason: string) {
    super(`session ${sessionId} cannot use lab ${labRecordId}: ${reason}`, {
      sessionId,
      labRecordId,
      reason,
    });
  }
}
