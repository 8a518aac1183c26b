/** Unit and HTTP tests (test/) and end-to-end tests against real containers (e2e/), in one run. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Sources import each other as './x.ts' (so worker threads can run them unbuilt); ts-jest rewrites that to './x.js'.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
