import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // examples import the package by name; under test they run on these sources, as the tests do
  resolve: { alias: [{ find: /^kindling$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['tests/**/*.test.ts'],
    // forks: a crash in native code kills one file's process, not the whole run.
    pool: 'forks',
    testTimeout: 60000,
    // memory the engine gives back for reuse is filled with NaN first: a tensor that still used it
    // would show NaN in its values, and the tests comparing values would fail
    env: { KINDLING_POISON_RECLAIMED: '1' },
    // every file: counts native kernel calls and checks it leaves the backend it found; the run
    // then prints the total ("native kernel calls: N")
    setupFiles: ['tests/setup/backend-guard.ts'],
    globalSetup: ['tests/setup/native-calls.ts'],
    // the JSON report lets .ci/run print its own one-line summary
    reporters: ['default', 'json'],
    outputFile: { json: 'build/test-results.json' },
  },
});
