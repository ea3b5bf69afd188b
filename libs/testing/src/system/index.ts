export * from './processes';
export * from './control-plane';
