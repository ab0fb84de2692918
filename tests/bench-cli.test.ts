/**
 * The benchmark CLI rejects unknown suites, engines and flags with the valid names, before any work
 * starts; the elementwise and tiny-op cases are the ones the report's copy and overhead tables need;
 * traced kindling and the serve suite are reported against the serving targets.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain JavaScript modules of the harness, no type declarations
import { SUITES } from '../benchmarks/lib/suites.mjs';
// @ts-expect-error: as above
import { summaryMarkdown } from '../benchmarks/lib/report.mjs';
// @ts-expect-error: as above
import { runsSuite } from '../benchmarks/lib/engines.mjs';

const run = fileURLToPath(new URL('../benchmarks/run.mjs', import.meta.url));
const bench = (...args: string[]) => spawnSync(process.execPath, [run, ...args], { encoding: 'utf8', timeout: 10000 });

describe('npm run bench: argument checks', () => {
  it('lists the valid suites for an unknown one', () => {
    const r = bench('--suite', 'gemm,nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown suite 'nope'");
    expect(r.stderr).toContain('valid suites: gemm, ops, mlp, train, floor, overhead, serve, conv');
  });

  it('lists the valid engines for an unknown one, and says why tfjs-node is not among them', () => {
    const r = bench('--engine=pytorch,tensorflow');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown engine 'tensorflow'; valid engines: kindling-native, kindling-js, kindling-traced, kindling-traced-js, onnxruntime, tfjs-wasm, tfjs-cpu, pytorch, numpy/);
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

type Case = { id: string; label: string; op?: string; n?: number; work: number; shape?: number[]; out?: boolean };
const ids = (suite: string, quick: boolean) => (SUITES[suite].cases(quick) as Case[]).map((c) => c.id);

describe('npm run bench: elementwise and tiny-op cases', () => {
  it('has copy, add and mul beside the activations at every size, and one size of each in --quick', () => {
    const full = ids('ops', false);
    for (const op of ['copy', 'relu', 'sigmoid', 'tanh', 'gelu', 'softmax', 'add', 'mul']) {
      expect(full.filter((id) => id.startsWith(`${op}-`) && !id.includes('-out-'))).toEqual([1e3, 1e4, 1e5, 1e6, 1e7].map((n) => `${op}-${n}`));
    }
    const quick = ids('ops', true);
    for (const op of ['copy', 'add', 'mul']) expect(quick.filter((id) => id.startsWith(`${op}-`) && !id.includes('-out-'))).toEqual(['1000000'].map((n) => `${op}-${n}`));
    // every quick activation size that the report compares against a copy has one
    expect(quick).toContain('relu-1000000');
  });

  it('has out= rows (a preallocated output) for copy, relu, sigmoid, add and mul at 1e4, 1e5, 1e6; 1e6 in --quick', () => {
    const full = ids('ops', false), quick = ids('ops', true);
    for (const op of ['copy', 'relu', 'sigmoid', 'add', 'mul']) {
      expect(full.filter((id) => id.startsWith(`${op}-out-`))).toEqual([1e4, 1e5, 1e6].map((n) => `${op}-out-${n}`));
      expect(quick.filter((id) => id.startsWith(`${op}-out-`))).toEqual([`${op}-out-1000000`]);
    }
    const byId = Object.fromEntries((SUITES.ops.cases(false) as Case[]).map((c) => [c.id, c]));
    expect([byId['add-out-100000'].work, byId['relu-out-100000'].label]).toEqual([12e5, 'relu out= 1e5']);
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

const meta = (threads: number[]) => ({
  date: '2026-01-01T00:00:00Z', host: 'h', command: 'npm run bench', threads, reps: 3, tolerance: 1e-3, durationSec: 1,
  machine: { cpu: 'cpu', logicalCpus: 2, cpuFlags: [], memoryGiB: 1, os: 'os', node: 'v20', loadAverageAtStart: [0, 0, 0] },
  peak: { missing: 'no cc' }, engines: {}, unavailable: {},
});

describe('npm run bench: the train suite', () => {
  it('trains with SGD, SGD with momentum and Adam, the same model and data in each', () => {
    const cases = SUITES.train.cases(false) as (Case & { optimizer: unknown; layers: number[]; batch: number; checkSteps: number })[];
    expect(cases.map((c) => [c.id, c.optimizer])).toEqual([
      ['MLP784-b64-sgd', { name: 'SGD', options: { lr: 0.01 } }],
      ['MLP784-b64-sgd-momentum', { name: 'SGD', options: { lr: 0.01, momentum: 0.9 } }],
      ['MLP784-b64-adam', { name: 'Adam', options: { lr: 1e-3 } }],
    ]);
    for (const c of cases) expect([c.layers, c.batch, c.checkSteps]).toEqual([[784, 512, 512, 10], 64, 3]);
  });

  it('shows each engine\'s peak RSS beside its ms per step, marked when it is the whole process\'s', () => {
    const row = (engine: string, value: number, peakRss: unknown) =>
      ({ suite: 'train', case: 'MLP784-b64-adam', label: 'MLP784 B=64, Adam lr 1e-3', threads: 1, engine, status: 'ok', value, secPerCall: value / 1e3, unit: 'ms/step', peakRss });
    const json = {
      meta: meta([1]),
      suites: { train: { title: 'Training step', unit: 'ms/step', higherIsBetter: false } },
      results: [row('kindling-native', 2.5, { bytes: 120 * 2 ** 20, since: 'case' }), row('pytorch', 5, { bytes: 250.4 * 2 ** 20, since: 'process start' })],
    };
    const md: string = summaryMarkdown(json, 'x');
    expect(md).toContain('| train | MLP784 B=64, Adam lr 1e-3 | 1 | 2.50 · 120 MiB | – | pytorch 5.00 · 250 MiB ‡ | 2.00× |');
    expect(md).toContain('peak-RSS mark is reset when a train case is built');
  });
});

describe('npm run bench: traced kindling and the serve suite', () => {
  it('runs traced kindling on the model suites and serve only, and serve on traced kindling only', () => {
    for (const e of ['kindling-traced', 'kindling-traced-js']) {
      expect(['gemm', 'ops', 'mlp', 'train', 'floor', 'overhead', 'serve'].filter((s) => runsSuite(e, s))).toEqual(['mlp', 'floor', 'serve']);
    }
    expect(runsSuite('onnxruntime', 'mlp')).toBe(true);
    expect(SUITES.serve.standalone).toBe(true);
    expect(SUITES.serve.engines).toEqual(['kindling-traced', 'kindling-traced-js']);
  });

  it('times forwardAsync at batch 1 and the event loop with 64 MLP784 B=256 calls in flight', () => {
    type ServeCase = Case & { kind: string; model: string; batch: number; inFlight?: number; seconds?: number };
    const cases = SUITES.serve.cases(false) as ServeCase[];
    expect(cases.map((c) => [c.id, c.kind, c.model, c.batch])).toEqual([
      ['async-SimpleNN-b1', 'asyncCost', 'SimpleNN', 1], ['async-MLP784-b1', 'asyncCost', 'MLP784', 1], ['loop-MLP784-b256', 'loopDelay', 'MLP784', 256],
    ]);
    expect(cases[2].inFlight).toBe(64);
    expect((SUITES.serve.cases(true) as ServeCase[])[2].seconds).toBeLessThan(cases[2].seconds!);
    expect(SUITES.serve.value(cases[0], { extraUs: 4.5 })).toBe(4.5);
    expect(SUITES.serve.value(cases[2], { beyondIdleP99Ms: 0.3 })).toBe(0.3);
  });

  it('reports traced kindling over the best peer and eager kindling, bold below the targets', () => {
    const row = (suite: string, id: string, label: string, engine: string, value: number, threads = 1) =>
      ({ suite, case: id, label, threads, engine, status: 'ok', value, unit: '' });
    const json = {
      meta: meta([1]),
      suites: { mlp: { title: 'MLP', unit: 'samples/s', higherIsBetter: true }, floor: { title: 'floor', unit: 'µs/call', higherIsBetter: false } },
      results: [
        row('mlp', 'SimpleNN-b1', 'SimpleNN B=1', 'kindling-native', 100e3),
        row('mlp', 'SimpleNN-b1', 'SimpleNN B=1', 'kindling-traced', 300e3),
        row('mlp', 'SimpleNN-b1', 'SimpleNN B=1', 'onnxruntime', 50e3),
        row('mlp', 'SimpleNN-b1', 'SimpleNN B=1', 'pytorch', 60e3),
        row('mlp', 'MLP784-b256', 'MLP784 B=256', 'kindling-traced', 60e3),
        row('mlp', 'MLP784-b256', 'MLP784 B=256', 'onnxruntime', 50e3),
        row('floor', 'SimpleNN-b1', 'SimpleNN B=1', 'kindling-traced', 2),
        row('floor', 'SimpleNN-b1', 'SimpleNN B=1', 'onnxruntime', 12),
      ],
    };
    const md: string = summaryMarkdown(json, 'x');
    const traced = md.split('## Traced kindling')[1].split('\n## ')[0];
    // the best peer is pytorch, not kindling native: 300k / 60k
    expect(traced).toContain('| mlp | SimpleNN B=1 | 1 | 300.0k | 100.0k | 3.00× | pytorch 60.0k | 5.00× |');
    expect(traced).toContain('| mlp | MLP784 B=256 | 1 | 60.0k | – | – | onnxruntime 50.0k | **1.20×** |');
    expect(traced).toContain('| floor | SimpleNN B=1 | 1 | 2.00 | – | – | onnxruntime 12.0 | 6.00× |');
    expect(traced).toContain("calls/s over onnxruntime-node's (target ≥ 5×): 1 thread, mlp 6.00×; 1 thread, floor 6.00×.");
  });

  it('reports forwardAsync extra µs and the loop delay beyond idle, serve rows outside the summary', () => {
    const base = { suite: 'serve', threads: 1, status: 'ok', check: { results: 9, bitEqual: true, relError: 0 } };
    const win = (p50: number, p99: number) => ({ p50, p99, max: p99, mean: p50, samples: 100, seconds: 3 });
    const json = {
      meta: meta([1]),
      suites: { serve: { title: 'Serving: forwardAsync and the event loop (traced kindling)', unit: 'µs', higherIsBetter: false, standalone: true } },
      results: [
        { ...base, case: 'async-SimpleNN-b1', label: 'forwardAsync SimpleNN B=1', engine: 'kindling-traced', unit: 'µs', value: 4,
          syncUs: { median: 2, mean: 2.5, p99: 9 }, asyncUs: { median: 6, mean: 7, p99: 20 }, extraUs: 4 },
        { ...base, case: 'async-SimpleNN-b1', label: 'forwardAsync SimpleNN B=1', engine: 'kindling-traced-js', unit: 'µs', value: 30,
          syncUs: { median: 2, mean: 2.5, p99: 9 }, asyncUs: { median: 32, mean: 35, p99: 60 }, extraUs: 30, check: { results: 9, bitEqual: false, relError: 1e-7 } },
        { ...base, case: 'loop-MLP784-b256', label: 'event loop', engine: 'kindling-traced', unit: 'ms', value: 0.4, inFlight: 64, beyondIdleP99Ms: 0.4,
          idle: win(1.1, 1.2), async: { ...win(1.1, 1.6), samplesPerSec: 70e3, launchUs: { median: 95, mean: 100, p99: 240 }, gc: { count: 12, maxMs: 2.5 } },
          sync: { ...win(3.5, 4.4), samplesPerSec: 71e3 } },
        { ...base, case: 'loop-MLP784-b256', label: 'event loop', engine: 'kindling-traced-js', unit: 'ms', value: 5, inFlight: 64, beyondIdleP99Ms: 5,
          idle: win(1.1, 1.2), async: { ...win(1.1, 6.2), samplesPerSec: 2e3 }, sync: { ...win(95, 120), samplesPerSec: 2.5e3 } },
      ],
    };
    const md: string = summaryMarkdown(json, 'x');
    expect(md).not.toContain('## Summary');
    const serve = md.split('## Serving')[1].split('\n## ')[0];
    expect(serve).toContain('| forwardAsync SimpleNN B=1 | 1 | native | 2.00/9.00 | 6.00/20.0 | 4.00 |');
    expect(serve).toContain('| forwardAsync SimpleNN B=1 | 1 | JS | 2.00/9.00 | 32.0/60.0 ² | **30.0** |');
    expect(serve).toContain('| event loop | 1 | native | 1.10/1.20 | 1.10/1.60 | 0.40 | 3.50/4.40 | 70.0k / 71.0k | 95.0/240 | 12, 2.50 |');
    expect(serve).toContain('| event loop | 1 | JS | 1.10/1.20 | 1.10/6.20 | **5.00** | 95.00/120 | 2000 / 2500 | – | – |');
    expect(serve).toContain('over 3 s windows');
  });
});

describe('npm run bench: the serve suite end to end', () => {
  it('measures traced kindling in its own process and writes its rows and report where the other suites go', () => {
    const out = mkdtempSync(join(tmpdir(), 'kindling-bench-serve-'));
    try {
      const r = spawnSync(process.execPath, [run, '--quick', '--suite', 'serve', '--engine', 'kindling-traced', '--threads', '1', '--reps', '2', '--no-charts', '--out', out],
        { encoding: 'utf8', timeout: 60000 });
      expect(r.status, r.stderr).toBe(0);
      const files = readdirSync(out);
      const json = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8'));
      const rows = json.results as { case: string; engine: string; status: string; value: number; check: { results: number }; idle?: { samples: number }; async?: { calls: number } }[];
      expect(rows.map((x) => [x.case, x.engine, x.status])).toEqual([
        ['async-SimpleNN-b1', 'kindling-traced', 'ok'], ['async-MLP784-b1', 'kindling-traced', 'ok'], ['loop-MLP784-b256', 'kindling-traced', 'ok'],
      ]);
      for (const x of rows) expect(x.check.results).toBeGreaterThan(1);
      const loop = rows[2];
      expect(loop.idle!.samples).toBeGreaterThan(100); // ~1 per ms over the window
      expect(loop.async!.calls).toBeGreaterThan(0);
      const md = readFileSync(join(out, files.find((f) => f.endsWith('.md'))!), 'utf8');
      expect(md).toContain('| forwardAsync SimpleNN B=1 | 1 | native |');
      expect(md).toContain('| event loop, 64 × MLP784 B=256 in flight | 1 | native |');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
