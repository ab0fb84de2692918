// fp32 GEMM throughput: kindling (native backend, else JS) side by side with numpy/OpenBLAS,
// interleaved shape by shape, median of several runs.
//   npm run build && node benchmarks/gemm.mjs [--threads 1,2] [--reps 7]
// numpy runs through `python3` on PATH, with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for that
// command alone (they slow a current OpenBLAS down on some machines).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import * as torch from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const threadCounts = opt('threads', '1,2').split(',').map(Number);
const reps = Number(opt('reps', '7'));
const shapes = [[64, 64, 64], [128, 128, 128], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [2048, 2048, 2048], [1, 784, 512], [64, 784, 512], [256, 512, 512]];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function kindlingSeconds(M, K, N) {
  const a = torch.randn(M, K), b = torch.randn(K, N);
  const flops = 2 * M * N * K;
  // enough calls per sample to last ~20 ms
  const inner = Math.max(1, Math.round(2e7 / flops * (torch.backendInfo().backend === 'native' ? 50 : 1)));
  torch.mm(a, b);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    for (let i = 0; i < inner; i++) torch.mm(a, b);
    times.push((performance.now() - t) / 1000 / inner);
  }
  return median(times);
}

function numpySeconds(M, K, N, threads) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const innerReps = Math.max(reps, Math.min(2000, Math.round(2e9 / (2 * M * N * K))));
  const r = spawnSync('python3', [new URL('./numpy_gemm.py', import.meta.url).pathname, M, K, N, innerReps, threads].map(String), { env, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return Number(r.stdout.trim());
}

const info = torch.backendInfo();
console.log(`${os.cpus()[0].model}, ${os.cpus().length} CPUs, Node ${process.version}; kindling backend ${info.backend}${info.isa ? ` (${info.isa})` : ''}`);
console.log(`GFLOP/s, median of ${reps} runs; numpy/OpenBLAS through python3\n`);
console.log('threads  M×K×N               kindling    numpy   ratio');
for (const threads of threadCounts) {
  torch.set_num_threads(threads);
  for (const [M, K, N] of shapes) {
    const flops = 2 * M * N * K;
    const ks = [], ns = [];
    for (let round = 0; round < 3; round++) {
      ks.push(kindlingSeconds(M, K, N));
      const n = numpySeconds(M, K, N, threads);
      if (n !== null) ns.push(n);
    }
    const kg = flops / median(ks) / 1e9;
    const ng = ns.length ? flops / median(ns) / 1e9 : null;
    const cell = (v) => (v === null ? 'missing' : v.toFixed(1)).padStart(8);
    console.log(`${String(threads).padStart(7)}  ${`${M}×${K}×${N}`.padEnd(18)}${cell(kg)} ${cell(ng)}   ${ng ? (kg / ng).toFixed(2) : '-'}`);
  }
}
