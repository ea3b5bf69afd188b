import type { z } from 'zod';
import { toFieldErrors } from '../errors/errors.contract';
import {
  CompleteLabActionBody,
  FailLabActionBody,
  ImportLabBody,
  LabDiscoverBody,
  LabStatusObservationBody,
  ListLabRecordsQuery,
} from '../lab-records/lab-record.bodies';
import {
  CreateDefinitionBody,
  UpdateDefinitionBody,
} from '../lablet-definitions/lablet-definitions.contract';
import {
  CreateScoreReportBody,
  CreateSessionBody,
  CreateUserSessionBody,
  ExpireSessionBody,
  ListSessionsQuery,
  MarkReadyBody,
  ScheduleSessionBody,
  TransitionSessionBody,
  UpdateGradingStatusBody,
  UpdatePipelineProgressBody,
  UpdateSessionLabBody,
} from '../sessions/session.bodies';
import { UpdateSettingsBody } from '../settings/settings.contract';
import { ids, sampleDefinitionFields } from '../testing/sample-documents';
import { CreateWorkerTemplateBody } from '../worker-templates/worker-templates.contract';
import {
  ImportWorkerBody,
  PatchWorkerBody,
  ReportWorkerMetricsBody,
  ScaleUpBody,
  UpdateWorkerTagsBody,
} from '../workers/worker.bodies';

const at = '2026-04-09T16:36:44Z';
const device = { name: 'r1', protocol: 'telnet', host: '54.1.2.3', port: 2000 };

const validBodies: Array<[string, z.ZodType, Record<string, unknown>]> = [
  [
    'CreateSessionBody',
    CreateSessionBody,
    { definition_id: ids.definition, owner: 'c-1', timeslot_start: at, timeslot_end: '2026-04-09T20:00:00Z' },
  ],
  ['ScheduleSessionBody', ScheduleSessionBody, { worker_id: ids.worker }],
  ['TransitionSessionBody', TransitionSessionBody, { target_status: 'COLLECTING', reason: 'Finish Session' }],
  ['ExpireSessionBody', ExpireSessionBody, { reason: 'no_show' }],
  [
    'MarkReadyBody',
    MarkReadyBody,
    { cml_lab_id: 'lab-1', lds_session_id: 'lds-1', login_url: 'https://lds/x', devices: [device] },
  ],
  ['UpdateSessionLabBody', UpdateSessionLabBody, { lab_record_id: ids.labRecord, cml_lab_id: 'lab-1' }],
  ['CreateUserSessionBody', CreateUserSessionBody, { lds_session_id: 'lds-1', devices: [] }],
  ['UpdateGradingStatusBody', UpdateGradingStatusBody, { status: 'FAULTED', error_message: 'engine down' }],
  ['CreateScoreReportBody', CreateScoreReportBody, { score: 8, max_score: 10, sections: [] }],
  ['PatchWorkerBody', PatchWorkerBody, { status: 'RUNNING', public_ip: '54.1.2.3' }],
  [
    'ReportWorkerMetricsBody',
    ReportWorkerMetricsBody,
    { collected_at: at, cloudwatch: { cpu_utilization: 5, memory_utilization: 9 } },
  ],
  ['ScaleUpBody', ScaleUpBody, { template_id: ids.template, reason: 'no capacity' }],
  ['ImportWorkerBody', ImportWorkerBody, { aws_region: 'us-east-1', aws_instance_id: 'i-1' }],
  ['LabDiscoverBody', LabDiscoverBody, { worker_id: ids.worker, labs: [], scanned_at: at }],
  ['LabStatusObservationBody', LabStatusObservationBody, { status: 'BOOTED', observed_at: at }],
  ['CompleteLabActionBody', CompleteLabActionBody, { action: 'wipe', resulting_status: 'WIPED' }],
  ['FailLabActionBody', FailLabActionBody, { action: 'start', error_message: 'CML 500' }],
  ['ImportLabBody', ImportLabBody, { worker_id: ids.worker, yaml: 'lab: {}' }],
  [
    'CreateWorkerTemplateBody',
    CreateWorkerTemplateBody,
    {
      name: 't',
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 48, memory_gb: 384, storage_gb: 2000 },
      license_type: 'PERSONAL',
      max_nodes: 20,
      ami_pattern: 'CML-2.9.*',
      region: 'us-east-1',
    },
  ],
  ['CreateDefinitionBody', CreateDefinitionBody, sampleDefinitionFields],
  ['UpdateDefinitionBody', UpdateDefinitionBody, { status: 'inactive' }],
  ['UpdateSettingsBody', UpdateSettingsBody, { scaling: { max_workers: 5 } }],
];

describe('request bodies', () => {
  it.each(validBodies)('%s accepts a valid body', (_name, schema, body) => {
    expect(schema.safeParse(body).error?.issues).toBeUndefined();
  });

  it.each(validBodies)('%s rejects an unknown field and names it', (_name, schema, body) => {
    const result = schema.safeParse({ ...body, unexpected_field: 1 });
    expect(result.success).toBe(false);
    expect(toFieldErrors(result.error!)).toContainEqual({
      field: 'unexpected_field',
      message: 'unknown field',
    });
  });

  it('rejects unknown fields in nested objects too', () => {
    const metrics = ReportWorkerMetricsBody.safeParse({
      collected_at: at,
      cloudwatch: { cpu_utilization: 5, memory_utilization: null, gpu: 1 },
    });
    expect(toFieldErrors(metrics.error!).map((error) => error.field)).toEqual(['cloudwatch.gpu']);
    const settings = UpdateSettingsBody.safeParse({ scaling: { max_wrokers: 5 } });
    expect(toFieldErrors(settings.error!).map((error) => error.field)).toEqual(['scaling.max_wrokers']);
  });

  it('bounds intervals and counts in settings, so derived times stay valid dates', () => {
    const absurd = UpdateSettingsBody.safeParse({
      monitoring: { worker_metrics_poll_interval_seconds: 9_007_199_254_740_991 },
      scaling: { max_workers: 0 },
    });
    expect(toFieldErrors(absurd.error!).map((error) => error.field)).toEqual([
      'monitoring.worker_metrics_poll_interval_seconds',
      'scaling.max_workers',
    ]);
    expect(
      UpdateSettingsBody.safeParse({ monitoring: { worker_metrics_poll_interval_seconds: 300 } }).success,
    ).toBe(true);
  });

  it('refuses keys a MongoDB-wire server cannot store, naming the nested field', () => {
    const progress = UpdatePipelineProgressBody.safeParse({
      pipeline: 'instantiate',
      step: 'lab_start',
      status: 'failed',
      result_data: { nodes: [{ ok: true }, { 'bad.key': 1 }] },
    });
    expect(toFieldErrors(progress.error!).map((error) => error.field)).toEqual([
      'result_data.nodes.1.bad.key',
    ]);
    expect(
      UpdatePipelineProgressBody.safeParse({ pipeline: '$where', step: 's', status: 'running' }).success,
    ).toBe(false);
    expect(UpdateWorkerTagsBody.safeParse({ tags: { 'app.kubernetes.io/name': 'x' } }).success).toBe(false);
    expect(UpdateWorkerTagsBody.safeParse({ tags: { 'lcm:owner': 'ops', Name: 'worker 1' } }).success).toBe(
      true,
    );
    expect(
      UpdateSettingsBody.safeParse({ worker_provisioning: { ami_ids: { '\u0000': 'ami-1' } } }).success,
    ).toBe(false);
    expect(
      UpdateSettingsBody.safeParse({ worker_provisioning: { ami_ids: { 'eu-central-1': 'ami-1' } } }).success,
    ).toBe(true);
  });

  it('rejects enum values outside the list and names the field', () => {
    const result = TransitionSessionBody.safeParse({ target_status: 'DONE' });
    expect(toFieldErrors(result.error!).map((error) => error.field)).toEqual(['target_status']);
    expect(ExpireSessionBody.safeParse({ reason: 'late' }).success).toBe(false);
    expect(CompleteLabActionBody.safeParse({ action: 'clone' }).success).toBe(false);
  });

  it('requires timeslot_end after timeslot_start, and allows an ASAP session without a start', () => {
    const inverted = CreateSessionBody.safeParse({
      definition_id: ids.definition,
      owner: 'c',
      timeslot_start: at,
      timeslot_end: at,
    });
    expect(toFieldErrors(inverted.error!).map((error) => error.field)).toEqual(['timeslot_end']);
    expect(
      CreateSessionBody.safeParse({ definition_id: ids.definition, owner: 'c', timeslot_end: at }).success,
    ).toBe(true);
  });

  it('accepts datetimes with an offset and rejects ones without a zone', () => {
    const body = {
      definition_id: ids.definition,
      owner: 'c',
      timeslot_start: '2026-04-09T10:00:00+02:00',
      timeslot_end: '2026-04-09T12:00:00+02:00',
    };
    expect(CreateSessionBody.safeParse(body).success).toBe(true);
    expect(CreateSessionBody.safeParse({ ...body, timeslot_end: '2026-04-09T12:00:00' }).success).toBe(false);
  });

  it('accepts multi_lab_enabled=true in the schema (the 422 is domain logic) and fills defaults', () => {
    const {
      multi_lab_enabled: _flag,
      lab_reuse_enabled: _reuse,
      node_count: _count,
      ...minimal
    } = sampleDefinitionFields;
    expect(CreateDefinitionBody.parse({ ...minimal, multi_lab_enabled: true }).multi_lab_enabled).toBe(true);
    const parsed = CreateDefinitionBody.parse(minimal);
    expect(parsed).toMatchObject({
      multi_lab_enabled: false,
      lab_reuse_enabled: false,
      grading_collector: 'ccm',
    });
    expect(parsed.node_count).toBeUndefined();
  });

  it('rejects a definition version that is not semver', () => {
    expect(CreateDefinitionBody.safeParse({ ...sampleDefinitionFields, version: 'v1' }).success).toBe(false);
  });

  it('fills the worker template defaults: port range 2000-7999, 20 min startup, 4 h drain', () => {
    const [, schema, body] = validBodies.find(([name]) => name === 'CreateWorkerTemplateBody')!;
    expect(schema.parse(body)).toMatchObject({
      port_range: { start: 2000, end: 7999 },
      startup_time_minutes: 20,
      drain_timeout_hours: 4,
      enabled: true,
    });
  });

  it('refuses empty updates', () => {
    expect(PatchWorkerBody.safeParse({ reason: 'nothing else' }).success).toBe(false);
    expect(UpdateDefinitionBody.safeParse({}).success).toBe(false);
    expect(UpdateSettingsBody.safeParse({}).success).toBe(false);
  });

  it('lets a definition update only move between active and inactive', () => {
    expect(UpdateDefinitionBody.safeParse({ status: 'deprecated' }).success).toBe(false);
  });

  it('needs exactly one way to find the EC2 instance of an imported worker', () => {
    expect(ImportWorkerBody.safeParse({ aws_region: 'us-east-1' }).success).toBe(false);
    expect(
      ImportWorkerBody.safeParse({ aws_region: 'us-east-1', aws_instance_id: 'i-1', ami_name: 'CML' })
        .success,
    ).toBe(false);
    expect(ImportWorkerBody.safeParse({ aws_region: 'us-east-1', ami_name: 'CML-2.9*' }).success).toBe(true);
  });

  it('defaults a discovery scan to a full scan and a failed action to no ERROR transition', () => {
    expect(LabDiscoverBody.parse({ worker_id: ids.worker, labs: [], scanned_at: at })).toMatchObject({
      partial_scan: false,
      source: 'discovery',
    });
    expect(FailLabActionBody.parse({ action: 'start', error_message: 'x' }).transition_to_error).toBe(false);
  });
});

describe('list queries', () => {
  it('coerces limit from the query string, defaults it to 50 and bounds it to 1..1000', () => {
    expect(ListSessionsQuery.parse({ limit: '20' }).limit).toBe(20);
    expect(ListSessionsQuery.parse({}).limit).toBe(50);
    expect(ListSessionsQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(ListSessionsQuery.parse({ limit: '1000' }).limit).toBe(1000);
    expect(ListSessionsQuery.safeParse({ limit: '1001' }).success).toBe(false);
    expect(ListSessionsQuery.safeParse({ limit: 'ten' }).success).toBe(false);
  });

  it('passes a cursor of the documented shape through and refuses any other text', () => {
    expect(ListSessionsQuery.parse({ cursor: '61.62' }).cursor).toBe('61.62');
    expect(ListSessionsQuery.safeParse({ cursor: 'eyJpZCI6MX0' }).success).toBe(false);
  });

  it('accepts a status filter as one value, a comma list or a repeated parameter', () => {
    expect(ListSessionsQuery.parse({ status: 'PENDING' }).status).toEqual(['PENDING']);
    expect(ListSessionsQuery.parse({ status: 'PENDING,RUNNING' }).status).toEqual(['PENDING', 'RUNNING']);
    expect(ListSessionsQuery.parse({ status: ['PENDING', 'RUNNING'] }).status).toEqual([
      'PENDING',
      'RUNNING',
    ]);
    expect(ListSessionsQuery.safeParse({ status: 'PENDING,NOPE' }).success).toBe(false);
  });

  it('parses boolean filters from text', () => {
    expect(ListLabRecordsQuery.parse({ in_use: 'true' }).in_use).toBe(true);
    expect(ListLabRecordsQuery.parse({ in_use: 'false' }).in_use).toBe(false);
    expect(ListLabRecordsQuery.safeParse({ in_use: 'maybe' }).success).toBe(false);
  });

  it('rejects unknown query parameters', () => {
    const result = ListSessionsQuery.safeParse({ stauts: 'PENDING' });
    expect(toFieldErrors(result.error!)).toContainEqual({ field: 'stauts', message: 'unknown field' });
  });
});
