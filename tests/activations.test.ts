/**
 * Activations against PyTorch 1.13 (tests/fixtures/activations.json, from
 * scripts/golden/activations.py): forward, gradient and grad_fn of every functional op at
 * ordinary and extreme inputs in float64 and float32, every module's repr; then the op-check
 * helper (all backends, finite-difference gradients), double backward, call forms and errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor, nn } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { checkOp, UNARY_SHAPES } from './helpers/opcheck.js';
import { availableBackends, useBackend } from '../src/backend/index.js';
import { jsBackend } from '../src/backend/js/index.js';

const F = nn.functional;

interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  inputs: Encoded[];
  upstream: Encoded;
  out: Encoded;
  grads: Encoded[];
  grad_fn: string;
  exact?: Encoded;
}
interface Fixture {
  cases: Case[];
  reprs: Record<string, string>;
  prelu_module: { weight: Encoded; state_dict_keys: string[] };
}
const fx = loadFixture<Fixture>('activations');

/** The same calls as the golden script's tables, keyed by the same names. */
const OPS: Record<string, (...xs: Tensor[]) => Tensor> = {
  relu: (x) => F.relu(x),
  relu6: (x) => F.relu6(x),
  leaky_relu: (x) => F.leaky_relu(x),
  'leaky_relu(0.2)': (x) => F.leaky_relu(x, 0.2),
  elu: (x) => F.elu(x),
  'elu(0.5)': (x) => F.elu(x, 0.5),
  selu: (x) => F.selu(x),
  celu: (x) => F.celu(x),
  'celu(2.0)': (x) => F.celu(x, { alpha: 2 }),
  gelu: (x) => F.gelu(x),
  'gelu(tanh)': (x) => F.gelu(x, { approximate: 'tanh' }),
  silu: (x) => F.silu(x),
  mish: (x) => F.mish(x),
  sigmoid: (x) => torch.sigmoid(x),
  tanh: (x) => torch.tanh(x),
  softplus: (x) => F.softplus(x),
  'softplus(2, 10)': (x) => F.softplus(x, 2, 10),
  'softplus(0.5, 30)': (x) => F.softplus(x, { beta: 0.5, threshold: 30 }),
  'softplus(3, 20)': (x) => F.softplus(x, 3),
  softsign: (x) => F.softsign(x),
  hardtanh: (x) => F.hardtanh(x),
  'hardtanh(-2, 3)': (x) => F.hardtanh(x, -2, { max_val: 3 }),
  hardsigmoid: (x) => F.hardsigmoid(x),
  hardswish: (x) => F.hardswish(x),
  logsigmoid: (x) => F.logsigmoid(x),
  'threshold(0.1, 20)': (x) => F.threshold(x, 0.1, 20),
  'threshold(-1, -5)': (x) => F.threshold(x, { threshold: -1, value: -5 }),
  tanhshrink: (x) => F.tanhshrink(x),
  hardshrink: (x) => F.hardshrink(x),
  'hardshrink(1)': (x) => x.hardshrink(1),
  softshrink: (x) => F.softshrink(x),
  'softshrink(1)': (x) => F.softshrink(x, { lambd: 1 }),
  'softmax(dim=1)': (x) => F.softmax(x, 1),
  'softmax(dim=0)': (x) => F.softmax(x, { dim: 0 }),
  'log_softmax(dim=1)': (x) => F.log_softmax(x, 1),
  'log_softmax(dim=0)': (x) => F.log_softmax(x, { dim: 0 }),
  'softmin(dim=1)': (x) => F.softmin(x, 1),
  'softmin(dim=-2)': (x) => F.softmin(x, -2),
  glu: (x) => F.glu(x),
  'glu(dim=0)': (x) => F.glu(x, 0),
  'glu(3d, dim=1)': (x) => F.glu(x, { dim: 1 }),
  'prelu(scalar weight)': (x, w) => F.prelu(x, w),
  'prelu(channels)': (x, w) => torch.prelu(x, w),
  'prelu(one weight, 4d)': (x, w) => x.prelu(w),
};

/**
 * float64 is compared at 1e-12 relative (1e-15 absolute for results that are ~0); float32 at
 * 1e-6 relative, 1e-7 absolute: PyTorch's float32 kernels lose the far tails that ours, computed
 * in double and rounded, keep (GELU below x ≈ −5 is 0 there, −2.4e-13 here).
 */
const TOL = { float64: { rtol: 1e-12, atol: 1e-15 }, float32: { rtol: 1e-6, atol: 1e-7 } };
/** Documented departures, per op and dtype. */
const LOOSER: Record<string, { rtol?: number; atol?: number; dtype?: string }> = {
  // log-sum-exp over logits of 1e4: both sides round at ulp(1e4) ≈ 2e-12, in different orders
  'log_softmax(dim=1)': { atol: 1e-11, dtype: 'float64' },
  // PyTorch 1.13 multiplies by 1/6 rounded to float32 even in float64; we use 1/6
  hardsigmoid: { rtol: 5e-8, dtype: 'float64' },
  // PyTorch's float32 GELU loses its tail to cancellation in 1 + erf (−8.1433e-4 for −8.1420e-4 at
  // x = −3.5; 0 below −5.4); ours is computed in double, see the float64 comparison below
  gelu: { atol: 1e-6, dtype: 'float32' },
  // its gradient's ½(1 + tanh u) cancels in PyTorch's float32 kernel (−0.00218020 for the exact
  // −0.00218038 at x ≈ −2.9); ours is computed in double (checked against float64 below)
  'gelu(tanh)': { rtol: 1e-4, dtype: 'float32' },
};

function compare(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string): void {
  expect(actual.dtype, `${what}: dtype`).toBe(expected.dtype);
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.toTypedArray(), e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) {
    const x = a[i], y = e[i];
    if (Object.is(x, y) || x === y) continue;
    const ok = Number.isFinite(y) && Math.abs(x - y) <= atol + rtol * Math.abs(y);
    expect(ok, `${what}[${i}]: got ${x}, expected ${y}`).toBe(true);
  }
}

describe('activations match PyTorch 1.13', () => {
  it('has a call for every golden case', () => {
    expect(fx.cases.length).toBeGreaterThan(80);
    for (const c of fx.cases) expect(OPS[c.name], c.name).toBeTypeOf('function');
  });

  for (const c of fx.cases) {
    it(`${c.name} ${c.dtype}`, () => {
      const xs = c.inputs.map((e) => decode(e).requires_grad_(true));
      const y = OPS[c.name](...xs);
      expect(y.grad_fn?.name()).toBe(c.grad_fn);
      const o = LOOSER[c.name];
      const tol = { ...TOL[c.dtype], ...(o && o.dtype === c.dtype ? o : {}) };
      compare(y, decode(c.exact ?? c.out), tol.rtol, tol.atol, `${c.name} ${c.dtype}`);
      const grads = torch.autograd.grad(y.mul(decode(c.upstream)).sum(), xs);
      grads.forEach((g, i) => compare(g!, decode(c.grads[i]), tol.rtol, tol.atol, `${c.name} ${c.dtype}: grad ${i}`));
    });
  }

  // our float32 results are float64 math rounded, so they also sit within float32 precision of
  // PyTorch's float64 results, tails included (where PyTorch's own float32 kernels lose digits)
  for (const c of fx.cases.filter((k) => k.dtype === 'float32')) {
    it(`${c.name} float32 against PyTorch's float64`, () => {
      const ref = fx.cases.find((k) => k.dtype === 'float64' && k.name === c.name)!;
      const xs = c.inputs.map((e) => decode(e).requires_grad_(true));
      const y = OPS[c.name](...xs);
      const as64 = (e: Encoded) => decode(e).to(torch.float32);
      compare(y, as64(ref.exact ?? ref.out), 1e-5, 1e-6, `${c.name}`);
      const grads = torch.autograd.grad(y.mul(decode(c.upstream)).sum(), xs);
      grads.forEach((g, i) => compare(g!, as64(ref.grads[i]), 1e-5, 1e-6, `${c.name}: grad ${i}`));
    });
  }

  it('sigmoid, softplus and logsigmoid are exact and finite at ±100 in float32', () => {
    const x = torch.tensor([-100, 100]);
    expect(torch.sigmoid(x).tolist()).toEqual([Math.fround(1 / (1 + Math.exp(100))), 1]);
    expect(F.softplus(x).tolist()).toEqual([Math.fround(Math.exp(-100)), 100]);
    expect(F.logsigmoid(x).tolist()).toEqual([-100, Math.fround(-Math.exp(-100))]);
    const g = torch.tensor([-100, 100], { requires_grad: true });
    F.logsigmoid(g).sum().backward();
    expect(g.grad!.tolist()).toEqual([1, Math.fround(Math.exp(-100))]);
  });
});

describe('activation modules print as PyTorch', () => {
  const MODULES: Record<string, () => nn.Module> = {
    'ReLU()': () => new nn.ReLU(),
    'ReLU(inplace=True)': () => new nn.ReLU(true),
    'ReLU6()': () => new nn.ReLU6(),
    'ReLU6(inplace=True)': () => new nn.ReLU6({ inplace: true }),
    'LeakyReLU()': () => new nn.LeakyReLU(),
    'LeakyReLU(0.2, inplace=True)': () => new nn.LeakyReLU(0.2, { inplace: true }),
    'PReLU()': () => new nn.PReLU(),
    'PReLU(3, 0.1)': () => new nn.PReLU(3, 0.1),
    'ELU()': () => new nn.ELU(),
    'ELU(0.5, inplace=True)': () => new nn.ELU(0.5, true),
    'SELU()': () => new nn.SELU(),
    'SELU(inplace=True)': () => new nn.SELU(true),
    'CELU()': () => new nn.CELU(),
    'CELU(2.0, inplace=True)': () => new nn.CELU({ alpha: 2, inplace: true }),
    'GELU()': () => new nn.GELU(),
    "GELU(approximate='tanh')": () => new nn.GELU({ approximate: 'tanh' }),
    'Sigmoid()': () => new nn.Sigmoid(),
    'Tanh()': () => new nn.Tanh(),
    'SiLU()': () => new nn.SiLU(),
    'SiLU(inplace=True)': () => new nn.SiLU(true),
    'Mish()': () => new nn.Mish(),
    'Mish(inplace=True)': () => new nn.Mish(true),
    'Softplus()': () => new nn.Softplus(),
    'Softplus(2, 10)': () => new nn.Softplus(2, 10),
    'Softplus(0.5, 30.5)': () => new nn.Softplus({ beta: 0.5, threshold: 30.5 }),
    'Softsign()': () => new nn.Softsign(),
    'Hardtanh()': () => new nn.Hardtanh(),
    'Hardtanh(-2.0, 3.5, inplace=True)': () => new nn.Hardtanh(-2, 3.5, true),
    'Hardsigmoid()': () => new nn.Hardsigmoid(),
    'Hardsigmoid(inplace=True)': () => new nn.Hardsigmoid(true),
    'Hardswish()': () => new nn.Hardswish(),
    'Hardswish(inplace=True)': () => new nn.Hardswish(true),
    'LogSigmoid()': () => new nn.LogSigmoid(),
    'Softmax()': () => new nn.Softmax(),
    'Softmax(dim=1)': () => new nn.Softmax(1),
    'LogSoftmax()': () => new nn.LogSoftmax(),
    'LogSoftmax(dim=-1)': () => new nn.LogSoftmax({ dim: -1 }),
    'Softmin()': () => new nn.Softmin(),
    'Softmin(dim=0)': () => new nn.Softmin(0),
    'Threshold(0.1, 20.0)': () => new nn.Threshold(0.1, 20),
    'Threshold(-1.5, 0.0, inplace=True)': () => new nn.Threshold(-1.5, 0, true),
    'Tanhshrink()': () => new nn.Tanhshrink(),
    'Hardshrink()': () => new nn.Hardshrink(),
    'Hardshrink(1.25)': () => new nn.Hardshrink(1.25),
    'Softshrink()': () => new nn.Softshrink(),
    'Softshrink(1e-05)': () => new nn.Softshrink({ lambd: 1e-5 }),
    'GLU()': () => new nn.GLU(),
    'GLU(1)': () => new nn.GLU(1),
    'Sequential(...)': () => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(true), new nn.Softmax(-1)),
  };

  it('covers every fixture repr', () => {
    expect(Object.keys(MODULES).sort()).toEqual(Object.keys(fx.reprs).sort());
  });
  for (const [key, expected] of Object.entries(fx.reprs)) {
    it(key, () => expect(MODULES[key]().toString()).toBe(expected));
  }

  it('PReLU holds one weight per parameter, initialised to init', () => {
    const m = new nn.PReLU(3, 0.1);
    expect(Object.keys(m.state_dict())).toEqual(fx.prelu_module.state_dict_keys);
    expect(m.weight.toTypedArray()).toEqual(decode(fx.prelu_module.weight).toTypedArray());
    expect(m.weight.requires_grad).toBe(true);
    const y = m(torch.tensor([[-1, 2, -3], [4, -5, 6]])) as Tensor;
    expect(y.tolist()).toEqual([[-0.1, 2, -0.3], [4, -0.5, 6]].map((r) => r.map(Math.fround)));
    y.sum().backward();
    expect(m.weight.grad!.tolist()).toEqual([-1, -5, -3]);
  });
});

describe('activation ops on every backend, gradients by finite differences', () => {
  const elementwise: [string, (x: Tensor) => Tensor, [number, number]?][] = [
    ['relu', (x) => F.relu(x)],
    ['relu6', (x) => F.relu6(x), [-2, 8]],
    ['leaky_relu', (x) => F.leaky_relu(x, 0.2)],
    ['elu', (x) => F.elu(x, 0.7)],
    ['selu', (x) => torch.selu(x)],
    ['celu', (x) => torch.celu(x, 1.5)],
    ['gelu', (x) => F.gelu(x), [-4, 4]],
    ['gelu tanh', (x) => F.gelu(x, 'tanh'), [-4, 4]],
    ['silu', (x) => F.silu(x), [-6, 6]],
    ['mish', (x) => F.mish(x), [-6, 6]],
    ['softplus', (x) => F.softplus(x), [-6, 6]],
    ['softplus(2, 3)', (x) => F.softplus(x, 2, 3), [-3, 3]],
    ['softplus(0.5, 25)', (x) => F.softplus(x, 0.5, 25), [-6, 6]],
    ['softsign', (x) => F.softsign(x)],
    ['hardtanh', (x) => F.hardtanh(x, -1.5, 0.5)],
    ['hardsigmoid', (x) => F.hardsigmoid(x), [-4, 4]],
    ['hardswish', (x) => F.hardswish(x), [-4, 4]],
    ['logsigmoid', (x) => F.logsigmoid(x), [-6, 6]],
    ['threshold', (x) => torch.threshold(x, 0.3, -2)],
    ['tanhshrink', (x) => F.tanhshrink(x)],
    ['hardshrink', (x) => torch.hardshrink(x, 0.7)],
    ['softshrink', (x) => F.softshrink(x, 0.7)],
    ['softmax', (x) => F.softmax(x, -1)],
    ['log_softmax', (x) => F.log_softmax(x, -1)],
    ['softmin', (x) => F.softmin(x, 0)],
  ];
  // their kernels have no native implementation: every backend runs them in JS
  const jsKernels = new Set(['relu6', 'hardtanh', 'threshold', 'hardshrink']);
  // the native kernels round as the JS backend does (one product, or none)
  const exact = new Set(['relu', 'leaky_relu']);
  for (const [name, fn, domain] of elementwise) {
    it(name, () => checkOp(name, fn, UNARY_SHAPES, { domain, native: !jsKernels.has(name), exact: exact.has(name) }));
  }

  it('glu', () => {
    checkOp('glu', (x) => F.glu(x), [[[4]], [[3, 6]], [[2, 3, 8]]]);
    checkOp('glu(dim=1)', (x) => F.glu(x, 1), [[[2, 4, 3]]]);
  });
  it('prelu', () => {
    checkOp('prelu', (x, w) => F.prelu(x, w), [[[], [1]], [[7], [1]], [[2, 3, 5], [3]], [[2, 3], [3]], [[2, 4, 2, 3], [1]]]);
  });

  it('double backward (create_graph) of the ops with hand-written gradients', () => {
    const ops: [string, (x: Tensor) => Tensor][] = [
      ['gelu', (x) => F.gelu(x)], ['gelu tanh', (x) => F.gelu(x, 'tanh')], ['silu', (x) => F.silu(x)],
      ['mish', (x) => F.mish(x)], ['elu', (x) => F.elu(x)], ['celu', (x) => F.celu(x, 2)], ['selu', (x) => F.selu(x)],
      ['softplus', (x) => F.softplus(x)], ['softplus(2, 5)', (x) => F.softplus(x, 2, 5)], ['logsigmoid', (x) => F.logsigmoid(x)],
      ['glu', (x) => F.glu(x)], ['hardswish', (x) => F.hardswish(x)],
    ];
    const xs = [-2.31, -0.77, 0.42, 1.93];
    const h = 1e-6;
    const dfdx = (fn: (x: Tensor) => Tensor, v: number[], create: boolean) => {
      const x = torch.tensor(v, { dtype: torch.float64, requires_grad: true });
      return [x, torch.autograd.grad(fn(x).sum(), x, { create_graph: create })[0]!] as const;
    };
    for (const [name, fn] of ops) {
      const [x, g] = dfdx(fn, xs, true);
      const d2 = torch.autograd.grad(g.sum(), x)[0]!.toTypedArray();
      // d/dh of Σ grad(x + h) by central differences equals the sum of the second-order gradient
      const up = dfdx(fn, xs.map((v) => v + h), false)[1].sum().item();
      const down = dfdx(fn, xs.map((v) => v - h), false)[1].sum().item();
      const total = Array.from(d2 as ArrayLike<number>).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - (up - down) / (2 * h)), name).toBeLessThan(1e-5 * Math.max(1, Math.abs(total)));
    }
  });
});

describe('call forms', () => {
  const x = () => torch.tensor([-2, -0.5, 0, 0.5, 2]);

  it('keywords in a trailing options object equal positional arguments', () => {
    expect(F.leaky_relu(x(), { negative_slope: 0.2 }).tolist()).toEqual(F.leaky_relu(x(), 0.2).tolist());
    expect(F.elu(x(), { alpha: 0.5 }).tolist()).toEqual(F.elu(x(), 0.5).tolist());
    expect(F.hardtanh(x(), { min_val: -0.25 }).tolist()).toEqual(F.hardtanh(x(), -0.25, 1).tolist());
    expect(F.softplus(x(), 2, { threshold: 1 }).tolist()).toEqual(F.softplus(x(), 2, 1).tolist());
    expect(F.softmax(x(), { dim: 0, dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(() => F.elu(x(), { alpah: 1 } as never)).toThrow("elu() got an unexpected keyword argument 'alpah'");
  });

  it('softmax without dim picks PyTorch\'s implicit dim (0 for 0-, 1- and 3-d, else 1)', () => {
    const t2 = torch.tensor([[1, 2], [3, 5]]);
    expect(F.softmax(t2).tolist()).toEqual(F.softmax(t2, 1).tolist());
    const t3 = torch.ones([2, 3, 4]);
    expect(F.log_softmax(t3).tolist()).toEqual(F.log_softmax(t3, 0).tolist());
    expect(new nn.Softmin()(t2).tolist()).toEqual(F.softmin(t2, 1).tolist());
  });

  it('functional inplace=true writes into the input; modules compute out of place', () => {
    const a = x();
    const r = F.relu(a, true);
    expect(r).toBe(a);
    expect(a.tolist()).toEqual([0, 0, 0, 0.5, 2]);
    const b = x();
    F.elu_(b);
    expect(b.tolist()).toEqual(F.elu(x()).tolist());
    const c = x();
    torch.threshold_(c, 0, 7);
    expect(c.tolist()).toEqual([7, 7, 7, 0.5, 2]);
    const leaf = torch.ones([2], { requires_grad: true });
    expect(() => F.relu(leaf, { inplace: true })).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    const d = x();
    const m = new nn.ReLU(true);
    expect((m(d) as Tensor).tolist()).toEqual([0, 0, 0, 0.5, 2]);
    expect(d.tolist()).toEqual(x().tolist());
  });

  it('in-place on a non-leaf keeps the graph', () => {
    const w = torch.tensor([-1, 2], { requires_grad: true });
    const h = w.mul(3);
    F.leaky_relu(h, 0.5, true);
    h.sum().backward();
    expect(w.grad!.tolist()).toEqual([1.5, 3]);
  });

  it('integer inputs: dtype-preserving ops keep them, float-only ops refuse them', () => {
    const i = torch.tensor([-3, 1, 4], { dtype: torch.int64 });
    expect(F.relu6(i).dtype).toBe(torch.int64);
    expect(F.hardtanh(i, -0.5, 2.5).tolist()).toEqual([0, 1, 2]);
    expect(F.threshold(i, 1.5, 0.5).tolist()).toEqual([0, 0, 4]);
    expect(F.softsign(i).dtype).toBe(torch.float32);
    expect(() => F.elu(i)).toThrow(`"elu_cpu" not implemented for 'Long'`);
    expect(() => F.gelu(i)).toThrow(`"GeluKernelImpl" not implemented for 'Long'`);
    expect(() => F.logsigmoid(i)).toThrow(`"log_sigmoid_cpu" not implemented for 'Long'`);
    expect(() => F.hardtanh(torch.tensor([true]))).toThrow('Bool inputs not supported for hardtanh');
  });
});

describe('errors', () => {
  const t = torch.tensor([1, 2, 3]);
  it('PyTorch\'s messages', () => {
    expect(() => F.glu(t)).toThrow('Halving dimension must be even, but dimension 0 is size 3');
    expect(() => F.glu(torch.tensor(1))).toThrow('glu does not support scalars because halving size must be even');
    expect(() => F.glu(torch.ones([2, 2]), 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expect(() => F.gelu(t, 'foo' as never)).toThrow('approximate argument must be either none or tanh.');
    expect(() => F.prelu(torch.ones([1, 3]), torch.ones([2]))).toThrow('Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.');
    expect(() => F.prelu(torch.ones([1, 3]), torch.ones([1, 1]))).toThrow('prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = 2');
    expect(() => F.softshrink(t, -1)).toThrow('lambda must be greater or equal to 0, but found to be -1.');
    expect(() => F.celu(t, 0)).toThrow('ZeroDivisionError: alpha cannot be 0 for CELU');
    expect(() => F.leaky_relu(t, 'a' as never)).toThrow(TypeError);
    expect(() => F.leaky_relu(t, 'a' as never)).toThrow("leaky_relu(): argument 'negative_slope' (position 2) must be Number, not str");
    expect(() => (F.threshold as (x: Tensor, t: number) => Tensor)(t, 1)).toThrow("threshold() missing 1 required positional argument: 'value'");
    expect(() => new nn.Hardtanh(2, 1)).toThrow(RangeError);
  });
});

describe('activation gradients as one kernel', () => {
  // Large enough for the native backend to take them (small tensors stay on JS kernels).
  const F = nn.functional;
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['relu', (x) => torch.relu(x)],
    ['sigmoid', (x) => torch.sigmoid(x)],
    ['tanh', (x) => torch.tanh(x)],
    ['gelu', (x) => F.gelu(x)],
    ['gelu(tanh)', (x) => F.gelu(x, { approximate: 'tanh' })],
    ['silu', (x) => F.silu(x)],
    ['softplus', (x) => F.softplus(x)],
    ['leaky_relu(0.2)', (x) => F.leaky_relu(x, 0.2)],
    ['elu(1.5)', (x) => F.elu(x, 1.5)],
  ];
  const n = 3001;
  const xs = Array.from({ length: n }, (_, i) => -12 + (24 * i) / (n - 1));
  xs.push(0, -0, 25, -25, 19.99, 20.01);
  const ups = xs.map((_, i) => Math.sin(i) + 1.5);
  for (const [name, f] of cases) {
    for (const [bname, backend] of Object.entries(availableBackends())) {
      it(`${name} forward and backward on ${bname} match float64 within float32 precision`, () => {
        const initial = useBackend(jsBackend);
        try {
          const x64 = torch.tensor(xs, { dtype: torch.float64, requires_grad: true });
          f(x64).mul(torch.tensor(ups, { dtype: torch.float64 })).sum().backward();
          useBackend(backend);
          const x32 = torch.tensor(xs, { requires_grad: true });
          f(x32).mul(torch.tensor(ups)).sum().backward();
          const y = torch.no_grad(() => f(x32)).toTypedArray(), yw = torch.no_grad(() => f(x64)).toTypedArray();
          for (let i = 0; i < yw.length; i++) {
            if (!(Math.abs(y[i] - yw[i]) <= 2e-6 * Math.abs(yw[i]) + 1e-6)) throw new Error(`x = ${xs[i]}: ${name} ${y[i]}, want ${yw[i]}`);
          }
          const g = x32.grad!.toTypedArray(), w = x64.grad!.toTypedArray();
          for (let i = 0; i < w.length; i++) {
            // absolute 1e-6: tanh and sigmoid differentiate through their rounded float32 output (1 − y² near
            // y = ±1 keeps nothing finer, as in PyTorch), and GELU's kernel is accurate to ~10 eps absolute
            if (!(Math.abs(g[i] - w[i]) <= 2e-6 * Math.abs(w[i]) + 1e-6)) throw new Error(`x = ${xs[i]}: grad ${g[i]}, want ${w[i]}`);
          }
          // under create_graph the gradient is itself differentiable (second derivative exists)
          const x2 = torch.tensor([0.3, -1.2, 2.5], { dtype: torch.float64, requires_grad: true });
          if (name !== 'relu' && !name.startsWith('leaky_relu')) {  // piecewise linear: no second derivative
            const [gx] = torch.autograd.grad(f(x2).sum(), [x2], { create_graph: true });
            expect(gx!.requires_grad).toBe(true);
            gx!.sum().backward();
            expect(x2.grad).not.toBeNull();
          }
        } finally {
          useBackend(initial);
        }
      });
    }
  }
});
