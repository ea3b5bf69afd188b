export * from './shared/enums';
export * from './shared/value-objects';
