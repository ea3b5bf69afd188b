/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'dev-oidc-provider',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
