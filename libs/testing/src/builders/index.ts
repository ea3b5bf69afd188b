export * from './child.builders';
export * from './definition.builder';
export * from './lab-record.builder';
export * from './session.builder';
export * from './state-builder';
export * from './template.builder';
export * from './worker.builder';
export * from './transition-matrix';
