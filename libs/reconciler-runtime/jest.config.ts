/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'reconciler-runtime',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
