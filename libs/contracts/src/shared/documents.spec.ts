import { AuditEntry } from '../audit/audit.contract';
import { LabRecord, LabRecordSummary } from '../lab-records/lab-record.model';
import { LabletDefinition } from '../lablet-definitions/lablet-definition.model';
import { GradingSession } from '../sessions/grading-session.model';
import { LabletSession } from '../sessions/lablet-session.model';
import { ScoreReport } from '../sessions/score-report.model';
import { UserSession } from '../sessions/user-session.model';
import { SystemSettings } from '../settings/settings.contract';
import {
  ids,
  sampleCmlWorker,
  sampleGradingSession,
  sampleLabRecord,
  sampleLabletDefinition,
  sampleLabletSession,
  sampleScoreReport,
  sampleSystemSettings,
  sampleUserSession,
  sampleWorkerTemplate,
} from '../testing/sample-documents';
import { WorkerTemplate } from '../worker-templates/worker-template.model';
import { CmlWorker } from '../workers/cml-worker.model';
import { LabletSessionStatus } from './enums';

describe('read models', () => {
  it.each([
    ['LabletSession', LabletSession, sampleLabletSession],
    ['UserSession', UserSession, sampleUserSession],
    ['GradingSession', GradingSession, sampleGradingSession],
    ['ScoreReport', ScoreReport, sampleScoreReport],
    ['LabRecord', LabRecord, sampleLabRecord],
    ['CmlWorker', CmlWorker, sampleCmlWorker],
    ['WorkerTemplate', WorkerTemplate, sampleWorkerTemplate],
    ['LabletDefinition', LabletDefinition, sampleLabletDefinition],
    ['SystemSettings', SystemSettings, sampleSystemSettings],
  ] as const)('a sample %s parses unchanged', (_name, schema, sample) => {
    expect(schema.parse(sample)).toEqual(sample);
  });

  it('requires the document fields id (uuid), version, created_at and updated_at', () => {
    const { version: _version, ...withoutVersion } = sampleLabletSession;
    expect(LabletSession.safeParse(withoutVersion).error?.issues[0]?.path).toEqual(['version']);
    expect(
      LabletSession.safeParse({ ...sampleLabletSession, id: 'session-1' }).error?.issues[0]?.path,
    ).toEqual(['id']);
    expect(LabletSession.safeParse({ ...sampleLabletSession, created_at: '2026-04-09 16:36' }).success).toBe(
      false,
    );
  });

  it('accepts a freshly created PENDING session whose later fields are all null', () => {
    const pending = {
      ...sampleLabletSession,
      status: 'PENDING',
      timeslot_start: null,
      worker_id: null,
      scheduled_at: null,
      allocated_ports: {},
      lab_record_id: null,
      cml_lab_id: null,
      started_at: null,
      user_session_id: null,
      pipeline_progress: {},
      conditions: [],
    };
    expect(LabletSession.parse(pending).worker_id).toBeNull();
  });

  it('rejects a status outside the enum', () => {
    expect(
      LabletSession.safeParse({ ...sampleLabletSession, status: 'DONE' }).error?.issues[0]?.path,
    ).toEqual(['status']);
    expect(LabletSessionStatus.safeParse('running').success).toBe(false);
  });

  it('accepts a worker with no declared capacity (imported, not placeable)', () => {
    expect(
      CmlWorker.parse({ ...sampleCmlWorker, declared_capacity: null, available_capacity: null })
        .declared_capacity,
    ).toBeNull();
  });

  it('keeps at most ten recent activity events on a worker', () => {
    const event = sampleCmlWorker.recent_activity_events[0];
    expect(
      CmlWorker.safeParse({ ...sampleCmlWorker, recent_activity_events: Array(11).fill(event) }).success,
    ).toBe(false);
  });

  it('pins the settings singleton id to "default"', () => {
    expect(SystemSettings.safeParse({ ...sampleSystemSettings, id: ids.session }).success).toBe(false);
  });

  it('drops histories and topology from the lab record list row', () => {
    const row = LabRecordSummary.parse(sampleLabRecord);
    expect(row).not.toHaveProperty('topology_spec');
    expect(row).not.toHaveProperty('run_history');
    expect(row.status).toBe('BOOTED');
  });

  it('parses an audit entry with before/after status and correlation id', () => {
    const entry = AuditEntry.parse({
      id: ids.session,
      at: '2026-04-09T16:36:44Z',
      actor: 'alice',
      action: 'session.terminate',
      target_type: 'lablet_session',
      target_id: ids.session,
      before_status: 'RUNNING',
      after_status: 'TERMINATED',
      correlation_id: 'c-1',
      reason: null,
    });
    expect(entry.after_status).toBe('TERMINATED');
    expect(AuditEntry.safeParse({ ...entry, target_type: 'session' }).success).toBe(false);
  });
});
