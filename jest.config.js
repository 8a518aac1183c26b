/**
 * `npm test` runs both projects here, one after the other: `npm run test:unit` the unit and HTTP
 * tests (test/), which need neither Docker nor the original Python node and run in parallel
 * workers; `npm run test:e2e` the end-to-end tests against real containers (e2e/), one file at a
 * time. Left out of both: the suites that run the original node, which is not ours to ship;
 * `npm run test:interop` runs those (jest.interop.config.js lists the same files).
 */
const typescript = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Sources import each other as './x.ts' (so worker threads can run them unbuilt); ts-jest rewrites that to './x.js'.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

module.exports = {
  // Not jest's 5 s: the unit suites run side by side on two cores, and some hash or start worker
  // threads, so a test that takes a second alone can take several on a busy machine. (A setting
  // of the whole run: jest ignores it inside a project.)
  testTimeout: 30_000,
  projects: [
    {
      ...typescript,
      displayName: 'unit',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/bench-smoke\\.test\\.ts$'],
    },
    {
      ...typescript,
      displayName: 'e2e',
      roots: ['<rootDir>/e2e'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/e2e/interop\\.test\\.ts$'],
    },
  ],
};
