/**
 * Fuzzes the public API (every op on every backend, the JS one as reference) and the raw native
 * binding, one child process per batch so that a crash is counted and reported, not fatal.
 *   npm run fuzz -- --cases 1000000 [--seed 1] [--batch 20000] [--target api|binding|all] [--json]
 * (--crash-at N makes the worker abort at case N, to test this isolation.)
 * Prints cases, crashes and failures (wrong results, non-Error throws, writes outside arrays),
 * with the command that replays each; exits 1 if there was any crash or failure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}
const total = Number(opt('cases', '20000'));
const seed = Number(opt('seed', '1'));
const batch = Number(opt('batch', '20000'));
const target = opt('target', 'all');
const json = args.includes('--json');
const crashAt = opt('crash-at', null);
for (const [k, v] of [['cases', total], ['seed', seed], ['batch', batch]]) {
  if (!Number.isSafeInteger(v) || v < (k === 'seed' ? 0 : 1)) throw new Error(`--${k} must be a positive integer, got ${v}`);
}
if (!['api', 'binding', 'all'].includes(target)) throw new Error(`--target must be api, binding or all, got ${target}`);

const worker = join(dirname(fileURLToPath(import.meta.url)), 'worker.mjs');
const targets = target === 'all' ? ['api', 'binding'] : [target];
const report = { seed, cases: 0, crashes: [], failures: [], known: {}, skipped: [] };
const started = Date.now();

function runWorker(t, first, count, trace) {
  return spawnSync(process.execPath, [worker, t, String(seed), String(first), String(count), ...(trace ? ['--trace'] : []), ...(crashAt !== null ? ['--crash-at', crashAt] : [])], {
    encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, KINDLING_NUM_THREADS: '1' },
  });
}

for (const t of targets) {
  // an even split of the cases between the targets
  const share = Math.floor(total / targets.length) + (t === targets[0] ? total % targets.length : 0);
  for (let first = 0; first < share; first += batch) {
    const count = Math.min(batch, share - first);
    const r = runWorker(t, first, count, false);
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status === 0 && last.startsWith('{')) {
      const out = JSON.parse(last);
      report.cases += out.cases;
      if (out.skipped) {
        report.skipped.push(`${t}: ${out.skipped}`);
        break;  // nothing to fuzz in the later batches either
      }
      for (const f of out.failures) report.failures.push({ target: t, ...f, replay: `node scripts/fuzz/worker.mjs ${t} ${seed} ${f.case} 1 --trace` });
      for (const [k, n] of Object.entries(out.known)) report.known[k] = (report.known[k] ?? 0) + n;
      continue;
    }
    // a crash: replay the batch with tracing to name the case that killed it
    const traced = runWorker(t, first, count, true);
    const lastCase = traced.stdout.split('\n').filter((l) => l.startsWith('case ')).pop() ?? '(none)';
    const caseNo = Number(/^case (\d+)/.exec(lastCase)?.[1] ?? first);
    report.cases += Math.max(0, caseNo - first + 1);
    report.crashes.push({
      target: t, batch: [first, count], status: r.status, signal: r.signal, stderr: (r.stderr || '').trim().split('\n').slice(-3).join(' | '),
      case: lastCase, replay: `node scripts/fuzz/worker.mjs ${t} ${seed} ${caseNo} 1 --trace`,
    });
    // a worker that dies before its first case (a missing dependency, a build error) would die
    // the same way for every later case: one report, not one process per case
    if (lastCase === '(none)') break;
    // the rest of the batch after the crashing case still runs
    if (caseNo + 1 < first + count) first = caseNo + 1 - batch;
  }
}

report.seconds = Math.round((Date.now() - started) / 100) / 10;
if (json) console.log(JSON.stringify(report));
else {
  console.log(`fuzz (${targets.join(' + ')}, seed ${seed}): ${report.cases} cases, ${report.crashes.length} crashes, ${report.failures.length} failures in ${report.seconds} s`);
  for (const s of report.skipped) console.log(`  skipped ${s}`);
  for (const [k, n] of Object.entries(report.known)) console.log(`  known (${n} cases): ${k}`);
  for (const c of report.crashes) console.log(`  CRASH ${c.target} ${c.case} (status ${c.status}, signal ${c.signal}): ${c.stderr}\n    replay: ${c.replay}`);
  for (const f of report.failures.slice(0, 30)) console.log(`  FAIL ${f.target} case ${f.case}: ${f.why}${f.input ? `\n    input: ${f.input}` : ''}\n    replay: ${f.replay}`);
}
process.exit(report.crashes.length || report.failures.length ? 1 : 0);
