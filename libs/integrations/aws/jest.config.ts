/* eslint-disable */
export default {
  ...require('../../../jest.preset.js'),
  displayName: 'integrations-aws',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
