import { defineConfig } from 'vitest/config';

// Tests start their own Redis and Postgres and worker processes; 2 cores favour one file at a time.
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.ts'],
    setupFiles: ['../../test-support/register-testkit-models.ts'],
  },
});
