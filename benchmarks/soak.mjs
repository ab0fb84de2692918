// npm run bench:soak [-- --quick] [--out DIR]
// Memory over long synchronous loops, which never let the event loop turn (so nothing may rely on
// N-API finalizers): 10^6 no_grad inferences, then 10^4 training steps each followed by two
// no_grad forwards (train/eval alternation: the weights change every step and are used twice at
// each version, so they are packed every step). Then serving, where the loop turns: 10^6 batch-1
// requests to a torch.jit.trace'd model through forwardAsync, 64 in flight, and 10^6 through
// torch.serve.DynamicBatcher's run(), 64 outstanding (as a server's concurrent requests). Samples
// RSS and external memory, reports their growth after warm-up, and writes results/<date>-soak.json
// and an SVG chart beside it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const torch = await import('../dist/index.js');
const { nn, optim } = torch;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const here = path.dirname(fileURLToPath(import.meta.url));
const outIdx = args.indexOf('--out');
const outDir = path.resolve(outIdx >= 0 ? args[outIdx + 1] : path.join(here, 'results'));

const SAMPLES = 200;
const WARMUP = 0.1; // fraction of each phase before memory is expected to be flat
const mib = (b) => b / 2 ** 20;

function mlp() {
  torch.manual_seed(0);
  return new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU(), new nn.Linear(256, 64));
}

/** Memory sampled SAMPLES times over n iterations; done(name) reports the phase. */
function sampler(n) {
  const every = Math.max(1, Math.floor(n / SAMPLES)), samples = [];
  const t0 = process.hrtime.bigint();
  return {
    tick(done) {
      if (done % every) return;
      const m = process.memoryUsage();
      samples.push({ i: done, rss: mib(m.rss), external: mib(m.external), heapUsed: mib(m.heapUsed) });
    },
    done: (name) => report(name, n, samples, Number(process.hrtime.bigint() - t0) / 1e9),
  };
}

/** Runs step(i) n times with no await in between, sampling memory SAMPLES times. */
function phase(name, n, step) {
  const s = sampler(n);
  for (let i = 0; i < n; i++) {
    step(i);
    s.tick(i + 1);
  }
  return s.done(name);
}

/** n calls of request(i) (each returns a Promise), `inFlight` outstanding at a time, as a server's. */
async function asyncPhase(name, n, inFlight, request) {
  const s = sampler(n);
  let started = 0, finished = 0;
  await new Promise((resolve, reject) => {
    const launch = () => {
      const i = started++;
      request(i).then(() => {
        s.tick(++finished);
        if (started < n) launch();
        else if (finished === n) resolve();
      }, reject);
    };
    for (let k = 0; k < Math.min(inFlight, n); k++) launch();
  });
  return s.done(name);
}

function report(name, n, samples, sec) {
  // growth of the envelope: the peak over the last quarter against the peak over the first quarter
  // after warm-up (external memory and the heap saw-tooth with each garbage collection, and their
  // peaks move with when V8 chooses to collect)
  const after = samples.filter((s) => s.i > n * WARMUP), q = Math.max(1, Math.floor(after.length / 4));
  const growth = (k) => {
    const first = Math.max(...after.slice(0, q).map((s) => s[k])), last = Math.max(...after.slice(-q).map((s) => s[k]));
    return { first, last, pct: (100 * (last - first)) / first };
  };
  const r = {
    name, iterations: n, seconds: sec, warmup: Math.floor(n * WARMUP), samples,
    growth: { rss: growth('rss'), external: growth('external') },
  };
  const g = r.growth, line = (x) => `${x.first.toFixed(1)} -> ${x.last.toFixed(1)} MiB (${x.pct.toFixed(2)}%)`;
  console.log(`${name}: ${n} iterations in ${sec.toFixed(1)} s; after warm-up RSS ${line(g.rss)}, external ${line(g.external)}`);
  return r;
}

torch.set_num_threads(1);
const info = torch.backendInfo();
console.log(`kindling ${info.backend}${info.isa ? ` (${info.isa})` : ''}, 1 thread, Node ${process.version}; MLP 256-256-64`);

const inferModel = mlp();
inferModel.eval();
const xInfer = torch.randn(4, 256);
const inference = phase(`inference (no_grad, batch 4)`, quick ? 1e5 : 1e6, () => torch.no_grad(() => inferModel(xInfer)));

const trainModel = mlp();
const opt = new optim.Adam(trainModel.parameters(), { lr: 1e-3 });
const x = torch.randn(64, 256), y = torch.randn(64, 64);
const training = phase(`training (batch 64, Adam) + 2 eval forwards per step`, quick ? 1e3 : 1e4, () => {
  trainModel.train();
  opt.zero_grad();
  nn.functional.mse_loss(trainModel(x), y).backward();
  opt.step();
  trainModel.eval();
  torch.no_grad(() => {
    trainModel(x);
    trainModel(x);
  });
});

// Serving: batch-1 requests, each a fresh input tensor (as a server parses one per request), to a
// traced MLP; each answer is checked against the synchronous traced call on the same input.
const served = mlp();
served.eval();
const traced = torch.jit.trace(served, torch.randn(1, 256));
const inputs = Array.from({ length: 64 }, () => torch.randn(1, 256));
const expected = inputs.map((xi) => traced(xi).toTypedArray().slice());
const checked = (i) => (y) => {
  const want = expected[i % inputs.length], got = y.toTypedArray();
  for (let k = 0; k < want.length; k++) {
    if (!(Math.abs(got[k] - want[k]) <= 1e-5 * (1 + Math.abs(want[k])))) throw new Error(`request ${i}: output ${k} is ${got[k]}, the synchronous call gave ${want[k]}`);
  }
};
const requests = quick ? 1e5 : 1e6, IN_FLIGHT = 64;
const asyncServing = await asyncPhase(`forwardAsync (traced, batch 1, ${IN_FLIGHT} in flight)`, requests, IN_FLIGHT,
  (i) => traced.forwardAsync(inputs[i % inputs.length].clone()).then(checked(i)));

// DynamicBatcher: the concurrent requests coalesce into batches of up to maxBatchSize
const phases = [inference, training, asyncServing];
if (typeof torch.serve?.DynamicBatcher === 'function') {
  const opts = { maxBatchSize: 64, maxDelayMs: 0, maxQueue: 1024 };
  const batcher = new torch.serve.DynamicBatcher(traced, opts);
  const batched = await asyncPhase(`DynamicBatcher.run (batch 1, ${IN_FLIGHT} outstanding)`,
    requests, IN_FLIGHT, (i) => batcher.run(inputs[i % inputs.length].clone()).then(checked(i)));
  phases.push({ ...batched, options: opts });
  await batcher.close();
} else {
  console.log('DynamicBatcher phase not run: this kindling has no torch.serve.DynamicBatcher');
}

const stem = `${new Date().toISOString().slice(0, 10)}-soak${quick ? '-quick' : ''}`;
const json = { date: new Date().toISOString(), command: `npm run bench:soak${args.length ? ` -- ${args.join(' ')}` : ''}`, backend: info, node: process.version, phases };
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, `${stem}.json`), JSON.stringify(json, null, 1));
fs.writeFileSync(path.join(outDir, `${stem}.svg`), chart(json));
console.log(`wrote ${path.join(outDir, stem)}.json and .svg`);

function count(v) {
  return v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : `${v}`;
}

/** One panel per phase, two to a row: RSS and external memory (MiB) against iterations, warm-up shaded. */
function chart(j) {
  const W = 460, H = 300, m = { l: 56, r: 16, t: 48, b: 44 }, pw = W - m.l - m.r, ph = H - m.t - m.b;
  const cols = Math.min(2, j.phases.length), rows = Math.ceil(j.phases.length / cols);
  const series = [['rss', '#d62728', 'RSS'], ['external', '#1f77b4', 'external']];
  const yMax = Math.ceil(Math.max(...j.phases.flatMap((p) => p.samples.map((s) => s.rss))) / 20) * 20;
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const panels = j.phases.map((p, k) => {
    const x0 = (k % cols) * W, y0 = Math.floor(k / cols) * H, n = p.iterations;
    const X = (i) => x0 + m.l + (pw * i) / n, Y = (v) => y0 + m.t + ph - (ph * v) / yMax;
    const out = [`<rect x="${X(0)}" y="${y0 + m.t}" width="${X(p.warmup) - X(0)}" height="${ph}" fill="#f0f0f0"/>`];
    for (let v = 0; v <= yMax; v += yMax / 5) {
      out.push(`<line x1="${X(0)}" x2="${X(n)}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/><text x="${X(0) - 6}" y="${Y(v) + 4}" text-anchor="end">${v}</text>`);
    }
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      out.push(`<text x="${X(n * f)}" y="${y0 + m.t + ph + 16}" text-anchor="middle">${count(n * f)}</text>`);
    }
    for (const [key, color] of series) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${p.samples.map((s) => `${X(s.i).toFixed(1)},${Y(s[key]).toFixed(1)}`).join(' ')}"/>`);
    }
    const g = p.growth;
    out.push(`<text x="${x0 + m.l}" y="${y0 + 20}" font-weight="bold">${esc(p.name)}</text>`);
    const pct = (x) => `${x.pct >= 0 ? '+' : ''}${x.pct.toFixed(2)}%`;
    out.push(`<text x="${x0 + m.l}" y="${y0 + 36}">after warm-up: RSS ${pct(g.rss)}, external ${pct(g.external)}</text>`);
    out.push(`<text x="${x0 + m.l + pw / 2}" y="${y0 + H - 8}" text-anchor="middle">iterations (shaded: warm-up)</text>`);
    out.push(`<text transform="translate(${x0 + 14},${y0 + m.t + ph / 2}) rotate(-90)" text-anchor="middle">MiB</text>`);
    return out.join('\n');
  });
  const bottom = rows * H, width = cols * W;
  const legend = series.map(([, color, label], i) => `<rect x="${width - 190 + i * 90}" y="${bottom + 4}" width="12" height="3" fill="${color}"/><text x="${width - 174 + i * 90}" y="${bottom + 9}">${label}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bottom + 32}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${panels.join('\n')}
${legend}
<text x="8" y="${bottom + 26}" fill="#555">${esc(`${j.command}; ${j.date.slice(0, 10)}; kindling ${j.backend.backend}${j.backend.isa ? ` ${j.backend.isa}` : ''}, 1 thread, Node ${j.node}; inference, training: synchronous loops; serving: 64 requests in flight`)}</text>
</svg>
`;
}
