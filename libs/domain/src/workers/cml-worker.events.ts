import type { Capacity, CmlServiceStatus, CmlWorkerStatus, PortMap } from '@lcm/contracts';
import type { EventUnion } from '../shared/domain-event';

/** One event per status a worker enters, so every transition is one lifecycle fact. */
export const CML_WORKER_STATUS_EVENTS = {
  PENDING: 'cml_worker.pending',
  PROVISIONING: 'cml_worker.provisioning',
  STARTING: 'cml_worker.starting',
  RUNNING: 'cml_worker.running',
  DRAINING: 'cml_worker.draining',
  STOPPING: 'cml_worker.stopping',
  STOPPED: 'cml_worker.stopped',
  SHUTTING_DOWN: 'cml_worker.shutting_down',
  TERMINATED: 'cml_worker.terminated',
  FAILED: 'cml_worker.failed',
  UNKNOWN: 'cml_worker.unknown',
} as const satisfies Record<CmlWorkerStatus, `cml_worker.${string}`>;

export interface WorkerStatusChanged {
  from: CmlWorkerStatus | null;
  to: CmlWorkerStatus;
  reason: string | null;
  /** Sessions on the worker when it entered the status: what a STOPPED/TERMINATED cascade must visit. */
  session_ids: string[];
}

type StatusEventMap = { [S in CmlWorkerStatus as (typeof CML_WORKER_STATUS_EVENTS)[S]]: WorkerStatusChanged };

export type CmlWorkerEventMap = StatusEventMap & {
  'cml_worker.created': {
    name: string;
    status: CmlWorkerStatus;
    origin: string;
    from: null;
    to: CmlWorkerStatus;
  };
  'cml_worker.drain_cancelled': { drain_reason: string | null };
  'cml_worker.service_status_changed': { from: CmlServiceStatus; to: CmlServiceStatus };
  'cml_worker.desired_status_changed': { from: string; to: string; requested_by: string | null };
  'cml_worker.capacity_allocated': {
    session_id: string;
    capacity: Capacity;
    ports: PortMap;
    allocated_capacity: Capacity;
  };
  'cml_worker.capacity_released': {
    session_id: string;
    capacity: Capacity;
    released_ports: PortMap;
    allocated_capacity: Capacity;
  };
  'cml_worker.capacity_recalculated': { allocated_capacity: Capacity; session_ids: string[] };
  'cml_worker.ports_released': { holder_id: string; holder_kind: 'session' | 'lab_record'; ports: PortMap };
  'cml_worker.ports_transferred': { session_id: string; lab_record_id: string; ports: PortMap };
  'cml_worker.ports_claimed': { lab_record_id: string; ports: PortMap };
  'cml_worker.observed': { fields: string[] };
};

export type CmlWorkerEvent = EventUnion<CmlWorkerEventMap>;
