/**
 * Sorting and selection, the scatter/index family, cumulative ops, einsum and cdist against
 * PyTorch 1.13 (tests/fixtures/select.json from scripts/golden/select.py): each named call below
 * is the JS twin of the script's; values, dtypes, shapes, gradients and error messages must agree.
 * Then what the fixtures cannot show: large rows through the packed-key sort, GEMM routing of
 * einsum, out=, in-place versions, double backward through the einsum diagonal.
 */
import { describe, expect, it, vi } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { K } from '../src/backend/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { expectClose } from './helpers/opcheck.js';
import { throws } from './helpers/throws.js';

const F = torch.nn.functional;
type Out = Tensor | readonly Tensor[];
type Call = (...xs: Tensor[]) => Out;

const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.int64 });

const CALLS: Record<string, Call> = {
  // sorting and selection
  'sort': (a) => torch.sort(a),
  'sort dim0 descending': (a) => torch.sort(a, 0, true),
  'sort float32': (a) => a.sort({ dim: 1 }),
  'sort stable ties nan': (a) => torch.sort(a, { stable: true }),
  'sort stable ties nan float32': (a) => torch.sort(a, { stable: true }),
  'sort stable descending': (a) => torch.sort(a, { stable: true, descending: true }),
  'sort stable descending float32': (a) => torch.sort(a, { stable: true, descending: true }),
  'sort int64': (a) => torch.sort(a, { descending: true, stable: true }),
  'sort bool': (a) => torch.sort(a, { stable: true }),
  'sort 0-d': (a) => torch.sort(a),
  'sort empty': (a) => torch.sort(a, 0),
  'argsort': (a) => torch.argsort(a, 1, true),
  'argsort stable': (a) => torch.argsort(a, { stable: true, dim: 0 }),
  'msort': (a) => torch.msort(a),
  'topk': (a) => torch.topk(a, 3),
  'topk smallest dim0': (a) => torch.topk(a, 2, 0, false),
  'topk nan': (a) => torch.topk(a, 2),
  'topk k=0': (a) => torch.topk(a, 0),
  'kthvalue': (a) => torch.kthvalue(a, 2, 1),
  'kthvalue keepdim dim0': (a) => torch.kthvalue(a, 3, 0, true),
  'kthvalue 0-d': (a) => torch.kthvalue(a, 1),
  'unique': (a) => torch.unique(a),
  'unique inverse counts': (a) => torch.unique(a, { return_inverse: true, return_counts: true }),
  'unique int64 counts': (a) => torch.unique(a, { return_counts: true }),
  'unique dim0': (a) => torch.unique(a, { dim: 0, return_inverse: true, return_counts: true }),
  'unique dim1': (a) => torch.unique(a, { dim: 1, return_inverse: true }),
  'nonzero': (a) => torch.nonzero(a),
  'nonzero as_tuple': (a) => torch.nonzero(a, { as_tuple: true }),
  'nonzero 0-d': (a) => torch.nonzero(a),
  'nonzero 0-d as_tuple': (a) => torch.nonzero(a, { as_tuple: true }),
  'nonzero bool 3-d': (a) => a.nonzero(),
  'searchsorted': (s, v) => torch.searchsorted(s, v),
  'searchsorted right': (s, v) => torch.searchsorted(s, v, { right: true }),
  'searchsorted side right': (s, v) => torch.searchsorted(s, v, { side: 'right' }),
  'searchsorted rows': (s, v) => torch.searchsorted(s, v),
  'searchsorted sorter': (s, v, o) => torch.searchsorted(s, v, { sorter: o }),
  'searchsorted scalar': (s) => torch.searchsorted(s, 4),
  'searchsorted nan': (s, v) => torch.searchsorted(s, v),
  // scatter and index
  'scatter': (a, i, s) => torch.scatter(a, 0, i, s),
  'scatter dim1 small index': (a, i, s) => a.scatter(1, i, s),
  'scatter src larger than index': (a, i, s) => a.scatter(1, i, s),
  'scatter value': (a, i) => torch.scatter(a, 0, i, 9.5),
  'scatter reduce add': (a, i, s) => torch.scatter(a, 0, i, s, { reduce: 'add' }),
  'scatter reduce multiply': (a, i, s) => torch.scatter(a, 0, i, s, { reduce: 'multiply' }),
  'scatter value reduce multiply': (a, i) => torch.scatter(a, 0, i, 2.0, { reduce: 'multiply' }),
  'scatter_ in place': (a, i, s) => a.clone().scatter_(0, i, s),
  'scatter_add': (a, i, s) => torch.scatter_add(a, 0, i, s),
  'scatter_add_ in place': (a, i, s) => a.clone().scatter_add_(1, i, s),
  'index_add': (a, i, s) => torch.index_add(a, 0, i, s),
  'index_add alpha dim1': (a, _i, s) => a.index_add(1, long([3, 1]), s, { alpha: -2.5 }),
  'index_add_ in place': (a, i, s) => a.clone().index_add_(0, i, s),
  'index_copy': (a, i, s) => torch.index_copy(a, 0, i, s),
  'index_copy dim1': (a, s) => a.index_copy(1, long([1, 3]), s),
  'index_copy_ in place': (a, s) => a.clone().index_copy_(0, long([1]), s),
  'index_fill': (a) => torch.index_fill(a, 1, long([0, 2]), -1.5),
  'index_fill negative index': (a) => a.index_fill(0, long([-1]), 4.0),
  'index_fill tensor value': (a, v) => a.index_fill(1, long([3, 1]), v),
  'index_fill_ in place': (a) => a.clone().index_fill_(0, long([0, 2]), 7.0),
  'masked_scatter': (a, m, s) => torch.masked_scatter(a, m, s),
  'masked_scatter broadcast mask': (a, m, s) => a.masked_scatter(m, s),
  'masked_scatter_ in place': (a, m, s) => a.clone().masked_scatter_(m, s),
  'take_along_dim': (a, i) => torch.take_along_dim(a, i, 1),
  'take_along_dim argsort': (a) => torch.take_along_dim(a, a.argsort(0), 0),
  'take_along_dim broadcast': (a, i) => torch.take_along_dim(a, i, 0),
  'take_along_dim flat': (a, i) => torch.take_along_dim(a, i),
  'one_hot': (i) => F.one_hot(i),
  'one_hot num_classes': (i) => F.one_hot(i, 5),
  // cumulative and triangles
  'cumsum': (a) => torch.cumsum(a, 1),
  'cumsum dim0': (a) => a.cumsum(0),
  'cumsum int64': (a) => torch.cumsum(a, 0),
  'cumsum bool': (a) => torch.cumsum(a, 0),
  'cumsum dtype': (a) => torch.cumsum(a, 0, { dtype: torch.float64 }),
  'cumsum 0-d': (a) => torch.cumsum(a, 0),
  'cumsum_ in place': (a) => a.clone().cumsum_(1),
  'cumprod': (a) => torch.cumprod(a, 1),
  'cumprod zeros': (a) => torch.cumprod(a, 1),
  'cumprod zeros dim0': (a) => torch.cumprod(a, 0),
  'cumprod int64': (a) => torch.cumprod(a, 0),
  'cumprod_ in place': (a) => a.clone().cumprod_(0),
  'diff': (a) => torch.diff(a),
  'diff n=2 dim0': (a) => torch.diff(a, { n: 2, dim: 0 }),
  'diff prepend append': (a, p, q) => torch.diff(a, 1, 1, p, q),
  'diff bool': (a) => torch.diff(a),
  'diff int64 n=2': (a) => torch.diff(a, { n: 2 }),
  'diff n too large': (a) => torch.diff(a, { n: 5 }),
  'tril': (a) => torch.tril(a),
  'tril diagonal': (a) => a.tril(-1),
  'triu': (a) => torch.triu(a),
  'triu diagonal': (a) => a.triu(2),
  'triu int64': (a) => a.triu(1),
  'tril_ in place': (a) => a.clone().tril_(1),
  'triu_ in place': (a) => a.clone().triu_(-1),
  // einsum
  'einsum mm': (x, y) => torch.einsum('ij,jk->ik', x, y),
  'einsum mm list': (x, y) => torch.einsum('ij,jk', [x, y]),
  'einsum bmm': (x, y) => torch.einsum('bij,bjk->bik', x, y),
  'einsum attention': (q, k) => torch.einsum('bhqd,bhkd->bhqk', q, k),
  'einsum dot': (x, y) => torch.einsum('i,i->', x, y),
  'einsum transpose': (x) => torch.einsum('ij->ji', x),
  'einsum diagonal': (x) => torch.einsum('ii->i', x),
  'einsum trace': (x) => torch.einsum('ii', x),
  'einsum outer': (x, y) => torch.einsum('i,j->ij', x, y),
  'einsum outer implicit': (x, y) => torch.einsum('i,j', x, y),
  'einsum hadamard': (x, y) => torch.einsum('ij,ij->ij', x, y),
  'einsum sum all': (x) => torch.einsum('ij->', x),
  'einsum column sums': (x) => torch.einsum('ij->j', x),
  'einsum implicit sorted': (x) => torch.einsum('ba', x),
  'einsum uppercase first': (x, y) => torch.einsum('Ab,bC', x, y),
  'einsum ellipsis': (x, y) => torch.einsum('...ij,...jk', x, y),
  'einsum ellipsis batch dot': (x, y) => torch.einsum('...i,...i->...', x, y),
  'einsum ellipsis middle': (x) => torch.einsum('i...j->j...i', x),
  'einsum ellipsis ranks differ': (x, y) => torch.einsum('i...,i...', x, y),
  'einsum ellipsis summed': (x) => torch.einsum('...->', x),
  'einsum broadcast size 1': (x, y) => torch.einsum('ij,kj->ik', x, y),
  'einsum three operands': (x, y, z) => torch.einsum('ij,jk,kl->il', x, y, z),
  'einsum bilinear': (x, w, y) => torch.einsum('bn,anm,bm->ba', x, w, y),
  'einsum batch diagonal': (x) => torch.einsum('bii->bi', x),
  'einsum repeated in both': (x, y) => torch.einsum('ii,ij->j', x, y),
  'einsum spaces': (x, y) => torch.einsum('a b , b c -> a c', x, y),
  'einsum int64': (x, y) => torch.einsum('ij,jk', x, y),
  // cdist
  'cdist': (a, b) => torch.cdist(a, b),
  'cdist p=1': (a, b) => torch.cdist(a, b, { p: 1 }),
  'cdist p=inf': (a, b) => torch.cdist(a, b, { p: Infinity }),
  'cdist p=3': (a, b) => torch.cdist(a, b, { p: 3 }),
  'cdist p=0.5': (a, b) => torch.cdist(a, b, { p: 0.5 }),
  'cdist p=0': (a, b) => torch.cdist(a, b, { p: 0 }),
  'cdist batched broadcast': (a, b) => torch.cdist(a, b),
  'cdist mm path': (a, b) => torch.cdist(a, b),
  'cdist mm path float32': (a, b) => torch.cdist(a, b),
  'cdist use_mm': (a, b) => torch.cdist(a, b, { compute_mode: 'use_mm_for_euclid_dist' }),
  'cdist donot_use_mm': (a, b) => torch.cdist(a, b, { compute_mode: 'donot_use_mm_for_euclid_dist' }),
  'cdist equal rows': (a, b) => torch.cdist(a, b),
  // errors
  'sort dim out of range': (a) => torch.sort(a, 3),
  'topk k too large': (a) => torch.topk(a, 5),
  'topk bool': (a) => torch.topk(a, 1),
  'kthvalue k too large': (a) => torch.kthvalue(a, 5),
  'kthvalue k zero': (a) => torch.kthvalue(a, 0),
  'kthvalue bool': (a) => torch.kthvalue(a, 1),
  'unique dim of 0-d': (a) => torch.unique(a, { dim: 0 }),
  'nonzero as_tuple out': (a, o) => torch.nonzero(a, { as_tuple: true, out: o } as never),
  'searchsorted side': (s, v) => torch.searchsorted(s, v, { side: 'middle' }),
  'searchsorted side right opposite': (s, v) => torch.searchsorted(s, v, { right: true, side: 'left' }),
  'searchsorted shapes': (s, v) => torch.searchsorted(s, v),
  'searchsorted scalar rows': (s) => torch.searchsorted(s, 1),
  'searchsorted sorter size': (s, v, o) => torch.searchsorted(s, v, { sorter: o }),
  'scatter index out of bounds': (a, i, b) => a.scatter(0, i, b),
  'scatter negative index': (a, i) => a.scatter(0, i, 1.0),
  'scatter float index': (a, i, b) => a.scatter(0, i, b),
  'scatter index dims': (a, i, b) => a.scatter(0, i, b),
  'scatter index too large': (a, i, b) => a.scatter(0, i, b),
  'scatter src dtype': (a, i, b) => a.scatter(0, i, b),
  'scatter reduce name': (a, i, b) => a.scatter(0, i, b, { reduce: 'max' }),
  'scatter_add index out of bounds': (a, i, b) => a.scatter_add(0, i, b),
  'index_add index out of bounds': (a, i, b) => a.index_add(0, i, b),
  'index_add negative index': (a, i, b) => a.index_add(0, i, b),
  'index_add count': (a, i, b) => a.index_add(0, i, b),
  'index_add float index': (a, i, b) => a.index_add(0, i, b),
  'index_add source dtype': (a, i, b) => a.index_add(0, i, b),
  'index_add index 2-d': (a, i, b) => a.index_add(0, i, b),
  'index_copy index out of bounds': (a, i, b) => a.index_copy(0, i, b),
  'index_copy count': (a, i, b) => a.index_copy(0, i, b),
  'index_copy float index': (a, i, b) => a.index_copy(0, i, b),
  'index_copy slice shapes': (a, i, b) => a.index_copy(0, i, b),
  'index_fill index out of bounds': (a, i) => a.index_fill(0, i, 1),
  'index_fill float index': (a, i) => a.index_fill(0, i, 1),
  'index_fill value dims': (a, i, v) => a.index_fill(0, i, v),
  'masked_scatter too few': (a, m, b) => a.masked_scatter(m, b),
  'masked_scatter dtype': (a, m, b) => a.masked_scatter(m, b),
  'take_along_dim index out of bounds': (a, i) => torch.take_along_dim(a, i, 1),
  'take_along_dim float index': (a, i) => torch.take_along_dim(a, i, 1),
  'take_along_dim dims': (a, i) => torch.take_along_dim(a, i, 1),
  'one_hot too large': (i) => F.one_hot(i, 3),
  'one_hot negative': (i) => F.one_hot(i, 3),
  'one_hot float': (i) => F.one_hot(i),
  'one_hot empty': (i) => F.one_hot(i),
  'cumsum dim out of range': (a) => torch.cumsum(a, 2),
  'diff 0-d': (a) => torch.diff(a),
  'diff prepend dims': (a, p) => torch.diff(a, { prepend: p }),
  'tril vector': (a) => torch.tril(a),
  'einsum size mismatch': (a) => torch.einsum('ij,jk->ik', a, a),
  'einsum fewer operands': (a) => torch.einsum('ij,jk', a),
  'einsum more operands': (a, b) => torch.einsum('ij', a, b),
  'einsum output not in inputs': (a) => torch.einsum('ij->k', a),
  'einsum subscripts count': (a) => torch.einsum('ijk->ij', a),
  'einsum output repeated': (a) => torch.einsum('ij->iij', a),
  'einsum repeated sizes': (a) => torch.einsum('ii->i', a),
  'einsum invalid subscript': (a) => torch.einsum('i2->i', a),
  'einsum invalid subscript in output': (a, b) => torch.einsum('i,i->i->', a, b),
  'einsum stray dot': (a) => torch.einsum('i.j', a),
  'einsum ellipsis broadcast': (a, b) => torch.einsum('i...,i...', a, b),
  'einsum dtypes': (a, b) => torch.einsum('i,i', a, b),
  'cdist columns': (a, b) => torch.cdist(a, b),
  'cdist integer': (a, b) => torch.cdist(a, b),
  'cdist 1-d': (a, b) => torch.cdist(a, b),
  'cdist negative p': (a, b) => torch.cdist(a, b, { p: -1 }),
  'cdist compute_mode': (a, b) => torch.cdist(a, b, { compute_mode: 'foo' }),
  'scatter reduce backward': (a, i, b) => {
    const y = a.detach().requires_grad_();
    y.scatter(0, i, b, { reduce: 'add' }).sum().backward();
    return y;
  },
};

interface Case {
  name: string;
  inputs: Encoded[];
  grad?: number[];
  outputs?: Encoded[];
  upstream?: (Encoded | null)[];
  grads?: Encoded[];
  error?: string;
}
const CASES = loadFixture<Case[]>('select');

const asList = (r: Out): Tensor[] => (r instanceof Tensor ? [r] : [...r]);

/**
 * float32 results (the GEMM route of cdist, float32 sorts) to float32's precision; float64 to 1e-12.
 * The sign of a zero is not compared: it follows each library's order of additions.
 */
function expectMatches(actual: Tensor, expected: Encoded, what: string): void {
  const e = decode(expected);
  expect(actual.dtype.name, `${what}: dtype`).toBe(expected.dtype);
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const tol = expected.dtype === 'float32' ? 2e-6 : expected.dtype === 'float64' ? 1e-12 : 0;
  expectClose(actual, e, tol, tol, what, { zeroSign: false });
}

describe('against PyTorch 1.13', () => {
  it('every recorded case has its call here', () => {
    expect(CASES.map((c) => c.name).filter((n) => !(n in CALLS))).toEqual([]);
  });
  for (const c of CASES) {
    it(c.name, () => {
      const xs = c.inputs.map(decode);
      for (const i of c.grad ?? []) xs[i].requires_grad_(true);
      const call = CALLS[c.name];
      if (c.error !== undefined) {
        throws(() => call(...xs), Error as ErrorConstructor, c.error);
        return;
      }
      const outs = asList(call(...xs));
      expect(outs.length, 'number of outputs').toBe(c.outputs!.length);
      outs.forEach((o, k) => expectMatches(o, c.outputs![k], `output ${k}`));
      if (!c.grads) return;
      let loss: Tensor | null = null;
      c.upstream!.forEach((u, k) => {
        if (u === null) return;
        const term = outs[k].mul(decode(u)).sum();
        loss = loss === null ? term : loss.add(term);
      });
      (loss as unknown as Tensor).backward();
      c.grad!.forEach((i, k) => expectMatches(xs[i].grad!, c.grads![k], `grad of input ${i}`));
    });
  }
});

/** A reference stable order by a comparator: NaN the largest, −0 equal to +0. */
function referenceOrder(v: ArrayLike<number>, descending: boolean): number[] {
  const key = (x: number) => (Number.isNaN(x) ? Infinity : x);
  const rank = (x: number) => (Number.isNaN(x) ? 1 : 0);
  return Array.from({ length: v.length }, (_, i) => i).sort((a, b) => {
    let c = rank(v[a]) - rank(v[b]) || (key(v[a]) < key(v[b]) ? -1 : key(v[a]) > key(v[b]) ? 1 : 0);
    if (descending) c = -c;
    return c || a - b;
  });
}

describe('sort beyond the fixtures', () => {
  // 20011 takes 16-bit radix digits, 1000 8-bit ones, 31 the insertion sort
  it.each([20011, 1000, 31])('rows of %i: float32 and float64 with ties, NaNs, infinities and signed zeros, in a stable order', (n) => {
    const vals = Array.from({ length: n }, (_, i) => {
      const k = (i * 7919) % 101;
      return k === 0 ? NaN : k === 1 ? -0 : k === 2 ? 0 : k === 3 ? Infinity : k === 4 ? -Infinity : (k % 37) - 18.5;
    });
    for (const dtype of [torch.float32, torch.float64]) {
      for (const descending of [false, true]) {
        const x = torch.tensor(vals, { dtype });
        const { values, indices } = torch.sort(x, { stable: true, descending });
        const ref = referenceOrder(x.toTypedArray(), descending);
        expect(Array.from(indices.toTypedArray())).toEqual(ref);
        const v = values.toTypedArray(), xs = x.toTypedArray();
        for (let i = 0; i < n; i++) if (!Object.is(v[i], xs[ref[i]])) expect.fail(`values[${i}]`);
      }
    }
  });

  it('sorts along an inner dim of a strided view, and argsort agrees with sort', () => {
    const x = torch.randn(5, 7, 3).transpose(0, 2);
    const { values, indices } = x.sort(1);
    expect(torch.argsort(x, 1).tolist()).toEqual(indices.tolist());
    expect(torch.gather(x, 1, indices).tolist()).toEqual(values.tolist());
    expect(values.narrow(1, 1, 6).ge(values.narrow(1, 0, 6)).all().item()).toBe(true);
  });

  it('out= pairs receive values and indices', () => {
    const x = torch.tensor([[3, 1, 2], [0, 5, 4]]);
    const vo = torch.empty(0), io = torch.empty(0, { dtype: torch.int64 });
    const r = torch.sort(x, 1, true, { out: [vo, io] });
    expect(r.values).toBe(vo);
    expect(r.indices).toBe(io);
    expect(io.tolist()).toEqual([[0, 2, 1], [1, 2, 0]]);
    const t = torch.topk(x, 1, { out: [torch.empty(0), torch.empty(0, { dtype: torch.int64 })] });
    expect(t.values.tolist()).toEqual([[3], [5]]);
    expect(String(torch.kthvalue(x, 1))).toContain('1');
  });
});

describe('gradients by finite differences (float64)', () => {
  const g = (f: (...t: Tensor[]) => Tensor, ...shapes: number[][]) => {
    const xs = shapes.map((s, k) => torch.randn(s, { dtype: torch.float64 }).add(k).requires_grad_());
    expect(torch.autograd.gradcheck(f, xs)).toBe(true);
  };
  it('sort, topk, kthvalue, msort', () => {
    torch.manual_seed(1);
    g((x) => torch.sort(x, 0).values, [4, 3]);
    g((x) => torch.topk(x, 2, { largest: false }).values, [3, 5]);
    g((x) => torch.kthvalue(x, 2, 0).values, [4, 3]);
    g((x) => torch.msort(x), [4, 2]);
  });
  it('cumsum, cumprod (with and without zeros), diff, tril, triu', () => {
    torch.manual_seed(2);
    g((x) => torch.cumsum(x, 1), [3, 4]);
    g((x) => torch.cumprod(x, 0), [4, 3]);
    g((x) => torch.cumprod(torch.where(torch.tensor([1, 0, 1, 1, 0]).bool(), x, 0), 0), [5]);
    g((x, p) => torch.diff(x, { n: 2, prepend: p }), [3, 5], [3, 1]);
    g((x) => torch.tril(x, 1).add(torch.triu(x, -1)), [2, 3, 4]);
  });
  it('scatter, scatter_add, index_add, index_copy, index_fill, masked_scatter, take_along_dim', () => {
    torch.manual_seed(3);
    const idx = torch.tensor([[0n, 2n, 1n], [1n, 0n, 2n]]);
    g((x, s) => torch.scatter(x, 0, idx, s), [3, 3], [2, 3]);
    g((x, s) => torch.scatter_add(x, 0, idx, s), [3, 3], [2, 3]);
    g((x, s) => torch.index_add(x, 1, torch.tensor([2n, 0n, 2n]), s, { alpha: 1.5 }), [2, 3], [2, 3]);
    g((x, s) => torch.index_copy(x, 0, torch.tensor([2n, 0n]), s), [3, 2], [2, 2]);
    g((x, v) => torch.index_fill(x, 0, torch.tensor([1n]), v), [3, 2], []);
    g((x, s) => torch.masked_scatter(x, torch.tensor([true, false, true]), s), [2, 3], [5]);
    g((x) => torch.take_along_dim(x, torch.tensor([[1n], [0n]]), 1), [2, 3]);
  });
  it('einsum (GEMM routes, diagonals, three operands) and cdist (every p, both routes)', () => {
    torch.manual_seed(4);
    g((a, b) => torch.einsum('bij,bjk->bik', a, b), [2, 3, 4], [2, 4, 2]);
    g((a) => torch.einsum('ii->i', a).mul(torch.einsum('ii', a)), [3, 3]);
    g((a, b, c) => torch.einsum('ij,jk,k->i', a, b, c), [2, 3], [3, 4], [4]);
    for (const p of [0.5, 1, 2, 3, Infinity]) g((a, b) => torch.cdist(a, b, { p }), [3, 2], [4, 2]);
    g((a, b) => torch.cdist(a, b, { compute_mode: 'use_mm_for_euclid_dist' }), [2, 3, 2], [1, 4, 2]);
  });
  it('second derivatives through the einsum diagonal and cumsum', () => {
    const a = torch.randn([3, 3], { dtype: torch.float64 }).requires_grad_();
    const [ga] = torch.autograd.grad(torch.einsum('ii->i', a).pow(3).sum(), a, { create_graph: true });
    const [gga] = torch.autograd.grad(ga!.sum(), a);
    // d/da_ii of 3·a_ii² is 6·a_ii; off the diagonal nothing
    expectClose(gga!, torch.eye(3, { dtype: torch.float64 }).mul(a.detach()).mul(6), 1e-12, 1e-12, 'second derivative', { zeroSign: false });
    const x = torch.randn([4], { dtype: torch.float64 }).requires_grad_();
    const [gx] = torch.autograd.grad(torch.cumsum(x, 0).pow(2).sum(), x, { create_graph: true });
    const [ggx] = torch.autograd.grad(gx!.sum(), x);
    // Σ_j gx_j = 2·Σ_k (k+1)·c_k, whose derivative in x_i is 2·Σ_{k>=i} (k+1)
    expect(ggx!.tolist()).toEqual([20, 18, 14, 8]);
    // through sort's scatter: d/dx of Σ 3·x² is 6·x
    const s = torch.tensor([3, -1, 2], { dtype: torch.float64, requires_grad: true });
    const [gs] = torch.autograd.grad(torch.sort(s).values.pow(3).sum(), s, { create_graph: true });
    expect(torch.autograd.grad(gs!.sum(), s)[0]!.tolist()).toEqual([18, -6, 12]);
    // and through max(dim)'s, which shares it: only each row's maximum has one
    const m = torch.tensor([[3, -1], [0, 2]], { dtype: torch.float64, requires_grad: true });
    const [gm] = torch.autograd.grad((torch.max(m, 1) as { values: Tensor }).values.pow(3).sum(), m, { create_graph: true });
    expect(torch.autograd.grad(gm!.sum(), m)[0]!.tolist()).toEqual([[18, 0], [0, 12]]);
    // cumprod's second derivative by ops (no zeros): gradgrad of Π-prefix sums against finite differences
    const c = torch.tensor([1.5, -2, 0.5, 3], { dtype: torch.float64, requires_grad: true });
    const [gc] = torch.autograd.grad(torch.cumprod(c, 0).sum(), c, { create_graph: true });
    const gradSum = (v: number[]) => {
      const t = torch.tensor(v, { dtype: torch.float64, requires_grad: true });
      return torch.autograd.grad(torch.cumprod(t, 0).sum(), t)[0]!.sum().item() as number;
    };
    const ggc = torch.autograd.grad(gc!.sum(), c)[0]!.tolist() as number[];
    const base = c.detach().tolist() as number[];
    base.forEach((_, m) => {
      const up = base.map((v, i) => (i === m ? v + 1e-6 : v)), down = base.map((v, i) => (i === m ? v - 1e-6 : v));
      expect(ggc[m]).toBeCloseTo((gradSum(up) - gradSum(down)) / 2e-6, 6);
    });
    const z = torch.tensor([1.5, 0, 2], { dtype: torch.float64, requires_grad: true });
    throws(() => torch.autograd.grad(torch.cumprod(z, 0).sum(), z, { create_graph: true }), Error, 'cumprod: second derivatives are not implemented for inputs containing zeros');
  });
});

describe('einsum routes contractions to one GEMM call', () => {
  const calls = (f: () => unknown) => {
    const spy = vi.spyOn(K, 'gemm');
    try {
      f();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  };
  const cases: [string, number[][]][] = [
    ['ij,jk->ik', [[8, 9], [9, 10]]],
    ['bij,bjk->bik', [[2, 8, 9], [2, 9, 10]]],
    ['bhqd,bhkd->bhqk', [[2, 3, 8, 16], [2, 3, 9, 16]]],
    ['i,i->', [[50], [50]]],
    ['ij,kj->ik', [[8, 9], [10, 9]]],
  ];
  for (const [eq, shapes] of cases) {
    it(eq, () => {
      const xs = shapes.map((s) => torch.randn(s));
      expect(calls(() => torch.einsum(eq, ...xs))).toBe(1);
      const a = xs.map((x) => x.double());
      const y = torch.einsum(eq, ...a);
      const ref = eq === 'i,i->' ? a[0].mul(a[1]).sum() : eq === 'ij,kj->ik' ? a[0].mm(a[1].t()) : eq === 'bhqd,bhkd->bhqk' ? a[0].matmul(a[1].transpose(-1, -2)) : a[0].matmul(a[1]);
      expectClose(y, ref, 1e-12, 1e-12, eq);
    });
  }
  it('views need no kernel at all: transpose and diagonal share memory', () => {
    const x = torch.randn(4, 4);
    expect(torch.einsum('ij->ji', x)._storage).toBe(x._storage);
    expect(torch.einsum('ii->i', x)._storage).toBe(x._storage);
  });
});

describe('in place and out=', () => {
  it('in-place versions write self, bump its version and refuse leaves that require grad', () => {
    const x = torch.zeros(2, 3);
    const v = x._version;
    expect(x.scatter_(1, torch.tensor([[2n], [0n]]), 5)).toBe(x);
    expect(x.tolist()).toEqual([[0, 0, 5], [5, 0, 0]]);
    expect(x._version).toBeGreaterThan(v);
    x.index_fill_(1, torch.tensor([1n]), -1).cumsum_(1).tril_();
    expect(x.tolist()).toEqual([[0, 0, 0], [5, 4, 0]]);
    throws(() => torch.ones(2, { requires_grad: true }).cumsum_(0), Error, 'a leaf Variable that requires grad is being used in an in-place operation.');
  });
  it('out= on cumsum, searchsorted, nonzero, take_along_dim, tril', () => {
    const out = torch.empty(0);
    expect(torch.cumsum(torch.tensor([1, 2, 3]), 0, { out })).toBe(out);
    expect(out.tolist()).toEqual([1, 3, 6]);
    const lo = torch.empty(0, { dtype: torch.int64 });
    expect(torch.searchsorted(torch.tensor([1, 2, 3]), torch.tensor([2.5]), { out: lo }).tolist()).toEqual([2]);
    expect(torch.nonzero(torch.tensor([0, 1, 1]), { out: lo })).toBe(lo);
    expect(lo.tolist()).toEqual([[1], [2]]);
    const t = torch.empty(0);
    torch.tril(torch.ones(2, 2), { out: t });
    expect(t.tolist()).toEqual([[1, 0], [1, 1]]);
  });
});
