/**
 * Advanced indexing (int64 tensors and masks inside `x[...]`), its assignment `x[...] = v` and
 * index_put_, on one idea: the positions an index expression picks, listed in the result's order,
 * as element offsets. Reading is a gather at those offsets and its gradient a scatter-add; writing
 * is a scatter (or a scatter-add with accumulate) and its gradient a gather.
 */
import { Tensor } from '../tensor.js';
import { int64, castElement } from '../dtype.js';
import { apply } from '../autograd/node.js';
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { broadcastShapes, contiguousStrides, numelOf, shapesEqual } from '../shape.js';
import { allocate, asTensor, data } from './util.js';
import * as V from './view.js';
import * as P from './inplace.js';
import { IndexError, resolve, type IndexItem } from './index_items.js';
import type { TensorOrScalar } from './util.js';

type Offsets = Int32Array | Float64Array;

/** Offsets every element of a geometry visits, row-major: for dims [d...], base + Σ i_d·stride_d. */
function enumerate(sizes: readonly number[], strides: readonly number[], base: number): number[] {
  let offs = [base];
  for (let d = 0; d < sizes.length; d++) {
    const next = new Array<number>(offs.length * sizes[d]);
    let k = 0;
    for (const o of offs) for (let i = 0; i < sizes[d]; i++) next[k++] = o + i * strides[d];
    offs = next;
  }
  return offs;
}

interface Picked {
  shape: number[];
  offsets: Offsets;
}

/**
 * The positions `t[adv]` picks (adv aligned with t's dims, null where a dim is taken whole), in
 * the result's order, for a tensor laid out with `strides` from `base`: the index tensors broadcast
 * together; their dims go where the first one was when they are adjacent, else first (numpy's rule).
 */
function pick(shape: readonly number[], strides: readonly number[], base: number, adv: readonly (Tensor | null)[], storageLength: number): Picked {
  const dims: number[] = [];
  for (let d = 0; d < adv.length; d++) if (adv[d]) dims.push(d);
  const idx = dims.map((d) => adv[d]!);
  let b: readonly number[] = idx[0].shape;
  for (let j = 1; j < idx.length; j++) {
    try {
      b = broadcastShapes(b, idx[j].shape);
    } catch {
      throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${idx.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
    }
  }
  const nb = numelOf(b);
  const advOff = new Float64Array(nb);
  for (let j = 0; j < idx.length; j++) {
    const d = dims[j], size = shape[d], stride = strides[d];
    const vals = data(idx[j].shape.length === b.length && shapesEqual(idx[j].shape, b) ? idx[j] : V.expand(idx[j], b));
    for (let i = 0; i < nb; i++) {
      const v = vals[i];
      if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${j} with size ${size}`);
      advOff[i] += (v < 0 ? v + size : v) * stride;
    }
  }
  const adjacent = dims[dims.length - 1] - dims[0] === dims.length - 1;
  const rest = shape.map((_, d) => d).filter((d) => !adv[d]);
  const pre = adjacent ? rest.filter((d) => d < dims[0]) : [];
  const post = adjacent ? rest.filter((d) => d > dims[0]) : rest;
  const preOff = enumerate(pre.map((d) => shape[d]), pre.map((d) => strides[d]), base);
  const postOff = enumerate(post.map((d) => shape[d]), post.map((d) => strides[d]), 0);
  const outShape = [...pre.map((d) => shape[d]), ...b, ...post.map((d) => shape[d])];
  const n = preOff.length * nb * postOff.length;
  const offsets = storageLength < 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
  let k = 0;
  for (const p of preOff) for (let i = 0; i < nb; i++) {
    const o = p + advOff[i];
    for (const q of postOff) offsets[k++] = o + q;
  }
  return { shape: outShape, offsets };
}

/** The elements of contiguous `t` at `offsets`, shaped `shape`; its gradient scatters back. */
function takeAt(t: Tensor, offsets: Offsets, shape: readonly number[]): Tensor {
  const src = data(t);
  const out = allocate(shape, t.dtype);
  const dst = out._storage.data;
  for (let i = 0; i < offsets.length; i++) dst[i] = src[offsets[i]];
  const inShape = t.shape;
  return apply('IndexBackward0', [t], out, (g) => [putAt(g, offsets, inShape)]);
}

/** Zeros of `shape` with g added at `offsets` (repeats add up): takeAt's gradient, differentiable in turn. */
function putAt(g: Tensor, offsets: Offsets, shape: readonly number[]): Tensor {
  const src = data(g);
  const out = allocate(shape, g.dtype);
  const dst = out._storage.data;
  for (let i = 0; i < offsets.length; i++) dst[offsets[i]] += src[i];
  const gShape = g.shape;
  return apply('IndexPutBackward0', [g], out, (gg) => [takeAt(gg, offsets, gShape)]);
}

/** `x[items]`: a view for slices, integers and None; a gather once tensors index it. */
export function getitem(x: Tensor, items: readonly IndexItem[]): Tensor {
  const { view, adv } = resolve(x, items);
  if (!adv) return view;
  const { shape, offsets } = pick(view.shape, contiguousStrides(view.shape), 0, adv, numelOf(view.shape));
  return takeAt(view, offsets, shape);
}

function valueFor(value: TensorOrScalar, x: Tensor, shape: readonly number[]): Tensor {
  const v = value instanceof Tensor ? value : asTensor(value, x.dtype);
  try {
    const b = broadcastShapes(shape, v.shape);
    if (!shapesEqual(b, shape)) throw new Error();
  } catch {
    throw new RangeError(`shape mismatch: value tensor of shape [${v.shape.join(', ')}] cannot be broadcast to indexing result of shape [${shape.join(', ')}]`);
  }
  return v;
}

/**
 * `x[items] = value` (PyTorch's __setitem__), in place; `accumulate` adds instead (index_put_'s).
 * With nothing to record for autograd, values go straight into x's memory; otherwise the write is
 * an op on x's old value, as every in-place op (x must then not be a view, the rule of in-place ops).
 */
export function setitem(x: Tensor, items: readonly IndexItem[], value: TensorOrScalar, accumulate = false): Tensor {
  if (!(value instanceof Tensor) && typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
    throw new TypeError(`can't assign a ${value === null ? 'None' : typeof value} to a ${x.type()}`);
  }
  const record = is_grad_enabled() && (x.requires_grad || (value instanceof Tensor && value.requires_grad));
  if (!record) {
    const { view, adv } = no_grad(() => resolve(x, items));
    if (!adv && !accumulate) {
      // a view takes the value as copy_ does: broadcast by expand, with expand's message
      const v = value instanceof Tensor ? value : asTensor(value, x.dtype);
      if (v.ndim === 0) P.fill_(view, v);
      else P.copy_(view, V.expand(v, view.shape));
      return x;
    }
    const { shape, offsets } = adv
      ? pick(view.shape, view._strides, view._offset, adv, view._storage.data.length)
      : { shape: view.shape.slice(), offsets: Float64Array.from(enumerate(view.shape, view._strides, view._offset)) };
    const v = valueFor(value, x, shape);
    const vals = data(v.ndim === shape.length && shapesEqual(v.shape, shape) ? v : V.expand(v, shape));
    const dst = x._storage.data;
    for (let i = 0; i < offsets.length; i++) {
      const e = castElement(vals[i], x.dtype);
      dst[offsets[i]] = accumulate ? castElement(dst[offsets[i]] + e, x.dtype) : e;
    }
    x._storage.version++;
    return x;
  }
  // the positions in x's row-major order: index a tensor of those positions the same way
  const positions = new Tensor(Float64Array.from({ length: x.numel() }, (_, i) => i), x.shape.slice(), int64);
  const picked = no_grad(() => getitem(positions, items));
  const offsets = Int32Array.from(data(picked));
  const shape = picked.shape.slice();
  const v = valueFor(value, x, shape);
  return P.inplace(x, (s) => putValues(s, offsets, shape, v, accumulate), [v]);
}

/** x with `v` (broadcast to `shape`) written or added at `offsets`, out of place, for autograd. */
function putValues(x: Tensor, offsets: Int32Array, shape: readonly number[], v: Tensor, accumulate: boolean): Tensor {
  const out = allocate(x.shape, x.dtype);
  const dst = out._storage.data;
  dst.set(data(x));
  const vb = v.ndim === shape.length && shapesEqual(v.shape, shape) ? v : V.expand(v, shape);
  const vals = data(vb);
  for (let i = 0; i < offsets.length; i++) dst[offsets[i]] = accumulate ? dst[offsets[i]] + vals[i] : castElement(vals[i], x.dtype);
  return apply('IndexPutBackward0', [x, v], out, (g, needs) => {
    let gx: Tensor | null = null;
    if (needs[0]) {
      gx = g;
      if (!accumulate) gx = putValues(g, offsets, shape, new Tensor(new g.dtype.Array(1), [], g.dtype), false);
    }
    // v's gradient: g at the written positions, summed back to v's shape by the engine
    const gv = needs[1] ? takeAt(g, offsets, shape) : null;
    return [gx, gv];
  });
}

/** index_put_(indices, values, accumulate): tensors (null: the whole dim) index x's leading dims. */
export function index_put_(x: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate = false): Tensor {
  if (!Array.isArray(indices) || !indices.every((t) => t === null || t instanceof Tensor)) throw new TypeError("index_put_(): argument 'indices' must be tuple of Tensors");
  if (!(values instanceof Tensor)) throw new TypeError(`index_put_(): argument 'values' must be Tensor, not ${typeof values}`);
  return setitem(x, indices.map((t) => (t === null ? ':' : t)), values, accumulate);
}

/** torch.masked_select: the elements of x where mask is true (both broadcast), as a 1-D tensor. */
export function masked_select(x: Tensor, mask: Tensor): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype.name !== 'bool') throw new TypeError(`masked_select: expected BoolTensor for mask`);
  const shape = broadcastShapes(x.shape, mask.shape);
  return getitem(V.expand(x, shape), [V.expand(mask, shape)]);
}
