/**
 * torch.jit.trace: traced modules against PyTorch 1.13's traced outputs and reprs (fixtures from
 * scripts/golden/trace.py), against the eager model at other batch sizes, with shared parameters,
 * eager fallback, input checks and forwardAsync.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { activeBinding } from '../src/backend/index.js';
import { EPILOGUES } from '../src/inference/compile.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { expectClose, expectSameBits } from './helpers/opcheck.js';
import { throws } from './helpers/throws.js';

const F = nn.functional;

interface TraceCase {
  name: string;
  state_dict: Record<string, Encoded>;
  trace_input: Encoded;
  inputs: Encoded[];
  outputs: Encoded[];
  repr: string;
}
const fx = loadFixture<{ cases: TraceCase[] }>('trace');

class SimpleNN extends nn.Module {
  fc1 = new nn.Linear(10, 50);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(50, 1);
  seq = new nn.Sequential(new nn.Linear(1, 2), new nn.Dropout(0.1));
  override forward(x: Tensor): Tensor {
    return this.seq(this.fc2(this.relu(this.fc1(x)))) as Tensor;
  }
}

class Residual extends nn.Module {
  inp = new nn.Linear(12, 32);
  block = new nn.Linear(32, 32);
  norm = new nn.LayerNorm(32);
  head = new nn.Linear(32, 5);
  override forward(x: Tensor): Tensor {
    let h = F.relu(this.inp(x.view(x.size(0) as number, -1)) as Tensor);
    h = (this.norm(this.block(h)) as Tensor).add(h);
    return torch.softmax(this.head(h) as Tensor, -1);
  }
}

const activations = () => new nn.Sequential(
  new nn.Linear(6, 16), new nn.GELU(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.SiLU(),
  new nn.Linear(16, 8), new nn.LeakyReLU(0.2), new nn.Linear(8, 8), new nn.ELU(), new nn.Linear(8, 8), new nn.Hardswish(),
  new nn.Linear(8, 8), new nn.Softplus(), new nn.Linear(8, 8), new nn.Sigmoid(), new nn.Linear(8, 8), new nn.GELU({ approximate: 'tanh' }),
  new nn.Linear(8, 4), new nn.LogSoftmax({ dim: 1 }),
);

const MODELS: Record<string, () => nn.Module> = { SimpleNN: () => new SimpleNN(), activations, Residual: () => new Residual() };

function fromFixture(c: TraceCase): nn.Module {
  const m = MODELS[c.name]();
  m.load_state_dict(Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, decode(v)])));
  m.eval();
  return m;
}

const eager = (m: nn.Module, ...x: Tensor[]) => torch.no_grad(() => m(...x)) as Tensor;

function mlp(sizes: number[], act: () => nn.Module): nn.Sequential {
  const layers: nn.Module[] = [];
  sizes.slice(1).forEach((n, i) => {
    layers.push(new nn.Linear(sizes[i], n));
    if (i + 2 < sizes.length) layers.push(act());
  });
  return new nn.Sequential(...layers);
}

describe('torch.jit.trace against PyTorch', () => {
  for (const c of fx.cases) {
    it(`${c.name}: outputs at other batch sizes and the repr`, () => {
      const m = fromFixture(c);
      const traced = torch.jit.trace(m, decode(c.trace_input));
      expect(String(traced)).toBe(c.repr);
      c.inputs.forEach((x, i) => expectClose(traced(decode(x)) as Tensor, decode(c.outputs[i]), 1e-5, 1e-6, `${c.name} input ${i}`));
    });
  }
});

describe('torch.jit.trace: the compiled plan', () => {
  it('compiles a Linear/activation model into one plan, activations fused into the GEMMs', () => {
    torch.manual_seed(1);
    const m = mlp([784, 512, 512, 10], () => new nn.ReLU());
    const traced = torch.jit.trace(m, torch.randn(8, 784));
    const g = traced.graph;
    expect(g).toMatch(/^graph\(%0 : Float\(B, 784\)\):\n {2}plan\(3 ops, one call\):/);
    expect(g).toContain('linear+relu(%0, 0.weight, 0.bias)');
    expect(g).not.toContain('# eager');
    for (const b of [1, 7, 300]) {
      const x = torch.randn(b, 784);
      expectClose(traced(x) as Tensor, eager(m, x), 1e-5, 1e-6, `batch ${b}`);
    }
  });

  it('torch.sigmoid / torch.tanh (functions that take out=) compile when out is not given', () => {
    const w = torch.randn(6, 4);
    const f = (x: Tensor) => torch.tanh(torch.sigmoid(torch.nn.functional.linear(x, w)));
    const traced = torch.jit.trace(f, torch.randn(3, 4));
    expect(traced.graph).not.toContain('# eager');
    const x = torch.randn(5, 4);
    expectClose(traced(x) as Tensor, f(x), 1e-6, 1e-7, 'sigmoid, tanh');
  });

  it('equals the eager model bit for bit where the same kernels run (pre-packed native GEMMs)', () => {
    torch.manual_seed(2);
    for (const act of [() => new nn.ReLU(), () => new nn.GELU(), () => new nn.Sigmoid(), () => new nn.Tanh(), () => new nn.SiLU(), () => new nn.Hardswish()]) {
      const m = mlp([256, 384, 128], act);
      const x = torch.randn(64, 256);
      eager(m, x); // the eager path packs a weight on its second use at one version
      const traced = torch.jit.trace(m, x);
      expectSameBits(traced(x) as Tensor, eager(m, x), String(act()));
    }
  });

  it('gives the same bits on one thread and on two (plan weights are packed; every GEMM path is chosen by the whole product)', () => {
    torch.manual_seed(8);
    const m = mlp([20, 256, 256, 10], () => new nn.Sigmoid());
    const traced = torch.jit.trace(m, torch.randn(3, 20));
    const threads = torch.get_num_threads();
    try {
      for (const b of [1, 12, 34, 45, 78, 133, 254]) {
        const x = torch.randn(b, 20);
        torch.set_num_threads(1);
        const one = traced(x) as Tensor;
        torch.set_num_threads(2);
        expectSameBits(traced(x) as Tensor, one, `batch ${b}`);
      }
    } finally {
      torch.set_num_threads(threads);
    }
  });

  it('lists GEMM epilogues the native addon has', () => {
    const b = activeBinding();
    if (b) expect([...EPILOGUES].sort()).toEqual([...b.epilogueOps].sort());
    else expect(EPILOGUES.size).toBeGreaterThan(0);
  });

  it('sees parameters changed after tracing (in place, by an optimizer, or by load_state_dict)', () => {
    torch.manual_seed(3);
    const m = mlp([32, 64, 8], () => new nn.ReLU());
    const x = torch.randn(16, 32);
    const traced = torch.jit.trace(m, x);
    traced(x);
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
    const loss = (m(x) as Tensor).pow(2).sum();
    loss.backward();
    opt.step();
    expectClose(traced(x) as Tensor, eager(m, x), 1e-5, 1e-6, 'after an SGD step');
    torch.no_grad(() => (m.at(0) as nn.Linear).weight.mul_(-1));
    expectClose(traced(x) as Tensor, eager(m, x), 1e-5, 1e-6, 'after mul_');
    const fresh = mlp([32, 64, 8], () => new nn.ReLU());
    m.load_state_dict(fresh.state_dict());
    expectClose(traced(x) as Tensor, eager(fresh, x), 1e-5, 1e-6, 'after load_state_dict');
    // the traced module shares the model's parameters
    expect([...traced.parameters()]).toEqual([...m.parameters()]);
    expect(Object.keys(traced.state_dict())).toEqual(Object.keys(m.state_dict()));
  });

  it('replays what it cannot compile eagerly, between plans', () => {
    torch.manual_seed(4);
    const m = new Residual();
    m.eval();
    const traced = torch.jit.trace(m, torch.randn(5, 3, 4));
    expect(traced.graph).toMatch(/LayerNorm\.forward\(%\d+\) {2}# eager/);
    expect(traced.graph.match(/plan\(/g)?.length).toBe(2);
    for (const b of [1, 2, 11]) {
      const x = torch.randn(b, 3, 4);
      expectClose(traced(x) as Tensor, eager(m, x), 1e-5, 1e-6, `batch ${b}`);
    }
  });

  it('records functions, methods and in-place steps as the model runs them', () => {
    torch.manual_seed(5);
    const lin = new nn.Linear(6, 6);
    const f = (x: Tensor) => {
      const h = F.linear(x, lin.weight, lin.bias).relu_();
      const v = h.view(-1, 2, 3);
      return torch.cat([v.sigmoid(), x.view(-1, 2, 3).exp()], 1).flatten(1).mul(2).tanh();
    };
    const x = torch.randn(4, 6);
    const traced = torch.jit.trace(f, x);
    expect(String(traced)).toBe('<torch.jit.ScriptFunction object>');
    for (const b of [1, 9]) {
      const y = torch.randn(b, 6);
      expectClose(traced(y) as Tensor, torch.no_grad(() => f(y)), 1e-6, 1e-7, `batch ${b}`);
    }
    // the traced call leaves its input alone, as the function does
    const y = torch.randn(3, 6), before = y.clone();
    traced(y);
    expectSameBits(y, before, 'input');
  });

  it('keeps an in-place step on the input eager (the input changes as it would)', () => {
    const f = (x: Tensor) => x.relu_().mul(3);
    const x = torch.tensor([[-1, 2], [3, -4]]);
    const traced = torch.jit.trace(f, x.clone());
    const y = torch.tensor([[-5, 6], [7, -8], [1, 1]]);
    expect((traced(y) as Tensor).tolist()).toEqual([[0, 18], [21, 0], [3, 3]]);
    expect(y.tolist()).toEqual([[0, 6], [7, 0], [1, 1]]);
  });

  it('runs multi-input and tuple-output forwards', () => {
    torch.manual_seed(6);
    const a = new nn.Linear(4, 8), b = new nn.Linear(4, 8);
    const f = (x: Tensor, y: Tensor) => {
      const h = torch.relu(a(x) as Tensor).add(torch.sigmoid(b(y) as Tensor));
      return [h, torch.log_softmax(h, 1)];
    };
    const traced = torch.jit.trace(f, [torch.randn(3, 4), torch.randn(3, 4)]);
    const x = torch.randn(6, 4), y = torch.randn(6, 4);
    const got = traced(x, y) as Tensor[], want = torch.no_grad(() => f(x, y));
    expectClose(got[0], want[0], 1e-6, 1e-7, 'h');
    expectClose(got[1], want[1], 1e-6, 1e-7, 'log_softmax');
    throws(() => traced(x, torch.randn(5, 4)), RangeError, "forward(): the inputs' first dimensions differ (6 and 5)");
  });

  it('falls back to the eager model at other batch sizes when the trace bakes the batch in', () => {
    // traced at batch 1, reshape(1, -1) looks like a view that keeps the rows; at batch 2 it is not
    const g = (x: Tensor) => x.reshape(1, -1).mul(2);
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(w.message);
    const emit = process.emitWarning;
    process.emitWarning = ((w: string | Error) => onWarn(typeof w === 'string' ? new Error(w) : w)) as typeof process.emitWarning;
    let traced;
    try {
      traced = torch.jit.trace(g, torch.randn(1, 4));
    } finally {
      process.emitWarning = emit;
    }
    expect(warnings.join()).toMatch(/^torch\.jit\.trace: the trace does not generalize to other batch sizes \(output 0 has shape \[2, 4\] instead of \[1, 8\]\); calls with a batch other than 1 run the model eagerly/);
    const x = torch.randn(3, 4);
    expectSameBits(traced(x) as Tensor, g(x), 'batch 3');
    const one = torch.randn(1, 4);
    expectSameBits(traced(one) as Tensor, g(one), 'batch 1');
  });

  it('checks its inputs and arguments', () => {
    const m = mlp([4, 8, 2], () => new nn.ReLU());
    const traced = torch.jit.trace(m, torch.randn(2, 4));
    throws(() => traced(torch.randn(2, 5)), RangeError, 'forward(): input 0 has shape [2, 5], but the module was traced with [2, 4] (the first dimension may vary)');
    throws(() => traced(torch.randn(2, 4).double()), TypeError, 'forward(): input 0 has dtype float64, but the module was traced with float32');
    throws(() => traced(), TypeError, 'forward() expected 1 input, but got 0');
    throws(() => traced([1, 2] as unknown as Tensor), TypeError, 'forward(): input 0 must be a Tensor, but got object');
    throws(() => torch.jit.trace(m, [] as Tensor[]), TypeError, 'trace(): example_inputs must be a Tensor or a non-empty array of Tensors');
    throws(() => torch.jit.trace(42 as unknown as nn.Module, torch.randn(1)), TypeError, 'trace(): func must be a Module or a function, but got number');
    expect(traced.inputShapes).toEqual([[-1, 4]]);
    expect((traced(torch.zeros(0, 4)) as Tensor).shape).toEqual([0, 2]);
  });

  it('replays eagerly what a plan cannot hold: empty layers, parameters beyond float32', () => {
    const empty = new nn.Sequential(new nn.Linear(4, 0), new nn.ReLU());
    const traced = torch.jit.trace(empty, torch.randn(2, 4));
    expect(traced.graph).not.toContain('plan(');
    expect((traced(torch.randn(5, 4)) as Tensor).shape).toEqual([5, 0]);
    const f = (x: Tensor) => F.leaky_relu(x, 1e40);
    const t = torch.jit.trace(f, torch.randn(3, 2));
    expect(t.graph).toContain('leaky_relu(%0, 1e+40, false)  # eager');
    const x = torch.tensor([[-1, 2]]);
    expectSameBits(t(x) as Tensor, f(x), 'leaky_relu');
  });

  it('replays a module with hooks eagerly, hooks included', () => {
    const m = mlp([4, 8, 2], () => new nn.ReLU());
    let calls = 0;
    (m.at(0) as nn.Module).register_forward_hook(() => { calls++; });
    const traced = torch.jit.trace(m, torch.randn(2, 4), { check_trace: false });
    expect(calls).toBe(1);
    traced(torch.randn(3, 4));
    expect(calls).toBe(2);
    expect(traced.graph).toContain('Linear.forward(%0)  # eager');
  });
});

describe('TracedModule.forwardAsync', () => {
  it('resolves to what the synchronous call returns', async () => {
    torch.manual_seed(7);
    const m = mlp([64, 128, 10], () => new nn.ReLU());
    const traced = torch.jit.trace(m, torch.randn(4, 64));
    const xs = [1, 5, 64, 300].map((b) => torch.randn(b, 64));
    const got = await Promise.all(xs.map((x) => traced.forwardAsync(x)));
    got.forEach((y, i) => expectSameBits(y, traced(xs[i]) as Tensor, `batch ${xs[i].shape[0]}`));
  });

  it('uses the inputs as they were when called, whatever happens to them afterwards', async () => {
    const m = mlp([16, 32, 4], () => new nn.Tanh());
    const traced = torch.jit.trace(m, torch.randn(2, 16));
    const x = torch.randn(50, 16);
    const expected = traced(x) as Tensor;
    const p = traced.forwardAsync(x);
    torch.no_grad(() => x.fill_(1000));
    expectSameBits(await p, expected, 'after fill_');
  });

  it('rejects, rather than throws, on bad input', async () => {
    const traced = torch.jit.trace(mlp([4, 2], () => new nn.ReLU()), torch.randn(2, 4));
    await expect(traced.forwardAsync(torch.randn(2, 3))).rejects.toThrow(/input 0 has shape \[2, 3\]/);
  });

  it('lets the event loop turn while a large batch runs', async () => {
    const m = mlp([512, 512, 512, 10], () => new nn.ReLU());
    const traced = torch.jit.trace(m, torch.randn(2, 512));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const immediate = new Promise<number>((resolve) => setImmediate(() => resolve(ticks)));
    const y = await traced.forwardAsync(torch.randn(2048, 512));
    clearInterval(timer);
    await immediate;
    expect(y.shape).toEqual([2048, 10]);
    // the JS fallback yields between slices; the native run happens off the JS thread
    expect(ticks).toBeGreaterThan(0);
  });
});
