export * from './correlation';
export * from './logger';
export * from './telemetry';
export * from './metrics';
export * from './http-observability';
