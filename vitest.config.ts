import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // forks: a crash in native code kills one file's process, not the whole run.
    pool: 'forks',
    testTimeout: 30000,
  },
});
