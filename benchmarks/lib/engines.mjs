// The engines and the child process each one runs in. Every engine, kindling included, lives in
// its own process speaking JSON lines, so run.mjs can interleave them rep by rep, a crash costs
// one engine one case, and kindling-js gets a process where KINDLING_BACKEND=js held at load.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const workers = path.join(here, '..', 'workers');
const node = (adapter, env = {}) => ({ cmd: process.execPath, args: [path.join(workers, 'node_worker.mjs'), adapter], env });

// OpenBLAS reads these at load; on some machines they are set to values that slow it down.
const pyEnv = { OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined, OMP_WAIT_POLICY: 'PASSIVE' };

/** The first of `exes` that imports `module`. */
function python(module, exes) {
  for (const exe of exes) {
    const r = spawnSync(exe, ['-c', `import ${module}`], { stdio: 'ignore', env: cleanEnv(pyEnv) });
    if (r.status === 0) return exe;
  }
  return null;
}

const TRACED_SUITES = ['mlp', 'floor', 'serve'];

// threaded: whether the engine can use more than one thread here (single-threaded ones run once,
// at the lowest thread count, and their numbers stand for every thread count). suites: the only
// suites an engine runs (none: all of them).
export const ENGINES = {
  'kindling-native': { kind: 'kindling', threaded: true, spawn: () => node('kindling', { KINDLING_BACKEND: 'native' }) },
  'kindling-js': { kind: 'kindling', threaded: false, spawn: () => node('kindling', { KINDLING_BACKEND: 'js' }) },
  // torch.jit.trace(model, x) once, then traced(x): whole models only (and the serve suite's
  // forwardAsync), on each backend
  'kindling-traced': { kind: 'kindling', threaded: true, suites: TRACED_SUITES, spawn: () => node('kindling', { KINDLING_BACKEND: 'native', BENCH_KINDLING_TRACE: '1' }) },
  'kindling-traced-js': { kind: 'kindling', threaded: false, suites: TRACED_SUITES, spawn: () => node('kindling', { KINDLING_BACKEND: 'js', BENCH_KINDLING_TRACE: '1' }) },
  onnxruntime: { kind: 'peer', threaded: true, label: 'onnxruntime-node', spawn: () => node('onnxruntime') },
  'tfjs-wasm': { kind: 'peer', threaded: false, label: 'tfjs-backend-wasm', spawn: () => node('tfjs', { BENCH_TFJS_BACKEND: 'wasm' }) },
  'tfjs-cpu': { kind: 'peer', threaded: false, label: 'tfjs-backend-cpu', spawn: () => node('tfjs', { BENCH_TFJS_BACKEND: 'cpu' }) },
  // PyTorch: Debian's python3-torch lives in /usr/bin/python3. numpy: the python3 on PATH first,
  // which may carry a newer numpy/OpenBLAS than the system one.
  pytorch: { kind: 'peer', threaded: true, label: 'PyTorch', spawn: () => pyWorker('pytorch', 'torch', ['/usr/bin/python3', 'python3']) },
  numpy: { kind: 'peer', threaded: true, label: 'numpy', spawn: () => pyWorker('numpy', 'numpy', ['python3', '/usr/bin/python3']) },
  // kindling/onnxruntime: onnxruntime.mjs's session and loop with the import changed (whole models)
  'kindling-onnx': { kind: 'kindling', threaded: true, label: 'kindling onnxruntime drop-in', suites: ['mlp', 'floor'], spawn: () => node('onnxruntime', { KINDLING_BACKEND: 'native', BENCH_ONNX_DROP_IN: '1' }) },
};
export const ENGINE_NAMES = Object.keys(ENGINES);
/** Whether engine e runs the cases of suite s. */
export const runsSuite = (e, s) => !ENGINES[e].suites || ENGINES[e].suites.includes(s);

// Not runnable offline; listed so the report says so instead of leaving it out.
export const UNAVAILABLE = { 'tfjs-node': '@tensorflow/tfjs-node cannot be installed offline (its install script downloads libtensorflow)' };

function pyWorker(engine, module, exes) {
  const exe = python(module, exes);
  if (!exe) return { missing: `no python3 with ${module} (tried ${exes.join(' and ')})` };
  return { cmd: exe, args: [path.join(workers, 'python_worker.py'), engine], env: pyEnv };
}

function cleanEnv(extra) {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const live = new Set();
/** Kills every worker still running: on exit, Ctrl-C or SIGTERM no child outlives run.mjs. */
export function killAll() {
  for (const w of live) w.kill();
}

export class Worker {
  constructor(name, threads) {
    this.name = name;
    this.threads = threads;
    this.pending = new Map();
    this.nextId = 1;
    this.stderr = '';
    const how = ENGINES[name].spawn();
    if (how.missing) {
      this.dead = how.missing;
      return;
    }
    const env = cleanEnv({ ...how.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) });
    this.proc = spawn(how.cmd, [...how.args, String(threads)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this);
    let buf = '';
    this.proc.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let msg;
        try { msg = JSON.parse(line); } catch { this.stderr += `${line}\n`; continue; }
        const p = this.pending.get(msg.id);
        if (p) { this.pending.delete(msg.id); clearTimeout(p.timer); p.resolve(msg); }
      }
    });
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    this.proc.stdin.on('error', () => {});
    this.proc.on('exit', (code, signal) => {
      live.delete(this);
      this.dead = `process exited (${signal ?? `code ${code}`})${this.stderr ? `: ${lastLines(this.stderr)}` : ''}`;
      for (const p of this.pending.values()) { clearTimeout(p.timer); p.resolve({ ok: false, error: this.dead, crashed: true }); }
      this.pending.clear();
    });
  }

  /** One request; resolves (never rejects) with the worker's reply or an error reply. */
  request(op, body = {}, timeoutSec = 300) {
    if (this.dead) return Promise.resolve({ ok: false, error: this.dead, crashed: true });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.kill();
        resolve({ ok: false, error: `no answer to ${op} within ${timeoutSec} s; worker killed`, crashed: true });
      }, timeoutSec * 1e3);
      this.pending.set(id, { resolve, timer });
      this.proc.stdin.write(`${JSON.stringify({ id, op, ...body })}\n`);
    });
  }

  kill() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    live.delete(this);
  }
}

const lastLines = (s) => s.trim().split('\n').slice(-3).join(' | ');
