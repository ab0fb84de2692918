/** The benchmark CLI rejects unknown suites, engines and flags with the valid names, before any work starts. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const run = fileURLToPath(new URL('../benchmarks/run.mjs', import.meta.url));
const bench = (...args: string[]) => spawnSync(process.execPath, [run, ...args], { encoding: 'utf8', timeout: 10000 });

describe('npm run bench: argument checks', () => {
  it('lists the valid suites for an unknown one', () => {
    const r = bench('--suite', 'gemm,nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown suite 'nope'");
    expect(r.stderr).toContain('valid suites: gemm, ops, mlp, train, floor');
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
