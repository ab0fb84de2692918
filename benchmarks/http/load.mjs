// npm run bench:http [-- --quick --duration 10 --connections 1,16,256 --threads 1,2 --out DIR]
// HTTP load test: examples/server.ts (traced kindling MLP784 behind DynamicBatcher) against the
// same HTTP code and batcher over onnxruntime-node (onnx_server.mjs), same weights, each server in
// its own child process on 127.0.0.1. autocannon posts one 784-float row per request; every point
// (threads × connections) runs both engines back to back, the first one alternating. Reports
// requests/s and p50/p99 latency, and writes results/<date>-http.md. Needs `npm run build`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { normal } from '../lib/data.mjs';
import { MODELS, weights } from '../lib/suites.mjs';
import { machine } from '../lib/machine.mjs';
import { quantile, relError, TOLERANCE } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
for (const dep of ['autocannon', 'onnxruntime-node']) {
  try {
    require.resolve(dep);
  } catch {
    console.error(`bench:http: ${dep} is not installed in benchmarks/: run npm run bench:setup`);
    process.exit(2);
  }
}
const autocannon = require('autocannon');

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, duration: { type: 'string' }, connections: { type: 'string', default: '1,16,256' },
    threads: { type: 'string', default: '1,2' }, out: { type: 'string', default: path.join(here, '..', 'results') },
    'max-batch-size': { type: 'string', default: '64' }, 'max-delay-ms': { type: 'string', default: '0' }, 'max-queue': { type: 'string', default: '1024' },
    'max-in-flight': { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (a.help) {
  console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')[0].slice(3));
  process.exit(0);
}
const ints = (s, name) => s.split(',').map((v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) { console.error(`bench:http: --${name} needs positive integers, got '${v}'`); process.exit(2); }
  return n;
});
const seconds = Number(a.duration ?? (a.quick ? 3 : 10));
const warmSeconds = a.quick ? 1 : 2;
const connections = ints(a.connections, 'connections'), threads = ints(a.threads, 'threads');
const batcherFlags = ['--max-batch-size', a['max-batch-size'], '--max-delay-ms', a['max-delay-ms'], '--max-queue', a['max-queue'], '--max-in-flight', a['max-in-flight']];
for (const f of ['dist/index.js', 'build/examples/server.js']) {
  if (!fs.existsSync(path.join(root, f))) { console.error(`bench:http: ${f} is missing: run npm run build first`); process.exit(2); }
}

// The mlp suite's MLP784 weights, as raw float32 files for ORT and as a state_dict JSON for the server.
const { layers } = MODELS.MLP784;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-http-'));
const w = weights('MLP784'), stateDict = {};
for (const [name, arr] of Object.entries(w)) {
  fs.writeFileSync(path.join(tmp, `${name}.bin`), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  const i = Number(name.slice(1)), rows = layers[i + 1], cols = layers[i];
  // Sequential(Linear, ReLU, Linear, ReLU, Linear): Linear i is module 2i
  stateDict[`${2 * i}.${name[0] === 'w' ? 'weight' : 'bias'}`] = name[0] === 'w'
    ? Array.from({ length: rows }, (_, r) => Array.from(arr.subarray(r * cols, (r + 1) * cols)))
    : Array.from(arr);
}
const stateDictPath = path.join(tmp, 'mlp784.json');
fs.writeFileSync(stateDictPath, JSON.stringify(stateDict));
const body = JSON.stringify({ input: [Array.from(normal(layers[0], 4))] });

const children = new Set();
const cleanup = () => { for (const c of children) c.kill('SIGKILL'); fs.rmSync(tmp, { recursive: true, force: true }); };
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { console.error(`\nbench:http: ${sig}, stopping; no results written`); process.exit(130); });

const ENGINES = {
  kindling: (t) => [path.join(root, 'build/examples/server.js'), '--port', '0', '--threads', String(t), '--state-dict', stateDictPath, ...batcherFlags],
  onnxruntime: (t) => [path.join(here, 'onnx_server.mjs'), '--port', '0', '--threads', String(t), '--weights', tmp, ...batcherFlags],
};

/** Starts a server process; resolves with its URL and the line it printed once it listens. */
function start(engine, t) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ENGINES[engine](t), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[^\n]*/.exec(out);
      if (m) resolve({ engine, child, url: m[1], banner: m[0] });
    });
    child.on('exit', (code, sig) => { children.delete(child); reject(new Error(`${engine} server exited (${code ?? sig}) before listening:\n${out}`)); });
  });
}

function stop(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once('exit', resolve);
    s.child.kill('SIGTERM');
  });
}

async function predict(url) {
  const r = await fetch(`${url}/predict`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()).output[0];
}

/** autocannon for `secs` seconds; latencies are collected here at full resolution (autocannon keeps whole ms). */
async function load(url, conns, secs) {
  const lat = [];
  let ok = 0, bad = 0;
  const inst = autocannon({
    url: `${url}/predict`, method: 'POST', body, headers: { 'content-type': 'application/json' },
    connections: conns, duration: secs,
  });
  inst.on('response', (client, status, bytes, ms) => {
    if (status === 200) { ok++; lat.push(ms); } else bad++;
  });
  const r = await inst;
  return { rps: ok / secs, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), bad, errors: r.errors + r.timeouts };
}

const m = machine();
console.log(`HTTP load test: MLP784, batch 1 per request, ${seconds} s per point, connections ${connections.join(',')}, threads ${threads.join(',')}`);
console.log(`${m.cpu}, ${m.logicalCpus} CPUs, Node ${m.node}, load average ${m.loadAverageAtStart.join(' ')}`);
const rows = [], banners = new Set();
for (const t of threads) {
  const servers = [];
  for (const e of Object.keys(ENGINES)) servers.push(await start(e, t));
  for (const s of servers) banners.add(/\(([^)]*)\)/.exec(s.banner)[1]);
  // the same request must give the same answer before anything is timed
  const [k, o] = await Promise.all(servers.map((s) => predict(s.url)));
  const err = relError(k, o);
  if (!(err <= TOLERANCE)) throw new Error(`outputs differ between the engines (max relative error ${err}): ${k} vs ${o}`);
  for (const s of servers) await load(s.url, 16, warmSeconds);
  for (const [ci, c] of connections.entries()) {
    const order = (ci + t) % 2 ? [...servers].reverse() : servers;
    const point = {};
    for (const s of order) {
      point[s.engine] = await load(s.url, c, seconds);
      const r = point[s.engine];
      console.log(`  threads ${t} · ${String(c).padStart(3)} connections · ${s.engine.padEnd(11)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.bad || r.errors ? `  (${r.bad} non-200, ${r.errors} errors)` : ''}`);
    }
    rows.push({ t, c, point });
  }
  await Promise.all(servers.map(stop));
}

const date = new Date().toISOString().slice(0, 10);
const fmt = (r) => `${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)}`;
const md = [
  `# HTTP serving: kindling vs onnxruntime-node (${date})`,
  '',
  `\`npm run bench:http${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`: MLP784 (784-512-512-10, relu), one row per`,
  `request as \`{"input": [[...784 numbers]]}\`; the same HTTP code (examples/serve_http.ts) and DynamicBatcher`,
  `(maxBatchSize ${a['max-batch-size']}, maxDelayMs ${a['max-delay-ms']}, maxQueue ${a['max-queue']}, maxInFlight ${a['max-in-flight']}) in front of each engine, each server in its own`,
  `process; autocannon in the load-test process, ${seconds} s per point after a ${warmSeconds} s warm-up, engines back to back at each point.`,
  `${m.cpu}, ${m.logicalCpus} CPUs, Node ${m.node}, load average at start ${m.loadAverageAtStart.join(' ')} (the load generator shares the CPUs).`,
  '',
  ...[...banners].map((b) => `- ${b}`),
  '',
  '| threads | connections | kindling req/s | p50 ms | p99 ms | onnxruntime req/s | p50 ms | p99 ms | kindling ÷ onnxruntime req/s |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map(({ t, c, point: p }) => `| ${t} | ${c} | ${fmt(p.kindling)} | ${fmt(p.onnxruntime)} | ${(p.kindling.rps / p.onnxruntime.rps).toFixed(2)}× |`),
  '',
];
const failures = rows.flatMap(({ t, c, point }) => Object.entries(point).filter(([, r]) => r.bad || r.errors).map(([e, r]) => `- threads ${t}, ${c} connections, ${e}: ${r.bad} non-200 answers, ${r.errors} errors`));
if (failures.length) md.push('Failed requests (not counted):', '', ...failures, '');
fs.mkdirSync(a.out, { recursive: true });
const file = path.join(a.out, `${date}-http.md`);
fs.writeFileSync(file, md.join('\n'));
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
