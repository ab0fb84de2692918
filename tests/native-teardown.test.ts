/**
 * The addon survives its environment going away mid-call: worker.terminate() while a worker is
 * inside a GEMM (pre-packed or not), packing, or still loading the addon, and process.exit()
 * while workers and the pool are busy. N-API calls fail once teardown starts; an error raised
 * then used to escape as a C++ exception and abort the whole process. Each scenario runs in a
 * child process (an abort fails the test) and repeats, since the timing decides where it lands.
 */
import { describe, expect, it } from 'vitest';
import { loadBinding } from '../src/backend/native/binding.js';
import { runNode, terminatingWorkers } from './helpers/child.js';

const loaded = loadBinding();

function addonPath(): string {
  if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
  return (loaded as { path: string }).path;
}

// Terminates workers at random points of a loop over packB, pre-packed and plain GEMMs, for up to
// `ms` milliseconds; prints how many were terminated.
const terminateLoop = terminatingWorkers(`
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
const n = 160;
const A = new Float32Array(n * n).fill(1), B = new Float32Array(n * n).fill(2), C = new Float32Array(n * n);
const dims = new Float64Array([0, 0, n, n, n, n, n, n, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
let p = b.packB(B, dims);
parentPort.postMessage('ready');
for (let i = 0; ; i++) {
  if (i % 3 === 0) p = b.packB(B, dims);
  b.gemm(A, B, C, null, dims, i % 2 ? p : null);
}
`, 4);

// Starts two workers in GEMM loops (one large enough to use the pool) and exits the process from
// the main thread while they, and the main thread's own GEMM, are in flight.
const exitWhileBusy = `
const { Worker } = require('node:worker_threads');
const path = process.argv[1];
const b = require(path);
const code = \`
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
const n = workerData.n;
const A = new Float32Array(n * n).fill(1), B = new Float32Array(n * n).fill(2), C = new Float32Array(n * n);
const dims = new Float64Array([0, 0, n, n, n, n, n, n, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
const p = b.packB(B, dims);
parentPort.postMessage('ready');
for (;;) b.gemm(A, B, C, null, dims, p);
\`;
let ready = 0;
for (const n of [96, 384]) {
  new Worker(code, { eval: true, workerData: { path, n } }).once('message', () => {
    if (++ready < 2) return;
    setTimeout(() => process.exit(7), Math.random() * 5);
    const m = 256, A = new Float32Array(m * m), C = new Float32Array(m * m);
    const dims = new Float64Array([0, 0, m, m, m, m, m, m, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
    const t = Date.now();
    (function spin() { b.gemm(A, A, C, null, dims); if (Date.now() - t < 3) spin(); else setImmediate(spin); })();
  });
}
`;

describe('native addon teardown', () => {
  it('survives worker.terminate() at any point of packB and GEMM', async () => {
    const r = await runNode(terminateLoop, [addonPath(), '3000']);
    expect(r.stderr).not.toMatch(/terminate called|Abort|FATAL/);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    expect(Number(/terminated (\d+)/.exec(r.stdout)?.[1])).toBeGreaterThanOrEqual(10);
  }, 20_000);

  it('survives process.exit() with GEMMs in flight on workers and the pool', async () => {
    for (let run = 0; run < 8; run++) {
      const r = await runNode(exitWhileBusy, [addonPath()]);
      expect(r.stderr, `run ${run}`).toBe('');
      expect({ code: r.code, signal: r.signal }, `run ${run}`).toEqual({ code: 7, signal: null });
    }
  }, 20_000);
});
