/**
 * Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, nonzero, searchsorted.
 * Rows along `dim` are sorted by RowSorter (row_sorter.ts: a radix sort of integer keys); NaN
 * sorts as the largest value and ties keep their order (every sort here is stable).
 */
import { Tensor, type ReduceResult } from '../tensor.js';
import type { FloatArray } from '../backend/contract.js';
import { apply } from '../autograd/node.js';
import { bool, float64, int64 } from '../dtype.js';
import { normDim } from '../shape.js';
import { allocate, checkTensor, data, typeName } from './util.js';
import * as V from './view.js';
import { rowGeometry } from './rows.js';
import { RowSorter } from './row_sorter.js';
import { intoOut, type Out } from './out.js';
import { scatterBack, valuesIndices } from './reduce.js';

/**
 * Sorts every row along dim and keeps the first `k` of each: values and int64 positions, both
 * [outer, k, inner] in x's layout with dim of size k.
 */
function sortRows(x: Tensor, d: number, descending: boolean, k: number): { values: Tensor; indices: Tensor } {
  const { outer, size, inner } = rowGeometry(x.shape, d);
  const shape = x.ndim === 0 ? [] : x.shape.slice();
  if (x.ndim > 0) shape[d] = k;
  const values = allocate(shape, x.dtype), indices = allocate(shape, int64);
  const src = data(x) as FloatArray, vd = values._storage.data as FloatArray, id = indices._storage.data as Float64Array;
  const sorter = new RowSorter(size, x.dtype === float64 || x.dtype === int64);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      sorter.load(src, base, inner, descending);
      const perm = sorter.sort();
      const ob = o * k * inner + i;
      for (let j = 0; j < k; j++) {
        id[ob + j * inner] = perm[j];
        vd[ob + j * inner] = src[base + perm[j] * inner];
      }
    }
  }
  return { values, indices };
}

/** out= as a (values, indices) pair: both written, both returned. */
function pairOut(kind: string, r: { values: Tensor; indices: Tensor }, out: readonly Tensor[] | null | undefined, x: Tensor): ReduceResult {
  if (out === null || out === undefined) return valuesIndices(kind, r.values, r.indices);
  if (!Array.isArray(out) || out.length !== 2) throw new TypeError(`${kind}(): argument 'out' must be tuple of Tensors of size 2`);
  const [vo, io] = out as [Tensor, Tensor];
  const v = intoOut(kind, vo, r.values, { inputs: [x], rule: 'exact' });
  const i = intoOut(kind, io, r.indices, { inputs: [x], rule: 'exact', differentiable: false });
  return valuesIndices(kind, v, i);
}

/** topk and kthvalue have no bool kernels in PyTorch (sort has). */
function checkSortable(x: Tensor, fn: string): void {
  if (x.dtype === bool) throw new TypeError(`"${fn}_cpu" not implemented for 'Bool'`);
}

export function sort(x: Tensor, dim = -1, descending = false, stable: boolean | null = false, out?: readonly Tensor[] | null): ReduceResult {
  checkTensor(x, 'input', 'sort');
  void stable; // every sort here is stable
  const d = normDim(dim, x.ndim);
  const r = sortRows(x, d, descending, x.ndim === 0 ? 1 : x.shape[d]);
  const shape = x.shape;
  apply('SortBackward0', [x], r.values, (g) => [scatterBack(g, r.indices, shape, d)]);
  return pairOut('sort', r, out, x);
}

export function argsort(x: Tensor, dim = -1, descending = false, stable = false): Tensor {
  checkTensor(x, 'input', 'argsort');
  void stable;
  const d = normDim(dim, x.ndim);
  return sortRows(x.detach(), d, descending, x.ndim === 0 ? 1 : x.shape[d]).indices;
}

export function msort(x: Tensor, out?: Out): Tensor {
  checkTensor(x, 'input', 'msort');
  const y = sort(x, 0, false).values;
  return intoOut('msort', out, y, { inputs: [x], rule: 'exact' });
}

export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true, out?: readonly Tensor[] | null): ReduceResult {
  checkTensor(x, 'input', 'topk');
  checkSortable(x, 'topk');
  void sorted; // the k are always returned in order
  const d = normDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (!(k >= 0 && k <= size)) throw new RangeError('selected index k out of range');
  const r = sortRows(x, d, largest, k);
  const shape = x.shape;
  apply('TopkBackward0', [x], r.values, (g) => [scatterBack(g, r.indices, shape, d)]);
  return pairOut('topk', r, out, x);
}

export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false, out?: readonly Tensor[] | null): ReduceResult {
  checkTensor(x, 'input', 'kthvalue');
  checkSortable(x, 'kthvalue');
  const d = normDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (!(k >= 1 && k <= size)) throw new RangeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  const all = sortRows(x.detach(), d, false, k);
  let values = x.ndim === 0 ? all.values : V.contiguous(V.narrow(all.values, d, k - 1, 1));
  let indices = x.ndim === 0 ? all.indices : V.contiguous(V.narrow(all.indices, d, k - 1, 1));
  if (!keepdim && x.ndim > 0) {
    values = V.squeeze(values, d);
    indices = V.squeeze(indices, d);
  }
  const shape = x.shape, ix = indices;
  apply('KthvalueBackward0', [x], values, (g) => [scatterBack(g, ix, shape, d, keepdim)]);
  return pairOut('kthvalue', { values, indices }, out, x);
}

/**
 * unique: the distinct values in ascending order (always sorted), or the distinct slices along
 * dim; optionally each element's position in the result (inverse) and each value's count.
 */
export function unique(x: Tensor, sorted = true, return_inverse = false, return_counts = false, dim: number | null = null): Tensor | Tensor[] {
  checkTensor(x, 'input', 'unique');
  void sorted; // PyTorch leaves the order unspecified when sorted=False: sorted is one such order
  const src = x.detach();
  let uniq: Tensor, inverse: Tensor, counts: Tensor;
  if (dim === null || dim === undefined) {
    const n = x.numel();
    const flat = V.contiguous(V.reshape(src, [[-1]]));
    const { values, indices } = sortRows(flat, 0, false, n);
    const vd = values._storage.data, id = indices._storage.data;
    const inv = new Float64Array(n), cnt: number[] = [], vals: number[] = [];
    for (let j = 0; j < n; j++) {
      // NaNs are all distinct, as NaN != NaN
      if (j === 0 || vd[j] !== vd[j - 1]) {
        vals.push(vd[j]);
        cnt.push(0);
      }
      cnt[cnt.length - 1]++;
      inv[id[j]] = vals.length - 1;
    }
    uniq = new Tensor(x.dtype.Array.from(vals), [vals.length], x.dtype);
    inverse = new Tensor(inv, x.shape, int64);
    counts = new Tensor(Float64Array.from(cnt), [cnt.length], int64);
  } else {
    if (x.ndim === 0) throw new RangeError(`Dimension specified as ${dim} but tensor has no dimensions`);
    const d = normDim(dim, x.ndim);
    const front = V.transpose(src, 0, d);
    const moved = V.contiguous(V.reshape(V.contiguous(front), [[x.shape[d], -1]]));
    const n = x.shape[d], w = moved.shape[1];
    const md = moved._storage.data;
    const order = Array.from({ length: n }, (_, i) => i);
    const cmp = (a: number, b: number) => {
      for (let c = 0; c < w; c++) {
        const u = md[a * w + c], v = md[b * w + c];
        if (u < v) return -1;
        if (u > v) return 1;
      }
      return 0;
    };
    order.sort((a, b) => cmp(a, b) || a - b);
    const inv = new Float64Array(n), cnt: number[] = [], firsts: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j === 0 || cmp(order[j], order[j - 1]) !== 0) {
        firsts.push(order[j]);
        cnt.push(0);
      }
      cnt[cnt.length - 1]++;
      inv[order[j]] = firsts.length - 1;
    }
    const rows = new x.dtype.Array(firsts.length * w);
    firsts.forEach((r, j) => rows.set(md.subarray(r * w, r * w + w), j * w));
    const movedShape = [firsts.length, ...front.shape.slice(1)];
    uniq = V.contiguous(V.transpose(new Tensor(rows, movedShape, x.dtype), 0, d));
    inverse = new Tensor(inv, [n], int64);
    counts = new Tensor(Float64Array.from(cnt), [cnt.length], int64);
  }
  if (!return_inverse && !return_counts) return uniq;
  const r = [uniq];
  if (return_inverse) r.push(inverse);
  if (return_counts) r.push(counts);
  return r;
}

/** The positions of the nonzero elements: [n, ndim] int64, or one 1-D tensor per dim (as_tuple). */
export function nonzero(x: Tensor, as_tuple = false, out?: Out): Tensor | Tensor[] {
  checkTensor(x, 'input', 'nonzero');
  const xs = data(x);
  const shape = x.ndim === 0 && as_tuple ? [1] : x.shape;
  const nd = shape.length;
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] !== 0) n++;
  const pos = new Float64Array(n * nd);
  const at = new Array<number>(nd).fill(0);
  let r = 0;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] !== 0) {
      for (let c = 0; c < nd; c++) pos[r * nd + c] = at[c];
      r++;
    }
    for (let c = nd - 1; c >= 0; c--) {
      if (++at[c] < shape[c]) break;
      at[c] = 0;
    }
  }
  const result = new Tensor(pos, [n, nd], int64);
  if (as_tuple) {
    if (out !== null && out !== undefined) throw new TypeError('nonzero does not support the out kwarg when as_tuple is True');
    return Array.from({ length: nd }, (_, c) => V.contiguous(V.select(result, 1, c)));
  }
  return intoOut('nonzero', out, result, { inputs: [x], rule: 'exact', differentiable: false });
}

/**
 * For each value, where it would go in its row of `sorted`: the first position whose element is
 * >= value (left) or > value (right). `sorter` gives the order of an unsorted sequence.
 */
export function searchsorted(seq: Tensor, input: Tensor | number, out_int32 = false, right = false, side: string | null = null, sorter: Tensor | null = null, out?: Out): Tensor {
  checkTensor(seq, 'sorted_sequence', 'searchsorted');
  if (out_int32) throw new TypeError('searchsorted(): out_int32=True asks for an int32 result, and kindling has no int32 dtype');
  if (side !== null && side !== undefined) {
    if (side !== 'left' && side !== 'right') throw new RangeError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${side}`);
    if (right && side === 'left') throw new RangeError('torch.searchsorted(): side and right can\'t be set to opposites, got side of left while right was True');
  }
  const isRight = right || side === 'right';
  const scalar = !(input instanceof Tensor);
  const vals = scalar ? new Tensor(Float64Array.of(input as number), [], seq.dtype) : (input as Tensor);
  if (seq.ndim === 0) throw new RangeError('torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension');
  if (!scalar && seq.ndim !== 1) {
    const ok = seq.ndim === vals.ndim && seq.shape.slice(0, -1).every((s, i) => s === vals.shape[i]);
    if (!ok) {
      throw new RangeError('torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, ' +
        `but we got boundaries tensor [${seq.shape.join(', ')}] and input value tensor [${vals.shape.join(', ')}]`);
    }
  }
  if (scalar && seq.ndim !== 1) throw new RangeError(`torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${seq.ndim}) and input value's dim(0) numel(1)`);
  const m = seq.shape[seq.ndim - 1];
  if (sorter !== null && sorter !== undefined) {
    if (sorter.dtype !== int64) throw new TypeError(`torch.searchsorted(): sorter must be a tensor of long dtype but got dtype ${typeName(sorter.dtype)}`);
    if (sorter.ndim !== seq.ndim || sorter.shape.some((s, i) => s !== seq.shape[i])) {
      throw new RangeError(`torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor [${seq.shape.join(', ')}]and got sorter tensor [${sorter.shape.join(', ')}]`);
    }
    const sd = data(sorter);
    for (let i = 0; i < sd.length; i++) if (!(sd[i] >= 0 && sd[i] < m)) throw new RangeError('torch.searchsorted(): sorter index out of range');
  }
  const sq = data(seq), vd = data(vals), so = sorter ? data(sorter) : null;
  const nv = vd.length, rowLen = seq.ndim === 1 ? nv : vals.ndim === 0 ? 1 : vals.shape[vals.ndim - 1];
  const res = new Float64Array(nv);
  for (let i = 0; i < nv; i++) {
    const base = seq.ndim === 1 ? 0 : Math.floor(i / rowLen) * m;
    const v = vd[i];
    let lo = 0, hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = sq[base + (so ? so[base + mid] : mid)];
      // PyTorch's predicates as written, so that NaNs (in either place) land where its do
      const before = isRight ? !(e > v) : !(e >= v);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    res[i] = lo;
  }
  const result = new Tensor(res, vals.shape, int64);
  return intoOut('searchsorted', out, result, { inputs: [seq, vals], rule: 'exact', differentiable: false });
}
