const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only: `npm run typecheck` checks types once for the whole tree.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // PGlite's CommonJS build and the OTLP exporter use import() for Node built-ins, which jest's
    // runtime cannot run.
    '/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/scripts/jest-builtin-imports.js',
    '/@opentelemetry/otlp-exporter-base/build/.+\\.js$': '<rootDir>/scripts/jest-builtin-imports.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@electric-sql/pglite|@opentelemetry/otlp-exporter-base)/)'],
  // Two cores: two workers, as in CI. '50%' alone meant one worker there, which left a core idle
  // while a test waited on its servers or child processes (3m47s instead of 3m16s for the suite).
  maxWorkers: process.env.CI ? 2 : Math.max(2, Math.floor(os.availableParallelism() / 2)),
  testTimeout: 30000,
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
