// Integration tests run against real servers (etcd, a MongoDB-wire server, moto); the global
// setup starts whichever of them is not already reachable and stops only what it started.
const path = require('node:path');

module.exports = {
  ...require('./jest.preset.js'),
  globalSetup: path.join(__dirname, 'libs/testing/src/infra/jest-global-setup.ts'),
  globalTeardown: path.join(__dirname, 'libs/testing/src/infra/jest-global-teardown.ts'),
  testTimeout: 30000,
  // A leaked socket in one suite must not hang the whole CI run; open handles are still reported.
  forceExit: true,
};
