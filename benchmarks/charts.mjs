// SVG charts from a results JSON, drawn with vega-lite (vega renders SVG in Node, no canvas):
// GFLOP/s against size per engine, MLP throughput per batch size per engine, training step per
// engine. run.mjs calls renderCharts after a run; by hand:
//   node benchmarks/charts.mjs benchmarks/results/<date>-<host>.json
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowResults } from './lib/report.mjs';

const COLORS = {
  'kindling-native': '#d62728', 'kindling-js': '#ff9896', 'kindling-traced': '#e377c2', 'kindling-traced-js': '#f7b6d2', onnxruntime: '#1f77b4', 'tfjs-wasm': '#2ca02c',
  'tfjs-cpu': '#98df8a', pytorch: '#9467bd', numpy: '#8c564b',
};
const color = (engines) => ({ field: 'engine', type: 'nominal', title: 'engine', scale: { domain: engines, range: engines.map((e) => COLORS[e] ?? '#7f7f7f') } });

/** Correct results only (a wrong answer is no data point), single-threaded engines carried over. */
function points(json, suite) {
  const cases = [...new Map(json.results.filter((r) => r.suite === suite).map((r) => [r.case, r])).values()];
  const pts = [];
  for (const t of json.meta.threads) {
    for (const c of cases) {
      for (const [e, r] of Object.entries(rowResults(json, suite, c.case, t))) {
        if (r.status === 'ok') pts.push({ ...r, threads: t, threadsLabel: `${t} thread${t > 1 ? 's' : ''}` });
      }
    }
  }
  return pts;
}

function specs(json) {
  const out = {};
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: { font: 'sans-serif', view: { stroke: '#ddd' } } };
  const sub = `${json.meta.machine.cpu}, ${json.meta.date.slice(0, 10)}; median of ${json.meta.reps} reps`;
  if (json.suites.gemm) {
    const pts = points(json, 'gemm').map((p) => ({ ...p, size: Math.cbrt(p.case.split('x').reduce((a, b) => a * b, 1)), square: new Set(p.case.split('x')).size === 1 }));
    const engines = [...new Set(pts.map((p) => p.engine))];
    const peak = json.meta.peak.gflops ? json.meta.threads.map((t) => ({ threadsLabel: `${t} thread${t > 1 ? 's' : ''}`, peak: json.meta.peak.gflops[t] })) : [];
    out.gemm = {
      ...base, title: { text: 'fp32 GEMM, square sizes: GFLOP/s (dashed: FMA peak measured in the run)', subtitle: sub },
      facet: { column: { field: 'threadsLabel', title: null } },
      data: { values: [...pts.filter((p) => p.square), ...peak.map((p) => ({ ...p, engine: 'peak' }))] },
      spec: {
        width: 320, height: 240,
        layer: [
          { transform: [{ filter: 'datum.engine !== "peak"' }], mark: { type: 'line', point: true },
            encoding: { x: { field: 'size', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'n (n×n×n)' }, y: { field: 'value', type: 'quantitative', title: 'GFLOP/s' }, color: color(engines) } },
          { transform: [{ filter: 'datum.engine === "peak"' }], mark: { type: 'rule', strokeDash: [4, 4], color: '#555' }, encoding: { y: { field: 'peak', type: 'quantitative' } } },
        ],
      },
    };
  }
  if (json.suites.mlp) {
    const pts = points(json, 'mlp').map((p) => ({ ...p, model: p.label.split(' ')[0], batch: Number(p.case.split('-b')[1]) }));
    const engines = [...new Set(pts.map((p) => p.engine))];
    out.mlp = {
      ...base, title: { text: 'MLP inference (no_grad): samples/s by batch size', subtitle: sub },
      data: { values: pts },
      facet: { row: { field: 'threadsLabel', title: null }, column: { field: 'model', title: null, sort: ['SimpleNN', 'AdvancedNN', 'MLP784'] } },
      spec: {
        width: 200, height: 200, mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'batch', type: 'ordinal', title: 'batch', axis: { labelAngle: 0 } },
          y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'samples/s (log)', axis: { tickCount: 6, format: '~s' } },
          color: color(engines),
        },
      },
      resolve: { scale: { y: 'independent' } },
    };
  }
  if (json.suites.train) {
    const pts = points(json, 'train');
    const engines = [...new Set(pts.map((p) => p.engine))];
    out.train = {
      ...base, title: { text: 'Training step, MLP784, batch 64, cross-entropy: ms per step per optimizer (lower is better)', subtitle: sub },
      data: { values: pts }, facet: { row: { field: 'threadsLabel', title: null }, column: { field: 'label', title: null, sort: [...new Set(pts.map((p) => p.label))] } },
      spec: {
        // bars on a log axis need a base: 1 ms
        width: 420, height: { step: 20 },
        encoding: { y: { field: 'engine', type: 'nominal', sort: 'x', title: null } },
        layer: [
          { mark: 'bar', encoding: { x: { field: 'value', type: 'quantitative', scale: { type: 'log', domainMin: 1 }, title: 'ms per step (log)' }, x2: { datum: 1 }, color: { ...color(engines), legend: null } } },
          { mark: { type: 'text', align: 'left', dx: 3 }, encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'value', type: 'quantitative', format: '.3~r' } } },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    };
  }
  return out;
}

export async function renderCharts(json, outDir, stem) {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const written = [];
  for (const [name, spec] of Object.entries(specs(json))) {
    const view = new vega.View(vega.parse(vl.compile(spec, { logger: vega.logger(vega.Error) }).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    const p = path.join(outDir, `${stem}-${name}.svg`);
    fs.writeFileSync(p, svg);
    written.push(p);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node benchmarks/charts.mjs benchmarks/results/<date>-<host>.json');
    process.exit(2);
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = await renderCharts(json, path.dirname(file), path.basename(file, '.json'));
  console.log(out.join('\n'));
}
