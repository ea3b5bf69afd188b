import { z } from 'zod';
import { defineRoute } from '../http/route';
import { ADMIN_ROLES, READ_ROLES } from '../http/roles';
import { DocumentId } from '../shared/document';
import { ControllerName, Role } from '../shared/enums';
import { PageOnlyQuery, Page } from '../shared/pagination';
import { IsoDateTime } from '../shared/value-objects';

export const HealthState = z.enum(['ok', 'degraded', 'down']);
export type HealthState = z.infer<typeof HealthState>;

export const ComponentHealth = z.object({
  name: z.string().min(1),
  status: HealthState,
  detail: z.string().nullable(),
  latency_ms: z.number().nonnegative().nullable(),
});
export const SystemHealth = z.object({
  status: HealthState,
  checked_at: IsoDateTime,
  components: z.array(ComponentHealth),
});
export type SystemHealth = z.infer<typeof SystemHealth>;

/** Filter stages of placement (spec §7.1 step 3), in the order they are applied. */
export const PlacementRejectionCategory = z.enum(['status', 'license', 'ami', 'capacity', 'ports']);
export type PlacementRejectionCategory = z.infer<typeof PlacementRejectionCategory>;

export const LeaderInfo = z.object({
  controller: ControllerName,
  replica_id: z.string().nullable(),
  since: IsoDateTime.nullable(),
});

export const SchedulerStatus = z.object({
  leader: LeaderInfo,
  is_leader: z.boolean(),
  last_pass_at: IsoDateTime.nullable(),
  pending_count: z.number().int().nonnegative(),
  /** Placement attempts by outcome: placed, conflict (stale view), no_fit, unschedulable, waiting_for_window, failed. */
  decisions: z.record(z.string(), z.number().int().nonnegative()),
  /** Attempts that will be retried: stale views and failures. */
  retries: z.number().int().nonnegative(),
  /** Over the most recent decisions of this leader. */
  decision_latency_ms: z.object({
    count: z.number().int().nonnegative(),
    p50: z.number().nonnegative(),
    p95: z.number().nonnegative(),
    max: z.number().nonnegative(),
  }),
  scale_ups_requested: z.number().int().nonnegative(),
  /** Scale-up evaluations by outcome: requested, covered (a worker is on its way), max_reached, cooldown, no_template. */
  scale_ups: z.record(z.string(), z.number().int().nonnegative()),
  /** Sessions no enabled template could ever hold (also flagged in the pending view). */
  unschedulable_count: z.number().int().nonnegative(),
  policy: z.object({
    lead_window_minutes: z.number().int().positive(),
    resync_seconds: z.number().int().positive(),
  }),
});
export type SchedulerStatus = z.infer<typeof SchedulerStatus>;

export const PendingPlacement = z.object({
  lablet_session_id: DocumentId,
  definition_id: DocumentId,
  timeslot_start: IsoDateTime.nullable(),
  rejections: z.partialRecord(PlacementRejectionCategory, z.number().int().nonnegative()),
  worker_rejections: z.array(
    z.object({ worker_id: DocumentId, category: PlacementRejectionCategory, reason: z.string() }),
  ),
  /** No template could ever fit the definition. */
  unschedulable: z.boolean(),
  last_attempt_at: IsoDateTime.nullable(),
});
export type PendingPlacement = z.infer<typeof PendingPlacement>;

export const ControllerRequestAccepted = z.object({ controller: ControllerName, requested_at: IsoDateTime });

export const CurrentUser = z.object({
  username: z.string().min(1),
  name: z.string().nullable(),
  email: z.string().nullable(),
  roles: z.array(Role),
});
export type CurrentUser = z.infer<typeof CurrentUser>;

/** Scheduler views (proxied to the resource-scheduler), health and the logged-in user. */
export const systemContract = {
  getSchedulerStatus: defineRoute({
    method: 'GET',
    path: '/api/v1/scheduler/status',
    responses: { 200: SchedulerStatus },
    summary: 'Leader, stats and policy of the resource-scheduler',
    auth: 'public',
    roles: READ_ROLES,
  }),
  listPendingPlacements: defineRoute({
    method: 'GET',
    path: '/api/v1/scheduler/pending',
    query: PageOnlyQuery,
    responses: { 200: Page(PendingPlacement) },
    summary: 'Pending placements with rejection reasons',
    auth: 'public',
    roles: READ_ROLES,
  }),
  triggerSchedulerReconcile: defineRoute({
    method: 'POST',
    path: '/api/v1/scheduler/reconcile',
    responses: { 202: ControllerRequestAccepted },
    summary: 'Trigger a placement pass',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  resignSchedulerLeadership: defineRoute({
    method: 'POST',
    path: '/api/v1/scheduler/resign',
    responses: { 202: ControllerRequestAccepted },
    summary: 'Make the scheduler leader resign',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  getSystemHealth: defineRoute({
    method: 'GET',
    path: '/api/v1/system/health',
    responses: { 200: SystemHealth },
    summary: 'Health of CPA, MongoDB, etcd and the controllers',
    auth: 'public',
    roles: READ_ROLES,
  }),
  getCurrentUser: defineRoute({
    method: 'GET',
    path: '/api/auth/me',
    responses: { 200: CurrentUser },
    summary: 'The logged-in user and roles',
    auth: 'public',
    roles: READ_ROLES,
  }),
};
