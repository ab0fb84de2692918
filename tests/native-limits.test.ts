/**
 * Resource limits reach JS as errors or fewer threads, never as an abort: a native allocation
 * that fails (the packed copy of B, pre-packed weights) raises PyTorch's DefaultCPUAllocator error
 * naming the bytes, and setNumThreads(1024) where the system refuses threads starts as many as it
 * can and says how many. Each case runs in a child process that lowers its own
 * address-space limit (prlimit) just above what it uses, after allocating its operands.
 */
import { describe, expect, it } from 'vitest';
import { loadBinding } from '../src/backend/native/binding.js';
import { runNode } from './helpers/child.js';

const loaded = loadBinding();

function addonPath(): string {
  if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
  return (loaded as { path: string }).path;
}

// Sets this process's address-space limit to what it maps now plus `extraMiB`.
const limitAddressSpace = `
function limitAddressSpace(extraMiB) {
  const kb = Number(/VmSize:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]);
  const r = require('node:child_process').spawnSync('prlimit', ['--pid', String(process.pid), '--as=' + (kb * 1024 + extraMiB * 2 ** 20)]);
  if (r.status !== 0) throw new Error('prlimit failed: ' + (r.error ?? r.stderr));
}
`;

// A row-split GEMM packs one shared copy of B (64 MiB here) and explicit packB packs another; both
// must fail cleanly under the limit, and a small GEMM must still work afterwards.
const allocFailure = `${limitAddressSpace}
const b = require(process.argv[1]);
b.setNumThreads(2);
const dimsOf = (M, N, K) => new Float64Array([0, 0, M, N, K, K, N, N, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
const s = 192, a = new Float32Array(s * s).fill(1), c = new Float32Array(s * s);
b.gemm(a, a, c, null, dimsOf(s, s, s));  // pool threads and workspaces exist before the limit
const M = 128, N = 128, K = (64 << 20) / 4 / N;
const A = new Float32Array(M * K).fill(1), B = new Float32Array(K * N).fill(1), C = new Float32Array(M * N);
limitAddressSpace(16);
const out = {};
for (const [name, f] of [['gemm', () => b.gemm(A, B, C, null, dimsOf(M, N, K))], ['packB', () => b.packB(B, dimsOf(M, N, K))]]) {
  try { f(); out[name] = 'no error'; } catch (e) { out[name] = e.constructor.name + ': ' + e.message; }
}
c.fill(0);
b.gemm(a, a, c, null, dimsOf(s, s, s));
out.after = c.every((v) => v === s);
console.log(JSON.stringify(out));
`;

// Asks for 1024 threads where their stacks do not fit, then computes on what it got, shrinks to 1
// and grows to 2 again.
const threadLimit = `${limitAddressSpace}
const b = require(process.argv[1]);
const s = 192, a = new Float32Array(s * s).fill(1), c = new Float32Array(s * s);
const dims = new Float64Array([0, 0, s, s, s, s, s, s, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
b.gemm(a, a, c, null, dims);
limitAddressSpace(192);
const out = { got: b.setNumThreads(1024), reported: b.getNumThreads() };
c.fill(0);
b.gemm(a, a, c, null, dims);
out.gemm = c.every((v) => v === s);
out.one = b.setNumThreads(1);
out.two = b.setNumThreads(2);
c.fill(0);
b.gemm(a, a, c, null, dims);
out.gemmTwo = c.every((v) => v === s);
console.log(JSON.stringify(out));
`;

// The pool's OS threads after setNumThreads(n) and a GEMM, for each n.
const threadCounts = `
const b = require(process.argv[1]);
const s = 192, a = new Float32Array(s * s).fill(1), c = new Float32Array(s * s);
const dims = new Float64Array([0, 0, s, s, s, s, s, s, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
// the pool's workers are named kindling-pool (Node's own threads come and go on their own)
const fs = require('node:fs');
const osThreads = () => fs.readdirSync('/proc/self/task').filter((t) => fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim() === 'kindling-pool').length;
const out = [];
// a joined thread's task can linger in /proc for a moment: give it up to half a second to go
const settled = (n) => {
  const until = Date.now() + 500;
  while (osThreads() > n - 1 && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  return osThreads();
};
for (const n of [1, 64, 2, 1]) {
  b.setNumThreads(n);
  b.gemm(a, a, c, null, dims);
  out.push(settled(n));
}
console.log(JSON.stringify(out));
`;

describe('native resource limits', () => {
  it('lowering the thread count stops the extra workers', async () => {
    const r = await runNode(threadCounts, [addonPath()]);
    expect(r.stderr).toBe('');
    const [one, sixtyFour, two, oneAgain] = JSON.parse(r.stdout) as number[];
    expect([one, sixtyFour, two, oneAgain]).toEqual([0, 63, 1, 0]);
  }, 20_000);

  it('setNumThreads(1024) under a limit starts the threads it can, and GEMM runs on them', async () => {
    const r = await runNode(threadLimit, [addonPath()]);
    expect(r.stderr).toBe('');
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    const out = JSON.parse(r.stdout) as { got: number; reported: number; gemm: boolean; one: number; two: number; gemmTwo: boolean };
    expect(out.got).toBeGreaterThanOrEqual(1);
    expect(out.got).toBeLessThan(1024);
    expect(out).toEqual({ got: out.got, reported: out.got, gemm: true, one: 1, two: 2, gemmTwo: true });
  }, 20_000);

  it('a failed native allocation is an Error naming the bytes, and the addon still works', async () => {
    const r = await runNode(allocFailure, [addonPath()]);
    expect(r.stderr).toBe('');
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    const out = JSON.parse(r.stdout) as Record<string, string | boolean>;
    const packedBytes = 64 * 2 ** 20;
    for (const name of ['gemm', 'packB']) {
      const m = /^Error: DefaultCPUAllocator: can't allocate memory: you tried to allocate (\d+) bytes\. Error code 12 \(Cannot allocate memory\)$/.exec(String(out[name]));
      expect(m, `${name}: ${out[name]}`).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(packedBytes);
      expect(Number(m![1])).toBeLessThan(2 * packedBytes);
    }
    expect(out.after).toBe(true);
  }, 20_000);
});
