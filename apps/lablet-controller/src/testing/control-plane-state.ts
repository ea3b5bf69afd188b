import { randomUUID } from 'node:crypto';
import {
  apiContract,
  type CmlWorker,
  type GradingSession,
  type LabletDefinition,
  type LabletSession,
  type LabletSessionStatus,
  type LabRecord,
  type PipelineStepRecord,
  type ScoreReport,
  type SystemSettings,
  type UserSession,
} from '@lcm/contracts';
import { NotFoundError } from '@lcm/cpa-client';
import { stepResultsAfter } from '@lcm/domain';
import { blankSystemSettings } from '@lcm/contracts/testing';
import { FakeControlPlane, type FakeClock } from '@lcm/testing';
import { aLabRecordDoc } from './documents';

const sessions = apiContract.internal.sessions;
const labs = apiContract.internal.labRecords;
const workers = apiContract.internal.workers;
const definitions = apiContract.internal.labletDefinitions;

/**
 * FakeControlPlane answering from in-memory documents, so a reconcile can run several steps in a
 * row the way the real control plane would answer them. Only the rules the controller relies on are
 * modelled (status changes with history, lab binding with decision 20's ports, child entities);
 * tests arrange any other answer with `fake.on` / `fake.failNext`.
 */
export class ControlPlaneState {
  readonly fake = new FakeControlPlane();
  readonly sessions = new Map<string, LabletSession>();
  readonly labs = new Map<string, LabRecord>();
  readonly workers = new Map<string, CmlWorker>();
  readonly definitions = new Map<string, LabletDefinition>();
  readonly userSessions = new Map<string, UserSession>();
  readonly gradingSessions = new Map<string, GradingSession>();
  readonly scoreReports = new Map<string, ScoreReport>();
  settings: SystemSettings = blankSystemSettings;

  constructor(private readonly clock: FakeClock) {
    this.wireSessions();
    this.wireLabs();
    this.fake.on(
      workers.getWorker,
      ({ params }) =>
        this.workers.get(String(params.worker_id)) ?? this.missing(`worker ${String(params.worker_id)}`),
    );
    this.fake.on(
      definitions.getDefinition,
      ({ params }) =>
        this.definitions.get(String(params.lablet_definition_id)) ??
        this.missing(`definition ${String(params.lablet_definition_id)}`),
    );
    this.fake.on(workers.clearLabDiscoveryRequest, () => undefined);
    this.fake.on(apiContract.internal.settings.getSettings, () => this.settings);
  }

  get client() {
    return this.fake.client;
  }

  add<T extends { id: string }>(map: Map<string, T>, document: T): T {
    map.set(document.id, document);
    return document;
  }

  session(id: string): LabletSession {
    return this.sessions.get(id) ?? this.missing(`session ${id}`);
  }

  lab(id: string): LabRecord {
    return this.labs.get(id) ?? this.missing(`lab ${id}`);
  }

  /** What the real client raises for a 404. */
  private missing(what: string): never {
    throw new NotFoundError({
      method: 'GET',
      path: what,
      status: 404,
      code: 'NOT_FOUND',
      detail: `${what} not found`,
    });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private moveSession(
    id: string,
    to: LabletSessionStatus,
    reason: string | null,
    patch: Partial<LabletSession> = {},
  ): LabletSession {
    const session = this.session(id);
    if (session.status === to) return session;
    const next: LabletSession = {
      ...session,
      ...patch,
      status: to,
      version: session.version + 1,
      updated_at: this.now(),
      status_history: [
        ...session.status_history,
        { from: session.status, to, at: this.now(), reason, actor: 'lablet-controller' },
      ],
    };
    this.sessions.set(id, next);
    return next;
  }

  private patchSession(id: string, patch: Partial<LabletSession>): LabletSession {
    const next = {
      ...this.session(id),
      ...patch,
      version: this.session(id).version + 1,
      updated_at: this.now(),
    };
    this.sessions.set(id, next);
    return next;
  }

  /** The session's pipeline_progress with `steps` recorded in order, as the control plane records them. */
  private progressAfter(
    session: LabletSession,
    steps: readonly PipelineStepRecord[],
  ): LabletSession['pipeline_progress'] {
    const progress = { ...session.pipeline_progress };
    for (const { pipeline, step, status, result_data = null, error } of steps)
      progress[pipeline] = {
        ...progress[pipeline],
        [step]: {
          status,
          result_data: stepResultsAfter(progress[pipeline]?.[step], { status, result_data }),
          error: error ?? null,
        },
      };
    return progress;
  }

  private patchLab(id: string, patch: Partial<LabRecord>): LabRecord {
    const next = { ...this.lab(id), ...patch, version: this.lab(id).version + 1, updated_at: this.now() };
    this.labs.set(id, next);
    return next;
  }

  private wireSessions(): void {
    const f = this.fake;
    f.on(sessions.getSession, ({ params }) => this.session(String(params.lablet_session_id)));
    f.on(sessions.listSessions, ({ query }) => ({
      items: [...this.sessions.values()].filter(
        (s) => !query?.status || (query.status as string[]).includes(s.status),
      ),
      next_cursor: null,
    }));
    f.on(sessions.listReconcilableSessions, () => ({
      items: [...this.sessions.values()].filter((s) => s.status !== 'TERMINATED' || !s.cleanup_completed_at),
      next_cursor: null,
    }));
    f.on(sessions.startInstantiation, ({ params }) =>
      this.moveSession(String(params.lablet_session_id), 'INSTANTIATING', 'instantiation_started'),
    );
    f.on(sessions.expireSession, ({ params, body }) =>
      this.moveSession(String(params.lablet_session_id), 'EXPIRED', body.reason, {
        expiry_reason: body.reason,
      }),
    );
    f.on(sessions.transitionSession, ({ params, body }) =>
      this.moveSession(
        String(params.lablet_session_id),
        body.target_status,
        body.reason ?? null,
        body.target_status === 'TERMINATED'
          ? { termination_reason: body.reason ?? null, terminated_at: this.now() }
          : {},
      ),
    );
    f.on(sessions.updatePipelineProgress, ({ params, body }) => {
      const { progress = [], ...step } = body;
      const session = this.session(String(params.lablet_session_id));
      return this.patchSession(session.id, {
        pipeline_progress: this.progressAfter(session, [...progress, step]),
      });
    });
    f.on(sessions.updateSessionLab, ({ params, body }) => {
      const session = this.session(String(params.lablet_session_id));
      if (body.imported && this.lab(body.lab_record_id).status === 'IMPORTING') {
        const { runtime_binding } = this.lab(body.lab_record_id);
        this.patchLab(body.lab_record_id, {
          status: 'DEFINED',
          runtime_binding: { ...runtime_binding, lab_id: body.cml_lab_id },
        });
      }
      const lab = this.lab(body.lab_record_id);
      const pipeline_progress = this.progressAfter(session, body.progress ?? []);
      if (session.lab_record_id === lab.id) return this.patchSession(session.id, { pipeline_progress });
      // Decision 20: a lab with ports gives them to the session, else it takes the session's.
      const reuse = Object.keys(lab.allocated_ports).length > 0;
      this.patchLab(lab.id, {
        active_lablet_session_id: session.id,
        allocated_ports: reuse ? lab.allocated_ports : session.allocated_ports,
      });
      return this.patchSession(session.id, {
        lab_record_id: lab.id,
        cml_lab_id: body.cml_lab_id,
        allocated_ports: reuse ? lab.allocated_ports : session.allocated_ports,
        pipeline_progress,
      });
    });
    f.on(sessions.markReady, ({ params, body }) => {
      const userSession: UserSession = {
        id: randomUUID(),
        version: 1,
        created_at: this.now(),
        updated_at: this.now(),
        lablet_session_id: String(params.lablet_session_id),
        lds_session_id: body.lds_session_id,
        lds_part_id: body.lds_part_id ?? null,
        login_url: body.login_url,
        devices: body.devices,
        form_qualified_name: null,
        status: 'PROVISIONED',
        started_at: null,
        ended_at: null,
        error_message: null,
      };
      this.userSessions.set(userSession.id, userSession);
      const session = this.session(String(params.lablet_session_id));
      return this.moveSession(session.id, 'READY', 'lab_ready', {
        user_session_id: userSession.id,
        cml_lab_id: body.cml_lab_id,
        pipeline_progress: this.progressAfter(session, body.progress ?? []),
      });
    });
    f.on(sessions.notifySessionStarted, ({ params, body }) =>
      this.moveSession(String(params.lablet_session_id), 'RUNNING', 'started', {
        started_at: body.started_at ?? this.now(),
      }),
    );
    f.on(sessions.markCleanupCompleted, ({ params }) =>
      this.patchSession(String(params.lablet_session_id), { cleanup_completed_at: this.now() }),
    );
    f.on(sessions.findUserSessions, ({ query }) => ({
      items: [...this.userSessions.values()].filter((u) => u.lds_session_id === query?.lds_session_id),
      next_cursor: null,
    }));
    f.on(sessions.findGradingSessions, ({ query }) => ({
      items: [...this.gradingSessions.values()].filter(
        (g) => g.grading_session_id === query?.grading_session_id,
      ),
      next_cursor: null,
    }));
    f.on(sessions.updateUserSessionStatus, ({ params, body }) => {
      const userSession =
        [...this.userSessions.values()].find(
          (u) => u.lablet_session_id === String(params.lablet_session_id),
        ) ?? this.missing('user session');
      const next = { ...userSession, status: body.status };
      this.userSessions.set(next.id, next);
      return next;
    });
    f.on(sessions.createGradingSession, ({ params, body }) => {
      const grading: GradingSession = {
        id: randomUUID(),
        version: 1,
        created_at: this.now(),
        updated_at: this.now(),
        lablet_session_id: String(params.lablet_session_id),
        grading_session_id: body.grading_session_id,
        grading_part_id: body.grading_part_id ?? null,
        pod_id: body.pod_id ?? null,
        status: 'GRADING',
        error_message: null,
        form_qualified_name: body.form_qualified_name,
        grading_rules_uri: body.grading_rules_uri ?? null,
        devices: body.devices,
        evidence: body.evidence ?? [],
        started_at: this.now(),
        completed_at: null,
      };
      this.gradingSessions.set(grading.id, grading);
      this.moveSession(String(params.lablet_session_id), 'GRADING', 'submitted_for_grading', {
        grading_session_id: grading.id,
      });
      return grading;
    });
    f.on(sessions.updateGradingSessionStatus, ({ params, body }) => {
      const grading =
        [...this.gradingSessions.values()].find(
          (g) => g.lablet_session_id === String(params.lablet_session_id),
        ) ?? this.missing('grading session');
      const next = {
        ...grading,
        status: body.status,
        error_message: body.error_message ?? grading.error_message,
        updated_at: this.now(),
      };
      this.gradingSessions.set(next.id, next);
      if (body.status === 'FAULTED')
        this.patchSession(String(params.lablet_session_id), {
          conditions: [
            {
              type: 'GradingSubmitted',
              status: 'False',
              reason: 'GradingFaulted',
              message: body.error_message ?? 'grading failed',
              last_transition_time: this.now(),
              observed_generation: 1,
            },
          ],
        });
      return next;
    });
    f.on(sessions.createScoreReport, ({ params, body }) => {
      const session = this.session(String(params.lablet_session_id));
      const report: ScoreReport = {
        id: `score-${session.id}`,
        version: 1,
        created_at: this.now(),
        updated_at: this.now(),
        lablet_session_id: session.id,
        grading_session_id: session.grading_session_id ?? 'none',
        score: body.score,
        max_score: body.max_score,
        cut_score: body.cut_score ?? null,
        passed: body.passed ?? null,
        sections: body.sections.map((section) => ({ ...section, weight: section.weight ?? 1 })),
        submitted_at: body.submitted_at ?? null,
      } as ScoreReport;
      this.scoreReports.set(report.id, report);
      this.patchSession(session.id, {
        score_report_id: report.id,
        grade_result: body.passed === undefined ? null : body.passed ? 'pass' : 'fail',
      });
      return report;
    });
  }

  private wireLabs(): void {
    const f = this.fake;
    f.on(labs.getLabRecord, ({ params }) => this.lab(String(params.lab_record_id)));
    f.on(labs.listLabRecords, ({ query }) => ({
      items: [...this.labs.values()].filter(
        (lab) =>
          (!query?.worker_id || lab.runtime_binding.worker_id === query.worker_id) &&
          (!query?.based_on_definition_id || lab.based_on_definition_id === query.based_on_definition_id) &&
          (query?.has_pending_action === undefined ||
            (lab.pending_action !== null) === (String(query.has_pending_action) === 'true')) &&
          (!query?.status || (query.status as string[]).includes(lab.status)),
      ),
      next_cursor: null,
    }));
    f.on(labs.registerLabImport, ({ body }) => {
      const id = randomUUID();
      const lab: LabRecord = {
        ...aLabRecordDoc({ worker_id: body.worker_id, lab_id: `pending-${id}` }),
        id,
        title: body.title,
        status: 'IMPORTING',
        topology_spec: { nodes: [], links: [], annotations: [], raw_yaml: body.topology_yaml },
        based_on_definition_id: body.based_on_definition_id ?? null,
        active_lablet_session_id: body.lablet_session_id ?? null,
      };
      this.labs.set(id, lab);
      return lab;
    });
    f.on(labs.updateLabStatus, ({ params, body }) => {
      const lab = this.lab(String(params.lab_record_id));
      return this.patchLab(lab.id, {
        status: body.status,
        ...(body.lab_id ? { runtime_binding: { ...lab.runtime_binding, lab_id: body.lab_id } } : {}),
      });
    });
    f.on(labs.recordLabRun, ({ params, body }) => {
      const lab = this.lab(String(params.lab_record_id));
      const run = {
        run_id: body.run_id ?? randomUUID(),
        started_at: body.started_at ?? this.now(),
        stopped_at: body.stopped_at ?? null,
        duration_seconds: null,
        started_by: body.started_by ?? null,
        stop_reason: body.stop_reason ?? null,
        lablet_session_id: body.lablet_session_id ?? null,
        final_state: body.final_state ?? null,
      };
      return this.patchLab(lab.id, { run_history: [...lab.run_history, run] });
    });
    f.on(labs.completeLabAction, ({ params, body }) =>
      this.patchLab(String(params.lab_record_id), {
        pending_action: null,
        ...(body.resulting_status ? { status: body.resulting_status } : {}),
      }),
    );
    f.on(labs.failLabAction, ({ params, body }) =>
      this.patchLab(String(params.lab_record_id), {
        pending_action: null,
        pending_action_error: body.error_message,
      }),
    );
    f.on(labs.discoverLabs, ({ body }) => ({
      synced: body.labs.length,
      discovered: body.labs.length,
      updated: 0,
      orphaned: 0,
      revisions_created: 0,
      errors: [],
    }));
  }
}
