export * from './idle-detection';
export * from './ec2-drift';
export * from './startup-deadline';
export * from './drain';
export * from './scale-down';
