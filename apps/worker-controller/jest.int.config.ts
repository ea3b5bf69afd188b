/* eslint-disable */
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'worker-controller:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
