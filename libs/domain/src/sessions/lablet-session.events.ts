import type { LabletSessionStatus, PortMap, SessionDesiredStatus } from '@lcm/contracts';
import type { EventUnion } from '../shared/domain-event';

/** Entering each status is one lifecycle fact (spec §3.2 event list); PENDING is entered only by creation. */
export const LABLET_SESSION_STATUS_EVENTS = {
  PENDING: 'lablet_session.created',
  SCHEDULED: 'lablet_session.scheduled',
  INSTANTIATING: 'lablet_session.instantiating',
  READY: 'lablet_session.ready',
  RUNNING: 'lablet_session.running',
  COLLECTING: 'lablet_session.collecting',
  GRADING: 'lablet_session.grading',
  STOPPING: 'lablet_session.stopping',
  STOPPED: 'lablet_session.stopped',
  ARCHIVED: 'lablet_session.archived',
  EXPIRED: 'lablet_session.expired',
  TERMINATED: 'lablet_session.terminated',
} as const satisfies Record<LabletSessionStatus, `lablet_session.${string}`>;

export interface SessionStatusChanged {
  from: LabletSessionStatus | null;
  to: LabletSessionStatus;
  reason: string | null;
  worker_id: string | null;
  lab_record_id: string | null;
}

type StatusEventMap = {
  [S in LabletSessionStatus as (typeof LABLET_SESSION_STATUS_EVENTS)[S]]: SessionStatusChanged;
};

export type LabletSessionEventMap = StatusEventMap & {
  'lablet_session.lab_bound': { lab_record_id: string; cml_lab_id: string | null; allocated_ports: PortMap };
  'lablet_session.capacity_released': { worker_id: string; on_status: LabletSessionStatus };
  'lablet_session.grading_faulted': { grading_session_id: string; error: string };
  'lablet_session.grading_retried': {
    grading_session_id: string;
    previous_grading_session_id: string | null;
  };
  'lablet_session.score_recorded': { score_report_id: string; grade_result: 'pass' | 'fail' | null };
  'lablet_session.timeslot_extended': { previous_end: string; timeslot_end: string };
  'lablet_session.desired_status_updated': { from: SessionDesiredStatus; to: SessionDesiredStatus };
  'lablet_session.pipeline_progress_updated': { pipeline: string; step: string; status: string };
  'lablet_session.retry_recorded': { retry_count: number; reason: string };
  'lablet_session.cleanup_completed': { cleanup_completed_at: string };
};

export type LabletSessionEvent = EventUnion<LabletSessionEventMap>;
