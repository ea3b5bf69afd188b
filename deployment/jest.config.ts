/* eslint-disable */
export default {
  ...require('../jest.preset.js'),
  displayName: 'deployment',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
