/* eslint-disable */
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'reconciler-runtime:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
