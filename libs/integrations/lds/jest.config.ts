/* eslint-disable */
export default {
  ...require('../../../jest.preset.js'),
  displayName: 'integrations-lds',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
