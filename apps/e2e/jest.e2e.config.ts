/* eslint-disable */
// The whole system as real processes (libs/testing/src/system/launcher.ts) against the real
// servers the integration tests use; one system for the suite, its tests run in order.
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120000,
};
