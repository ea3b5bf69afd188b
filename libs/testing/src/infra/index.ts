export * from './endpoints';
export * from './infra-scripts';
export * from './mongo';
export * from './etcd';
