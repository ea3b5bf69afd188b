/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'etcd',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
