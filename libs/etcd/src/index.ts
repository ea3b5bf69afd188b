export * from './etcd-client';
export * from './etcd-store';
