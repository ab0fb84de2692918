// Command-line flags of run.mjs, checked before anything starts: a typo in a suite or engine name
// stops the run with the valid names, instead of measuring nothing for half an hour.
import os from 'node:os';
import { SUITE_NAMES } from './suites.mjs';
import { ENGINE_NAMES, UNAVAILABLE } from './engines.mjs';

export const HELP = `Usage: npm run bench -- [options]

Measures kindling (native and pure-JS backends, eager and torch.jit.trace'd) against
onnxruntime-node, TensorFlow.js (wasm, cpu), PyTorch and numpy, side by side in one run; writes
results/<date>-<host>.json, a Markdown summary and SVG charts. Peers come from
\`npm run bench:setup\`; absent ones are reported as missing.

Options:
  --quick            a representative subset (a few minutes)
  --suite a,b        suites: ${SUITE_NAMES.join(', ')} (default: all)
  --engine x,y       engines: ${ENGINE_NAMES.join(', ')} (default: all)
  --threads 1,2      thread counts (default: 1 and all ${os.cpus().length} CPUs)
  --reps N           timed repetitions per engine and case, median reported (default 7)
  --out DIR          where results go (default benchmarks/results)
  --no-charts        skip the SVG charts
  --help             this text`;

export class UsageError extends Error {}

function list(value, valid, what) {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`--${what} needs a comma-separated list; valid ${what}s: ${valid.join(', ')}`);
  for (const it of items) {
    if (!valid.includes(it)) {
      const extra = UNAVAILABLE[it] ? ` (${it}: ${UNAVAILABLE[it]})` : '';
      throw new UsageError(`unknown ${what} '${it}'${extra}; valid ${what}s: ${valid.join(', ')}`);
    }
  }
  return [...new Set(items)];
}

export function parseArgs(argv) {
  const o = {
    quick: false, suites: SUITE_NAMES, engines: ENGINE_NAMES, reps: 7, out: null, charts: true, help: false,
    threads: [...new Set([1, os.cpus().length])],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick': o.quick = true; break;
      case '--help': case '-h': o.help = true; break;
      case '--no-charts': o.charts = false; break;
      case '--suite': case '--suites': o.suites = list(val(), SUITE_NAMES, 'suite'); break;
      case '--engine': case '--engines': o.engines = list(val(), ENGINE_NAMES, 'engine'); break;
      case '--threads': {
        const v = val();
        const ts = v.split(',').map(Number);
        if (ts.some((t) => !Number.isInteger(t) || t < 1 || t > 256)) throw new UsageError(`--threads takes positive integers, got '${v}'`);
        o.threads = [...new Set(ts)].sort((x, y) => x - y);
        break;
      }
      case '--reps': {
        const v = val();
        o.reps = Number(v);
        if (!Number.isInteger(o.reps) || o.reps < 1) throw new UsageError(`--reps takes a positive integer, got '${v}'`);
        break;
      }
      case '--out': o.out = val(); break;
      default: throw new UsageError(`unknown option '${a}'; see --help`);
    }
  }
  return o;
}
