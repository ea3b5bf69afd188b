export * from './infra';
export * from './builders';
export * from './fake-clock';
export * from './fake-control-plane';
export * from './system';
