// The Markdown summary: one row per case and thread count, kindling against the best peer that
// gave a correct answer; kindling's elementwise ops against its own copy and its tiny-op cost
// native vs JS; then every engine's numbers, then every gap (missing, n/a, skipped, wrong).

const KINDLING = ['kindling-native', 'kindling-js'];
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
    if (seen.has(key)) continue;
    seen.add(key);
    const sm = json.suites[r.suite];
    const byEngine = rowResults(json, r.suite, r.case, r.threads);
    const good = (e) => byEngine[e]?.status === 'ok' ? byEngine[e] : null;
    let best = null;
    for (const [e, x] of Object.entries(byEngine)) {
      if (KINDLING.includes(e) || x.status !== 'ok') continue;
      if (!best || (sm.higherIsBetter ? x.value > best.value : x.value < best.value)) best = x;
    }
    out.push({ suite: r.suite, case: r.case, label: r.label, threads: r.threads, byEngine, best, native: good('kindling-native'), js: good('kindling-js'), ratio: ratio(sm, good('kindling-native'), best) });
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

const valueCell = (x, unit) => {
  if (!x) return '–';
  if (x.status === 'ok' || x.status === 'wrong') {
    const lat = x.latencyUs ? ` · ${fmt(x.latencyUs.median)}/${fmt(x.latencyUs.p99)} µs` : '';
    const pk = x.peakPct != null ? ` (${x.peakPct.toFixed(0)}%)` : '';
    return `${x.status === 'wrong' ? '**WRONG** ' : ''}${fmt(x.value)}${pk}${lat}${x.singleThread ? ' ¹' : ''}`;
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
  L.push('', '## Summary: kindling native ÷ best peer', '');
  L.push('Ratio above 1: kindling native is faster than the fastest correct peer on that row; below 1 it loses. GEMM values carry the % of the FMA peak.', '');
  L.push('| suite | case | threads | kindling native | kindling JS | best peer | native ÷ best peer |', '|---|---|---|---|---|---|---|');
  for (const r of all) {
    const unit = json.suites[r.suite].unit;
    const ratioCell = r.ratio == null ? '–' : r.ratio >= 1 ? `${r.ratio.toFixed(2)}×` : `**${r.ratio.toFixed(2)}×** (loses)`;
    L.push(`| ${r.suite} | ${r.label} | ${r.threads} | ${valueCell(r.byEngine['kindling-native'], unit)} | ${valueCell(r.byEngine['kindling-js'], unit)} | ${r.best ? `${r.best.engine} ${valueCell(r.best, unit)}` : '–'} | ${ratioCell} |`);
  }
  L.push('', 'Units: gemm GFLOP/s, ops GB/s (read + write), mlp samples/s with median/p99 µs per call, train ms per step, floor µs per call, overhead ns per call (the mean over ≥ 10 000 calls a rep). ¹ a single-threaded engine, its 1-thread number.');

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

  for (const [s, sm] of Object.entries(json.suites)) {
    const rs = all.filter((r) => r.suite === s);
    if (!rs.length) continue;
    const engines = [...new Set(json.results.filter((r) => r.suite === s).map((r) => r.engine))];
    L.push('', `## ${sm.title} (${sm.unit}${sm.higherIsBetter ? ', higher is better' : ', lower is better'})`, '');
    L.push(`| case | threads | ${engines.join(' | ')} |`, `|---|---|${engines.map(() => '---|').join('')}`);
    for (const r of rs) L.push(`| ${r.label} | ${r.threads} | ${engines.map((e) => valueCell(r.byEngine[e], sm.unit)).join(' | ')} |`);
  }

  const gaps = json.results.filter((r) => r.status !== 'ok');
  L.push('', '## Wrong outputs, errors, skips and gaps', '');
  if (!gaps.length) L.push('None.');
  const wrong = gaps.filter((r) => r.status === 'wrong');
  for (const r of wrong) L.push(`- **WRONG OUTPUT** ${r.engine}, ${r.suite} ${r.label}, ${r.threads}T: relative error ${r.check.relError.toExponential(2)} against ${r.check.against}`);
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
