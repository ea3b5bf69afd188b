import { etcdPrefixes, type LabRecord, MAX_PAGE_LIMIT, parseEtcdKey } from '@lcm/contracts';
import { type ControlPlane, isNotFoundError, isUnavailableError } from '@lcm/cpa-client';
import { type Clock } from '@lcm/domain';
import { type Etcd3 } from 'etcd3';
import { type Logger } from '@lcm/observability';
import {
  DEFAULT_BACKOFF,
  done,
  EtcdPrefixSource,
  failed,
  type KeySource,
  ListSource,
  type ReconcileContext,
  type Reconciler,
  type ReconcileResult,
  requeueAfter,
} from '@lcm/reconciler-runtime';
import { type OutsideSystems } from '../integrations/outside-systems';
import { advanceLabAction } from '../labs/lab-action';
import { reportLabStatus } from '../labs/lab-operations';

export interface LabActionsDeps {
  cpa: ControlPlane;
  systems: OutsideSystems;
  clock: Clock;
  /** How often a lab in the middle of an action is looked at again. */
  pollIntervalMs: number;
  /** Spec §7.3.3: how long after its request an action (or an operator import) is given up (180 s). */
  actionTimeoutMs: number;
}

/** When the work on a record started: its pending action's request, or an operator import's registration. */
const workStartedAt = (lab: LabRecord): number => Date.parse(lab.pending_action_at ?? lab.created_at);

/** The runtime's next retry delay after `failures` earlier failures (1 s doubling to 60 s). */
const runtimeBackoffMs = (failures: number): number =>
  Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** failures);

async function listAll(
  cpa: ControlPlane,
  query: { has_pending_action?: 'true'; status?: ['IMPORTING'] },
): Promise<LabRecord[]> {
  const labs: LabRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<ControlPlane['labs']['list']>> = await cpa.labs.list({
      query: { ...query, limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) },
    });
    labs.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return labs;
}

/** Operator imports and clones: IMPORTING records no session is importing itself. */
const isOperatorImport = (lab: LabRecord): boolean =>
  lab.status === 'IMPORTING' && lab.active_lablet_session_id === null;

/**
 * Spec §7.3.3: runs each LabRecord's pending action (start, stop, wipe, delete) on CML and
 * completes or fails it through the control plane, and imports the topology of operator imports
 * and clones. Keys are lab record ids, from the pending-action keys and a periodic list.
 */
export class LabActionsReconciler implements Reconciler {
  readonly name = 'lab-actions';
  readonly sources: readonly KeySource[];

  constructor(
    private readonly deps: LabActionsDeps,
    sources: { etcd?: Etcd3; logger?: Logger } = {},
  ) {
    const list = new ListSource('labs-with-work', async () => {
      const [pending, importing] = await Promise.all([
        listAll(deps.cpa, { has_pending_action: 'true' }),
        listAll(deps.cpa, { status: ['IMPORTING'] }),
      ]);
      return [...pending, ...importing.filter(isOperatorImport)].map((lab) => lab.id);
    });
    this.sources =
      sources.etcd && sources.logger
        ? [
            new EtcdPrefixSource({
              name: 'pending-action-keys',
              etcd: sources.etcd,
              prefix: etcdPrefixes.labRecords,
              logger: sources.logger,
              keyOf: (key, value) => {
                const parsed = parseEtcdKey(key);
                return value !== null && parsed?.kind === 'labPendingAction' ? parsed.id : null;
              },
            }),
            list,
          ]
        : [list];
  }

  async reconcile(key: string, run: ReconcileContext): Promise<ReconcileResult> {
    let lab: LabRecord;
    try {
      lab = await this.deps.cpa.labs.get({ params: { lab_record_id: key } });
    } catch (error) {
      if (isNotFoundError(error)) return done();
      throw error;
    }
    const action = lab.pending_action;
    if (!action && !isOperatorImport(lab)) return done();
    const context = { cpa: this.deps.cpa, clock: this.deps.clock, log: run.log };
    const remainingMs = workStartedAt(lab) + this.deps.actionTimeoutMs - this.deps.clock.now().getTime();
    const giveUp = async (message: string): Promise<ReconcileResult> => {
      if (action)
        await this.deps.cpa.labs.failAction({
          params: { lab_record_id: lab.id },
          body: { action, error_message: message.slice(0, 1000), transition_to_error: false },
        });
      else await reportLabStatus(context, lab, 'ERROR', { error_message: message });
      return done();
    };
    try {
      const cml = this.deps.systems.cml(
        await this.deps.cpa.workers.get({ params: { worker_id: lab.runtime_binding.worker_id } }),
      );
      if (!action) {
        const yaml = lab.topology_spec?.raw_yaml;
        if (!yaml) return giveUp('the record has no topology YAML to import');
        const existing = (await cml.listLabs()).find((candidate) => candidate.lab_title === lab.title);
        const labId = existing?.id ?? (await cml.importLab(yaml, { title: lab.title })).id;
        await reportLabStatus(context, lab, 'DEFINED', { lab_id: labId });
        return done();
      }
      const progress = await advanceLabAction(context, cml, lab, action);
      if (progress.kind === 'waiting') {
        if (remainingMs <= 0)
          return giveUp(`lab ${action} timed out after ${this.timeoutText()}: CML did not finish it`);
        return requeueAfter(Math.min(this.deps.pollIntervalMs, remainingMs), `lab ${action} in progress`);
      }
      await this.deps.cpa.labs.completeAction({
        params: { lab_record_id: lab.id },
        body: {
          action,
          resulting_status: progress.resultingStatus,
          completed_at: this.deps.clock.now().toISOString(),
        },
      });
      return done();
    } catch (error) {
      // An unreachable control plane could not take the failure report either: keep retrying.
      if (isUnavailableError(error)) return failed(error);
      const message = error instanceof Error ? error.message : String(error);
      if (remainingMs <= 0) return giveUp(`gave up after ${this.timeoutText()}: ${message}`);
      // Retries back off as any failed reconcile; the last one is moved to the deadline rather than past it.
      if (runtimeBackoffMs(run.failures) > remainingMs)
        return requeueAfter(remainingMs, `last attempt of lab ${action ?? 'import'} at its deadline`);
      return failed(error);
    }
  }

  private timeoutText(): string {
    return `${Math.round(this.deps.actionTimeoutMs / 1000)} s`;
  }
}
