import { defineConfig } from 'vitest/config';

// The tiny-model test loads llama.cpp: give it time, and run test files one at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
