export * from './processes';
export * from './control-plane';
export * from './recording-server';
