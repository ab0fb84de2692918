/**
 * Masks, rounding division, reordering and distances against PyTorch 1.13
 * (tests/fixtures/elementwise.json, from scripts/golden/elementwise.py): values, dtypes, the
 * gradients of Σ (y · w).sum(), and PyTorch's messages; then every backend through checkOp.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { decode, decodeNumber, loadFixture, type Encoded } from './helpers/fixtures.js';
import { checkOp, UNARY_SHAPES } from './helpers/opcheck.js';

interface Case {
  name: string;
  op: string;
  inputs: (Encoded & { requires_grad: boolean })[];
  kwargs: Record<string, unknown>;
  output: Encoded | Encoded[];
  weights: (Encoded | null)[];
  grads: (Encoded | null)[];
}
interface ErrorCase { name: string; type: string; message: string }

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Kw = Record<string, any>;
type OpFn = (xs: Tensor[], k: Kw) => Tensor | Tensor[];
const F = torch.nn.functional;
const second = (xs: Tensor[], k: Kw): Tensor | number => xs[1] ?? k.other;

/** Each op as a kindling call in the form the golden script made it. */
const OPS: Record<string, OpFn> = {
  isnan: ([x]) => torch.isnan(x),
  isinf: ([x]) => x.isinf(),
  isfinite: ([x]) => torch.isfinite(x),
  isposinf: ([x]) => torch.isposinf(x),
  isneginf: ([x]) => x.isneginf(),
  nan_to_num: ([x], k) => torch.nan_to_num(x, k),
  floor_divide: (xs, k) => torch.floor_divide(xs[0], second(xs, k)),
  remainder: (xs, k) => torch.remainder(xs[0], second(xs, k)),
  remainder_scalar_self: ([x], k) => torch.remainder(k.self, x),
  fmod: (xs, k) => xs[0].fmod(second(xs, k)),
  div_floor: (xs, k) => torch.div(xs[0], second(xs, k), { rounding_mode: 'floor' }),
  flip: ([x], k) => torch.flip(x, k.dims),
  fliplr: ([x]) => torch.fliplr(x),
  flipud: ([x]) => x.flipud(),
  roll: ([x], k) => torch.roll(x, k),
  repeat_interleave: ([x, r], k) => torch.repeat_interleave(x, r ?? k.repeats, { dim: k.dim, output_size: k.output_size }),
  repeat_interleave_counts: ([r]) => torch.repeat_interleave(r),
  tile: ([x], k) => x.tile(k.dims),
  where_cond: ([c]) => torch.where(c),
  where_scalars: ([c], k) => torch.where(c, k.a, k.b),
  masked_fill: ([x, mask, v], k) => torch.masked_fill(x, mask, v ?? k.value),
  normalize: ([x], k) => F.normalize(x, k),
  cosine_similarity: ([a, b], k) => F.cosine_similarity(a, b, k),
  pairwise_distance: ([a, b], k) => F.pairwise_distance(a, b, k),
};

/** Ops computed as compositions of reductions: within rounding of PyTorch's; the rest bit for bit. */
const ROUNDED = new Set(['normalize', 'cosine_similarity', 'pairwise_distance']);

function decodeKwargs(k: Record<string, unknown>): Kw {
  const out: Kw = {};
  for (const [key, v] of Object.entries(k)) out[key] = typeof v === 'string' ? decodeNumber(v) : v;
  return out;
}

/** Shape, dtype, then every element: exact (−0 is not +0, NaN is NaN) unless a tolerance is given. */
function expectMatches(actual: Tensor, expected: Encoded, what: string, tol = 0, scaled = false): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expect(actual.dtype.name, `${what}: dtype`).toBe(expected.dtype);
  const got = Array.from(actual.contiguous().toTypedArray() as ArrayLike<number>);
  const want = expected.data.map(decodeNumber);
  const exactInts = expected.dtype === 'int64' || expected.dtype === 'bool';
  // scaled: an element's error is measured against the largest magnitude (cancellation in composites)
  const scale = scaled ? want.reduce((m, e) => (Number.isFinite(e) ? Math.max(m, Math.abs(e)) : m), 0) : 0;
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const a = got[i], e = want[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a)
      : exactInts ? a === e
        : tol === 0 ? Object.is(a, e) : a === e || Math.abs(a - e) <= tol * (1 + Math.abs(e) + scale);
    if (!ok) bad.push(`[${i}] got ${Object.is(a, -0) ? '-0' : a}, want ${Object.is(e, -0) ? '-0' : e}`);
  }
  expect(bad, `${what}: ${bad.length} of ${want.length} elements differ`).toEqual([]);
}

const fixture = loadFixture<{ cases: Case[]; errors: ErrorCase[] }>('elementwise');

describe('elementwise golden fixture', () => {
  it('has a kindling call for every op it holds', () => {
    expect(fixture.cases.length).toBeGreaterThan(100);
    expect([...new Set(fixture.cases.map((c) => c.op))].filter((op) => !OPS[op])).toEqual([]);
  });
});

describe('masks, rounding division, reordering and distances match PyTorch 1.13', () => {
  it.each(fixture.cases)('$name', (c) => {
    const xs = c.inputs.map((e) => {
      const t = decode(e);
      if (e.requires_grad) t.requires_grad_(true);
      return t;
    });
    const y = OPS[c.op](xs, decodeKwargs(c.kwargs));
    const outs = Array.isArray(y) ? [...y] : [y];
    const expected = Array.isArray(c.output) ? c.output : [c.output];
    expect(outs.length, 'number of outputs').toBe(expected.length);
    const tol = (e: Encoded) => (!ROUNDED.has(c.op) ? 0 : e.dtype === 'float32' ? 2e-7 : 1e-13);
    outs.forEach((o, i) => expectMatches(o, expected[i], `output ${i}`, tol(expected[i])));

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
      else expectMatches(x.grad!, g, `input ${i}: grad`, 1e-12, ROUNDED.has(c.op));
    });
  });
});

const z23 = () => torch.zeros(2, 3);
const i64 = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.int64 });
function clipNonfinite(norm_type: number | string): void {
  const p = torch.zeros(3, { requires_grad: true });
  p.grad = torch.tensor([1, Infinity, 2]);
  torch.nn.utils.clip_grad_norm_([p], 1.0, { norm_type, error_if_nonfinite: true });
}

/** The calls of the golden script's ERRORS, by name. */
const ERRORS: Record<string, () => unknown> = {
  'floor_divide bool': () => torch.floor_divide(torch.tensor([true]), torch.tensor([true])),
  'remainder bool': () => torch.remainder(torch.tensor([true]), torch.tensor([false])),
  'div floor bool': () => torch.div(torch.tensor([true]), torch.tensor([true]), { rounding_mode: 'floor' }),
  'div trunc bool': () => torch.div(torch.tensor([true]), torch.tensor([true]), { rounding_mode: 'trunc' }),
  'fmod bool': () => torch.fmod(torch.tensor([true]), true),
  'floor_divide int by zero': () => torch.floor_divide(i64([5, 1]), i64([1, 0])),
  'remainder int by zero': () => torch.remainder(i64([5]), 0),
  'fmod int by zero': () => torch.fmod(i64([5]), i64([0])),
  'fmod scalar self': () => (torch.fmod as unknown as (...a: unknown[]) => Tensor)(3, i64([2])),
  'remainder_ float into int': () => i64([5, 6]).remainder_(2.5),
  'floor_divide broadcast': () => torch.floor_divide(z23(), torch.ones(4)),
  'remainder scalar self backward': () => torch.remainder(2.5, torch.ones(2, { requires_grad: true })).sum().backward(),
  'floor_divide backward': () => torch.floor_divide(torch.ones(2, { requires_grad: true }), 2.5).sum().backward(),
  'flip duplicate dims': () => torch.flip(z23(), [0, -2]),
  'flip dim out of range': () => torch.flip(z23(), [2]),
  'fliplr 1-d': () => torch.fliplr(torch.ones(3)),
  'flipud 0-d': () => torch.flipud(torch.tensor(1.0)),
  'roll shifts without dims': () => torch.roll(z23(), [1, 2]),
  'roll shifts and dims differ': () => torch.roll(z23(), [1], [0, 1]),
  'roll dim out of range': () => torch.roll(z23(), 1, 2),
  'roll 0-d with dim': () => torch.roll(torch.tensor(1.0), 1, 0),
  'repeat_interleave negative': () => torch.repeat_interleave(z23(), -1),
  'repeat_interleave negative tensor': () => torch.repeat_interleave(z23(), i64([1, -2]), { dim: 0 }),
  'repeat_interleave float repeats': () => torch.repeat_interleave(z23(), torch.tensor([1, 2], { dtype: torch.float64 }), { dim: 0 }),
  'repeat_interleave 2-d repeats': () => torch.repeat_interleave(z23(), i64([[1, 2]]), { dim: 0 }),
  'repeat_interleave wrong size': () => torch.repeat_interleave(z23(), i64([1, 2]), { dim: 1 }),
  'repeat_interleave output_size': () => torch.repeat_interleave(z23(), i64([1, 2]), { dim: 0, output_size: 4 }),
  'repeat_interleave dim': () => torch.repeat_interleave(z23(), 2, { dim: 3 }),
  'repeat_interleave counts 2-d': () => torch.repeat_interleave(i64([[1, 2]])),
  'nan_to_num out dtype': () => torch.nan_to_num(torch.ones(2), { out: torch.empty(2, { dtype: torch.float64 }) }),
  'isposinf out dtype': () => torch.isposinf(torch.ones(2), { out: torch.empty(2) }),
  'cosine_similarity ints': () => F.cosine_similarity(i64([1, 2]), i64([1, 2]), 0),
  'cosine_similarity shapes': () => F.cosine_similarity(torch.ones(2, 3), torch.ones(2, 4)),
  'cosine_similarity dim': () => F.cosine_similarity(torch.ones(2, 3), torch.ones(2, 3), 2),
  'pairwise_distance shapes': () => F.pairwise_distance(torch.ones(2, 3), torch.ones(2, 4)),
  'normalize ints': () => F.normalize(i64([3, 4]), { dim: 0 }),
  'normalize dim': () => F.normalize(z23(), { dim: 2 }),
  'where one float cond, three args': () => torch.where(torch.ones(2), z23(), z23()),
  'clip_grad_norm_ nonfinite': () => clipNonfinite(2.0),
  'clip_grad_norm_ nonfinite inf': () => clipNonfinite('inf'),
  'vector_to_parameters not a tensor': () => torch.nn.utils.vector_to_parameters([1.0, 2.0] as unknown as Tensor, [torch.zeros(2)]),
  'vector_to_parameters too short': () => torch.nn.utils.vector_to_parameters(torch.zeros(4), [torch.zeros(2, 3)]),
  'parameters_to_vector non-contiguous': () => torch.nn.utils.parameters_to_vector([z23().t()]),
};

describe("bad input gets PyTorch's message", () => {
  it('covers every recorded error', () => {
    expect(fixture.errors.map((e) => e.name).filter((n) => !ERRORS[n])).toEqual([]);
  });
  it.each(fixture.errors)('$name', (e) => {
    let err: unknown;
    try {
      ERRORS[e.name]();
    } catch (x) {
      err = x;
    }
    expect(err, 'throws').toBeInstanceOf(Error);
    // PyTorch's TypeError stays a TypeError; its IndexError (a dim out of range) is a RangeError
    if (e.type === 'TypeError') expect(err).toBeInstanceOf(TypeError);
    if (e.type === 'IndexError') expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message.split('\n')[0]).toBe(e.message);
  });
});

describe('every backend agrees with the float64 reference (checkOp)', () => {
  const grid = (x: Tensor) => x.mul(4).floor().div(4); // quarters: no rounding at the kinks' edges
  it('remainder and fmod, tensor and scalar divisors; their gradients', () => {
    // divisors kept in [1, 2] and dividends off multiples of them, so no finite difference crosses a jump
    const off = (a: Tensor, b: Tensor) => grid(a).mul(3).add(0.125).div(b.abs().add(1)).mul(b.abs().add(1));
    checkOp('remainder', (a, b) => torch.remainder(off(a, b), b.abs().add(1)), [[[3, 5], [3, 5]], [[17, 19], [19]]], { native: false, gradAtol: 1e-4 });
    checkOp('fmod', (a, b) => torch.fmod(off(a, b), b.abs().add(1).neg()), [[[7], [7]], [[2, 3, 13], [13]]], { native: false, gradAtol: 1e-4 });
    checkOp('remainder scalar', (a) => torch.remainder(grid(a).add(0.125), 0.75), UNARY_SHAPES, { native: false });
    checkOp('fmod scalar', (a) => a.fmod(-1.5), UNARY_SHAPES, { native: false, domain: [0.1, 1.4] });
  });
  it('floor_divide, flip, roll, repeat_interleave, tile', () => {
    checkOp('floor_divide', (a, b) => torch.floor_divide(grid(a), b.abs().add(0.5)), [[[3, 5], [3, 5]], [[263], []]], { grad: false, native: false });
    checkOp('flip', (a) => torch.flip(a, [0, -1]), [[[3, 5]], [[2, 3, 13]], [[17, 19]]], { native: false, exact: true });
    checkOp('roll', (a) => torch.roll(a, [2, -3], [0, 1]), [[[3, 5]], [[17, 19]]], { native: false, exact: true });
    checkOp('roll flat', (a) => torch.roll(a, 4), UNARY_SHAPES, { native: false, exact: true });
    checkOp('repeat_interleave', (a) => a.repeat_interleave(3, 0), [[[7]], [[3, 5]], [[17, 19]]], { native: false, exact: true });
    checkOp('tile', (a) => torch.tile(a, [2, 1, 3]), [[[7]], [[3, 5]]], { native: false, exact: true });
  });
  it('nan_to_num, normalize, cosine_similarity, pairwise_distance', () => {
    checkOp('nan_to_num', (a) => torch.nan_to_num(a.log()), UNARY_SHAPES, { native: false, domain: [0.2, 2] });
    checkOp('normalize', (a) => F.normalize(a, { dim: -1 }), [[[7]], [[3, 5]], [[17, 19]]], { native: false });
    checkOp('normalize p=1', (a) => F.normalize(a, 1.0, 0), [[[3, 5]], [[2, 3, 13]]], { native: false, domain: [0.2, 2] });
    checkOp('cosine_similarity', (a, b) => F.cosine_similarity(a, b, { dim: -1 }), [[[5], [5]], [[3, 5], [5]], [[17, 19], [17, 19]]], { native: false });
    checkOp('pairwise_distance', (a, b) => F.pairwise_distance(a, b), [[[3, 5], [3, 5]], [[17, 19], [19]]], { native: false });
    checkOp('pairwise_distance p=3', (a, b) => F.pairwise_distance(a, b, 3, 1e-6, true), [[[3, 5], [3, 5]]], { native: false });
  });
});

describe('API forms', () => {
  it('in-place forms write self, keep its dtype, and bump the version', () => {
    const x = torch.tensor([-7, 7, 5.5]);
    const v = x._version;
    expect(x.remainder_(2)).toBe(x);
    expect(x.tolist()).toEqual([1, 1, 1.5]);
    expect(x.fmod_(torch.tensor(-1))).toBe(x);
    expect(x.tolist()).toEqual([0, 0, 0.5]);
    const i = i64([-7, 7]);
    expect(i.floor_divide_(2).tolist()).toEqual([-4, 3]);
    expect(i.dtype).toBe(torch.int64);
    const n = torch.tensor([NaN, Infinity, 1]);
    expect(torch.nan_to_num_(n, 0, 5).tolist()).toEqual([0, 5, 1]);
    expect(n.nan_to_num_({ nan: 2 }).tolist()).toEqual([0, 5, 1]);
    expect(x._version).toBeGreaterThan(v);
  });
  it('out= writes into out', () => {
    const out = torch.empty(3);
    expect(torch.remainder(torch.tensor([-3, 3, 4]), 2, { out })).toBe(out);
    expect(out.tolist()).toEqual([1, 1, 0]);
    const b = torch.empty(0, { dtype: torch.bool });
    expect(torch.isneginf(torch.tensor([-Infinity, 1]), { out: b }).tolist()).toEqual([true, false]);
    const o = torch.empty(2);
    expect(F.normalize(torch.tensor([[3, 4]]), 2, 1, 1e-12, o.view(1, 2)).tolist()).toEqual([[0.6000000238418579, 0.800000011920929]]);
  });
  it('method forms take varargs as PyTorch', () => {
    const x = torch.arange(6).reshape(2, 3);
    expect(x.flip(0, 1).tolist()).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(x.tile(2).tolist()).toEqual([[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    expect(x.roll(1, 0).tolist()).toEqual([[3, 4, 5], [0, 1, 2]]);
    expect(x.repeat_interleave(2, { dim: 0 }).shape).toEqual([4, 3]);
    expect(x.masked_fill(x.gt(2), -1).tolist()).toEqual([[0, 1, 2], [-1, -1, -1]]);
  });
  it('nn.CosineSimilarity and nn.PairwiseDistance keep their arguments and run the functional forms', () => {
    const a = torch.tensor([[1, 2, 3], [0, 1, 0]]), b = torch.tensor([[2, 2, 1], [1, 0, 0]]);
    const cos = new torch.nn.CosineSimilarity({ dim: 0, eps: 1e-3 });
    expect([cos.dim, cos.eps, String(cos)]).toEqual([0, 1e-3, 'CosineSimilarity()']);
    expect(cos(a, b).tolist()).toEqual(F.cosine_similarity(a, b, 0, 1e-3).tolist());
    const pd = new torch.nn.PairwiseDistance(1, { keepdim: true });
    expect([pd.norm, pd.eps, pd.keepdim, String(pd)]).toEqual([1, 1e-6, true, 'PairwiseDistance()']);
    expect(pd(a, b).tolist()).toEqual(F.pairwise_distance(a, b, 1, 1e-6, true).tolist());
    expect(() => new torch.nn.PairwiseDistance({ q: 1 } as never)).toThrow("PairwiseDistance.__init__() got an unexpected keyword argument 'q'");
  });
  it('where(condition) gives a list of index tensors; where(c, scalar, scalar) is float32', () => {
    const [r, c] = torch.where(torch.tensor([[0, 2], [3, 0]]).gt(0));
    expect([r.tolist(), c.tolist(), r.dtype]).toEqual([[0, 1], [1, 0], torch.int64]);
    expect(torch.where(torch.tensor([true, false]), 1.0, -1.0).dtype).toBe(torch.float32);
  });
  it('floor_divide rounds toward -inf (PyTorch 1.13), remainder follows the divisor, fmod the dividend', () => {
    const a = i64([-7, 7, -7, 7]), b = i64([2, 2, -2, -2]);
    expect(torch.floor_divide(a, b).tolist()).toEqual([-4, 3, 3, -4]);
    expect(torch.remainder(a, b).tolist()).toEqual([1, 1, -1, -1]);
    expect(torch.fmod(a, b).tolist()).toEqual([-1, 1, -1, 1]);
    expect(torch.remainder(-3, torch.tensor([2])).tolist()).toEqual([1]);
  });
});
