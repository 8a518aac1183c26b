/**
 * `npm run test:interop`: the suites that run the original Python node, which REFERENCE_NODE names
 * (e2e/support/reference-node.ts says how to get it): chainlab and the original adopting each
 * other's chains, and the smoke run of the benchmark, which measures the two side by side.
 * jest.config.js (`npm test`) leaves out these same files.
 */
const {
  projects: [unit],
} = require('./jest.config.js');

module.exports = {
  ...unit,
  displayName: 'interop',
  roots: ['<rootDir>/test', '<rootDir>/e2e'],
  testMatch: ['<rootDir>/e2e/interop.test.ts', '<rootDir>/test/bench-smoke.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
