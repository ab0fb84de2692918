// torch.sort of 1e6 random floats (values and int64 indices, stable) against numpy and PyTorch.
//
//   npm run build && node benchmarks/sort.mjs [--runs 5] [--n 1000000]
//
// Each run is one kindling process and one /usr/bin/python3 process (numpy, and torch with one
// thread when it imports), interleaved so that machine noise falls on both; a process reports the
// median of 9 timed calls per case after a warm-up call. The table shows the median over runs.
// numpy's np.sort returns values only (its default quicksort, unstable); the like-for-like numpy
// case is a stable argsort plus the gather of the values.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { median } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, def) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const runs = opt('--runs', 5), n = opt('--n', 1_000_000);

const JS = `
const torch = await import(${JSON.stringify(pathToFileURL(join(here, '..', 'dist', 'index.js')).href)});
const med = (f) => { f(); const ts = []; for (let i = 0; i < 9; i++) { const t = performance.now(); f(); ts.push(performance.now() - t); } ts.sort((a, b) => a - b); return ts[4]; };
const x = torch.randn([${n}]), xd = x.double();
console.log(JSON.stringify({ 'kindling sort float32': med(() => torch.sort(x, { stable: true })), 'kindling sort float64': med(() => torch.sort(xd, { stable: true })) }));
`;
const PY = `
import json, time
import numpy as np
def med(f):
    f(); ts = []
    for _ in range(9):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1e3)
    return sorted(ts)[4]
x = np.random.RandomState(0).randn(${n}).astype(np.float32); xd = x.astype(np.float64)
r = {'numpy sort float32 (values only)': med(lambda: np.sort(x)),
     'numpy stable argsort + take float32': med(lambda: x[np.argsort(x, kind='stable')]),
     'numpy stable argsort + take float64': med(lambda: xd[np.argsort(xd, kind='stable')])}
try:
    import torch
    torch.set_num_threads(1)
    t = torch.from_numpy(x)
    r['pytorch sort stable float32 (1 thread)'] = med(lambda: torch.sort(t, stable=True))
except ImportError:
    pass
print(json.dumps(r))
`;

const times = {};
for (let r = 0; r < runs; r++) {
  for (const [cmd, args] of [[process.execPath, ['--input-type=module', '-e', JS]], ['/usr/bin/python3', ['-c', PY]]]) {
    const p = spawnSync(cmd, args, { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`${cmd} failed: ${p.stderr}`);
    for (const [k, v] of Object.entries(JSON.parse(p.stdout.trim().split('\n').pop()))) (times[k] ??= []).push(v);
  }
}
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
console.log(`| case (n = ${n}) | ms, median of ${runs} runs | kindling float32 ÷ this |`);
console.log('|---|---|---|');
for (const [k, v] of Object.entries(m)) console.log(`| ${k} | ${v.toFixed(1)} | ${(m['kindling sort float32'] / v).toFixed(2)}× |`);
