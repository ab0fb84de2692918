/**
 * The benchmark CLI rejects unknown suites, engines and flags with the valid names, before any work
 * starts; the elementwise and tiny-op cases are the ones the report's copy and overhead tables need.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain JavaScript modules of the harness, no type declarations
import { SUITES } from '../benchmarks/lib/suites.mjs';
// @ts-expect-error: as above
import { summaryMarkdown } from '../benchmarks/lib/report.mjs';

const run = fileURLToPath(new URL('../benchmarks/run.mjs', import.meta.url));
const bench = (...args: string[]) => spawnSync(process.execPath, [run, ...args], { encoding: 'utf8', timeout: 10000 });

describe('npm run bench: argument checks', () => {
  it('lists the valid suites for an unknown one', () => {
    const r = bench('--suite', 'gemm,nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown suite 'nope'");
    expect(r.stderr).toContain('valid suites: gemm, ops, mlp, train, floor, overhead');
  });

  it('lists the valid engines for an unknown one, and says why tfjs-node is not among them', () => {
    const r = bench('--engine=pytorch,tensorflow');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown engine 'tensorflow'; valid engines: kindling-native, kindling-js, onnxruntime, tfjs-wasm, tfjs-cpu, pytorch, numpy/);
    expect(bench('--engine', 'tfjs-node').stderr).toContain('cannot be installed offline');
  });

  it('rejects bad values and unknown flags', () => {
    expect(bench('--threads', '0').stderr).toContain('--threads takes positive integers');
    expect(bench('--reps', 'x').stderr).toContain('--reps takes a positive integer');
    expect(bench('--suite').stderr).toContain('--suite needs a value');
    expect(bench('--fast').stderr).toContain("unknown option '--fast'");
  });

  it('prints help', () => {
    const r = bench('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--quick');
  });
});

type Case = { id: string; op?: string; n?: number; work: number; shape?: number[] };
const ids = (suite: string, quick: boolean) => (SUITES[suite].cases(quick) as Case[]).map((c) => c.id);

describe('npm run bench: elementwise and tiny-op cases', () => {
  it('has copy, add and mul beside the activations at every size, and one size of each in --quick', () => {
    const full = ids('ops', false);
    for (const op of ['copy', 'relu', 'sigmoid', 'tanh', 'gelu', 'softmax', 'add', 'mul']) {
      expect(full.filter((id) => id.startsWith(`${op}-`))).toEqual([1e3, 1e4, 1e5, 1e6, 1e7].map((n) => `${op}-${n}`));
    }
    const quick = ids('ops', true);
    for (const op of ['copy', 'add', 'mul']) expect(quick.filter((id) => id.startsWith(`${op}-`))).toEqual(['1000000'].map((n) => `${op}-${n}`));
    // every quick activation size that the report compares against a copy has one
    expect(quick).toContain('relu-1000000');
  });

  it('counts bytes as 2 arrays for copy and activations, 3 for add and mul', () => {
    const byId = Object.fromEntries((SUITES.ops.cases(false) as Case[]).map((c) => [c.id, c]));
    expect(byId['copy-100000'].work).toBe(8e5);
    expect(byId['relu-100000'].work).toBe(8e5);
    expect(byId['add-100000'].work).toBe(12e5);
    expect(byId['mul-100000'].work).toBe(12e5);
  });

  it('times relu on 16 floats in ns per call, at least 10 000 calls a rep', () => {
    const [c] = SUITES.overhead.cases(false) as Case[];
    expect([c.id, c.op, c.shape]).toEqual(['relu-16', 'relu', [16]]);
    expect(SUITES.overhead.unit).toBe('ns/call');
    expect(SUITES.overhead.minInner).toBeGreaterThanOrEqual(10000);
    expect(SUITES.overhead.value(c, 1.5e-6)).toBeCloseTo(1500);
  });

  it('reports kindling native against its own copy of the same size, and native against JS on the tiny op', () => {
    const row = (suite: string, id: string, label: string, engine: string, secPerCall: number, value: number) =>
      ({ suite, case: id, label, threads: 1, engine, status: 'ok', value, secPerCall, unit: '' });
    const json = {
      meta: {
        date: '2026-01-01T00:00:00Z', host: 'h', command: 'npm run bench', threads: [1], reps: 3, tolerance: 1e-3, durationSec: 1,
        machine: { cpu: 'cpu', logicalCpus: 1, cpuFlags: [], memoryGiB: 1, os: 'os', node: 'v20', loadAverageAtStart: [0, 0, 0] },
        peak: { missing: 'no cc' }, engines: {}, unavailable: {},
      },
      suites: { ops: { title: 'ops', unit: 'GB/s', higherIsBetter: true }, overhead: { title: 'overhead', unit: 'ns/call', higherIsBetter: false } },
      results: [
        row('ops', 'copy-100000', 'copy 1e5', 'kindling-native', 1e-4, 8),
        row('ops', 'relu-100000', 'relu 1e5', 'kindling-native', 0.95e-4, 8.42),
        row('ops', 'add-100000', 'add 1e5', 'kindling-native', 2e-4, 6),
        row('ops', 'relu-1000', 'relu 1e3', 'kindling-native', 1e-6, 8), // no copy of 1e3 in this run: left out
        row('overhead', 'relu-16', 'relu 16', 'kindling-native', 9e-7, 900),
        row('overhead', 'relu-16', 'relu 16', 'kindling-js', 3e-7, 300),
      ],
    };
    const md: string = summaryMarkdown(json, 'x');
    const vsCopy = md.split('### kindling elementwise vs its own copy')[1].split('###')[0];
    expect(vsCopy).toContain('| relu 1e5 | 1 | 8.42 | 8.00 | 0.95× | 0.95× |');
    expect(vsCopy).toContain('| add 1e5 | 1 | 6.00 | 8.00 | **2.00×** | 1.33× |');
    expect(vsCopy).not.toContain('relu 1e3');
    expect(md).toContain('| relu 16 | 1 | 900 | 300 | 3.00× (native costs more) | – |');
  });
});
