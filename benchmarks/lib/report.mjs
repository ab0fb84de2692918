// The Markdown summary: one row per case and thread count, kindling against the best peer that
// gave a correct answer; kindling's elementwise ops against its own copy and its tiny-op cost
// native vs JS; traced kindling against the best peer and the serving targets; forwardAsync and
// the event loop (the serve suite); then every engine's numbers, then every gap (missing, n/a,
// skipped, wrong).
import { SERVING_TARGETS } from './suites.mjs';

const KINDLING = ['kindling-native', 'kindling-js', 'kindling-traced', 'kindling-traced-js', 'kindling-onnx'];
const fmt = (v) => (v == null ? '–' : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Results of row (suite, case, threads): single-threaded engines' numbers stand for every count. */
export function rowResults(json, suite, id, t) {
  const min = Math.min(...json.meta.threads);
  const byEngine = {};
  for (const r of json.results) {
    if (r.suite !== suite || r.case !== id) continue;
    if (r.threads === t) byEngine[r.engine] = r;
    else if (r.threads === min && !byEngine[r.engine]) byEngine[r.engine] = { ...r, singleThread: true };
  }
  return byEngine;
}

/** kindling's speed over the best correct peer's: above 1 kindling is faster. */
export function ratio(suiteMeta, k, peer) {
  if (!k || !peer) return null;
  return suiteMeta.higherIsBetter ? k.value / peer.value : peer.value / k.value;
}

export function rows(json) {
  const out = [];
  const seen = new Set();
  for (const r of json.results) {
    const key = `${r.suite}|${r.case}|${r.threads}`;
    if (seen.has(key) || json.suites[r.suite].standalone) continue;
    seen.add(key);
    const sm = json.suites[r.suite];
    const byEngine = rowResults(json, r.suite, r.case, r.threads);
    const good = (e) => byEngine[e]?.status === 'ok' ? byEngine[e] : null;
    let best = null;
    for (const [e, x] of Object.entries(byEngine)) {
      if (KINDLING.includes(e) || x.status !== 'ok') continue;
      if (!best || (sm.higherIsBetter ? x.value > best.value : x.value < best.value)) best = x;
    }
    out.push({
      suite: r.suite, case: r.case, label: r.label, threads: r.threads, byEngine, best, native: good('kindling-native'), js: good('kindling-js'),
      traced: good('kindling-traced'), ratio: ratio(sm, good('kindling-native'), best), tracedRatio: ratio(sm, good('kindling-traced'), best),
    });
  }
  return out;
}

/** The case id of kindling's own copy of the same size as an ops row (`relu-100000` → `copy-100000`). */
const copyCase = (id) => `copy-${id.slice(id.lastIndexOf('-') + 1)}`;

/**
 * Each ops row (copy itself aside) against kindling native's own copy of the same size and thread
 * count: time per call over the copy's (above 1 the op takes longer than a copy), and the same per
 * byte moved (add and mul move 3 arrays to copy's 2, so their time ratio at copy's bandwidth is 1.5).
 */
export function copyRatios(all) {
  const out = [];
  for (const r of all) {
    if (r.suite !== 'ops' || r.case.startsWith('copy-')) continue;
    const row = all.find((x) => x.suite === 'ops' && x.case === copyCase(r.case) && x.threads === r.threads);
    if (!row) continue; // no copy of this size in the run (--quick has one)
    const copy = row.native, ok = r.native && copy;
    out.push({
      label: r.label, threads: r.threads, native: r.native, copy,
      time: ok ? r.native.secPerCall / copy.secPerCall : null,
      perByte: ok ? copy.value / r.native.value : null,
    });
  }
  return out;
}

// how far past a copy an elementwise op may run before the report marks it
export const COPY_BUDGET = 1.5;

// the train suite's peak RSS of the engine's process (‡: since the process started, not the case)
const rssCell = (r) => (r ? ` · ${(r.bytes / 2 ** 20).toFixed(0)} MiB${r.since === 'case' ? '' : ' ‡'}` : '');

const valueCell = (x, unit) => {
  if (!x) return '–';
  if (x.status === 'ok' || x.status === 'wrong') {
    const lat = x.latencyUs ? ` · ${fmt(x.latencyUs.median)}/${fmt(x.latencyUs.p99)} µs` : '';
    const pk = x.peakPct != null ? ` (${x.peakPct.toFixed(0)}%)` : '';
    return `${x.status === 'wrong' ? '**WRONG** ' : ''}${fmt(x.value)}${pk}${lat}${rssCell(x.peakRss)}${x.singleThread ? ' ¹' : ''}`;
  }
  return x.status;
};

/** Names the BLAS a Python engine loaded, and says so loudly when it is the reference BLAS. */
export function blasNote(blas) {
  if (!blas) return '';
  const list = [].concat(blas);
  const reference = list.length && list.every((p) => !/openblas|mkl|blis/i.test(p));
  return `, BLAS ${list.join(', ')}${reference ? ' (**reference BLAS**, not OpenBLAS: its GEMM is far below what PyTorch users normally get; on Debian `apt-get install libopenblas0-pthread`)' : ''}`;
}

export function summaryMarkdown(json, stem) {
  const m = json.meta, L = [];
  L.push(`# kindling benchmarks: ${m.date.slice(0, 16).replace('T', ' ')} UTC, ${m.host}`, '');
  L.push(`Command: \`${m.command}\` · ${m.machine.cpu}, ${m.machine.logicalCpus} logical CPUs [${m.machine.cpuFlags.join(' ')}], ${m.machine.memoryGiB} GiB, ${m.machine.os}, Node ${m.machine.node} · load average at start ${m.machine.loadAverageAtStart.join(' ')} · ${Math.round(m.durationSec / 60)} min`);
  L.push('', `FMA peak measured in this run: ${m.peak.missing ? `missing (${m.peak.missing})` : `${Object.entries(m.peak.gflops).map(([n, g]) => `${g.toFixed(1)} GFLOP/s on ${n} thread${n > 1 ? 's' : ''}`).join(', ')} (${m.peak.isa})`}`);
  L.push('', 'Engines:');
  for (const [e, per] of Object.entries(m.engines)) {
    const v = Object.entries(per).map(([t, x]) => (x.missing ? `${t}T: **missing** (${x.missing})` : `${t}T`)).join(', ');
    const any = Object.values(per).find((x) => !x.missing);
    L.push(`- ${e}${any ? ` ${any.version}` : ''}: ${v}${any?.info?.isa ? `, ISA ${any.info.isa}` : ''}${blasNote(any?.info?.blas)}`);
  }
  for (const [e, why] of Object.entries(m.unavailable)) L.push(`- ${e}: **not run**: ${why}`);
  L.push('', `Method: warm-up, then ${m.reps} timed reps per engine, engines interleaved rep by rep${m.timing?.settleSec ? ` (with more than one thread, ${Math.round(m.timing.settleSec * 1000)} ms apart, so no engine's idle spinning workers overlap the next one's rep)` : ''}; median (min–max in the JSON). Outputs checked across engines before timing (relative error ≤ ${m.tolerance}). Same seeded inputs and weights for every engine.`);

  const all = rows(json);
  if (all.length) {
    L.push('', '## Summary: kindling native ÷ best peer', '');
    L.push('Ratio above 1: kindling native is faster than the fastest correct peer on that row; below 1 it loses. GEMM values carry the % of the FMA peak.', '');
    L.push('| suite | case | threads | kindling native | kindling JS | best peer | native ÷ best peer |', '|---|---|---|---|---|---|---|');
    for (const r of all) {
      const unit = json.suites[r.suite].unit;
      const ratioCell = r.ratio == null ? '–' : r.ratio >= 1 ? `${r.ratio.toFixed(2)}×` : `**${r.ratio.toFixed(2)}×** (loses)`;
      L.push(`| ${r.suite} | ${r.label} | ${r.threads} | ${valueCell(r.byEngine['kindling-native'], unit)} | ${valueCell(r.byEngine['kindling-js'], unit)} | ${r.best ? `${r.best.engine} ${valueCell(r.best, unit)}` : '–'} | ${ratioCell} |`);
    }
    L.push('', 'Units: gemm GFLOP/s, ops GB/s (read + write), mlp samples/s with median/p99 µs per call, train ms per step · peak RSS of the engine process over the case†, floor µs per call, overhead ns per call (the mean over ≥ 10 000 calls a rep). ¹ a single-threaded engine, its 1-thread number.');
    if (all.some((r) => r.suite === 'train')) {
      L.push('', "† Each engine runs every suite of a thread count in one process; the kernel's peak-RSS mark is reset when a train case is built, " +
        'so the peak covers that case\'s warm-up and timed steps on top of what the process already held (the libraries, what earlier cases left). ' +
        '‡ the mark could not be reset: the peak since the process started.');
    }
  }

  const vsCopy = copyRatios(all);
  if (vsCopy.length) {
    L.push('', '### kindling elementwise vs its own copy', '');
    L.push(`kindling native's time per call over its own \`x.clone()\` of the same size and thread count (the ops suite's copy row): ` +
      `above ${COPY_BUDGET}× (bold) the op takes more than ${COPY_BUDGET} copies' time. add and mul move 3 arrays to copy's 2, so ${COPY_BUDGET}× is copy's bandwidth for them; ` +
      '"per byte" divides the bytes out (1.00× = copy\'s GB/s).', '');
    L.push('| case | threads | kindling native GB/s | its copy GB/s | time ÷ copy | per byte ÷ copy |', '|---|---|---|---|---|---|');
    const x = (v) => (v == null ? '–' : v > COPY_BUDGET ? `**${v.toFixed(2)}×**` : `${v.toFixed(2)}×`);
    for (const r of vsCopy) {
      L.push(`| ${r.label} | ${r.threads} | ${r.native ? fmt(r.native.value) : '–'} | ${r.copy ? fmt(r.copy.value) : '–'} | ${x(r.time)} | ${r.perByte == null ? '–' : `${r.perByte.toFixed(2)}×`} |`);
    }
  }

  const tiny = all.filter((r) => r.suite === 'overhead');
  if (tiny.length) {
    L.push('', '### Tiny op: kindling native vs kindling JS per call', '');
    L.push('Time per call through the native backend over the JS backend\'s: above 1 a tiny op costs more through the native backend.', '');
    const unit = json.suites.overhead.unit;
    L.push(`| case | threads | kindling native ${unit} | kindling JS ${unit} | native ÷ JS | best peer ${unit} |`, '|---|---|---|---|---|---|');
    for (const r of tiny) {
      const k = r.native && r.js ? r.native.value / r.js.value : null;
      L.push(`| ${r.label} | ${r.threads} | ${valueCell(r.byEngine['kindling-native'], unit)} | ${valueCell(r.byEngine['kindling-js'], unit)} | ${k == null ? '–' : `${k.toFixed(2)}× (${k > 1 ? 'native costs more' : 'native costs less'})`} | ${r.best ? `${r.best.engine} ${valueCell(r.best, unit)}` : '–'} |`);
    }
  }

  L.push(...tracedSection(json, all), ...dropInSection(json, all), ...serveSection(json));

  for (const [s, sm] of Object.entries(json.suites)) {
    const rs = all.filter((r) => r.suite === s);
    if (!rs.length) continue;
    const engines = [...new Set(json.results.filter((r) => r.suite === s).map((r) => r.engine))];
    L.push('', `## ${sm.title} (${sm.unit}${sm.higherIsBetter ? ', higher is better' : ', lower is better'})`, '');
    L.push(`| case | threads | ${engines.join(' | ')} |`, `|---|---|${engines.map(() => '---|').join('')}`);
    for (const r of rs) L.push(`| ${r.label} | ${r.threads} | ${engines.map((e) => valueCell(r.byEngine[e], sm.unit)).join(' | ')} |`);
  }

  const gaps = json.results.filter((r) => r.status !== 'ok');
  const why = (r) => (r.check?.relError != null ? `relative error ${r.check.relError.toExponential(2)}${r.check.against ? ` against ${r.check.against}` : ''}` : r.wrong);
  L.push('', '## Wrong outputs, errors, skips and gaps', '');
  if (!gaps.length) L.push('None.');
  const wrong = gaps.filter((r) => r.status === 'wrong');
  for (const r of wrong) L.push(`- **WRONG OUTPUT** ${r.engine}, ${r.suite} ${r.label}, ${r.threads}T: ${why(r)}`);
  // the rest grouped, so a missing engine is one line and not one per case
  const groups = new Map();
  for (const r of gaps.filter((x) => x.status !== 'wrong')) {
    const k = `${r.engine}|${r.status}|${r.note ?? ''}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(`${r.suite} ${r.label} ${r.threads}T`);
  }
  for (const [k, where] of groups) {
    const [e, status, note] = k.split('|');
    L.push(`- ${e} ${status}${note ? `: ${note.split('\n')[0]}` : ''} (${where.length > 6 ? `${where.length} cases, e.g. ${where.slice(0, 3).join('; ')}` : where.join('; ')})`);
  }
  L.push('');
  return L.join('\n');
}

const x2 = (v, target) => (v == null ? '–' : v < target ? `**${v.toFixed(2)}×**` : `${v.toFixed(2)}×`);

/**
 * torch.jit.trace'd kindling on the model suites: against eager kindling and the best peer, bold
 * below the issue's target; then traced SimpleNN B=1 calls/s over onnxruntime-node's.
 */
export function tracedSection(json, all) {
  const rs = all.filter((r) => (r.suite === 'mlp' || r.suite === 'floor') && r.byEngine['kindling-traced']);
  if (!rs.length) return [];
  const T = SERVING_TARGETS, L = [];
  L.push('', '## Traced kindling (torch.jit.trace) ÷ best peer', '');
  L.push(`kindling traced: \`torch.jit.trace(model, x)\` once, then \`traced(x)\` timed. Target: ≥ ${T.tracedOverBestPeer}× the best peer on every mlp row (bold: below it). ` +
    'Units as in the summary; the eager column is kindling native\'s `no_grad` forward.', '');
  L.push('| suite | case | threads | kindling traced | kindling native (eager) | traced ÷ eager | best peer | traced ÷ best peer |', '|---|---|---|---|---|---|---|---|');
  for (const r of rs) {
    const sm = json.suites[r.suite], unit = sm.unit;
    const vsEager = ratio(sm, r.traced, r.native);
    L.push(`| ${r.suite} | ${r.label} | ${r.threads} | ${valueCell(r.byEngine['kindling-traced'], unit)} | ${valueCell(r.byEngine['kindling-native'], unit)} | ${vsEager == null ? '–' : `${vsEager.toFixed(2)}×`} | ` +
      `${r.best ? `${r.best.engine} ${valueCell(r.best, unit)}` : '–'} | ${r.suite === 'mlp' ? x2(r.tracedRatio, T.tracedOverBestPeer) : r.tracedRatio == null ? '–' : `${r.tracedRatio.toFixed(2)}×`} |`);
  }
  // calls/s at batch 1: samples/s in mlp, 1/(µs per call) in floor; ratio() reads either way
  const vsOnnx = [];
  for (const r of all.filter((x) => (x.suite === 'mlp' && x.case === 'SimpleNN-b1') || x.suite === 'floor')) {
    const onnx = r.byEngine.onnxruntime?.status === 'ok' ? r.byEngine.onnxruntime : null;
    const k = ratio(json.suites[r.suite], r.traced, onnx);
    if (k != null) vsOnnx.push(`${r.threads} thread${r.threads > 1 ? 's' : ''}, ${r.suite} ${x2(k, T.floorOverOnnx)}`);
  }
  if (vsOnnx.length) L.push('', `Traced SimpleNN B=1, calls/s over onnxruntime-node's (target ≥ ${T.floorOverOnnx}×): ${vsOnnx.join('; ')}.`);
  return L;
}

/** kindling/onnxruntime on the same ONNX bytes and run loop as onnxruntime-node, and against traced kindling. */
export function dropInSection(json, all) {
  const rs = all.filter((r) => r.byEngine['kindling-onnx']);
  if (!rs.length) return [];
  const L = ['', '## kindling/onnxruntime drop-in ÷ onnxruntime-node', ''];
  L.push('The drop-in: onnxruntime-node\'s benchmark code with its import changed to `kindling/onnxruntime` (same .onnx bytes, `await session.run(feeds)`). ' +
    'Above 1 the drop-in is faster.', '');
  L.push('| suite | case | threads | drop-in | onnxruntime-node | drop-in ÷ onnxruntime-node | kindling traced | drop-in ÷ traced |', '|---|---|---|---|---|---|---|---|');
  for (const r of rs) {
    const sm = json.suites[r.suite], unit = sm.unit;
    const good = (e) => (r.byEngine[e]?.status === 'ok' ? r.byEngine[e] : null);
    const cell = (v) => (v == null ? '–' : `${v.toFixed(2)}×`);
    L.push(`| ${r.suite} | ${r.label} | ${r.threads} | ${valueCell(r.byEngine['kindling-onnx'], unit)} | ${valueCell(r.byEngine.onnxruntime, unit)} | ` +
      `${cell(ratio(sm, good('kindling-onnx'), good('onnxruntime')))} | ${valueCell(r.byEngine['kindling-traced'], unit)} | ${cell(ratio(sm, good('kindling-onnx'), good('kindling-traced')))} |`);
  }
  return L;
}

/** The serve suite: forwardAsync's cost over the synchronous call, and the event loop's delay. */
export function serveSection(json) {
  const rs = json.results.filter((r) => r.suite === 'serve' && (r.status === 'ok' || r.status === 'wrong'));
  if (!rs.length) return [];
  const T = SERVING_TARGETS, L = [];
  const backend = (e) => (e === 'kindling-traced-js' ? 'JS' : 'native');
  const ms = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  const flag = (v, limit, text) => (v > limit ? `**${text}**` : text);
  const mark = (r) => (r.status === 'wrong' ? ' **WRONG**' : r.check?.bitEqual ? '' : ' ²');
  L.push('', `## ${json.suites.serve.title}`, '');
  const cost = rs.filter((r) => r.case.startsWith('async-'));
  if (cost.length) {
    L.push(`\`await traced.forwardAsync(x)\` one call at a time against \`traced(x)\`: µs per call, the median over reps (engines' reps alternate which goes first); ` +
      `extra = median over reps of the two medians' difference. Target: ≤ ${T.asyncExtraUs} µs extra (bold: above).`, '');
    L.push('| case | threads | backend | traced(x) µs median/p99 | forwardAsync µs median/p99 | extra µs |', '|---|---|---|---|---|---|');
    for (const r of cost) {
      L.push(`| ${r.label} | ${r.threads} | ${backend(r.engine)} | ${fmt(r.syncUs.median)}/${fmt(r.syncUs.p99)} | ${fmt(r.asyncUs.median)}/${fmt(r.asyncUs.p99)}${mark(r)} | ${flag(r.extraUs, T.asyncExtraUs, fmt(r.extraUs))} |`);
    }
  }
  const loop = rs.filter((r) => r.case.startsWith('loop-'));
  if (loop.length) {
    L.push('', `Event-loop delay (\`perf_hooks.monitorEventLoopDelay({ resolution: 1 })\`, ms) over ${loop[0].idle.seconds.toFixed(0)} s windows in one process: idle; ` +
      `with ${loop[0].inFlight} \`forwardAsync(x)\` kept in flight (each refilled as it resolves); and the same calls made synchronously, one per macrotask. ` +
      `Target: forwardAsync's p99 ≤ ${T.loopBeyondIdleMs} ms beyond the idle loop's (bold: above). ` +
      'Where the in-flight loop\'s time goes: the forwardAsync call itself on the JS thread (µs), and the garbage collections in that window.', '');
    L.push('| case | threads | backend | idle p50/p99 | forwardAsync in flight p50/p99 | p99 beyond idle | synchronous p50/p99 | samples/s forwardAsync / synchronous | forwardAsync call µs median/p99 | GCs in flight: count, longest ms |',
      '|---|---|---|---|---|---|---|---|---|---|');
    for (const r of loop) {
      L.push(`| ${r.label} | ${r.threads} | ${backend(r.engine)} | ${ms(r.idle.p50)}/${ms(r.idle.p99)} | ${ms(r.async.p50)}/${ms(r.async.p99)}${mark(r)} | ` +
        `${flag(r.beyondIdleP99Ms, T.loopBeyondIdleMs, ms(r.beyondIdleP99Ms))} | ${ms(r.sync.p50)}/${ms(r.sync.p99)} | ${fmt(r.async.samplesPerSec)} / ${fmt(r.sync.samplesPerSec)} | ` +
        `${r.async.launchUs ? `${fmt(r.async.launchUs.median)}/${fmt(r.async.launchUs.p99)}` : '–'} | ${r.async.gc ? `${r.async.gc.count}, ${ms(r.async.gc.maxMs)}` : '–'} |`);
    }
  }
  if (rs.some((r) => r.status === 'ok' && !r.check?.bitEqual)) L.push('', '² forwardAsync\'s results matched traced(x) within the tolerance but not bit for bit.');
  return L;
}
