/* eslint-disable */
export default {
  ...require('../../../jest.preset.js'),
  displayName: 'integrations-http',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
