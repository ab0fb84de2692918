import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // forks: a crash in native code kills one file's process, not the whole run.
    pool: 'forks',
    testTimeout: 60000,
    // the JSON report lets .ci/run print its own one-line summary
    reporters: ['default', 'json'],
    outputFile: { json: 'build/test-results.json' },
  },
});
