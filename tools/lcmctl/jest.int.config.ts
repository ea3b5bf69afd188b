/* eslint-disable */
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'lcmctl:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
