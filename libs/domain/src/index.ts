export * from './shared/aggregate-root';
export * from './shared/clock';
export * from './shared/domain-error';
export * from './shared/domain-event';
export * from './shared/ids';
export * from './shared/transition-table';

export * from './sessions/child.transitions';
export * from './sessions/grading-session.entity';
export * from './sessions/lablet-session.aggregate';
export * from './sessions/lablet-session.errors';
export * from './sessions/lablet-session.events';
export * from './sessions/lablet-session.state';
export * from './sessions/lablet-session.transitions';
export * from './sessions/lablet-session.status-traits';
export * from './sessions/pipeline-progress';
export * from './sessions/score-report.entity';
export * from './sessions/session-resources.service';
export * from './sessions/user-session.entity';

export * from './lab-records/lab-record.aggregate';
export * from './lab-records/lab-record.errors';
export * from './lab-records/lab-record.state';
export * from './lab-records/lab-record.transitions';
export * from './lab-records/topology-checksum';

export * from './workers/capacity';
export * from './workers/capacity-drift';
export * from './workers/cml-worker.aggregate';
export * from './workers/cml-worker.events';
export * from './workers/cml-worker.state';
export * from './workers/port-allocator';
export * from './workers/worker.errors';
export * from './workers/worker.transitions';

export * from './worker-templates/worker-template.aggregate';
export * from './worker-templates/worker-template.state';

export * from './lablet-definitions/lablet-definition.aggregate';
export * from './lablet-definitions/lablet-definition.errors';
export * from './lablet-definitions/lablet-definition.state';
export * from './lablet-definitions/lablet-definition.transitions';

export * from './settings/system-settings.aggregate';

export * from './lab-resolution';

export * from './placement';

export * from './worker-operations';
