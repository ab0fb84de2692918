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
  if (c.suite === 'conv') return convBuild(c, files, keep, held, dispose);
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

// tfjs convolves NHWC images with [kh, kw, in, out] filters: the inputs and weights are laid out
// so once, at build time, as a user porting the model would; the result is turned back to NCHW
// (outside the timing) so it can be checked against the other engines.
const nchwToNhwc = (a, n, c, h, w) => {
  const out = new Float32Array(a.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((i * h + y) * w + x) * c + j] = a[((i * c + j) * h + y) * w + x];
  return out;
};
const nhwcToNchw = (a, n, c, h, w) => {
  const out = new Float32Array(a.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((i * c + j) * h + y) * w + x] = a[((i * h + y) * w + x) * c + j];
  return out;
};
/** PyTorch's [out, in, 3, 3] weight as tfjs's [3, 3, in, out] filter. */
const filter = (w, cout, cin) => {
  const out = new Float32Array(w.length);
  for (let o = 0; o < cout; o++) for (let i = 0; i < cin; i++) for (let k = 0; k < 9; k++) out[k * cin * cout + i * cout + o] = w[(o * cin + i) * 9 + k];
  return tf.tensor(out, [3, 3, cin, cout], 'float32');
};

function convBuild(c, files, keep, held, dispose) {
  if (c.kind === 'layer') {
    const x = tf.tensor(nchwToNhwc(readF32(files.x), c.batch, c.cin, c.hw, c.hw), [c.batch, c.hw, c.hw, c.cin]);
    const w = filter(readF32(files.c_w), c.cout, c.cin), b = t(files.c_b, [c.cout]);
    held.push(x, w, b);
    let y = null;
    const o = c.hw - 2;
    return {
      run: () => { y = tf.tidy(() => tf.add(tf.conv2d(x, w, 1, 'valid'), b)); keep(y); },
      result: () => nhwcToNchw(y.dataSync(), c.batch, c.cout, o, o),
      dispose,
    };
  }
  // fc1's columns follow PyTorch's flatten of [64, 12, 12]; tfjs flattens NHWC [12, 12, 64]
  const fc1 = readF32(files.fc1_w), fc1Nhwc = new Float32Array(fc1.length);
  for (let r = 0; r < 128; r++) for (let ch = 0; ch < 64; ch++) for (let p = 0; p < 144; p++) fc1Nhwc[p * 64 * 128 + ch * 128 + r] = fc1[r * 9216 + ch * 144 + p];
  const ws = {
    c1: filter(readF32(files.conv1_w), 32, 1), b1: t(files.conv1_b, [32]), c2: filter(readF32(files.conv2_w), 64, 32), b2: t(files.conv2_b, [64]),
    f1: tf.tensor(fc1Nhwc, [9216, 128]), fb1: t(files.fc1_b, [128]), f2: tf.tensor(transpose(readF32(files.fc2_w), 10, 128), [128, 10]), fb2: t(files.fc2_b, [10]),
  };
  const x = tf.tensor(nchwToNhwc(readF32(files.x), c.batch, 1, 28, 28), [c.batch, 28, 28, 1]);
  held.push(x, ...Object.values(ws));
  let y = null;
  return {
    run: () => {
      y = tf.tidy(() => {
        let h = tf.relu(tf.add(tf.conv2d(x, ws.c1, 1, 'valid'), ws.b1));
        h = tf.relu(tf.add(tf.conv2d(h, ws.c2, 1, 'valid'), ws.b2));
        h = tf.reshape(tf.maxPool(h, 2, 2, 'valid'), [c.batch, 9216]);
        h = tf.relu(tf.add(tf.matMul(h, ws.f1), ws.fb1));
        return tf.logSoftmax(tf.add(tf.matMul(h, ws.f2), ws.fb2));
      });
      keep(y);
    },
    result: () => Float32Array.from(y.dataSync()),
    dispose,
  };
}

// The train suite's torch.optim optimizers as tfjs's: the same updates (tfjs's momentum
// accumulator starts at zero, so its first step is PyTorch's buf = grad; its Adam is PyTorch's
// once epsilon is PyTorch's).
function optimizer({ name, options: o }) {
  if (name === 'SGD') return o.momentum ? tf.train.momentum(o.lr, o.momentum) : tf.train.sgd(o.lr);
  if (name === 'Adam') return tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  throw new Error(`no tfjs optimizer for ${name}`);
}
