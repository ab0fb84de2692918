/**
 * The core ops against real PyTorch (tests/fixtures/ops.json, from scripts/golden/ops.py):
 * forward values, shapes, dtypes and exact indices, then the gradients of
 * Σ (y · w).sum() over the outputs, with the same fixed weights w PyTorch used.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { decode, decodeNumber, loadFixture, type Encoded } from './helpers/fixtures.js';

interface Case {
  name: string;
  op: string;
  inputs: (Encoded & { requires_grad: boolean })[];
  kwargs: Record<string, unknown>;
  output: Encoded | Encoded[];
  weights: (Encoded | null)[];
  grads: (Encoded | null)[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Kw = Record<string, any>;
type OpFn = (xs: Tensor[], k: Kw) => Tensor | Tensor[];

const unary = (f: (x: Tensor) => Tensor): OpFn => ([x]) => f(x);
/** The second operand: the second input, or the scalar PyTorch got as `other`. */
const other = (xs: Tensor[], k: Kw): Tensor | number => xs[1] ?? k.other;
/** reduce(dim, keepdim) in the form PyTorch was called with: none, dim only, or both. */
function reduceCall(x: Tensor, k: Kw, f: (dim?: unknown, keepdim?: unknown) => Tensor | Tensor[]): Tensor | Tensor[] {
  if (k.dim === undefined) return f();
  if (k.keepdim === undefined) return f(k.dim);
  return f(k.dim, k.keepdim);
}

/** Each op as a kindling call in PyTorch's form: positional args in order, keywords in an options object. */
const OPS: Record<string, OpFn> = {
  neg: unary(torch.neg), abs: unary(torch.abs), sign: unary(torch.sign), exp: unary(torch.exp),
  log: unary(torch.log), log1p: unary(torch.log1p), expm1: unary(torch.expm1), sqrt: unary(torch.sqrt),
  rsqrt: unary(torch.rsqrt), sin: unary(torch.sin), cos: unary(torch.cos), tanh: unary(torch.tanh),
  sigmoid: unary(torch.sigmoid), relu: unary(torch.relu), reciprocal: unary(torch.reciprocal),
  floor: unary(torch.floor), ceil: unary(torch.ceil), round: unary(torch.round), trunc: unary(torch.trunc),
  square: unary(torch.square),
  clamp: ([x], k) => (k.min !== undefined && k.max !== undefined ? x.clamp(k.min, k.max) : x.clamp({ min: k.min, max: k.max })),
  pow: (xs, k) => torch.pow(xs[0], other(xs, k)),
  pow_scalar_base: ([x], k) => torch.pow(k.base, x),
  add: (xs, k) => (k.alpha === undefined ? torch.add(xs[0], other(xs, k)) : torch.add(xs[0], other(xs, k), { alpha: k.alpha })),
  sub: (xs, k) => (k.alpha === undefined ? xs[0].sub(other(xs, k)) : xs[0].sub(other(xs, k), { alpha: k.alpha })),
  mul: (xs, k) => torch.mul(xs[0], other(xs, k)),
  div: (xs, k) => torch.div(xs[0], other(xs, k)),
  maximum: ([a, b]) => torch.maximum(a, b),
  minimum: ([a, b]) => torch.minimum(a, b),
  eq: (xs, k) => torch.eq(xs[0], other(xs, k)),
  ne: (xs, k) => torch.ne(xs[0], other(xs, k)),
  lt: (xs, k) => xs[0].lt(other(xs, k)),
  le: (xs, k) => xs[0].le(other(xs, k)),
  gt: (xs, k) => torch.gt(xs[0], other(xs, k)),
  ge: (xs, k) => torch.ge(xs[0], other(xs, k)),
  where: ([c, a, b]) => torch.where(c, a, b),
  masked_fill: ([x, mask], k) => x.masked_fill(mask, k.value),
  matmul: ([a, b]) => torch.matmul(a, b),
  mm: ([a, b]) => a.mm(b),
  bmm: ([a, b]) => torch.bmm(a, b),
  mv: ([a, b]) => torch.mv(a, b),
  dot: ([a, b]) => torch.dot(a, b),
  outer: ([a, b]) => torch.outer(a, b),
  addmm: ([input, m1, m2], k) => torch.addmm(input, m1, m2, { beta: k.beta, alpha: k.alpha }),
  linear: ([x, w, b]) => torch.nn.functional.linear(x, w, b),
  sum: ([x], k) => (Array.isArray(k.dim) ? x.sum({ dim: k.dim, keepdim: k.keepdim }) : reduceCall(x, k, (d, kd) => x.sum(d as number, kd as boolean))),
  mean: ([x], k) => (Array.isArray(k.dim) ? torch.mean(x, k.dim, { keepdim: k.keepdim }) : reduceCall(x, k, (d, kd) => x.mean(d as number, kd as boolean))),
  prod: ([x], k) => reduceCall(x, k, (d, kd) => x.prod(d as number, kd as boolean)),
  max: ([x, y], k) => (y ? x.max(y) : k.dim === undefined ? x.max() : x.max(k.dim, k.keepdim)),
  min: ([x, y], k) => (y ? torch.min(x, y) : k.dim === undefined ? torch.min(x) : torch.min(x, k.dim, k.keepdim)),
  amax: ([x], k) => reduceCall(x, k, (d, kd) => x.amax(d as number, kd as boolean)),
  amin: ([x], k) => reduceCall(x, k, (d, kd) => torch.amin(x, d as number, kd as boolean)),
  argmax: ([x], k) => reduceCall(x, k, (d, kd) => x.argmax(d as number, kd as boolean)),
  argmin: ([x], k) => reduceCall(x, k, (d, kd) => torch.argmin(x, d as number, kd as boolean)),
  var: ([x], k) => (k.dim === undefined ? (k.unbiased === false ? x.var(false) : x.var()) : x.var(k.dim, { unbiased: k.unbiased, correction: k.correction, keepdim: k.keepdim })),
  std: ([x], k) => (k.dim === undefined ? torch.std(x, { unbiased: k.unbiased }) : torch.std(x, k.dim, { unbiased: k.unbiased, correction: k.correction, keepdim: k.keepdim })),
  logsumexp: ([x], k) => x.logsumexp(k.dim, k.keepdim),
  norm: ([x], k) => (k.p === undefined ? x.norm() : x.norm(k.p, k.dim, k.keepdim)),
  softmax: ([x], k) => x.softmax(k.dim),
  log_softmax: ([x], k) => torch.log_softmax(x, { dim: k.dim }),
  cat: (xs, k) => torch.cat(xs, k.dim),
  stack: (xs, k) => torch.stack(xs, k.dim),
  split: ([x], k) => (k.dim === undefined ? x.split(k.split_size_or_sections) : torch.split(x, k.split_size_or_sections, k.dim)),
  chunk: ([x], k) => (k.dim === undefined ? x.chunk(k.chunks) : torch.chunk(x, k.chunks, k.dim)),
  repeat: ([x], k) => x.repeat(...(k.sizes as number[])),
  index_select: ([x, i], k) => x.index_select(k.dim, i),
  gather: ([x, i], k) => torch.gather(x, k.dim, i),
  view: ([x], k) => x.view(k.shape),
  reshape: ([x], k) => x.reshape(...(k.shape as number[])),
  t_reshape: ([x], k) => x.t().reshape(k.shape),
  transpose: ([x], k) => x.transpose(k.dim0, k.dim1),
  t: ([x]) => x.t(),
  permute: ([x], k) => x.permute(...(k.dims as number[])),
  unsqueeze: ([x], k) => x.unsqueeze(k.dim),
  squeeze: ([x], k) => (k.dim === undefined ? x.squeeze() : x.squeeze(k.dim)),
  expand: ([x], k) => x.expand(...(k.sizes as number[])),
  narrow: ([x], k) => x.narrow(k.dim, k.start, k.length),
  select: ([x], k) => x.select(k.dim, k.index),
  flatten: ([x], k) => x.flatten(k.start_dim, k.end_dim),
  // the same tensor twice, and non-contiguous operands (transposed views) into the kernels
  mul_self: ([x]) => torch.mul(x, x),
  cat_self: ([x], k) => torch.cat([x, x], k.dim),
  matmul_tt: ([a, b]) => torch.matmul(a.transpose(-1, -2), b.transpose(-1, -2)),
  linear_t: ([x, w, b]) => torch.nn.functional.linear(x.t(), w.t(), b),
  t_sum: ([x], k) => (k.dim === undefined ? x.t().sum() : x.t().sum(k.dim)),
  t_exp: ([x]) => x.t().exp(),
  t_add: ([a, b]) => a.t().add(b),
  t_softmax: ([x], k) => x.t().softmax(k.dim),
  t_log_softmax: ([x], k) => x.t().log_softmax(k.dim),
};

/** JSON spells inf/nan as strings: kwargs like norm's p = inf or masked_fill's value = -inf. */
function decodeKwargs(k: Record<string, unknown>): Kw {
  const out: Kw = {};
  for (const [key, v] of Object.entries(k)) out[key] = typeof v === 'string' ? decodeNumber(v) : v;
  return out;
}

function tolerance(dtype: string): { rtol: number; atol: number } {
  return dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-10, atol: 1e-12 };
}

/** Shape, dtype, then every element: exact for int64/bool, within tolerance for floats (NaN = NaN). */
function expectMatches(actual: Tensor, expected: Encoded, what: string): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expect(actual.dtype.name, `${what}: dtype`).toBe(expected.dtype);
  const got = Array.from(actual.contiguous().toTypedArray() as ArrayLike<number>);
  const want = expected.data.map(decodeNumber);
  if (expected.dtype === 'int64' || expected.dtype === 'bool') {
    // exact, by ===: int64 lives in a Float64Array, where neg(0) or 0 * -2 leave a -0 that equals 0
    const bad = want.flatMap((e, i) => (got[i] === e ? [] : [`[${i}] got ${got[i]}, want ${e}`]));
    expect(bad, `${what}: ${bad.length} of ${want.length} elements differ`).toEqual([]);
    return;
  }
  const { rtol, atol } = tolerance(expected.dtype);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const a = got[i], e = want[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) bad.push(`[${i}] got ${a}, want ${e}`);
  }
  expect(bad, `${what}: ${bad.length} of ${want.length} elements differ`).toEqual([]);
}

const cases = loadFixture<Case[]>('ops');

describe('golden ops fixture', () => {
  it('has a kindling call for every op it holds', () => {
    expect(cases.length).toBeGreaterThan(300);
    expect([...new Set(cases.map((c) => c.op))].filter((op) => !OPS[op])).toEqual([]);
  });
});

describe('core ops match PyTorch 1.13 (values and gradients)', () => {
  it.each(cases)('$name', (c) => {
    const xs = c.inputs.map((e) => {
      const t = decode(e);
      if (e.requires_grad) t.requires_grad_(true);
      return t;
    });
    const y = OPS[c.op](xs, decodeKwargs(c.kwargs));
    const outs = Array.isArray(y) ? [...y] : [y];
    const expected = Array.isArray(c.output) ? c.output : [c.output];
    expect(outs.length, 'number of outputs').toBe(expected.length);
    outs.forEach((o, i) => expectMatches(o, expected[i], `output ${i}`));

    // backward through Σ (y_i · w_i).sum(), over the outputs PyTorch could differentiate
    let loss: Tensor | null = null;
    outs.forEach((o, i) => {
      const w = c.weights[i];
      expect(o.requires_grad, `output ${i}: requires_grad`).toBe(w !== null);
      if (w === null) return;
      const term = o.mul(decode(w)).sum();
      loss = loss === null ? term : loss.add(term);
    });
    if (loss !== null) (loss as Tensor).backward();
    xs.forEach((x, i) => {
      const g = c.grads[i];
      if (g === null) expect(x.grad, `input ${i}: grad`).toBeNull();
      else {
        expect(x.grad, `input ${i}: grad`).not.toBeNull();
        expectMatches(x.grad!, g, `input ${i}: grad`);
      }
    });
  });
});
