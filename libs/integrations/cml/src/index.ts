export * from './cml.port';
export * from './cml.schemas';
export * from './cml.http-adapter';
export * from './cml.fake';
