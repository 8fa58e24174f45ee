// Two projects: the node suites (unit, runtime, stand-ins, tooling, end-to-end), run in parallel
// with coverage; and the browser suites (test/browser, real headless Chromium), which `npm test`
// runs after them in band with a longer timeout (test/browser/setup.ts).
const transform = {
  // ts-jest without type-checking (tsc runs as its own step; isolatedModules in tools/tsconfig.json
  // makes it transpile file by file): pure JS, so no platform binary that this machine's
  // registry may not serve (docs/platform.md "Toolchain").
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tools/tsconfig.json', diagnostics: false }],
};
const base = {
  testEnvironment: 'node',
  transform,
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...base, displayName: 'node', roots: ['<rootDir>/test'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'] },
    { ...base, displayName: 'browser', roots: ['<rootDir>/test/browser'], setupFilesAfterEnv: ['<rootDir>/test/browser/setup.ts'] },
  ],
  collectCoverageFrom: ['server/**/*.ts', '!server/**/*.d.ts', 'tools/**/*.ts'],
  coverageDirectory: 'coverage/source',
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: {
    './server/': { lines: 90 },
  },
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 30000,
};
