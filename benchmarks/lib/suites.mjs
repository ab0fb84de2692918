// What each suite measures: its cases (full and --quick), the data each case needs, and how a
// time per call turns into the number reported (GFLOP/s, GB/s, samples/s, ms per step, µs or ns
// per call).
import { normal, uniform, labels } from './data.mjs';

export const MODELS = {
  SimpleNN: { layers: [10, 50, 1], acts: ['relu'] },
  AdvancedNN: { layers: [10, 50, 50, 1], acts: ['relu', 'sigmoid'] },
  MLP784: { layers: [784, 512, 512, 10], acts: ['relu', 'relu'] },
};

// PyTorch's default Linear init (uniform ±1/√fan_in), seeded per layer.
export function weights(model) {
  const { layers } = MODELS[model], out = {};
  for (let i = 0; i + 1 < layers.length; i++) {
    const fin = layers[i], fout = layers[i + 1], bound = 1 / Math.sqrt(fin);
    out[`w${i}`] = uniform(fout * fin, -bound, bound, 100 + 2 * i);
    out[`b${i}`] = uniform(fout, -bound, bound, 101 + 2 * i);
  }
  return out;
}

const gemmShapes = (quick) => quick
  ? [[128, 128, 128], [512, 512, 512], [64, 784, 512]]
  : [...[32, 64, 128, 256, 512, 1024, 2048].map((n) => [n, n, n]), [1, 784, 512], [64, 784, 512], [256, 512, 512]];

export const OPS = ['relu', 'sigmoid', 'tanh', 'gelu', 'softmax'];
// Binary elementwise ops: two inputs of the same shape, one output.
export const BINARY = ['add', 'mul'];
const SOFTMAX_ROW = 1000; // softmax runs over rows of 1000 (the last dim), as a classifier's would

// With out=: the result goes into a tensor allocated once (the engines without out= are not applicable).
export const OUT_OPS = ['copy', 'relu', 'sigmoid', 'add', 'mul'];

/**
 * One elementwise case: `copy` (each engine's own clone/copy, the baseline), an activation, or
 * add/mul; `out` writes into a preallocated output (copy_/copyto for copy, max(x, 0) for relu).
 */
function opCase(suite, op, n, out = false) {
  const binary = BINARY.includes(op);
  return {
    suite, id: `${op}${out ? '-out' : ''}-${n}`, label: `${op}${out ? ' out=' : ''} ${n >= 1000 ? n.toExponential().replace('e+', 'e') : n}`, op, n, out,
    shape: op === 'softmax' ? [n / SOFTMAX_ROW, SOFTMAX_ROW] : [n],
    work: (binary ? 12 : 8) * n, // bytes: one fp32 read per input and one write per element
    data: () => (binary ? { x: normal(n, 3), y: normal(n, 7) } : { x: normal(n, 3) }),
  };
}

export const SUITES = {
  gemm: {
    title: 'GEMM fp32 C = A·B',
    unit: 'GFLOP/s', higherIsBetter: true,
    cases: (quick) => gemmShapes(quick).map(([M, K, N]) => ({
      suite: 'gemm', id: `${M}x${K}x${N}`, label: `${M}×${K}×${N}`, M, K, N,
      work: 2 * M * N * K,
      data: () => ({ a: normal(M * K, 1), b: normal(K * N, 2) }),
    })),
    value: (c, sec) => c.work / sec / 1e9,
  },
  ops: {
    // copy is the baseline the others are judged against (the report sets kindling's own copy of
    // the same size beside each row); add and mul move 3 arrays where copy and the activations move 2
    title: 'Elementwise ops, out of place (copy, activations, add, mul) and into a preallocated out=',
    unit: 'GB/s', higherIsBetter: true,
    cases: (quick) => {
      const ops = quick ? ['relu', 'sigmoid', 'gelu'] : OPS;
      const sizes = quick ? [1e4, 1e6] : [1e3, 1e4, 1e5, 1e6, 1e7];
      const plainSizes = quick ? [1e6] : sizes; // --quick: one size of copy, add and mul
      return [
        ...plainSizes.map((n) => opCase('ops', 'copy', n)),
        ...ops.flatMap((op) => sizes.map((n) => opCase('ops', op, n))),
        ...BINARY.flatMap((op) => plainSizes.map((n) => opCase('ops', op, n))),
        ...OUT_OPS.flatMap((op) => (quick ? [1e6] : [1e4, 1e5, 1e6]).map((n) => opCase('ops', op, n, true))),
      ];
    },
    value: (c, sec) => c.work / sec / 1e9,
  },
  mlp: {
    title: 'MLP inference (no_grad)',
    unit: 'samples/s', higherIsBetter: true, perCall: true,
    cases: (quick) => {
      const list = quick ? [['SimpleNN', 1], ['AdvancedNN', 32], ['MLP784', 1], ['MLP784', 256]]
        : Object.keys(MODELS).flatMap((m) => [1, 32, 256, 4096].map((b) => [m, b]));
      return list.map(([model, batch]) => mlpCase('mlp', model, batch));
    },
    value: (c, sec) => c.batch / sec,
  },
  train: {
    // one step: zero_grad, forward, cross-entropy, backward, the optimizer's step. Each engine
    // builds torch.optim.<optimizer.name>(params, **optimizer.options), with PyTorch's defaults
    // for the rest (Adam: betas (0.9, 0.999), eps 1e-8). Each engine also reports its process's
    // peak RSS over the case (see the workers' peakRss).
    title: 'Training step (MLP784, batch 64, cross-entropy; SGD, SGD momentum, Adam)',
    unit: 'ms/step', higherIsBetter: false,
    cases: () => [
      trainCase('sgd', 'SGD lr 0.01', { name: 'SGD', options: { lr: 0.01 } }),
      trainCase('sgd-momentum', 'SGD momentum 0.9 lr 0.01', { name: 'SGD', options: { lr: 0.01, momentum: 0.9 } }),
      trainCase('adam', 'Adam lr 1e-3', { name: 'Adam', options: { lr: 1e-3 } }),
    ],
    value: (c, sec) => sec * 1e3,
  },
  floor: {
    title: 'Per-call floor (SimpleNN, batch 1)',
    // the median call, not the mean: the floor is what a typical call costs, GC pauses aside
    // (they show in the p99)
    unit: 'µs/call', higherIsBetter: false, perCall: true, fromLatency: true,
    cases: () => [mlpCase('floor', 'SimpleNN', 1)],
    value: (c, sec) => sec * 1e6,
  },
  overhead: {
    // What one call of a tiny op costs, nearly all of it dispatch: does it cost more through the
    // native backend than through the JS one? Timed as the mean over a rep of at least minInner
    // calls (a clock read per call would cost as much as the call), median over reps.
    title: 'Per-call overhead of a tiny op (relu on 16 floats)',
    unit: 'ns/call', higherIsBetter: false, minInner: 10000,
    cases: () => [{ ...opCase('overhead', 'relu', 16), work: 1 }],
    value: (c, sec) => sec * 1e9,
  },
  serve: {
    // Timed inside kindling's own process, traced models only: (a) `await traced.forwardAsync(x)`
    // one at a time against `traced(x)`, µs per call; (b) the event loop's delay
    // (monitorEventLoopDelay, 1 ms resolution) with `inFlight` forwardAsync calls kept in flight,
    // against the same monitor on the idle loop and while the same calls run synchronously.
    // The value: forwardAsync's extra µs per call; the loop's p99 beyond the idle loop's, in ms.
    title: 'Serving: forwardAsync and the event loop (traced kindling)',
    unit: 'µs', higherIsBetter: false, standalone: true, engines: ['kindling-traced', 'kindling-traced-js'],
    cases: (quick) => [
      { ...mlpCase('serve', 'SimpleNN', 1), id: 'async-SimpleNN-b1', label: 'forwardAsync SimpleNN B=1', kind: 'asyncCost' },
      { ...mlpCase('serve', 'MLP784', 1), id: 'async-MLP784-b1', label: 'forwardAsync MLP784 B=1', kind: 'asyncCost' },
      {
        ...mlpCase('serve', 'MLP784', 256), id: 'loop-MLP784-b256', label: 'event loop, 64 × MLP784 B=256 in flight',
        kind: 'loopDelay', inFlight: 64, seconds: quick ? 1 : 3,
      },
    ],
    value: (c, m) => (c.kind === 'asyncCost' ? m.extraUs : m.beyondIdleP99Ms),
  },
  conv: {
    // PyTorch's examples/mnist CNN: its two Conv2d layers alone (with bias, no_grad), and the
    // whole model's eval forward (conv, relu, conv, relu, max_pool2d 2, flatten, fc, relu, fc,
    // log_softmax) on 28×28 single-channel images
    title: 'Conv2d forward, the MNIST CNN (no_grad)',
    unit: 'ms/call', higherIsBetter: false, perCall: true,
    cases: (quick) => [
      ...(quick ? [['conv2', 64]] : [['conv1', 1], ['conv1', 64], ['conv2', 1], ['conv2', 64]]).map(([layer, batch]) => convCase(layer, batch)),
      mnistCase(64),
    ],
    value: (c, sec) => sec * 1e3,
  },
};

// The targets for serving, which the report marks: traced kindling ≥ 1.3× the best peer
// on every mlp row, traced SimpleNN B=1 ≥ 5× onnxruntime-node's calls/s, forwardAsync ≤ 15 µs
// over the synchronous call, the loop's p99 ≤ 1 ms beyond an idle loop's.
export const SERVING_TARGETS = { tracedOverBestPeer: 1.3, floorOverOnnx: 5, asyncExtraUs: 15, loopBeyondIdleMs: 1 };

function mlpCase(suite, model, batch) {
  const { layers, acts } = MODELS[model];
  return {
    suite, id: `${model}-b${batch}`, label: `${model} B=${batch}`, model, batch, layers, acts,
    work: batch,
    data: () => ({ x: normal(batch * layers[0], 4), ...weights(model) }),
  };
}

// The MNIST CNN's convolutions: [in channels, out channels, input height = width], 3×3 kernels, stride 1
export const CONV_LAYERS = { conv1: [1, 32, 28], conv2: [32, 64, 26] };

// PyTorch's default Conv2d/Linear init (uniform ±1/√fan_in), seeded per tensor.
function convWeights(name, cin, cout, seed) {
  const bound = 1 / Math.sqrt(cin * 9);
  return { [`${name}_w`]: uniform(cout * cin * 9, -bound, bound, seed), [`${name}_b`]: uniform(cout, -bound, bound, seed + 1) };
}

function convCase(layer, batch) {
  const [cin, cout, hw] = CONV_LAYERS[layer];
  return {
    suite: 'conv', id: `${layer}-b${batch}`, label: `${layer} ${cin}→${cout} 3×3 on ${hw}×${hw}, B=${batch}`, kind: 'layer', layer, batch, cin, cout, hw,
    work: batch,
    data: () => ({ x: normal(batch * cin * hw * hw, 4), ...convWeights('c', cin, cout, 200) }),
  };
}

function mnistCase(batch) {
  const bound = (n) => 1 / Math.sqrt(n);
  return {
    suite: 'conv', id: `mnist-b${batch}`, label: `MNIST CNN forward, B=${batch}`, kind: 'model', batch,
    work: batch,
    data: () => ({
      x: normal(batch * 28 * 28, 4), ...convWeights('conv1', 1, 32, 210), ...convWeights('conv2', 32, 64, 220),
      fc1_w: uniform(128 * 9216, -bound(9216), bound(9216), 230), fc1_b: uniform(128, -bound(9216), bound(9216), 231),
      fc2_w: uniform(10 * 128, -bound(128), bound(128), 232), fc2_b: uniform(10, -bound(128), bound(128), 233),
    }),
  };
}

/** A training case: the same model, data and step for every optimizer. */
function trainCase(key, what, optimizer) {
  const c = mlpCase('train', 'MLP784', 64);
  return {
    ...c, id: `${c.id}-${key}`, label: `${c.label}, ${what}`, optimizer, checkSteps: 3,
    data: () => ({ x: normal(64 * 784, 4), y: labels(64, 10, 5), ...weights('MLP784') }),
  };
}

export const SUITE_NAMES = Object.keys(SUITES);
