// How fast safetensors.load_file reads a 100 MB file, against the floor of fs.readFileSync of the
// same file (one read into one buffer, no parsing, no tensors).
//
//   npm run build && node --expose-gc benchmarks/safetensors_load.mjs [--runs 9] [--mb 100]
//
// Writes an F32 file of four tensors (and a quarter-size I64 one, whose load converts every
// element) to os.tmpdir(), reads each once to warm the page cache, then times the readers
// interleaved, one read per round, --runs rounds; prints the median ms and GB/s (10^9 bytes/s).
// The files are served from the page cache: this measures kindling's side, not the disk.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as torch from '../dist/index.js';
import { median } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  return i < 0 ? def : Number(argv[i + 1]);
};
const runs = opt('--runs', 9);
const mb = opt('--mb', 100);
const gc = globalThis.gc ?? (() => {});

const f32File = join(tmpdir(), `kindling-bench-${process.pid}-f32.safetensors`);
const i64File = join(tmpdir(), `kindling-bench-${process.pid}-i64.safetensors`);
try {
  torch.manual_seed(0);
  const rows = Math.round((mb * 1e6) / 4 / 4 / 1024);  // four float32 tensors of rows × 1024
  const f32 = Object.fromEntries([0, 1, 2, 3].map((i) => [`layers.${i}.weight`, torch.randn(rows, 1024)]));
  torch.safetensors.save_file(f32, f32File, { format: 'pt' });
  torch.safetensors.save_file({ ids: torch.randint(-1e9, 1e9, [Math.round((mb * 1e6) / 4 / 8)]) }, i64File);
  for (const k of Object.keys(f32)) delete f32[k];

  const cases = [
    ['fs.readFileSync (floor)', f32File, (f) => readFileSync(f)],
    ['safetensors.load_file F32', f32File, (f) => torch.safetensors.load_file(f)],
    ['fs.readFileSync (floor)', i64File, (f) => readFileSync(f)],
    ['safetensors.load_file I64', i64File, (f) => torch.safetensors.load_file(f)],
  ];
  const times = cases.map(() => []);
  for (const [, file, read] of cases) read(file);  // warm-up: page cache, code
  for (let r = 0; r < runs; r++) {
    cases.forEach(([, file, read], i) => {
      gc();
      const t0 = performance.now();
      const out = read(file);
      times[i].push(performance.now() - t0);
      if (out === undefined) throw new Error('no result');
    });
  }
  console.log(`node ${process.version}, backend ${torch.backendInfo().backend}, ${runs} interleaved runs, medians`);
  cases.forEach(([name, file], i) => {
    const bytes = statSync(file).size, ms = median(times[i]);
    console.log(`${name.padEnd(28)} ${(bytes / 1e6).toFixed(1).padStart(6)} MB  ${ms.toFixed(1).padStart(7)} ms  ${(bytes / 1e6 / ms).toFixed(2).padStart(6)} GB/s`);
  });
} finally {
  rmSync(f32File, { force: true });
  rmSync(i64File, { force: true });
}
