/* eslint-disable */
export default {
  ...require('../jest.int.preset.js'),
  displayName: 'deployment:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
