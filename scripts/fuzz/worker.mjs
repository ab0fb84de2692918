/**
 * One batch of fuzz cases, run in a child process of run.mjs so that a crash kills only the batch.
 * Usage: node worker.mjs <api|binding> <seed> <first> <count> [--trace]
 * Cases come from fast-check in chunks of CHUNK, each chunk seeded by (seed, chunk index): case i
 * of a run is the same whatever the batch size. Prints one JSON line: cases, failures, known.
 * With --trace it prints each case before running it (run.mjs uses it to name a crashing case);
 * --crash-at N kills the process at case N (the test of run.mjs's crash isolation uses it).
 */
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { writeSync } from 'node:fs';

const CHUNK = 256;
const [target, seedArg, firstArg, countArg] = process.argv.slice(2);
const trace = process.argv.includes('--trace');
const crashAt = process.argv.includes('--crash-at') ? Number(process.argv[process.argv.indexOf('--crash-at') + 1]) : -1;
const seed = Number(seedArg), first = Number(firstArg), count = Number(countArg);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

let arb, run, describe;
if (target === 'api') {
  const torch = await import(join(dist, 'index.js'));
  const backend = await import(join(dist, 'backend', 'index.js'));
  const { apiCase, runApiCase, describeApiCase } = await import('./api.mjs');
  torch.set_num_threads(1);
  // the JS backend first: it is the reference the others are compared with
  const backends = Object.entries(backend.availableBackends());
  backends.use = backend.useBackend;
  arb = apiCase;
  run = (c) => runApiCase(torch, backends, c);
  describe = describeApiCase;
  process.removeAllListeners('warning');  // the cases provoke deprecation and duplicate-parameter warnings on purpose
} else if (target === 'binding') {
  const { loadBinding } = await import(join(dist, 'backend', 'native', 'binding.js'));
  const loaded = loadBinding();
  if (!loaded.binding) {
    console.log(JSON.stringify({ cases: 0, failures: [], known: {}, skipped: `no native binding: ${loaded.reason}` }));
    process.exit(0);
  }
  loaded.binding.setNumThreads(1);
  const { bindingCase, runBindingCase, describeBindingCase } = await import('./binding.mjs');
  arb = bindingCase;
  run = (c) => runBindingCase(loaded.binding, c);
  describe = describeBindingCase;
} else {
  throw new Error(`unknown fuzz target '${target}' (api or binding)`);
}

const failures = [];
const known = {};
let done = 0;
for (let chunk = Math.floor(first / CHUNK); chunk * CHUNK < first + count; chunk++) {
  const cases = fc.sample(arb, { seed: seed + chunk * 7919, numRuns: CHUNK });
  for (let j = 0; j < CHUNK; j++) {
    const i = chunk * CHUNK + j;
    if (i < first || i >= first + count) continue;
    if (trace) writeSync(1, `case ${i}: ${describe(cases[j])}\n`);
    if (i === crashAt) process.kill(process.pid, 'SIGKILL');  // a crash that leaves no core file
    let r = run(cases[j]);
    if (r && typeof r.then === 'function') r = await r;  // planRunAsync: settled before the next case
    done++;
    if (!r) continue;
    if (r.kind === 'known') known[r.why] = (known[r.why] ?? 0) + 1;
    else if (failures.length < 20) failures.push({ case: i, why: r.why, input: describe(cases[j]) });
    else failures.push({ case: i, why: r.why });
  }
}
writeSync(1, JSON.stringify({ cases: done, failures, known }) + '\n');
