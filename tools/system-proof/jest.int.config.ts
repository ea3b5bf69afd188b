/* eslint-disable */
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'system-proof:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
