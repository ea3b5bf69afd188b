export * from './device-access';
export * from './lab-reuse';
export * from './port-placeholders';
