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
  // Two cores: one worker for the suite, one for the servers the tests start.
  maxWorkers: process.env.CI ? 2 : '50%',
  testTimeout: 30000,
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
