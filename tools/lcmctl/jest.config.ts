/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'lcmctl',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
