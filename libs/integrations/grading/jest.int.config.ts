/* eslint-disable */
export default {
  ...require('../../../jest.int.preset.js'),
  displayName: 'integrations-grading:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
