/**
 * Runs before each test file: starts counting native kernel calls, and checks after the file
 * that it left the backend it found selected (a test that switches backends must put it back,
 * or every later test in that file would silently run on the other one).
 */
import { appendFileSync } from 'node:fs';
import { afterAll, expect, inject } from 'vitest';
import { backendInfo, currentBackend, nativeCallCounts } from '../../src/backend/index.js';
import type { FileCalls } from './native-calls.js';

const initial = currentBackend();
const counts = nativeCallCounts();

afterAll(({}, suite) => {
  const info = backendInfo();
  const calls = counts ? Object.values(counts).reduce((s, c) => s + c, 0) : 0;
  const line: FileCalls = { file: suite.file.name, calls, backend: info.backend, reason: info.reason, isa: info.isa };
  appendFileSync(inject('nativeCallsFile'), `${JSON.stringify(line)}\n`);
  expect(currentBackend() === initial, `${suite.file.name} left another backend selected than the ${initial.name} one it started with`).toBe(true);
});
