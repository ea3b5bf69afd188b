/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'control-plane-api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
