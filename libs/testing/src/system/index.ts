export * from './processes';
export * from './control-plane';
export * from './launcher';
export * from './recording-server';
export * from './tcp-outage-proxy';
export * from './test-topology';
