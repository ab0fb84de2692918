// npm run bench [-- --quick --suite gemm,mlp --engine kindling-native,onnxruntime --threads 1,2]
// Runs every selected engine on every case, interleaved rep by rep (A B C A B C ...) so drift hits
// all alike, after checking that their outputs agree; writes JSON, a Markdown summary and charts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, HELP, UsageError } from './lib/cli.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`bench: ${e.message}`);
  process.exit(2);
}
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

const { SUITES } = await import('./lib/suites.mjs');
const { ENGINES, UNAVAILABLE, Worker, killAll, runsSuite } = await import('./lib/engines.mjs');
const { materialize, readF32 } = await import('./lib/data.mjs');
const { median, quantile, crossCheck, TOLERANCE } = await import('./lib/stats.mjs');
const { machine, fmaPeak } = await import('./lib/machine.mjs');
const { summaryMarkdown } = await import('./lib/report.mjs');
const progress = (await import('./lib/progress.mjs')).progress();

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(opts.out ?? path.join(here, 'results'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-'));

// No child outlives us: workers are killed on exit, Ctrl-C and SIGTERM (they also exit when their
// stdin closes, should this process be killed outright).
const cleanup = () => { killAll(); fs.rmSync(tmp, { recursive: true, force: true }); };
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { progress.clear(); console.error(`\nbench: ${sig}, stopping; no results written`); cleanup(); process.exit(130); });
}

// Timing: warm-up of warmSec after one first call, reps of about repSec each; an engine whose one
// call takes longer than maxCallSec skips the case (and the larger ones after it), reported as such.
// With more than one thread, each engine's rep starts settleSec after the previous one ended:
// OpenBLAS's idle workers busy-wait about 2^28 cycles (~0.1 s) after a call, so whichever engine
// ran right after numpy or PyTorch shared the cores with their spinning threads (kindling 2-thread
// GEMM 1024³: 110 GFLOP/s alone, 85 interleaved). Each engine's own back-to-back calls are as before.
const T = {
  ...(opts.quick ? { repSec: 0.02, warmSec: 0.08, maxCallSec: 0.4 } : { repSec: 0.08, warmSec: 0.3, maxCallSec: 1.5 }),
  settleSec: 0.15,
};
const PRIORITY = ['pytorch', 'numpy', 'onnxruntime', 'kindling-js', 'kindling-native', 'kindling-traced', 'kindling-traced-js', 'kindling-onnx', 'tfjs-wasm', 'tfjs-cpu'];

const meta = {
  date: new Date().toISOString(), host: os.hostname(), command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: machine(), threads: opts.threads, reps: opts.reps, quick: opts.quick, timing: T, tolerance: TOLERANCE,
  peak: fmaPeak(opts.threads), engines: {}, unavailable: UNAVAILABLE,
};
const results = [];
const minThreads = opts.threads[0];
const runsAt = (e, t) => ENGINES[e].threaded || t === minThreads;
// an engine may be limited to some suites, and a suite to some engines (serve: kindling's own)
const covers = (e, s) => runsSuite(e, s) && (!SUITES[s].engines || SUITES[s].engines.includes(e));
// seconds per unit of work, per engine, suite and op (a slow gelu says nothing about add's speed)
const rateKey = (e, c) => `${e}|${c.suite}|${c.op ?? ''}`;

const caseList = opts.suites.flatMap((s) => SUITES[s].cases(opts.quick).map((c) => ({ ...c, suite: s })));
const total = opts.threads.length * caseList.length;
console.log(`kindling benchmarks: ${caseList.length} cases × threads ${opts.threads.join(',')} · engines ${opts.engines.join(', ')} · ${opts.reps} reps`);
console.log(`${meta.machine.cpu}, ${meta.machine.logicalCpus} CPUs [${meta.machine.cpuFlags.join(' ')}], Node ${process.version}; ` +
  `FMA peak ${meta.peak.missing ?? Object.entries(meta.peak.gflops).map(([n, g]) => `${g.toFixed(1)} GFLOP/s on ${n}T`).join(', ')}`);

async function startWorker(e, t) {
  const w = new Worker(e, t);
  const hello = await w.request('hello', {}, 120);
  meta.engines[e] ??= {};
  if (!hello.ok) {
    meta.engines[e][t] = { missing: String(hello.error ?? hello.na).split('\n')[0] };
    w.kill();
    return null;
  }
  meta.engines[e][t] = { version: hello.version, info: hello.info };
  return w;
}

const started = Date.now();
let done = 0, kindlingWrong = 0;
for (const t of opts.threads) {
  const engines = opts.engines.filter((e) => runsAt(e, t) && opts.suites.some((s) => covers(e, s)));
  const workers = {}, crashes = {}, rate = {}, retries = {};
  for (const e of engines) {
    progress.status(`threads ${t}: starting ${e}`);
    workers[e] = await startWorker(e, t);
    const m = meta.engines[e][t];
    console.log(`  ${e.padEnd(16)} ${m.missing ? `MISSING: ${m.missing}` : `${m.version}  ${JSON.stringify(m.info)}`}`);
  }
  for (const c of caseList) {
    const suite = SUITES[c.suite];
    const label = `threads ${t} · ${c.suite} ${c.label}`;
    const caseEngines = engines.filter((e) => covers(e, c.suite));
    progress.status(`[${done + 1}/${total}] ${label}: data`);
    const files = materialize(tmp, `${c.suite}-${c.id}`, c.data);
    const spec = Object.fromEntries(Object.entries(c).filter(([, v]) => typeof v !== 'function'));
    const entry = (e, status, extra = {}) => ({ suite: c.suite, case: c.id, label: c.label, threads: t, engine: e, unit: suite.unit, status, ...extra });
    const rows = {};
    for (const e of caseEngines) {
      // an engine that failed to start is retried on the next few cases: a library being rebuilt
      // in the same tree is missing for a moment, not for the whole run
      if (!workers[e] && (retries[e] = (retries[e] ?? 0) + 1) <= 5 && !ENGINES[e].spawn().missing) {
        workers[e] = await startWorker(e, t);
      }
      if (!workers[e]) rows[e] = entry(e, 'missing', { note: meta.engines[e][t].missing });
    }
    // Restart an engine that crashed on an earlier case; after 3 crashes leave it out, saying so.
    const live = [];
    for (const e of caseEngines) {
      if (rows[e]) continue;
      if (workers[e].dead) {
        crashes[e] = (crashes[e] ?? 0) + 1;
        if (crashes[e] > 3) { rows[e] = entry(e, 'error', { note: 'crashed 3 times; not restarted' }); continue; }
        workers[e] = await startWorker(e, t);
        if (!workers[e]) { rows[e] = entry(e, 'error', { note: meta.engines[e][t].missing }); continue; }
      }
      const key = rateKey(e, c);
      if (rate[key] && rate[key] * c.work > T.maxCallSec) {
        rows[e] = entry(e, 'skipped', { note: `predicted ${(rate[key] * c.work).toFixed(1)} s per call (limit ${T.maxCallSec} s)` });
        continue;
      }
      live.push(e);
    }
    if (suite.standalone) await measureStandalone(c, live, { workers, rows, entry, spec, files, t, label });
    else {
      // 1. Same inputs, fresh instance: outputs must agree before any timing counts.
      const outputs = {};
      for (const e of live) {
        progress.status(`[${done + 1}/${total}] ${label}: checking ${e}`);
        const out = path.join(tmp, `out-${e}.bin`);
        const r = await workers[e].request('check', { case: spec, files, out });
        if (r.ok) outputs[e] = readF32(out);
        else rows[e] = entry(e, r.na ? 'n/a' : 'error', { note: r.na ?? r.error });
      }
      const check = crossCheck(outputs, PRIORITY);
      // 2. Warm-up, and the calls per rep.
      const timed = [];
      for (const e of live.filter((x) => !rows[x])) {
        progress.status(`[${done + 1}/${total}] ${label}: warm-up ${e}`);
        let r = await workers[e].request('prepare', { case: spec, files });
        if (r.ok) r = await workers[e].request('warmup', T);
        if (!r.ok) rows[e] = entry(e, 'error', { note: r.error });
        else if (r.tooSlow) {
          rate[rateKey(e, c)] = r.tooSlow / c.work;
          rows[e] = entry(e, 'skipped', { note: `one call took ${r.tooSlow.toFixed(2)} s (limit ${T.maxCallSec} s)` });
        } else {
          // minInner: a tiny op's mean needs many calls per rep, however short repSec is
          timed.push({ e, inner: Math.max(suite.minInner ?? 1, r.inner), secs: [], times: [] });
        }
      }
      // 3. Timed reps, interleaved; the starting engine rotates so none is always first.
      for (let rep = 0; rep < opts.reps; rep++) {
        progress.status(`[${done + 1}/${total}] ${label}: rep ${rep + 1}/${opts.reps}`);
        for (let k = 0; k < timed.length; k++) {
          const x = timed[(k + rep) % timed.length];
          if (x.error) continue;
          if (t > 1) await sleep(T.settleSec * 1000);
          const r = await workers[x.e].request('rep', { inner: x.inner, perCall: !!suite.perCall });
          if (!r.ok) { x.error = r.error; continue; }
          // fromLatency suites count the median call of each rep, the others the mean
          x.secs.push(suite.fromLatency ? median(r.times) / 1e6 : r.total / x.inner);
          if (r.times) for (const v of r.times) x.times.push(v);
        }
      }
      for (const x of timed) {
        const released = await workers[x.e].request('release');
        if (x.error) { rows[x.e] = entry(x.e, 'error', { note: x.error }); continue; }
        const sec = median(x.secs), lo = Math.min(...x.secs), hi = Math.max(...x.secs);
        rate[rateKey(x.e, c)] = sec / c.work;
        const [vmin, vmax] = [suite.value(c, hi), suite.value(c, lo)].sort((a, b) => a - b);
        const ck = check[x.e];
        rows[x.e] = entry(x.e, ck.ok ? 'ok' : 'wrong', {
          value: suite.value(c, sec), min: vmin, max: vmax, secPerCall: sec, reps: x.secs.length, callsPerRep: x.inner,
          latencyUs: x.times.length ? { median: median(x.times), p99: quantile(x.times, 0.99) } : undefined,
          check: { relError: ck.err, against: ck.ref, alone: ck.alone ?? false },
          peakRss: released.peakRss,
          peakPct: c.suite === 'gemm' && meta.peak.gflops?.[ENGINES[x.e].threaded ? t : 1] ? (100 * suite.value(c, sec)) / meta.peak.gflops[ENGINES[x.e].threaded ? t : 1] : undefined,
        });
        if (!ck.ok) {
          if (ENGINES[x.e].kind === 'kindling') kindlingWrong++;
          progress.clear();
          console.error(`\n!!! WRONG OUTPUT: ${x.e} on ${label}: relative error ${ck.err.toExponential(2)} against ${ck.ref} (tolerance ${TOLERANCE})\n`);
        }
      }
    }
    for (const e of caseEngines) results.push(rows[e]);
    done++;
    progress.line(`[${done}/${total}] ${label.padEnd(44)} ${caseEngines.map((e) => `${e} ${cell(rows[e], suite)}`).join(' · ')}`);
    progress.status(`[${done}/${total}] ${fmtTime(Date.now() - started)} elapsed`);
  }
  for (const w of Object.values(workers)) w?.kill();
}
progress.clear();

/**
 * A suite that times itself in the engine's process (serve: a forwardAsync's cost, the event loop
 * under load): one 'measure' request per engine, engines one after another. The worker checks its
 * own results (forwardAsync against the synchronous call) and says whether they were wrong.
 */
async function measureStandalone(c, live, { workers, rows, entry, spec, files, t, label }) {
  const suite = SUITES[c.suite];
  for (const e of live) {
    progress.status(`[${done + 1}/${total}] ${label}: ${e}`);
    if (t > 1) await sleep(T.settleSec * 1000);
    const r = await workers[e].request('measure', { case: spec, files, timing: { ...T, reps: opts.reps } });
    if (!r.ok) { rows[e] = entry(e, r.na ? 'n/a' : 'error', { note: r.na ?? r.error }); continue; }
    const m = r.measured;
    rows[e] = entry(e, m.wrong ? 'wrong' : 'ok', { ...m, unit: m.unit ?? suite.unit, value: suite.value(c, m) });
    if (m.wrong) {
      if (ENGINES[e].kind === 'kindling') kindlingWrong++;
      progress.clear();
      console.error(`\n!!! WRONG OUTPUT: ${e} on ${label}: ${m.wrong}\n`);
    }
  }
}

function cell(r, suite) {
  if (r.status === 'ok' || r.status === 'wrong') return `${fmt(r.value)}${r.status === 'wrong' ? ' WRONG' : ''}`;
  return r.status;
}
function fmt(v) {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
function fmtTime(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

meta.durationSec = Math.round((Date.now() - started) / 1000);
fs.mkdirSync(outDir, { recursive: true });
const stem = `${meta.date.slice(0, 10)}-${meta.host}${opts.quick ? '-quick' : ''}`;
const json = { meta, suites: Object.fromEntries(opts.suites.map((s) => [s, { title: SUITES[s].title, unit: SUITES[s].unit, higherIsBetter: SUITES[s].higherIsBetter, ...(SUITES[s].standalone ? { standalone: true } : {}) }])), results };
// one result per line: readable, and diffs between committed runs stay small
const jsonText = `{\n"meta": ${JSON.stringify(meta, null, 1)},\n"suites": ${JSON.stringify(json.suites)},\n"results": [\n${results.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
fs.writeFileSync(path.join(outDir, `${stem}.json`), jsonText);
const md = summaryMarkdown(json, stem);
fs.writeFileSync(path.join(outDir, `${stem}.md`), md);
// on the console: the summary, traced kindling's and serving's sections (the full tables are in the file)
const headline = md.split('\n## ').slice(1).filter((sec) => /^(Summary|Traced|Serving)/.test(sec));
console.log(`\n${headline.length ? headline.map((sec) => `## ${sec}`).join('\n') : md}`);
console.log(`results: ${path.relative(process.cwd(), path.join(outDir, `${stem}.json`))} and .md (${fmtTime(Date.now() - started)})`);
if (opts.charts) {
  try {
    const { renderCharts } = await import('./charts.mjs');
    const svgs = await renderCharts(json, outDir, stem);
    console.log(`charts: ${svgs.map((p) => path.relative(process.cwd(), p)).join(', ')}`);
  } catch (e) {
    console.error(`charts not drawn (${e.code === 'ERR_MODULE_NOT_FOUND' ? 'vega is missing: npm run bench:setup' : e.message})`);
  }
}
if (kindlingWrong) {
  console.error(`\n!!! kindling gave ${kindlingWrong} wrong output(s): see WRONG above and in the summary`);
  process.exitCode = 1;
}
