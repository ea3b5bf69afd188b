/* eslint-disable */
export default {
  ...require('../../jest.int.preset.js'),
  displayName: 'etcd:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
