import { etcdPrefixes, type LabRecord, MAX_PAGE_LIMIT, parseEtcdKey } from '@lcm/contracts';
import { type ControlPlane, isNotFoundError, isUnavailableError } from '@lcm/cpa-client';
import { type Clock } from '@lcm/domain';
import { type Etcd3 } from 'etcd3';
import { type Logger } from '@lcm/observability';
import { done, EtcdPrefixSource, failed, type KeySource, ListSource, type ReconcileContext, type Reconciler, type ReconcileResult, requeueAfter } from '@lcm/reconciler-runtime';
import { type OutsideSystems } from '../integrations/outside-systems';
import { advanceLabAction } from '../labs/lab-action';
import { reportLabStatus } from '../labs/lab-operations';

export interface LabActionsDeps {
  cpa: ControlPlane;
  systems: OutsideSystems;
  clock: Clock;
  /** How often a lab in the middle of an action is looked at again. */
  pollIntervalMs: number;
  /** Failed passes of one action before it is reported failed. */
  maxAttempts: number;
}

async function listAll(cpa: ControlPlane, query: { has_pending_action?: 'true'; status?: ['IMPORTING'] }): Promise<LabRecord[]> {
  const labs: LabRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<ControlPlane['labs']['list']>> = await cpa.labs.list({ query: { ...query, limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) } });
    labs.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return labs;
}

/** Operator imports and clones: IMPORTING records no session is importing itself. */
const isOperatorImport = (lab: LabRecord): boolean => lab.status === 'IMPORTING' && lab.active_lablet_session_id === null;

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
      const [pending, importing] = await Promise.all([listAll(deps.cpa, { has_pending_action: 'true' }), listAll(deps.cpa, { status: ['IMPORTING'] })]);
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
    try {
      const cml = this.deps.systems.cml(await this.deps.cpa.workers.get({ params: { worker_id: lab.runtime_binding.worker_id } }));
      if (!action) {
        const yaml = lab.topology_spec?.raw_yaml;
        if (!yaml) {
          await reportLabStatus(context, lab, 'ERROR', { error_message: 'the record has no topology YAML to import' });
          return done();
        }
        const existing = (await cml.listLabs()).find((candidate) => candidate.lab_title === lab.title);
        const labId = existing?.id ?? (await cml.importLab(yaml, { title: lab.title })).id;
        await reportLabStatus(context, lab, 'DEFINED', { lab_id: labId });
        return done();
      }
      const progress = await advanceLabAction(context, cml, lab, action);
      if (progress.kind === 'waiting') return requeueAfter(this.deps.pollIntervalMs, `lab ${action} in progress`);
      await this.deps.cpa.labs.completeAction({
        params: { lab_record_id: lab.id },
        body: { action, resulting_status: progress.resultingStatus, completed_at: this.deps.clock.now().toISOString() },
      });
      return done();
    } catch (error) {
      if (isUnavailableError(error) || run.failures + 1 < this.deps.maxAttempts) return failed(error);
      const message = error instanceof Error ? error.message : String(error);
      if (action) await this.deps.cpa.labs.failAction({ params: { lab_record_id: lab.id }, body: { action, error_message: message.slice(0, 1000), transition_to_error: false } });
      else await reportLabStatus(context, lab, 'ERROR', { error_message: message });
      return done();
    }
  }
}
