/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swc] },
  // jose and get-port are ESM-only: let swc turn them into CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(jose|get-port)/)'],
  testTimeout: 120_000,
  // Each test file starts its own server and database; two at a time suit this 2-core machine.
  maxWorkers: process.env.JEST_WORKERS ?? 2,
};
