/* eslint-disable */
export default {
  ...require('../../../jest.preset.js'),
  displayName: 'integrations-grading',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
