/** The addon is context-aware: it loads and computes in several worker_threads at once. */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { loadBinding } from '../src/backend/native/binding.js';

const loaded = loadBinding();

const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
const n = 64;
const A = new Float32Array(n * n).fill(1), B = new Float32Array(n * n).fill(2), C = new Float32Array(n * n);
let ok = true;
for (let r = 0; r < 20; r++) {
  b.gemm(A, B, C, null, new Float64Array([0, 0, n, n, n, n, n, n, 0, 0, 0, 1, 0, -1, 1, 0, 0, 0]));
  ok = ok && C.every((v) => v === 2 * n);
}
const x = new Float32Array(1000).fill(-1), y = new Float32Array(1000);
b.unary(0, x, y, 0);
parentPort.postMessage({ ok: ok && y.every((v) => v === 0), isa: b.info().isa });
`;

describe('native addon in worker_threads', () => {
  it('loads and runs in four workers concurrently', async () => {
    if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
    const path = (loaded as { path: string }).path;
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        new Promise<{ ok: boolean; isa: string }>((resolve, reject) => {
          const w = new Worker(workerCode, { eval: true, workerData: { path } });
          w.once('message', (m) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
      ),
    );
    for (const r of results) {
      expect(r.ok).toBe(true);
      expect(r.isa).toBe(loaded.binding.info().isa);
    }
  });
});
