export * from './lds.port';
export * from './lds.schemas';
export * from './lds.deployments';
export * from './lds.devices';
export * from './lds.http-adapter';
export * from './lds.fake';
