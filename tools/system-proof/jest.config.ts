/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'system-proof',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
