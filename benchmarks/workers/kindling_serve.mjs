// The serve suite's measurements of a traced model, in kindling's own process (see SUITES.serve):
// what `await traced.forwardAsync(x)` costs over `traced(x)`, and what many calls in flight do to
// the event loop. Every forwardAsync result is checked against the synchronous call's.
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, quantile, relError, TOLERANCE } from '../lib/stats.mjs';

const snapshot = (y) => Float32Array.from(y.contiguous().toTypedArray());

function bitEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Compares each result with the synchronous call's: bit-equal, or the worst relative error. */
function checker(ref) {
  const st = { results: 0, bitEqual: true, relError: 0 };
  return {
    add(out) {
      st.results++;
      if (bitEqual(out, ref)) return;
      st.bitEqual = false;
      st.relError = Math.max(st.relError, relError(out, ref));
    },
    report: () => ({
      check: st,
      wrong: st.relError > TOLERANCE ? `forwardAsync differs from traced(x): relative error ${st.relError.toExponential(2)} (tolerance ${TOLERANCE})` : undefined,
    }),
  };
}

const summary = (xs) => ({ median: median(xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length, p99: quantile(xs, 0.99) });

/**
 * µs per call of `await traced.forwardAsync(x)`, one at a time, against `traced(x)`: reps of each,
 * alternating which goes first; the extra cost is the median over reps of the difference of the
 * two medians (so drift between reps cancels).
 */
export async function asyncCost(traced, x, T) {
  const ref = snapshot(traced(x)), check = checker(ref);
  check.add(snapshot(await traced.forwardAsync(x)));
  let n = 0;
  const w0 = performance.now();
  do {
    traced(x);
    await traced.forwardAsync(x);
    n++;
  } while (performance.now() - w0 < T.warmSec * 1e3 || n < 10);
  const inner = Math.max(20, Math.round((T.repSec * 1e3) / ((performance.now() - w0) / n)));
  const sync = [], async_ = [], syncMed = [], asyncMed = [], extra = [];
  for (let rep = 0; rep < T.reps; rep++) {
    const s = new Float64Array(inner), a = new Float64Array(inner);
    const runSync = () => {
      for (let i = 0; i < inner; i++) {
        const t = performance.now();
        traced(x);
        s[i] = (performance.now() - t) * 1e3;
      }
    };
    const runAsync = async () => {
      let y;
      for (let i = 0; i < inner; i++) {
        const t = performance.now();
        y = await traced.forwardAsync(x);
        a[i] = (performance.now() - t) * 1e3;
      }
      check.add(snapshot(y));
    };
    if (rep % 2) { await runAsync(); runSync(); } else { runSync(); await runAsync(); }
    syncMed.push(median(s));
    asyncMed.push(median(a));
    extra.push(median(a) - median(s));
    sync.push(...s);
    async_.push(...a);
  }
  return {
    unit: 'µs', reps: T.reps, callsPerRep: inner,
    syncUs: { ...summary(sync), median: median(syncMed) }, asyncUs: { ...summary(async_), median: median(asyncMed) },
    extraUs: median(extra), ...check.report(),
  };
}

/**
 * The event loop's delay, sampled by monitorEventLoopDelay at 1 ms resolution over `seconds`:
 * idle; with c.inFlight forwardAsync calls kept in flight (each refilled as it resolves); and
 * running the same calls synchronously, one per macrotask, as a server without forwardAsync would.
 */
export async function loopDelay(traced, x, c, T) {
  const ref = snapshot(traced(x)), check = checker(ref);
  for (let i = 0; i < 3; i++) check.add(snapshot(await traced.forwardAsync(x)));
  const h = monitorEventLoopDelay({ resolution: 1 });
  const ms = c.seconds * 1e3;
  const stats = () => ({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6, samples: h.count });
  // the monitor starts once the body has started: with calls in flight, the loop's steady state
  // (launching the first 64 at once is a one-off burst, not what a server under load sees)
  // and the garbage collections in the window, which stop the loop too
  const window = async (body) => {
    const finish = body();
    const gc = [];
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) gc.push(e.duration); });
    obs.observe({ entryTypes: ['gc'] });
    h.reset();
    h.enable();
    const t0 = performance.now();
    await sleep(ms);
    h.disable();
    obs.disconnect();
    const r = { ...stats(), seconds: (performance.now() - t0) / 1e3, gc: { count: gc.length, maxMs: gc.length ? Math.max(...gc) : 0 } };
    return { r, finish };
  };

  const idle = (await window(() => null)).r;

  // launch: what the forwardAsync call itself costs on the JS thread (checks, the input's copy)
  let stop = false, calls = 0, failed = null;
  const launchUs = [];
  const asyncRun = await window(() => new Promise((resolve) => {
    let inflight = 0;
    const launch = () => {
      inflight++;
      const t = performance.now();
      const p = traced.forwardAsync(x);
      if (!stop) launchUs.push((performance.now() - t) * 1e3);
      p.then((y) => {
        if (!stop) calls++;
        check.add(snapshot(y));
      }, (e) => { failed ??= e; }).finally(() => {
        inflight--;
        if (!stop && !failed) launch();
        else if (inflight === 0) resolve();
      });
    };
    for (let i = 0; i < c.inFlight; i++) launch();
  }));
  stop = true;
  const callsInWindow = calls;
  await asyncRun.finish; // the calls still in flight drain before the next window
  if (failed) throw failed;

  let syncCalls = 0;
  stop = false;
  const syncRun = await window(() => new Promise((resolve) => {
    const step = () => {
      if (stop) return resolve();
      traced(x);
      syncCalls++;
      setImmediate(step);
    };
    step();
  }));
  stop = true;
  const syncInWindow = syncCalls;
  await syncRun.finish;

  const a = asyncRun.r, s = syncRun.r;
  return {
    unit: 'ms', inFlight: c.inFlight, batch: c.batch,
    idle,
    async: { ...a, calls: callsInWindow, samplesPerSec: (callsInWindow * c.batch) / a.seconds, launchUs: launchUs.length ? summary(launchUs) : null },
    sync: { ...s, calls: syncInWindow, samplesPerSec: (syncInWindow * c.batch) / s.seconds },
    beyondIdleP99Ms: a.p99 - idle.p99, ...check.report(),
  };
}
