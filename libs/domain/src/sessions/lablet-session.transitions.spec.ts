import { aGradingSession, aSession, aUserSession, describeTransitionMatrix } from '@lcm/testing';
import { GradingStatus, LabletSessionStatus, UserSessionStatus } from '@lcm/contracts';
import { GRADING_SESSION_TRANSITIONS, USER_SESSION_TRANSITIONS } from './child.transitions';
import { GRADING_SESSION_STATUS_EVENTS } from './grading-session.entity';
import { LABLET_SESSION_STATUS_EVENTS } from './lablet-session.events';
import { LABLET_SESSION_TRANSITIONS } from './lablet-session.transitions';
import { USER_SESSION_STATUS_EVENTS } from './user-session.entity';

const TWO_HOURS = 2 * 60 * 60_000;

describeTransitionMatrix('LabletSession', {
  entity: 'SESSION',
  statuses: LabletSessionStatus.options,
  table: LABLET_SESSION_TRANSITIONS,
  // EXPIRED sessions are built with a lab so that EXPIRED → STOPPING (teardown) is reachable.
  build: (from, clock) =>
    (from === 'EXPIRED' ? aSession().inState(from).withLab('lab-1') : aSession().inState(from)).build(clock),
  statusOf: (session) => session.status,
  pullEvents: (session) => session.pullEvents(),
  eventFor: (to) => LABLET_SESSION_STATUS_EVENTS[to],
  drivers: {
    SCHEDULED: (s) => s.schedule({ worker_id: 'worker-1', allocated_ports: { r1_console: 2000 } }),
    INSTANTIATING: (s) => s.startInstantiation(),
    READY: (s, clock) =>
      s.markReady({ userSession: aUserSession().forSession(s).build(clock), cml_lab_id: 'cml-1' }),
    RUNNING: (s) => s.start(),
    COLLECTING: (s) => s.collect(),
    GRADING: (s, clock) => s.beginGrading(aGradingSession().forSession(s).build(clock)),
    STOPPING: (s) => s.beginStopping('test'),
    STOPPED: (s) => s.markStopped(),
    ARCHIVED: (s) => s.archive(),
    EXPIRED: (s, clock) => {
      clock.step(TWO_HOURS);
      s.expire();
    },
    TERMINATED: (s) => s.terminate({ reason: 'test', terminated_by: 'admin' }),
  },
});

describeTransitionMatrix('UserSession', {
  entity: 'USER_SESSION',
  statuses: UserSessionStatus.options,
  table: USER_SESSION_TRANSITIONS,
  build: (from, clock) => aUserSession().inState(from).build(clock),
  statusOf: (session) => session.status,
  pullEvents: (session) => session.pullEvents(),
  eventFor: (to) => USER_SESSION_STATUS_EVENTS[to],
  drivers: {
    PROVISIONED: (u) => u.markProvisioned({ login_url: 'https://lds.example.com/x' }),
    ACTIVE: (u) => u.activate(),
    PAUSED: (u) => u.pause(),
    ENDED: (u) => u.end(),
    EXPIRED: (u) => u.expire(),
    FAULTED: (u) => u.fault('lds error'),
  },
});

describeTransitionMatrix('GradingSession', {
  entity: 'GRADING_SESSION',
  statuses: GradingStatus.options,
  table: GRADING_SESSION_TRANSITIONS,
  build: (from, clock) => aGradingSession().inState(from).build(clock),
  statusOf: (grading) => grading.status,
  pullEvents: (grading) => grading.pullEvents(),
  eventFor: (to) => GRADING_SESSION_STATUS_EVENTS[to],
  drivers: {
    COLLECTING: (g) => g.startCollecting(),
    GRADING: (g) => g.submit({ grading_session_id: 'engine-1' }),
    REVIEWING: (g) => g.markReviewing(),
    SUBMITTED: (g) => g.markSubmitted(),
    FAULTED: (g) => g.fault('engine error'),
  },
});
