/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'worker-controller',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
