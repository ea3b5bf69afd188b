import { type CmlWorker, type LabletDefinition, type LabletSession, type LabRecord } from '@lcm/contracts';
import { CmlFake } from '@lcm/integrations/cml';
import { GradingFake } from '@lcm/integrations/grading';
import { type LdsFake, LdsFakeDeployments } from '@lcm/integrations/lds';
import { createLogger } from '@lcm/observability';
import { type ReconcileContext, type ReconcileResult } from '@lcm/reconciler-runtime';
import { FakeClock } from '@lcm/testing';
import { type OutsideSystems } from '../integrations/outside-systems';
import { SessionLifecycleReconciler } from '../reconcilers/session-lifecycle.reconciler';
import { type SessionSettings } from '../sessions/session-step';
import { ControlPlaneState } from './control-plane-state';
import { aDefinitionDoc, aLabRecordDoc, aSessionDoc, aWorkerDoc } from './documents';

export const TEST_SETTINGS: SessionSettings = {
  instantiationLeadMs: 15 * 60_000,
  retentionMs: 60 * 60_000,
  gradingFaultHoldMs: 30 * 60_000,
  gradingPollGraceMs: 60_000,
  gradingPollIntervalMs: 10_000,
  gradingPollDeadlineMs: 10 * 60_000,
  maxInstantiationAttempts: 3,
  labPollIntervalMs: 2_000,
  labBootWatchMs: 0,
};

export const silentLogger = createLogger({ service: 'lablet-controller-test', level: 'silent' });

export const runContext = (key: string, failures = 0): ReconcileContext => ({
  key,
  reconcileId: `reconcile-${key}`,
  signal: new AbortController().signal,
  log: silentLogger,
  failures,
});

/**
 * The lablet-controller's session reconciler against an in-memory control plane and the CML, LDS
 * and GradingEngine fakes, with a fake clock: one worker and one graded definition to start with.
 */
export class SessionHarness {
  readonly clock = new FakeClock();
  readonly cpa = new ControlPlaneState(this.clock);
  readonly cml = new CmlFake();
  readonly lds = new LdsFakeDeployments(['us-east-1'], 'us-east-1');
  readonly grading = new GradingFake();
  readonly systems: OutsideSystems = { cml: () => this.cml, lds: this.lds, grading: this.grading };
  readonly worker: CmlWorker;
  readonly definition: LabletDefinition;
  readonly reconciler: SessionLifecycleReconciler;

  constructor(
    options: {
      definition?: Partial<LabletDefinition>;
      worker?: Partial<CmlWorker>;
      settings?: Partial<SessionSettings>;
    } = {},
  ) {
    this.worker = this.cpa.add(this.cpa.workers, aWorkerDoc(options.worker));
    this.definition = this.cpa.add(this.cpa.definitions, aDefinitionDoc(options.definition));
    this.reconciler = new SessionLifecycleReconciler({
      cpa: this.cpa.client,
      systems: this.systems,
      clock: this.clock,
      settings: { ...TEST_SETTINGS, ...options.settings },
    });
  }

  get ldsFake(): LdsFake {
    return this.lds.forRegion('us-east-1').client;
  }

  addSession(patch: Partial<LabletSession> = {}): LabletSession {
    return this.cpa.add(
      this.cpa.sessions,
      aSessionDoc({ definition_id: this.definition.id, worker_id: this.worker.id, ...patch }),
    );
  }

  /** A lab record on the harness worker, based on the harness definition unless `patch` says otherwise. */
  addLab(patch: Parameters<typeof aLabRecordDoc>[0] = {}): LabRecord {
    return this.cpa.add(
      this.cpa.labs,
      aLabRecordDoc({ worker_id: this.worker.id, based_on_definition_id: this.definition.id, ...patch }),
    );
  }

  session(id: string): LabletSession {
    return this.cpa.session(id);
  }

  reconcile(id: string, failures = 0): Promise<ReconcileResult> {
    return this.reconciler.reconcile(id, runContext(id, failures));
  }

  /** Reconciles until the session stops changing status or `status` is reached (at most `limit` passes). */
  async reconcileUntil(id: string, status: LabletSession['status'], limit = 10): Promise<LabletSession> {
    for (let pass = 0; pass < limit && this.session(id).status !== status; pass += 1)
      await this.reconcile(id);
    return this.session(id);
  }
}
