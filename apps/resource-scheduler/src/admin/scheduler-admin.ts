import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type PendingPlacement, PageOnlyQuery, type Page, type SchedulerStatus } from '@lcm/contracts';
import { adminKeyGuard, type LeaderElection } from '@lcm/reconciler-runtime';
import type { PendingPlacements } from '../placement/pending-placements';
import type { SchedulerStats } from '../placement/scheduler-stats';

export interface SchedulerAdminOptions {
  apiKey: string;
  pending: PendingPlacements;
  leadWindowMinutes: number;
  resyncIntervalMs: number;
}

/** `GET /api/admin/pending` (the control plane proxies `/api/v1/scheduler/pending` here), behind the admin key. */
export function registerPendingRoute(app: FastifyInstance, { apiKey, pending }: SchedulerAdminOptions): void {
  app.register(async (admin) => {
    admin.addHook('onRequest', adminKeyGuard(apiKey));
    admin.get('/api/admin/pending', async (request, reply): Promise<Page<PendingPlacement> | undefined> => {
      const query = PageOnlyQuery.safeParse(request.query);
      if (!query.success) {
        await reply
          .status(400)
          .type('application/problem+json')
          .send({
            type: 'about:blank',
            title: 'Invalid request',
            status: 400,
            detail: z.prettifyError(query.error),
          });
        return undefined;
      }
      return pending.page(query.data.limit, query.data.cursor);
    });
  });
}

/** The SchedulerStatus fields of `/api/admin/stats`, next to the runtime's own. */
export async function schedulerStatus(
  leader: LeaderElection,
  stats: SchedulerStats,
  { pending, leadWindowMinutes, resyncIntervalMs }: SchedulerAdminOptions,
): Promise<SchedulerStatus & Record<string, unknown>> {
  const current = await leader.currentLeader().catch(() => null);
  return {
    ...stats.snapshot(),
    leader: {
      controller: 'resource-scheduler',
      replica_id: current?.replica_id ?? null,
      since: current?.elected_at ?? null,
    },
    is_leader: leader.isLeader(),
    pending_count: pending.size,
    unschedulable_count: pending.unschedulableCount,
    policy: {
      lead_window_minutes: leadWindowMinutes,
      resync_seconds: Math.max(1, Math.round(resyncIntervalMs / 1000)),
    },
  };
}
