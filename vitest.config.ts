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
    // Two files at a time: vitest's default on two cores is one (cores − 1), and most of the
    // suite waits on child processes, servers and disks rather than computing.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
