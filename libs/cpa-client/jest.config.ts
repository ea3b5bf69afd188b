/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'cpa-client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
