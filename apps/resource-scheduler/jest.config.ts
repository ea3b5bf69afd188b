/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'resource-scheduler',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
