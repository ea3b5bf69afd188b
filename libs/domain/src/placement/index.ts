export * from './ami-requirements';
export * from './license-compatibility';
export * from './placement-engine';
export * from './template-choice';
