export * from './shared/enums';
