/* eslint-disable */
export default {
  ...require('../../../jest.preset.js'),
  displayName: 'integrations-cml',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
