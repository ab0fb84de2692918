/**
 * Every public function (the torch namespace, Tensor methods, nn.functional, found at run time)
 * declares its Python signature, and its positional and options-object call forms agree.
 *
 * The tables hold one positional sample call per function; the test rewrites each into every
 * keyword form the declared signature allows (`f(a, b, c)` → `f(a, b, { c })` → `f(a, { b, c })`
 * ...) and compares the results, then checks PyTorch's messages for a repeated argument, an
 * unknown keyword and a wrong type. A new public function without a signature, or without a
 * sample here, fails the walk.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { METHOD_SIGNATURES, isOptions, pyType, signatureOf, type Overloads, type Signature } from '../src/python.js';

type Fn = (...args: unknown[]) => unknown;
type Sample = () => unknown[];

const x = () => torch.tensor([[0.5, -1.5, 2], [3, -0.25, 1]]);
const p = () => torch.tensor([[0.2, 0.7, 0.4], [0.9, 0.1, 0.6]]);
const v = () => torch.tensor([1, 2, 3]);
const m = () => torch.tensor([[1, 2], [3, 4], [5, 6]]);
const idx = () => torch.tensor([[0n, 2n], [1n, 0n]]);
const labels = () => torch.tensor([0n, 2n]);
const w3 = () => torch.tensor([0.5, 1, 2]);
/** A batch of one 2-channel 3×3 image. */
const img = () => torch.arange(18).float().reshape(1, 2, 3, 3);

/** Calls with the input first (torch.* functions; Tensor methods use the rest after self). */
const TORCH: Record<string, Sample> = {
  ...Object.fromEntries(
    ['neg', 'negative', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'reciprocal',
      'floor', 'ceil', 'round', 'trunc', 'square', 'erf', 'logical_not', 't', 'clone', 'detach', 'numel', 'is_tensor', 'is_floating_point',
      'selu', 'selu_', 'relu_'].map((n) => [n, () => [p()]]),
  ),
  clamp: () => [x(), -1, 1], clip: () => [x(), -1, 1], device: () => ['cuda', 1],
  add: () => [x(), p(), 2], sub: () => [x(), p(), 2], subtract: () => [x(), p(), 2],
  mul: () => [x(), p()], multiply: () => [x(), p()], true_divide: () => [x(), p()],
  div: () => [x(), p(), 'floor'], divide: () => [x(), p(), 'trunc'], pow: () => [p(), 2],
  maximum: () => [x(), p()], minimum: () => [x(), p()],
  ...Object.fromEntries(['eq', 'ne', 'lt', 'le', 'gt', 'ge'].map((n) => [n, () => [x(), p()]])),
  ...Object.fromEntries(['logical_and', 'logical_or', 'logical_xor'].map((n) => [n, () => [x().gt(0), p().gt(0.5)]])),
  where: () => [x().gt(0), x(), p()], masked_fill: () => [x(), x().gt(0), 0], equal: () => [x(), x()], allclose: () => [x(), p(), 1e-3, 1e-4, true],
  matmul: () => [x(), m()], mm: () => [x(), m()], bmm: () => [x().unsqueeze(0), m().unsqueeze(0)], mv: () => [x(), v()],
  dot: () => [v(), v()], outer: () => [v(), v()], addmm: () => [torch.ones(2, 2), x(), m(), { beta: 0.5, alpha: 2 }],
  cat: () => [[x(), p()], 1], concat: () => [[x(), p()], 1], stack: () => [[x(), p()], 1], split: () => [x(), 1, 1],
  chunk: () => [x(), 3, 1], index_select: () => [x(), 1, torch.tensor([0n, 2n])], gather: () => [x(), 1, idx()],
  masked_select: () => [x(), x().gt(0)], index_put: () => [x(), [torch.tensor([1n, 0n])], p(), true], unbind: () => [x(), 1], tile: () => [x(), [2, 1]],
  prelu: () => [x(), torch.tensor([0.25])], celu: () => [x(), 0.5], celu_: () => [x(), 0.5],
  threshold: () => [x(), 0.5, -1], threshold_: () => [x(), 0.5, -1], hardshrink: () => [x(), 0.3],
  sum: () => [x(), 1, true, { dtype: torch.float64 }], mean: () => [x(), [0, 1], true, { dtype: torch.float64 }], prod: () => [x(), 1, true, { dtype: torch.float64 }],
  max: () => [x(), 1, true], min: () => [x(), 0, true], amax: () => [x(), 1, true], amin: () => [x(), 1, true],
  argmax: () => [x(), 1, true], argmin: () => [x(), 1, true], any: () => [x().gt(0), 1, true], all: () => [x().gt(0), 1, true],
  logsumexp: () => [x(), 1, true], var: () => [x(), 1, false, true], var_: () => [x(), 1, false, true], std: () => [x(), 1, true, true],
  norm: () => [x(), 1, 1, true], softmax: () => [x(), 1, torch.float64], log_softmax: () => [x(), 0, torch.float64],
  transpose: () => [x(), 0, 1], swapaxes: () => [x(), 0, 1], unsqueeze: () => [x(), 1], squeeze: () => [x().unsqueeze(0), 0],
  narrow: () => [x(), 1, 1, 2], select: () => [x(), 1, 2], flatten: () => [x().unsqueeze(0), 0, 1], unflatten: () => [x(), 1, [3, 1]],
  reshape: () => [x(), [3, 2]], permute: () => [x(), [1, 0]],
  tensor: () => [[[1, 2], [3, 4]], { dtype: torch.float64, requires_grad: true }],
  frombuffer: () => [new Float32Array([1, 2, 3]).buffer, { dtype: torch.float32 }],
  zeros: () => [2, 3], ones: () => [2, 3], empty: () => [2, 3], rand: () => [2, 3], randn: () => [3, 2],
  full: () => [[2, 3], 1.5], eye: () => [2, 3], arange: () => [1, 7, 2], linspace: () => [0, 1, 5],
  randint: () => [0, 10, [2, 3]], randperm: () => [5],
  zeros_like: () => [x()], ones_like: () => [x()], empty_like: () => [x()], rand_like: () => [x()], randn_like: () => [x()],
  full_like: () => [x(), 2], randint_like: () => [x(), 1, 5],
  bernoulli: () => [x().sigmoid()], normal: () => [0, 1, [2, 3]],
  set_rng_state: () => [torch.get_rng_state()],
  // masks, rounding division, reordering and distances
  ...Object.fromEntries(['isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'fliplr', 'flipud'].map((n) => [n, () => [x()]])),
  nan_to_num: () => [x().log(), 0.5, 9, -9], nan_to_num_: () => [x().log(), 0.5, 9, -9],
  floor_divide: () => [x(), p()], remainder: () => [x(), p()], fmod: () => [x(), 0.75],
  flip: () => [x(), [0, 1]], roll: () => [x(), [1, 2], [0, 1]], repeat_interleave: () => [x(), torch.tensor([1n, 2n]), 0, { output_size: 3 }],
  cosine_similarity: () => [x(), p(), 0, 1e-6], pairwise_distance: () => [x(), p(), 3, 1e-5, true],
  set_default_dtype: () => [torch.float32], manual_seed: () => [3], set_num_threads: () => [torch.get_num_threads()],
  set_printoptions: () => [4], set_grad_enabled: () => [true],
  load: () => [torch.save(x()), { map_location: 'cpu' }],
  sort: () => [x(), 0, true], argsort: () => [x(), 1, true], msort: () => [x()], topk: () => [x(), 2, 1, false, true], kthvalue: () => [x(), 2, 1, true],
  unique: () => [x(), true, true, true, 0], nonzero: () => [x(), { as_tuple: false }], searchsorted: () => [v(), torch.tensor([1.5, 3]), { right: true }],
  scatter: () => [x(), 1, idx(), p()], scatter_add: () => [x(), 1, idx(), p()], index_add: () => [x(), 1, labels(), torch.ones(2, 2), { alpha: 2 }],
  index_copy: () => [x(), 1, labels(), torch.ones(2, 2)], index_fill: () => [x(), 1, labels(), -1], masked_scatter: () => [x(), x().gt(0), torch.ones(6)],
  take_along_dim: () => [x(), idx(), 1], cumsum: () => [x(), 1, { dtype: torch.float64 }], cumprod: () => [x(), 1, { dtype: torch.float64 }],
  diff: () => [x(), 1, 1, torch.zeros(2, 1), torch.ones(2, 1)], tril: () => [x(), 1], triu: () => [x(), -1],
  einsum: () => ['ij,kj->ik', [x(), p()]], cdist: () => [x(), p(), 1, 'use_mm_for_euclid_dist_if_necessary'],
};

/** Tensor methods whose form differs from the torch.* function (self first). */
const METHODS: Record<string, Sample> = {
  view: () => [x(), 3, 2], view_as: () => [x(), m()], reshape: () => [x(), 3, 2], reshape_as: () => [x(), m()], permute: () => [x(), 1, 0],
  expand: () => [x().narrow(0, 0, 1), 2, 3], expand_as: () => [x().narrow(0, 0, 1), x()], repeat: () => [x(), 2, 1],
  split: () => [x(), 1, 1], where: () => [x(), x().gt(0), p()], to: () => [x(), torch.float64], type: () => [x(), torch.float64],
  size: () => [x(), 1], stride: () => [x(), 1], backward: () => [x().requires_grad_().sum(), null, true, false], requires_grad_: () => [x(), true],
  add_: () => [x(), p(), 2], sub_: () => [x(), p(), 2], mul_: () => [x(), p()], div_: () => [x(), p()], pow_: () => [p(), 2],
  addcmul_: () => [x(), p(), p(), 0.5], addcdiv_: () => [x(), p(), p(), 0.5], clamp_: () => [x(), -1, 1],
  index_put_: () => [x(), [null, torch.tensor([2n, 0n])], torch.tensor(1), true],
  flip: () => [x(), 0, 1], tile: () => [x(), 2, 1], floor_divide_: () => [x(), p()], remainder_: () => [x(), p()], fmod_: () => [x(), -0.75],
  masked_fill_: () => [x(), x().gt(0), 0], fill_: () => [x(), 2], copy_: () => [x(), p()], uniform_: () => [x(), -1, 1], normal_: () => [x(), 0, 2],
  bernoulli_: () => [x(), 0.5],
  scatter_: () => [x(), 1, idx(), p()], scatter_add_: () => [x(), 1, idx(), p()], index_add_: () => [x(), 1, labels(), torch.ones(2, 2), { alpha: 2 }],
  index_copy_: () => [x(), 1, labels(), torch.ones(2, 2)], index_fill_: () => [x(), 1, labels(), -1], masked_scatter_: () => [x(), x().gt(0), torch.ones(6)],
  cumsum_: () => [x(), 1], cumprod_: () => [x(), 1], tril_: () => [x(), 1], triu_: () => [x(), -1],
};

/** nn.functional calls (where they differ from torch.*'s). */
const FUNCTIONAL: Record<string, Sample> = {
  linear: () => [x(), torch.ones(4, 3), torch.ones(4)],
  scaled_dot_product_attention: () => [p().unsqueeze(0), p().unsqueeze(0), x().unsqueeze(0), null, 0, true, { scale: 0.5 }], dropout: () => [x(), 0.5, true, false],
  embedding: () => [idx(), m(), 1, null, 2, false, false], layer_norm: () => [x(), [3], w3(), torch.zeros(3), 1e-3],
  batch_norm: () => [x(), torch.zeros(3), torch.ones(3), w3(), torch.zeros(3), false, 0.1, 1e-3],
  ...Object.fromEntries(['relu', 'relu6', 'selu', 'silu', 'mish', 'hardsigmoid', 'hardswish'].map((n) => [n, () => [x(), false]])),
  ...Object.fromEntries(['relu_', 'selu_', 'softsign', 'logsigmoid', 'tanhshrink', 'sigmoid', 'tanh'].map((n) => [n, () => [x()]])),
  hardtanh: () => [x(), -1, 1, false], hardtanh_: () => [x(), -1, 1], leaky_relu: () => [x(), 0.2, false], leaky_relu_: () => [x(), 0.2],
  elu: () => [x(), 0.5, false], elu_: () => [x(), 0.5], celu: () => [x(), 0.5, false], gelu: () => [x(), 'tanh'], softplus: () => [x(), 2, 10],
  softmax: () => [x(), 1, 3, torch.float64], log_softmax: () => [x(), 0, 3, torch.float64], softmin: () => [x(), 1, 3, null],
  threshold: () => [x(), 0.5, -1, false], softshrink: () => [x(), 0.3], glu: () => [x().narrow(1, 0, 2), 1],
  mse_loss: () => [x(), p(), null, null, 'sum'], l1_loss: () => [x(), p(), null, null, 'sum'], smooth_l1_loss: () => [x(), p(), null, null, 'sum', 0.5],
  huber_loss: () => [x(), p(), 'sum', 0.5], nll_loss: () => [x(), labels(), w3(), null, 1, null, 'sum'],
  cross_entropy: () => [x(), labels(), w3(), null, -100, null, 'mean', 0.1], binary_cross_entropy: () => [p(), p(), w3(), null, null, 'sum'],
  normalize: () => [x(), 1, 0, 1e-3, null],
  binary_cross_entropy_with_logits: () => [x(), p(), w3(), null, null, 'sum', w3()], kl_div: () => [x(), p(), null, null, 'sum', true],
  one_hot: () => [labels(), 4],
  conv1d: () => [img().flatten(2), torch.ones(2, 2, 2), torch.ones(2), 2, 1, 1, 1], conv2d: () => [img(), torch.ones(4, 1, 2, 2), torch.ones(4), 1, 'same', 2, 2],
  conv_transpose2d: () => [img(), torch.ones(2, 1, 2, 2), torch.ones(2), 2, 1, 1, 2, 1],
  max_pool1d: () => [img().flatten(2), 3, 2, 1, 1, true, true], max_pool2d: () => [img(), 2, 1, 1, 1, true, true],
  avg_pool1d: () => [img().flatten(2), 3, 2, 1, true, false], avg_pool2d: () => [img(), 2, 1, 1, true, false, 3],
  adaptive_avg_pool2d: () => [img(), [2, 1]], pad: () => [img(), [1, 2, 0, 1], 'reflect', null],
  interpolate: () => [img(), null, 1.5, 'bilinear', true, null, false], unfold: () => [img(), 2, 1, 1, 2], fold: () => [torch.ones(1, 4, 4), 3, 2, 1, 0, 1],
};

/**
 * Functions and methods that take no keyword arguments at all: no arguments (queries,
 * conversions, the in-place unary ops), or only a callback (the grad-mode context managers);
 * and torch.save, whose first argument is often a plain object (a state dict), which an options
 * object could not be told apart from. Methods listed here are checked without their torch.*
 * function's signature.
 */
const NO_KEYWORDS = new Set([
  'get_default_dtype', 'is_grad_enabled', 'initial_seed', 'seed', 'get_rng_state', 'backendInfo', 'get_num_threads', 'no_grad', 'enable_grad', 'inference_mode', 'save',
  'dim', 'numel', 'nelement', 'element_size', 'storage_offset', 'is_contiguous', 'is_floating_point', 'item', 'tolist', 'toTypedArray', 'toString',
  'retain_grad', 'detach', 'detach_', 'clone', 'float', 'double', 'long', 'bool', 'contiguous', 'cpu',
  'neg_', 'exp_', 'log_', 'sqrt_', 'abs_', 'relu_', 'sigmoid_', 'tanh_', 'zero_',
  'is_anomaly_enabled', 'is_anomaly_check_nan_enabled', 'get_device', 'cuda',
  // Python's x[...] and x[...] = v: index items and a value, positionally (no keywords in Python either)
  'index', 'setitem',
  // the legacy constructors take data or sizes positionally only, as in PyTorch
  'FloatTensor', 'DoubleTensor', 'LongTensor', 'BoolTensor',
]);

/** PyTorch's names for parameter types in its messages. */
const DISPLAY: Record<string, string> = {
  Tensor: 'Tensor', 'Tensor|Number': 'Tensor', 'Tensor[]': 'tuple of Tensors', int: 'int', 'int[]': 'tuple of ints', 'int[1]': 'tuple of ints',
  'SymInt[]': 'tuple of SymInts', float: 'float', Scalar: 'Number', bool: 'bool', str: 'str', ScalarType: 'torch.dtype', Callable: 'Callable',
};

const isClass = (f: unknown) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
const functionsOf = (ns: object) => Object.entries(ns).filter(([, f]) => typeof f === 'function' && !isClass(f)) as [string, Fn][];
const methodNames = Object.getOwnPropertyNames(Tensor.prototype).filter((k) => {
  const d = Object.getOwnPropertyDescriptor(Tensor.prototype, k)!;
  return k !== 'constructor' && !k.startsWith('_') && typeof d.value === 'function';
});

interface Case {
  where: string;
  name: string;
  sig: Overloads | undefined;
  sample: Sample | undefined;
  /** Calls the function with the given arguments (self first for methods). */
  call: (args: unknown[]) => unknown;
  /** 1 for methods: the first sample value is self, always positional. */
  self: number;
}

const ns = torch as unknown as Record<string, Fn>;
const F = torch.nn.functional as unknown as Record<string, Fn>;
const cases: Case[] = [
  ...functionsOf(torch).map(([name, f]) => ({ where: 'torch', name, sig: signatureOf(f), sample: TORCH[name], call: (a: unknown[]) => f(...a), self: 0 })),
  ...functionsOf(torch.nn.functional).map(([name, f]) => ({ where: 'nn.functional', name, sig: signatureOf(f), sample: FUNCTIONAL[name] ?? TORCH[name], call: (a: unknown[]) => f(...a), self: 0 })),
  ...methodNames.map((name) => ({
    where: 'Tensor',
    name,
    sig: NO_KEYWORDS.has(name) ? undefined : (METHOD_SIGNATURES.get(name) ?? signatureOf(ns[name])),
    sample: METHODS[name] ?? TORCH[name],
    call: (a: unknown[]) => ((a[0] as Record<string, Fn>)[name] as Fn).apply(a[0], a.slice(1)),
    self: 1,
  })),
];

/** The sample's values by parameter: varargs sizes gathered into their list; keyword-only ones apart. */
function bind(sig: Overloads, args: unknown[]): { s: Signature; pos: unknown[]; kw: Record<string, unknown> } {
  const kw = isOptions(args[args.length - 1]) ? (args[args.length - 1] as Record<string, unknown>) : {};
  const plain = isOptions(args[args.length - 1]) ? args.slice(0, -1) : args;
  const s = sig.signatures.find((c) => c.parse(args, false) !== null);
  if (!s) throw new Error(`the sample matches no signature of ${sig.name}`);
  const f = s.params.findIndex((q) => q.varargs);
  const pos = f >= 0 && f < plain.length && !Array.isArray(plain[f]) ? [...plain.slice(0, f), plain.slice(f)] : plain;
  return { s, pos, kw };
}

const call = (c: Case, args: unknown[]) => {
  torch.manual_seed(0);
  return c.call(args);
};

function same(a: unknown, b: unknown): void {
  if (a instanceof Tensor) {
    expect(b).toBeInstanceOf(Tensor);
    const t = b as Tensor;
    expect([t.dtype.name, t.shape, t.requires_grad]).toEqual([a.dtype.name, a.shape, a.requires_grad]);
    expect(t.tolist()).toEqual(a.tolist());
  } else if (Array.isArray(a)) {
    expect(Array.isArray(b) && b.length === a.length).toBe(true);
    a.forEach((y, i) => same(y, (b as unknown[])[i]));
  } else expect(b).toEqual(a);
}

const label = (c: Case) => `${c.where === 'Tensor' ? 'Tensor.' : c.where === 'torch' ? 'torch.' : 'F.'}${c.name}`;

describe('every public function declares its Python signature', () => {
  it('the torch namespace, Tensor methods and nn.functional: a signature and a sample each, or a listed exemption', () => {
    const missing = cases.filter((c) => !NO_KEYWORDS.has(c.name) && !c.sig).map(label);
    const unsampled = cases.filter((c) => c.sig && !c.sample).map(label);
    expect(missing).toEqual([]);
    expect(unsampled).toEqual([]);
    expect(cases.filter((c) => c.sig).length).toBeGreaterThan(250);
  });
});

describe('the positional and the options-object forms agree', () => {
  for (const c of cases.filter((k) => k.sig && k.sample)) {
    it(label(c), () => {
      const sig = c.sig!;
      const { s, pos } = bind(sig, c.sample!());
      const expected = call(c, c.sample!());
      for (let k = c.self; k <= pos.length; k++) {
        const fresh = bind(sig, c.sample!());
        const rest = Object.fromEntries(fresh.pos.slice(k).map((val, j) => [s.params[k + j].name, val]));
        const args = [...fresh.pos.slice(0, k), { ...fresh.kw, ...rest }];
        same(expected, call(c, args));
      }
    });
  }
});

describe("mistakes get PyTorch's messages", () => {
  for (const c of cases.filter((k) => k.sig && k.sample)) {
    it(label(c), () => {
      const sig = c.sig!;
      const { s, pos, kw } = bind(sig, c.sample!());
      const name = s.name;
      const single = sig.signatures.length === 1;
      const invalid = `${name}() received an invalid combination of arguments - got (`;
      const throws = (args: unknown[], msg: string) => {
        let err: unknown;
        try {
          call(c, args);
        } catch (e) {
          err = e;
        }
        expect(err, `${label(c)} should throw ${msg}`).toBeInstanceOf(TypeError);
        expect((err as Error).message.startsWith(single ? msg : invalid), (err as Error).message).toBe(true);
        if (single) expect((err as Error).message).toBe(msg);
      };
      throws([...pos, { ...kw, foo: 1 }], `${name}() got an unexpected keyword argument 'foo'`);
      if (pos.length > c.self) {
        const first = s.params[c.self];
        throws([...pos, { ...kw, [first.name]: pos[c.self] }], `${name}() got multiple values for argument '${first.name}'`);
      }
      const j = s.params.findIndex((q, i) => i >= c.self && i < pos.length && q.type in DISPLAY && !q.varargs);
      if (j >= 0) {
        const q = s.params[j];
        const bad = q.type === 'str' || q.type === 'ScalarType' ? 1.5 : 'x';
        const args = pos.slice();
        args[j] = bad;
        throws([...args, kw], `${name}(): argument '${q.name}' (position ${j + 1 - c.self}) must be ${DISPLAY[q.type]}, not ${pyType(bad)}`);
      }
    });
  }
});

describe('out=: each torch.* function declaring it writes its result into out and returns out; methods refuse it', () => {
  const withOut = cases.filter((k) => k.sig && k.sample && k.sig.signatures.some((q) => q.outAt >= 0));
  it('covers the functions PyTorch gives out=', () => {
    expect(withOut.filter((c) => c.where === 'torch').length).toBeGreaterThan(60);
  });
  for (const c of withOut) {
    it(label(c), () => {
      const { s, pos, kw } = bind(c.sig!, c.sample!());
      const empty = (t: Tensor) => torch.empty(0, { dtype: t.dtype });
      if (c.self === 1) {
        expect(() => call(c, [...pos, { ...kw, out: torch.empty(0) }])).toThrow(/got an unexpected keyword argument 'out'|out=Tensor/);
        return;
      }
      if (s.outAt < 0) return;  // the sample's overload has no out= (max over everything)
      const expected = torch.no_grad(() => call(c, c.sample!()));
      const out = Array.isArray(expected) ? (expected as Tensor[]).map(empty) : empty(expected as Tensor);
      const got = torch.no_grad(() => call(c, [...pos, { ...kw, out }]));
      if (Array.isArray(out)) out.forEach((o, i) => expect((got as Tensor[])[i]).toBe(o));
      else expect(got).toBe(out);
      same(expected, got);
    });
  }
});

describe('the options object as a new user writes it (types and results)', () => {
  it('the forms the README and the issue name compile and run', () => {
    const a = torch.ones(2, 3), b = torch.zeros(2, 3);
    const index = torch.tensor([[0n, 1n], [2n, 0n]]);
    expect(torch.cat([a, b], { dim: 1 }).shape).toEqual([2, 6]);
    expect(torch.stack([a, b], { dim: 1 }).shape).toEqual([2, 2, 3]);
    expect(torch.split(a, 1, { dim: 1 }).length).toBe(3);
    expect(a.split(2, { dim: 1 }).map((t) => t.shape[1])).toEqual([2, 1]);
    expect(a.chunk(3, { dim: 1 }).length).toBe(3);
    expect(a.unsqueeze({ dim: 0 }).shape).toEqual([1, 2, 3]);
    expect(a.unsqueeze(0).squeeze({ dim: 0 }).shape).toEqual([2, 3]);
    expect(a.transpose({ dim0: 0, dim1: 1 }).shape).toEqual([3, 2]);
    expect(a.unsqueeze(0).flatten({ start_dim: 1 }).shape).toEqual([1, 6]);
    expect(a.narrow(1, { start: 1, length: 2 }).shape).toEqual([2, 2]);
    expect(a.select({ dim: 1, index: 0 }).shape).toEqual([2]);
    expect(torch.index_select(a, { dim: 1, index: torch.tensor([0n, 2n]) }).shape).toEqual([2, 2]);
    expect(torch.gather(a, { dim: 1, index }).shape).toEqual([2, 2]);
    expect(a.gather(1, { index }).shape).toEqual([2, 2]);
    expect(a.sum(1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(a.sum({ dim: 1, keepdim: true }).shape).toEqual([2, 1]);
    expect(torch.add(a, b, { alpha: 2 }).sum().item()).toBe(6);
    expect(torch.zeros([2, 3], { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(torch.zeros(2, 3, { dtype: torch.int64 }).dtype).toBe(torch.int64);
    expect(a.view(3, -1).shape).toEqual([3, 2]);
    expect(a.permute(1, 0).shape).toEqual([3, 2]);
    expect(torch.nn.functional.softmax(a, { dim: 1 }).shape).toEqual([2, 3]);
    expect(torch.nn.functional.cross_entropy(a, torch.tensor([0n, 2n]), { reduction: 'sum' }).ndim).toBe(0);
  });
});

describe('constructors take both call forms through the same parser', () => {
  it('nn modules and optimizers: options object, positional, and PyTorch messages', () => {
    const { nn, optim } = torch;
    expect(new nn.Linear(3, 2, { bias: false }).bias).toBeNull();
    expect(new nn.Linear(3, 2, false, { dtype: torch.float64 }).weight.dtype).toBe(torch.float64);
    expect(new nn.Dropout({ p: 0.25 }).p).toBe(0.25);
    expect(new nn.Flatten(0, { end_dim: 1 }).end_dim).toBe(1);
    expect(new nn.BatchNorm1d(3, { momentum: null }).momentum).toBeNull();
    expect(new nn.LeakyReLU(0.2, { inplace: true }).inplace).toBe(true);
    expect(new nn.MSELoss({ reduction: 'sum' }).reduction).toBe('sum');
    // messages checked against PyTorch 1.13: torch.nn.Linear(2, 3, foo=1), torch.optim.SGD([a], lr=0.1, foo=1)
    expect(() => new nn.Linear(2, 3, { foo: 1 } as never)).toThrow("Linear.__init__() got an unexpected keyword argument 'foo'");
    expect(() => new nn.Dropout(0.5, { p: 0.5 } as never)).toThrow("Dropout.__init__() got multiple values for argument 'p'");
    const w = new nn.Parameter(torch.ones(2));
    expect(() => new optim.SGD([w], { lr: 0.1, foo: 1 } as never)).toThrow("SGD.__init__() got an unexpected keyword argument 'foo'");
    expect(() => new optim.SGD([w], 0.1, { lr: 0.1 } as never)).toThrow("SGD.__init__() got multiple values for argument 'lr'");
    expect(new optim.SGD([w], 0.1, { momentum: 0.9 }).param_groups[0].momentum).toBe(0.9);
  });

  it('a plain object in a dict parameter is a value, not options', async () => {
    const { pyfn } = await import('../src/python.js');
    const f = pyfn('load(dict state_dict, bool strict=True)', (sd: Record<string, unknown>, strict: boolean) => [Object.keys(sd), strict]);
    expect(f({ a: 1 })).toEqual([['a'], true]);
    expect(f({ a: 1 }, { strict: false })).toEqual([['a'], false]);
  });
});
