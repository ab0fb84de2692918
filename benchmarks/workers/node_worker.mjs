// One engine in its own Node process, driven by run.mjs over JSON lines on stdin/stdout, so that
// engines can be interleaved rep by rep and a crashing engine takes only itself down.
//   node workers/node_worker.mjs <adapter> <threads>
// An adapter exports init(threads) → {version, info} and build(case, files) → {run, result}
// (or throws NotApplicable). run() does one call (it may return a Promise); result() gives the
// last output as a Float32Array for the cross-engine check; an optional peakRss() gives the
// process's peak RSS over the case, reported when the case is released. An adapter may also export
// measure(case, files, timing) → numbers, for a suite that times itself.
import fs from 'node:fs';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { NotApplicable } from './not_applicable.mjs';

const [adapterName, threadsArg] = process.argv.slice(2);
const send = ((write) => (msg) => write(`${JSON.stringify(msg)}\n`))(process.stdout.write.bind(process.stdout));
// Libraries that print (tfjs greets Node users) must not corrupt the protocol.
console.log = console.info = console.warn = (...a) => process.stderr.write(`${a.join(' ')}\n`);
process.on('SIGINT', () => process.exit(130));
process.stdin.on('end', () => process.exit(0));

let adapter, current = null;

async function call(inst) {
  const r = inst.run();
  if (r && typeof r.then === 'function') await r;
}

const handlers = {
  async hello() {
    adapter = await import(`./${adapterName}.mjs`);
    return await adapter.init(Number(threadsArg));
  },
  // A fresh instance, `steps` calls, its output written for run.mjs to compare.
  async check({ case: c, files, out }) {
    const inst = await adapter.build(c, files);
    for (let i = 0; i < (c.checkSteps ?? 1); i++) await call(inst);
    const r = await inst.result();
    fs.writeFileSync(out, Buffer.from(r.buffer, r.byteOffset, r.byteLength));
    inst.dispose?.();
    return { length: r.length };
  },
  async prepare({ case: c, files }) {
    current?.dispose?.();
    current = await adapter.build(c, files);
    return {};
  },
  // One call first: if it alone exceeds the limit the case is skipped for this engine. Then calls
  // for at least warmSec; inner = calls per timed rep of about repSec.
  async warmup({ repSec, warmSec, maxCallSec }) {
    let t = performance.now();
    await call(current);
    const first = (performance.now() - t) / 1e3;
    if (first > maxCallSec) return { tooSlow: first };
    let n = 0;
    t = performance.now();
    do { await call(current); n++; } while (performance.now() - t < warmSec * 1e3 || n < 2);
    const per = (performance.now() - t) / 1e3 / n;
    return { inner: Math.max(1, Math.round(repSec / per)), per };
  },
  async rep({ inner, perCall }) {
    const times = perCall ? new Float64Array(inner) : null;
    const t0 = performance.now();
    if (perCall) {
      for (let i = 0; i < inner; i++) {
        const t = performance.now();
        await call(current);
        times[i] = performance.now() - t;
      }
    } else {
      for (let i = 0; i < inner; i++) await call(current);
    }
    const total = (performance.now() - t0) / 1e3;
    return { total, times: times ? Array.from(times, (x) => Math.round(x * 1e5) / 1e2) : undefined }; // µs
  },
  // A suite that times itself (serve): the adapter's measure() does it all and returns its numbers.
  async measure({ case: c, files, timing }) {
    if (!adapter.measure) throw new NotApplicable(`${adapterName} does not run the ${c.suite} suite`);
    return { measured: await adapter.measure(c, files, timing) };
  },
  // peakRss: the train suite's instances report their process's peak RSS (./peak_rss.mjs)
  async release() {
    const peakRss = current?.peakRss?.();
    current?.dispose?.();
    current = null;
    return peakRss ? { peakRss } : {};
  },
};

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const msg = JSON.parse(line);
  try {
    send({ id: msg.id, ok: true, ...(await handlers[msg.op](msg)) });
  } catch (e) {
    if (e?.notApplicable) send({ id: msg.id, ok: false, na: e.message });
    else send({ id: msg.id, ok: false, error: String(e?.stack ?? e).split('\n').slice(0, 4).join('\n') });
  }
}
