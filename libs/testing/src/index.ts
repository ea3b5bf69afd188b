export * from './infra';
export * from './builders';
export * from './fake-clock';
