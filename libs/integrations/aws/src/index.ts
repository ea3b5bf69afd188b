export * from './aws.port';
export * from './aws.schemas';
export * from './aws.errors';
export * from './aws.launch';
export * from './aws.images';
export * from './aws.sdk-adapter';
export * from './aws.fake';
