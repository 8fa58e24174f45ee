/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2020' }, module: { type: 'commonjs' } }],
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
