// fp32 GEMM throughput of the pure-JS backend kernel.
// Run after building: npx tsc -p tsconfig.json && node benchmarks/js-matmul.js
// Each row: warm-up, then REPS timed repetitions (each long enough to be timed reliably);
// GFLOP/s = 2·M·N·K / t, reported as median with min and max over the repetitions.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { gemm } from '../dist/backend/js/gemm.js';

const REPS = 9;
const MIN_REP_MS = 40;

function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/** M×K times K×N (or the Linear layout: B stored N×K and transposed). */
function bench(label, M, K, N, transB = false) {
  const A = random(M * K, 1), B = random(K * N, 2), C = new Float32Array(M * N);
  const args = {
    transA: false, transB, M, N, K, alpha: 1, beta: 0,
    A, aOffset: 0, lda: K, B, bOffset: 0, ldb: transB ? K : N, C, cOffset: 0, ldc: N,
    batch: 1, strideA: 0, strideB: 0, strideC: 0,
  };
  const flops = 2 * M * N * K;
  // warm-up: let the JIT optimise, and find how many calls make one repetition
  let inner = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) gemm(args);
    const dt = performance.now() - t0;
    if (dt >= MIN_REP_MS) break;
    inner = Math.ceil(inner * Math.min(10, Math.max(2, (1.2 * MIN_REP_MS) / Math.max(dt, 0.01))));
  }
  for (let i = 0; i < inner; i++) gemm(args);
  const rates = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) gemm(args);
    const s = (performance.now() - t0) / 1e3 / inner;
    rates.push(flops / s / 1e9);
  }
  rates.sort((x, y) => x - y);
  const med = rates[rates.length >> 1];
  const row = [label.padEnd(26), med.toFixed(2).padStart(8), rates[0].toFixed(2).padStart(8), rates[rates.length - 1].toFixed(2).padStart(8),
    ((flops / med / 1e9) * 1e3).toFixed(3).padStart(12)];
  console.log(row.join(''));
  return med;
}

console.log(`CPU: ${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} logical cores)`);
console.log(`Node: ${process.version}  V8: ${process.versions.v8}`);
console.log(`fp32 GEMM, pure-JS kernel, ${REPS} repetitions after warm-up (each >= ${MIN_REP_MS} ms)`);
console.log();
console.log(`${''.padEnd(26)}${'GFLOP/s'.padStart(16)}${''.padStart(12)}`);
console.log(['M×K×N'.padEnd(26), 'median'.padStart(8), 'min'.padStart(8), 'max'.padStart(8), 'ms (median)'.padStart(12)].join(''));
for (const n of [32, 64, 128, 256, 512, 1024]) bench(`${n}×${n}×${n}`, n, n, n);
bench('1×784×512', 1, 784, 512);
bench('64×784×512', 64, 784, 512);
bench('1×784×512   (B as N×K, ᵀ)', 1, 784, 512, true);
bench('64×784×512  (B as N×K, ᵀ)', 64, 784, 512, true);
