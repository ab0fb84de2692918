// What the numbers were measured on: CPU, ISA flags, thread counts, versions, and the FMA peak
// measured in the same run (the ceiling the GEMM percentages refer to).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROBE = path.join(here, '..', '.build', 'fma_peak');

export function machine() {
  let flags = [];
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = line.split(':')[1].trim().split(/\s+/).filter((f) => /^(avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512_bf16|f16c|sse4_2|neon|asimd)$/.test(f));
  } catch { /* not Linux */ }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', logicalCpus: os.cpus().length, cpuFlags: flags,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version, loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function fmaPeak(threadCounts) {
  if (!fs.existsSync(PROBE)) return { missing: 'FMA probe not built (npm run bench:setup builds it when a C compiler is present)' };
  const r = spawnSync(PROBE, threadCounts.map(String), { encoding: 'utf8', timeout: 60e3 });
  try {
    const j = JSON.parse(r.stdout);
    if (j.missing) return j;
    return { isa: j.isa, gflops: Object.fromEntries(j.threads.map((t) => [t.n, t.gflops])) };
  } catch {
    return { missing: `FMA probe failed: ${r.stderr || r.error || r.status}` };
  }
}
