export * from './shared/enums';
export * from './shared/value-objects';
export * from './shared/document';
export * from './shared/pagination';
export * from './shared/condition';

export * from './http/route';
export * from './http/roles';
export * from './http/headers';
export * from './http/input-limits';
export * from './errors/errors.contract';

export * from './sessions/lablet-session.model';
export * from './sessions/user-session.model';
export * from './sessions/grading-session.model';
export * from './sessions/score-report.model';
export * from './sessions/session.bodies';
export * from './sessions/sessions.contract';

export * from './lab-records/lab-record.model';
export * from './lab-records/lab-record.bodies';
export * from './lab-records/lab-records.contract';

export * from './workers/cml-worker.model';
export * from './workers/worker-views.model';
export * from './workers/worker.bodies';
export * from './workers/workers.contract';

export * from './worker-templates/worker-template.model';
export * from './worker-templates/worker-templates.contract';

export * from './lablet-definitions/lablet-definition.model';
export * from './lablet-definitions/lablet-definitions.contract';

export * from './settings/settings.contract';
export * from './audit/audit.contract';
export * from './system/system.contract';
export * from './api.contract';

export * from './etcd/etcd-values';
export * from './etcd/etcd-keys';

export * from './events/cloud-events';
export * from './events/assessment-events';
export * from './events/scheduler-events';
export * from './events/sse-events';
