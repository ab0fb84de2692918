// Per-call cost of tiny calls (a 4x8 tensor), where the argument handling is most of the work:
// what a batch-1 server-side forward pays on every op.
//
//   npm run build && node benchmarks/call_overhead.mjs [--runs 7] [--calls 20000] [other-root ...]
//
// Each root is a kindling checkout with dist/ and build/Release built (this one first). Every run
// is one fresh process per root, the roots' processes interleaved so that machine noise falls on
// all alike; a process times each case in 5 interleaved rounds of --calls calls and reports its
// median ns/call. The table shows the median over runs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { median } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};

function cases(torch) {
  const { nn } = torch;
  const F = nn.functional;
  torch.manual_seed(0);
  const x = torch.randn(4, 8), y = torch.randn(4, 8), a = torch.randn(4, 8), b = torch.randn(4, 8);
  const v = torch.randn(1, 8), w = torch.randn(4, 8), bias = torch.randn(4);
  const lin = new nn.Linear(8, 4);
  return {
    'x.view(8, 4)': () => x.view(8, 4),
    'x.reshape(8, 4)': () => x.reshape(8, 4),
    'x.add(y)': () => x.add(y),
    'x.mul(2)': () => x.mul(2),
    'torch.relu(x)': () => torch.relu(x),
    'F.relu(x)': () => F.relu(x),
    'x.sum(1)': () => x.sum(1),
    'x.sum({dim: 1, keepdim: true})': () => x.sum({ dim: 1, keepdim: true }),
    'torch.cat([a, b], 1)': () => torch.cat([a, b], 1),
    'x.transpose(0, 1)': () => x.transpose(0, 1),
    'x.unsqueeze(0)': () => x.unsqueeze(0),
    'Linear(8, 4) on [1, 8]': () => torch.no_grad(() => lin.forward(v)),
    'F.linear(v, w, bias)': () => F.linear(v, w, bias),
  };
}

async function child(root, calls) {
  const torch = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  const fns = cases(torch);
  const names = Object.keys(fns);
  let sink = 0;
  for (const f of Object.values(fns)) for (let i = 0; i < calls; i++) sink += f().shape.length; // warm-up: optimised code
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < 5; round++) {
    for (const n of names) {
      const f = fns[n];
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) sink += f().shape.length;
      samples[n].push(Number(process.hrtime.bigint() - t0) / calls);
    }
  }
  if (sink === 0) throw new Error('no results');
  process.stdout.write(JSON.stringify({ backend: torch.backendInfo().backend, ns: Object.fromEntries(names.map((n) => [n, median(samples[n])])) }));
}

function parent(roots, runs, calls) {
  const results = roots.map(() => []);
  let backends = [];
  for (let r = 0; r < runs; r++) {
    roots.forEach((root, k) => {
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', root, '--calls', String(calls)], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`${root}: ${p.stderr}`);
      const out = JSON.parse(p.stdout);
      backends[k] = out.backend;
      results[k].push(out.ns);
    });
  }
  const names = Object.keys(results[0][0]);
  const labels = roots.map((root, k) => `${k === 0 ? 'this' : root} (${backends[k]})`);
  const fmt = (s, w) => String(s).padStart(w);
  console.log(`ns per call, median of ${runs} processes x 5 rounds x ${calls} calls; node ${process.version}`);
  console.log(roots.map((root, k) => `  [${k}] ${labels[k]}`).join('\n'));
  console.log(`${'call'.padEnd(34)}${roots.map((_, k) => fmt(`[${k}]`, 9)).join('')}${roots.slice(1).map((_, k) => fmt(`[0]/[${k + 1}]`, 10)).join('')}`);
  for (const n of names) {
    const m = results.map((rs) => median(rs.map((x) => x[n])));
    console.log(`${n.padEnd(34)}${m.map((x) => fmt(x.toFixed(0), 9)).join('')}${m.slice(1).map((x) => fmt((m[0] / x).toFixed(2), 10)).join('')}`);
  }
}

const childRoot = opt('--child', null);
const calls = Number(opt('--calls', '20000'));
const runs = Number(opt('--runs', '7'));
if (childRoot !== null) await child(childRoot, calls);
else parent([resolve(here, '..'), ...argv.map((p) => resolve(p))], runs, calls);
