/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // ts-jest without type-checking (tsc runs as its own step): pure JS, so no platform binary
    // that this machine's registry may not serve (docs/platform.md "Toolchain").
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: '<rootDir>/tools/tsconfig.json', diagnostics: false }],
  },
  collectCoverageFrom: ['server/**/*.ts', '!server/**/*.d.ts', 'tools/**/*.ts'],
  coverageDirectory: 'coverage/source',
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: {
    './server/': { lines: 90 },
  },
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 30000,
};
