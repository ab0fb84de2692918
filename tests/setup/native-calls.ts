/**
 * Global setup: each test file's process appends its count of native kernel calls to one file
 * (tests/setup/backend-guard.ts), and the run ends with one line summing them, so that CI's log
 * shows whether the native and forced-ISA runs really exercised the native kernels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    nativeCallsFile: string;
  }
}

/** One test file's line in the counts file. */
export interface FileCalls {
  file: string;
  calls: number;
  backend: string;
  reason: string;
  isa?: string;
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-calls-'));
  const file = join(dir, 'calls.jsonl');
  project.provide('nativeCallsFile', file);
  return () => {
    let lines: FileCalls[] = [];
    try {
      lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FileCalls);
    } catch {
      // no test file finished
    }
    rmSync(dir, { recursive: true, force: true });
    const total = lines.reduce((s, l) => s + l.calls, 0);
    const native = lines.find((l) => l.backend === 'native');
    const js = lines.find((l) => l.backend === 'js');
    if (native) {
      console.log(`native kernel calls: ${total} in ${lines.filter((l) => l.calls > 0).length} of ${lines.length} test files (isa ${native.isa})`);
    } else if (js) {
      console.log(`native kernel calls: 0 (the native backend is not loaded: ${js.reason})`);
    }
  };
}
