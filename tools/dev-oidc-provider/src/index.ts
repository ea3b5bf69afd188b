// The provider itself (an ES module) is started through main.ts; code that runs in jest uses the process.
export * from './dev-oidc-process';
export * from './dev-users';
