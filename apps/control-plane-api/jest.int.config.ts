/* eslint-disable */
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'control-plane-api:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
