/**
 * A bounded fuzz run of the public API and the raw native binding (scripts/fuzz/, fast-check with a
 * fixed seed), each batch in a child process: a crash fails this test instead of killing the run.
 * The long run is `npm run fuzz -- --cases 1000000`. Runs on the built package (dist/).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Report {
  cases: number;
  crashes: { case: string }[];
  failures: { why: string; input?: string; replay: string }[];
  known: Record<string, number>;
  skipped: string[];
}

function fuzz(...args: string[]): Report {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('the fuzz runs on dist/: run npm run build first');
  const r = spawnSync(process.execPath, ['scripts/fuzz/run.mjs', '--json', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`the fuzz runner printed no report (status ${r.status}): ${r.stderr}`);
  return JSON.parse(last) as Report;
}

describe('fuzz', () => {
  it('the public API: 6000 cases, every backend against the JS one, no crash or wrong result', () => {
    const r = fuzz('--target', 'api', '--cases', '6000', '--batch', '3000', '--seed', '1');
    expect(r.crashes).toEqual([]);
    expect(r.failures.map((f) => `${f.why} <- ${f.input}`)).toEqual([]);
    expect(r.cases).toBe(6000);
  });

  it('the raw binding: 6000 cases with detached, resizable, shared, overlapping and forged arguments', () => {
    const r = fuzz('--target', 'binding', '--cases', '6000', '--batch', '3000', '--seed', '1');
    expect(r.crashes).toEqual([]);
    expect(r.failures.map((f) => `${f.why} <- ${f.input}`)).toEqual([]);
    // without a native binary there is nothing to fuzz, and the report says so
    if (r.skipped.length === 0) expect(r.cases).toBe(6000);
    else expect(r.skipped[0]).toMatch(/no native binding/);
  });

  it('a crashing case fails the run, is named, and the rest of its batch still runs', () => {
    const r = fuzz('--target', 'api', '--cases', '300', '--batch', '200', '--crash-at', '250');
    expect(r.crashes).toHaveLength(1);
    expect(r.crashes[0].case).toMatch(/^case 250: /);
    expect(r.cases).toBe(300);
  });
});
