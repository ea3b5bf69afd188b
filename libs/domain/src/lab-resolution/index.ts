export * from './device-access';
export * from './lab-reuse';
export * from './port-placeholders';
export * from './worker-address';
export * from './cml-topology';
export * from './cml-lab-status';
