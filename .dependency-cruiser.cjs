/**
 * Module boundaries inside the control plane (issue 7: each module exposes one public surface,
 * no import cycles, `platform/` knows no module). Nx enforces the boundaries between projects
 * (eslint.config.mjs); this enforces them inside apps/control-plane-api, as part of its `lint`
 * target, with no exceptions. A module's index.ts exports only what other modules use and never
 * re-exports something that reaches back into them (sessions' index may carry SessionsModule
 * because the workers' index carries only its repository and etcd projector).
 */
const CPA = '^apps/control-plane-api/src';
const TESTS = '\\.(int-)?spec\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle makes start-up order and ownership ambiguous.',
      from: { path: CPA },
      to: { circular: true },
    },
    {
      name: 'platform-knows-no-module',
      severity: 'error',
      comment: 'platform/ is the shared technical base; modules build on it, never the other way round.',
      from: { path: `${CPA}/platform/`, pathNot: TESTS },
      to: { path: `${CPA}/modules/` },
    },
    {
      name: 'module-public-surface',
      severity: 'error',
      comment: 'Another module is reached through its index.ts only, so its internals can change freely.',
      from: { path: `${CPA}/modules/([^/]+)/`, pathNot: TESTS },
      to: {
        path: `${CPA}/modules/[^/]+/`,
        pathNot: [`${CPA}/modules/$1/`, `${CPA}/modules/[^/]+/index\\.ts$`],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    exclude: { path: 'node_modules' },
  },
};
