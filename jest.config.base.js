// Shared jest settings: swc strips types (tsc -b type-checks separately), tests run in-band
// because most of them start real servers and worker threads.
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleNameMapper: { '^@lb/core$': '<rootDir>/../core/src/index.ts' },
  testTimeout: 60000,
};
