/* eslint-disable */
export default {
  ...require('../../jest.preset.js'),
  displayName: 'lablet-controller',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
