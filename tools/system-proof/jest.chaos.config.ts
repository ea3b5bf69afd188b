/* eslint-disable */
// `pnpm test:chaos`: the fault drills (src/chaos/*.drill.ts) against the whole system as real processes.
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'system-proof:chaos',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.drill.ts'],
  testTimeout: 1_800_000,
};
