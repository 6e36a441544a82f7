import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each worker keeps its module cache from file to file: importing and transforming the
    // sources again for each of ~180 files took longer than the tests themselves.
    isolate: false,
    reporters: ['default'],
  },
});
