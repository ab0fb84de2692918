// TensorFlow.js with the backend named in BENCH_TFJS_BACKEND (wasm or cpu): layers models for the
// MLPs (predict with {batchSize}, or it splits batches into 32s), core ops for GEMM and activations.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { readF32, readI32 } from '../lib/data.mjs';
import { NotApplicable } from './not_applicable.mjs';
import { peakRss, resetPeakRss } from './peak_rss.mjs';

const require = createRequire(import.meta.url);
const backend = process.env.BENCH_TFJS_BACKEND;
let tf;

export async function init(threads) {
  tf = { ...require('@tensorflow/tfjs-core'), ...require('@tensorflow/tfjs-layers') };
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${require.resolve('@tensorflow/tfjs-backend-wasm').replace(/[^/]*$/, '')}`);
  } else {
    require('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
  const version = JSON.parse(fs.readFileSync(require.resolve(`@tensorflow/tfjs-backend-${backend}/package.json`), 'utf8')).version;
  // tfjs-wasm uses one thread in Node (its thread pool needs web workers); tfjs-cpu is plain JS.
  return { version, info: { backend: tf.getBackend(), threads: 1, requestedThreads: threads } };
}

const t = (path, shape) => tf.tensor(readF32(path), shape, 'float32');
const transpose = (w, rows, cols) => { // [rows, cols] → [cols, rows]: PyTorch's weight → tfjs's kernel
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
};
const SQRT1_2 = Math.SQRT1_2;
const OPS = {
  relu: (x) => tf.relu(x), sigmoid: (x) => tf.sigmoid(x), tanh: (x) => tf.tanh(x), softmax: (x) => tf.softmax(x),
  // tfjs has no GELU op; this is the exact (erf) form, written as a tfjs user would.
  gelu: (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1))),
  // tf.clone runs the Identity kernel: tfjs-backend-wasm copies into a new heap buffer, while
  // tfjs-backend-cpu hands back the input's own data (a reference count, no copy); build() checks which it got
  copy: (x) => tf.clone(x), add: (x, y) => tf.add(x, y), mul: (x, y) => tf.mul(x, y),
};

function model(c, files) {
  const m = tf.sequential();
  for (let i = 0; i + 1 < c.layers.length; i++) {
    const last = i + 2 === c.layers.length;
    m.add(tf.layers.dense({ units: c.layers[i + 1], inputShape: i === 0 ? [c.layers[0]] : undefined, activation: last ? 'linear' : c.acts[i] }));
  }
  const ws = [];
  for (let i = 0; i + 1 < c.layers.length; i++) {
    ws.push(tf.tensor(transpose(readF32(files[`w${i}`]), c.layers[i + 1], c.layers[i]), [c.layers[i], c.layers[i + 1]]), t(files[`b${i}`], [c.layers[i + 1]]));
  }
  m.setWeights(ws);
  ws.forEach((w) => w.dispose());
  return m;
}

export async function build(c, files) {
  let out = null;
  const keep = (y) => { out?.dispose(); out = y; };
  const result = () => Float32Array.from(out.dataSync());
  const held = [];
  const dispose = () => { out?.dispose(); held.forEach((x) => x.dispose?.()); };
  if (c.suite === 'gemm') {
    const a = t(files.a, [c.M, c.K]), b = t(files.b, [c.K, c.N]);
    held.push(a, b);
    return { run: () => keep(tf.matMul(a, b)), result, dispose };
  }
  if (c.suite === 'ops' || c.suite === 'overhead') {
    if (c.out) throw new NotApplicable('tfjs has no out= (its tensors are immutable)');
    const x = t(files.x, c.shape), y = files.y ? t(files.y, c.shape) : undefined, f = OPS[c.op];
    held.push(x);
    if (y) held.push(y);
    if (c.op === 'copy') {
      const probe = f(x), shared = probe.dataId === x.dataId; // the same data, not a copy of it
      probe.dispose();
      if (shared) {
        dispose();
        throw new NotApplicable(`tf.clone on tfjs-backend-${backend} returns the input's own data (its Identity kernel only adds a reference), so there is no copy to time: tf.clone is tfjs's copy op`);
      }
    }
    return { run: y ? () => keep(f(x, y)) : () => keep(f(x)), result, dispose };
  }
  if (c.suite === 'mlp' || c.suite === 'floor') {
    const m = model(c, files), x = t(files.x, [c.batch, c.layers[0]]);
    held.push(x, m);
    return { run: () => keep(m.predict(x, { batchSize: c.batch })), result, dispose };
  }
  if (c.suite === 'train') {
    const m = model(c, files), x = t(files.x, [c.batch, c.layers[0]]);
    const y = tf.oneHot(tf.tensor1d(readI32(files.y), 'int32'), c.layers.at(-1));
    const opt = optimizer(c.optimizer);
    held.push(x, y, m, opt);
    resetPeakRss();
    return {
      run: () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }))),
      result: () => { keep(m.predict(x, { batchSize: c.batch })); return result(); },
      dispose,
      peakRss,
    };
  }
  throw new Error(`unknown suite ${c.suite}`);
}

// The train suite's torch.optim optimizers as tfjs's: the same updates (tfjs's momentum
// accumulator starts at zero, so its first step is PyTorch's buf = grad; its Adam is PyTorch's
// once epsilon is PyTorch's).
function optimizer({ name, options: o }) {
  if (name === 'SGD') return o.momentum ? tf.train.momentum(o.lr, o.momentum) : tf.train.sgd(o.lr);
  if (name === 'Adam') return tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  throw new Error(`no tfjs optimizer for ${name}`);
}
