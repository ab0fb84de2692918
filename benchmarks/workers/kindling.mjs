// kindling through its public API, as a user writes it. The same file serves kindling-native and
// kindling-js: run.mjs starts the latter with KINDLING_BACKEND=js.
import fs from 'node:fs';
import { readF32, readI32 } from '../lib/data.mjs';
import { NotApplicable } from './not_applicable.mjs';

const torch = await import('../../dist/index.js');
const { nn, optim } = torch;

export async function init(threads) {
  const info = torch.backendInfo();
  const want = process.env.KINDLING_BACKEND;
  if (want && info.backend !== want) throw new Error(`asked for the ${want} backend, got ${info.backend}: ${info.reason}`);
  torch.set_num_threads(threads);
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return { version: pkg.version, info: { backend: info.backend, isa: info.isa ?? null, reason: info.reason, threads: torch.get_num_threads() } };
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
// copy is x.clone(): it always allocates and copies (no copy-on-write), so it is the baseline.
const OPS = {
  copy: (x) => x.clone(), relu: torch.relu, sigmoid: torch.sigmoid, tanh: torch.tanh, gelu: (x) => F.gelu(x),
  softmax: (x) => torch.softmax(x, -1), add: (x, y) => torch.add(x, y), mul: (x, y) => torch.mul(x, y),
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
    return { run: () => { out = torch.no_grad(() => net(x)); }, result };
  }
  if (c.suite === 'train') {
    const net = model(c, files), x = tensor(files.x, [c.batch, c.layers[0]]);
    const y = torch.tensor(Array.from(readI32(files.y)), { dtype: torch.int64 });
    const opt = new optim.SGD(net.parameters(), { lr: c.lr }), lossFn = new nn.CrossEntropyLoss();
    return {
      run: () => { opt.zero_grad(); lossFn(net(x), y).backward(); opt.step(); },
      result: () => { out = torch.no_grad(() => net(x)); return result(); },
    };
  }
  throw new Error(`unknown suite ${c.suite}`);
}
