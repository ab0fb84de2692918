// kindling through its public API, as a user writes it. The same file serves kindling-native,
// kindling-js (run.mjs starts it with KINDLING_BACKEND=js), kindling-traced and kindling-traced-js
// (BENCH_KINDLING_TRACE=1: the model is traced once with torch.jit.trace and the traced module is
// timed).
import fs from 'node:fs';
import { readF32, readI32 } from '../lib/data.mjs';
import { NotApplicable } from './not_applicable.mjs';
import { peakRss, resetPeakRss } from './peak_rss.mjs';

const torch = await import('../../dist/index.js');
const { nn, optim } = torch;
const traceModels = process.env.BENCH_KINDLING_TRACE === '1';

export async function init(threads) {
  const info = torch.backendInfo();
  const want = process.env.KINDLING_BACKEND;
  if (want && info.backend !== want) throw new Error(`asked for the ${want} backend, got ${info.backend}: ${info.reason}`);
  if (traceModels && typeof torch.jit?.trace !== 'function') throw new Error('this kindling has no torch.jit.trace');
  torch.set_num_threads(threads);
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return { version: pkg.version, info: { backend: info.backend, isa: info.isa ?? null, reason: info.reason, threads: torch.get_num_threads(), ...(traceModels ? { traced: true } : {}) } };
}

const tensor = (path, shape) => torch.frombuffer(readF32(path)).view(shape);

// The seed's networks: Linear layers assigned as fc1, fc2, ... and the activation after each
// hidden layer, as SimpleNN and AdvancedNN are written. forward walks lists made once here, so it
// costs what their hand-written forward costs.
class Net extends nn.Module {
  constructor(layers, acts) {
    super();
    for (let i = 0; i + 1 < layers.length; i++) this[`fc${i + 1}`] = new nn.Linear(layers[i], layers[i + 1]);
    this.steps = acts.map((a, i) => [this[`fc${i + 1}`], torch[a]]);
    this.last = this[`fc${acts.length + 1}`];
  }
  forward(x) {
    for (const [fc, act] of this.steps) x = act(fc(x));
    return this.last(x);
  }
}

function model(c, files) {
  const net = new Net(c.layers, c.acts);
  torch.no_grad(() => {
    for (let i = 0; i + 1 < c.layers.length; i++) {
      net[`fc${i + 1}`].weight.copy_(tensor(files[`w${i}`], [c.layers[i + 1], c.layers[i]]));
      net[`fc${i + 1}`].bias.copy_(tensor(files[`b${i}`], [c.layers[i + 1]]));
    }
  });
  return net;
}

const F = nn.functional;

// PyTorch's examples/mnist/main.py Net, as a kindling user writes it.
class MnistNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);
  forward(x) {
    x = F.relu(this.conv2(F.relu(this.conv1(x))));
    x = torch.flatten(this.dropout1(F.max_pool2d(x, 2)), 1);
    return F.log_softmax(this.fc2(this.dropout2(F.relu(this.fc1(x)))), { dim: 1 });
  }
}

function mnistNet(files) {
  const net = new MnistNet();
  const shapes = { conv1: [[32, 1, 3, 3], [32]], conv2: [[64, 32, 3, 3], [64]], fc1: [[128, 9216], [128]], fc2: [[10, 128], [10]] };
  torch.no_grad(() => {
    for (const [name, [ws, bs]] of Object.entries(shapes)) {
      net[name].weight.copy_(tensor(files[`${name}_w`], ws));
      net[name].bias.copy_(tensor(files[`${name}_b`], bs));
    }
  });
  return net;
}

// copy is x.clone(): it always allocates and copies (no copy-on-write), so it is the baseline.
const OPS = {
  copy: (x) => x.clone(), relu: torch.relu, sigmoid: torch.sigmoid, tanh: torch.tanh, gelu: (x) => F.gelu(x),
  softmax: (x) => torch.softmax(x, -1), add: (x, y) => torch.add(x, y), mul: (x, y) => torch.mul(x, y),
};
// into a preallocated out (torch.clone has no out=: copy_ is the copy into existing memory; torch.relu has none: clamp)
const OUT_OPS = {
  copy: (x, _y, out) => out.copy_(x), relu: (x, _y, out) => torch.clamp(x, { min: 0, out }), sigmoid: (x, _y, out) => torch.sigmoid(x, { out }),
  add: (x, y, out) => torch.add(x, y, { out }), mul: (x, y, out) => torch.mul(x, y, { out }),
};

export async function build(c, files) {
  let out;
  const result = () => Float32Array.from(out.contiguous().toTypedArray());
  if (c.suite === 'gemm') {
    const a = tensor(files.a, [c.M, c.K]), b = tensor(files.b, [c.K, c.N]);
    return { run: () => { out = torch.mm(a, b); }, result };
  }
  if (c.suite === 'ops' || c.suite === 'overhead') {
    const xs = readF32(files.x), x = torch.frombuffer(xs).view(c.shape), y = files.y ? tensor(files.y, c.shape) : undefined, f = OPS[c.op];
    if (c.out) {
      const dest = torch.empty(c.shape), g = OUT_OPS[c.op];
      return { run: () => { out = g(x, y, dest); }, result };
    }
    if (c.op === 'copy') { // a clone that shared x's memory (copy-on-write, say) would time nothing
      const v = xs[0], probe = f(x);
      xs[0] = v + 1;
      const shared = probe.toTypedArray()[0] !== v;
      xs[0] = v;
      if (shared) throw new NotApplicable('x.clone() returned memory that follows the input, not a copy');
    }
    return { run: y ? () => { out = f(x, y); } : () => { out = f(x); }, result };
  }
  if (c.suite === 'mlp' || c.suite === 'floor') {
    const net = model(c, files).eval(), x = tensor(files.x, [c.batch, c.layers[0]]);
    if (traceModels) {
      // traced on the case's own input, as a server traces on a sample request
      const traced = torch.jit.trace(net, x);
      return { run: () => { out = traced(x); }, result };
    }
    return { run: () => { out = torch.no_grad(() => net(x)); }, result };
  }
  if (traceModels) throw new NotApplicable('torch.jit.trace times whole models (the mlp and floor suites)');
  if (c.suite === 'conv') {
    if (c.kind === 'layer') {
      const x = tensor(files.x, [c.batch, c.cin, c.hw, c.hw]), w = tensor(files.c_w, [c.cout, c.cin, 3, 3]), b = tensor(files.c_b, [c.cout]);
      return { run: () => { out = torch.no_grad(() => F.conv2d(x, w, b)); }, result };
    }
    const net = mnistNet(files).eval(), x = tensor(files.x, [c.batch, 1, 28, 28]);
    return { run: () => { out = torch.no_grad(() => net(x)); }, result };
  }
  if (c.suite === 'train') {
    const net = model(c, files), x = tensor(files.x, [c.batch, c.layers[0]]);
    const y = torch.tensor(Array.from(readI32(files.y)), { dtype: torch.int64 });
    const opt = new optim[c.optimizer.name](net.parameters(), c.optimizer.options), lossFn = new nn.CrossEntropyLoss();
    resetPeakRss();
    return {
      run: () => { opt.zero_grad(); lossFn(net(x), y).backward(); opt.step(); },
      result: () => { out = torch.no_grad(() => net(x)); return result(); },
      peakRss,
    };
  }
  throw new Error(`unknown suite ${c.suite}`);
}

// The serve suite: the traced model's forwardAsync and the event loop (./kindling_serve.mjs).
export async function measure(c, files, timing) {
  if (c.suite !== 'serve' || !traceModels) throw new NotApplicable('the serve suite runs traced models only');
  const { asyncCost, loopDelay } = await import('./kindling_serve.mjs');
  const net = model(c, files).eval(), x = tensor(files.x, [c.batch, c.layers[0]]);
  const traced = torch.jit.trace(net, x);
  return c.kind === 'asyncCost' ? asyncCost(traced, x, timing) : loopDelay(traced, x, c, timing);
}
