/**
 * `npm test`: unit and HTTP tests (test/) and end-to-end tests against real containers (e2e/), in
 * one run. Left out: the suites that run the original Python node, which is not ours to ship;
 * `npm run test:interop` runs those (jest.interop.config.js lists the same files).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/e2e/interop\\.test\\.ts$', '<rootDir>/test/bench-smoke\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Sources import each other as './x.ts' (so worker threads can run them unbuilt); ts-jest rewrites that to './x.js'.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
