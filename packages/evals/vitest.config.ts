import { defineConfig } from 'vitest/config';

// Native llama.cpp addons are safest in separate processes, and 2 cores favour one file at a time.
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.ts'],
    // The suites' data is copied from the repository's evals/ into the package (as the build does).
    globalSetup: ['scripts/copy-suite-data.mjs'],
  },
});
