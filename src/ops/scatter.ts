/**
 * The scatter and index family: scatter (a src tensor or a value, optionally reducing with add or
 * multiply), scatter_add, index_add, index_copy, index_fill, masked_scatter, take_along_dim and
 * one_hot, each with PyTorch's checks and gradients. Kernels are typed-array loops over the index.
 */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { bool, int64, scalarToDType } from '../dtype.js';
import { broadcastShapes, contiguousStrides, normDim } from '../shape.js';
import { checkTensor, data, typeName, type Scalar, type TensorOrScalar } from './util.js';
import * as V from './view.js';
import * as B from './binary.js';
import * as R from './reduce.js';
import * as I from './indexing.js';
import * as P from './inplace.js';
import { clone } from './convert.js';
import { rowGeometry } from './rows.js';
import { intoOut, type Out } from './out.js';

const MODE = { set: 0, add: 1, multiply: 2 } as const;

/**
 * dst[..., index[p], ...] (dim replaced) = / += / *= src[p] (or `value`) for every position p of
 * index; dst is contiguous with `shape`, src is read through its strides. Indices are checked first
 * so that a bad one leaves dst untouched.
 */
function scatterKernel(dst: Float32Array | Float64Array | Uint8Array, shape: readonly number[], d: number, index: Tensor, src: Tensor | null, value: number, mode: number): void {
  const idx = data(index) as Float64Array;
  const size = shape.length === 0 ? 1 : shape[d];
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!(v >= 0 && v < size)) throw new RangeError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
  }
  const ishape = index.ndim === 0 ? [1] : index.shape;
  const nd = ishape.length;
  const dstr = shape.length === 0 ? [1] : contiguousStrides(shape);
  const sstr = src === null ? [] : src.ndim === 0 ? [0] : src._strides;
  const sd = src === null ? null : src._storage.data, soff = src === null ? 0 : src._offset;
  const at = new Array<number>(nd).fill(0);
  let dbase = 0, sbase = soff;
  for (let i = 0; i < idx.length; i++) {
    const o = dbase + idx[i] * dstr[d];
    const s = sd === null ? value : sd[sbase];
    if (mode === MODE.set) dst[o] = s;
    else if (mode === MODE.add) dst[o] += s;
    else dst[o] *= s;
    // the odometer over index's positions, moving dst (all dims but d) and src along
    for (let c = nd - 1; c >= 0; c--) {
      if (++at[c] < ishape[c]) {
        if (c !== d) dbase += dstr[c];
        sbase += sstr[c] ?? 0;
        break;
      }
      if (c !== d) dbase -= (ishape[c] - 1) * dstr[c];
      sbase -= (ishape[c] - 1) * (sstr[c] ?? 0);
      at[c] = 0;
    }
  }
}

function checkScatter(fn: string, x: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  if (index.dtype !== int64) throw new TypeError(`${fn}(): Expected dtype int64 for index`);
  if (src !== null && src.dtype !== x.dtype) throw new TypeError(`${fn}(): Expected self.dtype to be equal to src.dtype`);
  if (index.numel() === 0) return;
  const nd = Math.max(x.ndim, 1);
  if (Math.max(index.ndim, 1) !== nd) throw new RangeError('Index tensor must have the same number of dimensions as self tensor');
  if (src !== null && Math.max(src.ndim, 1) !== nd) throw new RangeError('Index tensor must have the same number of dimensions as src tensor');
  const is = index.ndim === 0 ? [1] : index.shape, xs = x.ndim === 0 ? [1] : x.shape;
  const ss = src === null ? null : src.ndim === 0 ? [1] : src.shape;
  const bad = is.some((s, i) => (i !== d && s > xs[i]) || (ss !== null && s > ss[i]));
  if (bad) {
    throw new RangeError(ss === null
      ? `Expected index [${is.join(', ')}] to be smaller than self [${xs.join(', ')}] apart from dimension ${d}`
      : `Expected index [${is.join(', ')}] to be smaller than self [${xs.join(', ')}] apart from dimension ${d} and to be smaller size than src [${ss.join(', ')}]`);
  }
}

function scatterImpl(fn: string, x: Tensor, dim: number, index: Tensor, src: TensorOrScalar, reduce: string | null, out: Out): Tensor {
  checkTensor(x, 'input', fn);
  checkTensor(index, 'index', fn);
  const d = normDim(dim, x.ndim);
  const srcT = src instanceof Tensor ? src : null;
  checkScatter(fn, x, d, index, srcT);
  if (reduce !== null && reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new RangeError('reduce argument must be either add or multiply.');
  }
  const mode = reduce === 'add' ? MODE.add : reduce === 'multiply' ? MODE.multiply : MODE.set;
  const y = clone(x.detach());
  const value = srcT === null ? scalarToDType(src as Scalar, x.dtype) : 0;
  if (index.numel() > 0) scatterKernel(y._storage.data, x.shape, d, index, srcT, value, mode);
  const inputs = srcT ? [x, srcT] : [x];
  apply(srcT ? 'ScatterBackward0' : 'ScatterBackward1', inputs, y, (g) => {
    if (mode !== MODE.set) throw new Error('derivative for aten::scatter is not implemented');
    const gx = scatterImpl('scatter', g, d, index, 0, null, null);
    return srcT ? [gx, I.gather(g, d, index)] : [gx];
  });
  return intoOut(fn, out, y, { inputs: [x, index, ...(srcT ? [srcT] : [])], rule: 'exact' });
}

export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorOrScalar, reduce: string | null = null, out?: Out): Tensor {
  return scatterImpl('scatter', x, dim, index, src, reduce, out);
}
export function scatter_(x: Tensor, dim: number, index: Tensor, src: TensorOrScalar, reduce: string | null = null): Tensor {
  return P.inplace(x, (s) => scatterImpl('scatter', s, dim, index, src, reduce, null), [src]);
}

export function scatter_add(x: Tensor, dim: number, index: Tensor, src: Tensor, out?: Out): Tensor {
  checkTensor(x, 'input', 'scatter_add');
  checkTensor(index, 'index', 'scatter_add');
  checkTensor(src, 'src', 'scatter_add');
  const d = normDim(dim, x.ndim);
  checkScatter('scatter', x, d, index, src);
  const y = clone(x.detach());
  if (index.numel() > 0) scatterKernel(y._storage.data, x.shape, d, index, src, 0, MODE.add);
  apply('ScatterAddBackward0', [x, src], y, (g) => [g, I.gather(g, d, index)]);
  return intoOut('scatter_add', out, y, { inputs: [x, index, src], rule: 'exact' });
}
export function scatter_add_(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return P.inplace(x, (s) => scatter_add(s, dim, index, src), [src]);
}

/** index as a vector of in-range positions along dim (`negative`: -size <= i < 0 counts from the end). */
function indexVector(index: Tensor, size: number, oob: (v: number) => Error, negative = false): Float64Array {
  const idx = Float64Array.from(data(index));
  for (let i = 0; i < idx.length; i++) {
    let v = idx[i];
    if (negative && v < 0 && v >= -size) v = idx[i] = v + size;
    if (!(v >= 0 && v < size)) throw oob(v);
  }
  return idx;
}

/** Copies or adds source's slices j into x's slices index[j] along dim: [outer, size, inner] against [outer, k, inner]. */
function indexRows(dst: Float32Array | Float64Array | Uint8Array, idx: Float64Array, src: ArrayLike<number>, outer: number, size: number, inner: number, add: boolean, alpha: number): void {
  const k = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const db = (o * size + idx[j]) * inner, sb = (o * k + j) * inner;
      if (add) for (let i = 0; i < inner; i++) dst[db + i] += alpha * src[sb + i];
      else for (let i = 0; i < inner; i++) dst[db + i] = src[sb + i];
    }
  }
}

export function index_add(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: Scalar = 1, out?: Out): Tensor {
  checkTensor(x, 'input', 'index_add');
  checkTensor(index, 'index', 'index_add');
  checkTensor(source, 'source', 'index_add');
  const d = normDim(dim, x.ndim);
  if (index.ndim > 1) throw new RangeError(`index_add_(): Index is supposed to be a vector, but got dim: ${index.ndim} with type: ${typeName(index.dtype)} and size: [${index.shape.join(', ')}]`);
  if (index.dtype !== int64) throw new TypeError(`index_add_(): Expected dtype int32/int64 for index but got: ${typeName(index.dtype)}`);
  if (source.dtype !== x.dtype) throw new TypeError(`index_add_(): self (${typeName(x.dtype)}) and source (${typeName(source.dtype)}) must have the same scalar type`);
  const k = index.numel();
  const ssize = source.ndim === 0 ? 1 : source.shape[d];
  if (source.ndim > 0 && ssize !== k) throw new RangeError(`index_add_(): Number of indices (${k}) should be equal to source.size(dim): (${ssize}), for dim: ${d}`);
  const { outer, size, inner } = rowGeometry(x.shape, d);
  const idx = indexVector(index, size, () => new RangeError('index out of range in self'));
  // source's other dims broadcast against x's, as PyTorch's add of slices does
  const sshape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? k : s));
  if (source.ndim > 0) broadcastShapes(source.shape, sshape);
  const src = data(source.ndim === 0 ? source : V.expand(source.detach(), sshape));
  const y = clone(x.detach());
  const a = scalarToDType(alpha, x.dtype);
  indexRows(y._storage.data, idx, src, outer, size, inner, true, a);
  const sShape = source.shape;
  apply('IndexAddBackward0', [x, source], y, (g) => {
    const gs = I.index_select(g, d, index);
    return [g, V.reshape(a === 1 ? gs : B.mul(gs, a), [sShape])];
  });
  return intoOut('index_add', out, y, { inputs: [x, index, source], rule: 'exact' });
}
export function index_add_(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: Scalar = 1): Tensor {
  return P.inplace(x, (s) => index_add(s, dim, index, source, alpha), [source]);
}

export function index_copy(x: Tensor, dim: number, index: Tensor, source: Tensor, out?: Out): Tensor {
  checkTensor(x, 'input', 'index_copy');
  checkTensor(index, 'index', 'index_copy');
  checkTensor(source, 'source', 'index_copy');
  const d = normDim(dim, x.ndim);
  if (index.ndim > 1) throw new RangeError('index_copy_(): Index should have dimension 1 or 0 (got ' + index.ndim + ')');
  if (index.dtype !== int64) throw new TypeError(`index_copy_(): Expected a long tensor for index, but got ${typeName(index.dtype)}`);
  if (source.dtype !== x.dtype) throw new TypeError(`index_copy_(): self and source expected to have the same dtype, but got (self) ${typeName(x.dtype)} and (source) ${typeName(source.dtype)}`);
  const k = index.numel();
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && source.shape[i] !== x.shape[i]) {
      throw new RangeError(`index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${x.shape.filter((_, j) => j !== d).join(', ')} at dimension ${d} and source slice shape: ${source.shape.filter((_, j) => j !== d).join(', ')} at dimension 0.`);
    }
  }
  const ssize = source.ndim === 0 ? 1 : source.shape[d];
  if (ssize !== k) throw new RangeError(`index_copy_(): Number of indices (${k}) should be equal to source.size(dim) (${ssize})`);
  const { outer, size, inner } = rowGeometry(x.shape, d);
  const idx = indexVector(index, size, (v) => new RangeError(`index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${size}`));
  const y = clone(x.detach());
  indexRows(y._storage.data, idx, data(source), outer, size, inner, false, 1);
  apply('IndexCopyBackward0', [x, source], y, (g) => [index_fill(g, d, index, 0), V.reshape(I.index_select(g, d, index), [source.shape])]);
  return intoOut('index_copy', out, y, { inputs: [x, index, source], rule: 'exact' });
}
export function index_copy_(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  return P.inplace(x, (s) => index_copy(s, dim, index, source), [source]);
}

export function index_fill(x: Tensor, dim: number, index: Tensor, value: TensorOrScalar): Tensor {
  checkTensor(x, 'input', 'index_fill');
  checkTensor(index, 'index', 'index_fill');
  const d = normDim(dim, x.ndim);
  if (index.dtype !== int64) throw new TypeError('index_fill_(): Expected dtype int64 for index.');
  if (index.ndim > 1) throw new RangeError('Index has to be a vector/scalar');
  const vt = value instanceof Tensor ? value : null;
  if (vt !== null && vt.ndim !== 0) throw new RangeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${vt.ndim} dimension(s).`);
  const { outer, size, inner } = rowGeometry(x.shape, d);
  const idx = indexVector(index, size, (v) => new RangeError(`index ${v} is out of bounds for dimension ${d} with size ${size}`), true);
  const y = clone(x.detach());
  const v = scalarToDType(vt !== null ? data(vt)[0] : (value as Scalar), x.dtype);
  const yd = y._storage.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const b = (o * size + idx[j]) * inner;
      yd.fill(v, b, b + inner);
    }
  }
  const inputs = vt !== null ? [x, vt] : [x];
  apply(vt !== null ? 'IndexFillBackward1' : 'IndexFillBackward0', inputs, y, (g) => {
    const gx = index_fill(g, d, index, 0);
    return vt !== null ? [gx, R.sum(I.index_select(g, d, V.reshape(index, [[-1]])))] : [gx];
  });
  return y;
}
export function index_fill_(x: Tensor, dim: number, index: Tensor, value: TensorOrScalar): Tensor {
  return P.inplace(x, (s) => index_fill(s, dim, index, value), [value]);
}

/** x with the positions where mask is true taken, in order, from source's elements. */
export function masked_scatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkTensor(x, 'input', 'masked_scatter');
  checkTensor(mask, 'mask', 'masked_scatter');
  checkTensor(source, 'source', 'masked_scatter');
  if (mask.dtype !== bool) throw new TypeError(`masked_scatter_ only supports boolean masks, but got mask with dtype ${typeName(mask.dtype)}`);
  if (source.dtype !== x.dtype) throw new TypeError(`masked_scatter: expected self and source to have same dtypes but got${typeName(x.dtype)} and ${typeName(source.dtype)}`);
  const shape = broadcastShapes(x.shape, mask.shape);
  const xe = V.expand(x, shape), mk = V.expand(mask, shape), m = data(mk);
  let n = 0;
  for (let i = 0; i < m.length; i++) if (m[i]) n++;
  if (n > source.numel()) throw new RangeError('Number of elements of source < number of ones in mask');
  const y = clone(xe.detach());
  const yd = y._storage.data, sd = data(source);
  for (let i = 0, j = 0; i < m.length; i++) if (m[i]) yd[i] = sd[j++];
  const sShape = source.shape, sn = source.numel();
  apply('MaskedScatterBackward0', [xe, source], y, (g) => {
    // source's first n elements received the gradient at the mask's positions, in order
    const picked = data(g), gs = new g.dtype.Array(sn);
    for (let i = 0, j = 0; i < m.length; i++) if (m[i]) gs[j++] = picked[i];
    return [B.masked_fill(g, mk, 0), new Tensor(gs, sShape, g.dtype)];
  });
  return y;
}
export function masked_scatter_(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  V.expand(mask, x.shape); // in place, mask must broadcast to x (PyTorch's expand message)
  return P.inplace(x, (s) => masked_scatter(s, mask, source), [source]);
}

/** gather after broadcasting input and indices over every dim but `dim`; dim = None reads the flattened input. */
export function take_along_dim(x: Tensor, indices: Tensor, dim: number | null = null, out?: Out): Tensor {
  checkTensor(x, 'input', 'take_along_dim');
  checkTensor(indices, 'indices', 'take_along_dim');
  if (indices.dtype !== int64) throw new TypeError(`torch.take_along_dim(): dtype of indices should be Long but got ${typeName(indices.dtype)}`);
  let y: Tensor;
  if (dim === null || dim === undefined) {
    y = I.gather(V.reshape(x, [[-1]]), 0, V.reshape(indices, [[-1]]));
  } else {
    const d = normDim(dim, x.ndim);
    if (x.ndim !== indices.ndim) {
      throw new RangeError(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`);
    }
    const xs = x.shape.slice(), is = indices.shape.slice();
    if (x.ndim > 0) xs[d] = is[d] = 1;
    const b = broadcastShapes(xs, is);
    const xb = x.ndim === 0 ? x : V.expand(x, b.map((s, i) => (i === d ? x.shape[d] : s)));
    const ib = indices.ndim === 0 ? indices : V.expand(indices, b.map((s, i) => (i === d ? indices.shape[d] : s)));
    y = I.gather(xb, d, ib);
  }
  return intoOut('take_along_dim', out, y, { inputs: [x, indices], rule: 'exact' });
}

/** F.one_hot: int64 [..., num_classes] with a 1 at each class; num_classes = -1 takes max + 1. */
export function one_hot(x: Tensor, num_classes = -1): Tensor {
  checkTensor(x, 'tensor', 'one_hot');
  if (x.dtype !== int64) throw new TypeError('one_hot is only applicable to index tensor.');
  const xd = data(x);
  let n = num_classes;
  if (n === -1) {
    if (xd.length === 0) throw new RangeError('Can not infer total number of classes from empty tensor.');
    n = 0;
    for (let i = 0; i < xd.length; i++) n = Math.max(n, xd[i] + 1);
  }
  for (let i = 0; i < xd.length; i++) {
    if (xd[i] < 0) throw new RangeError('Class values must be non-negative.');
    if (xd[i] >= n) throw new RangeError('Class values must be smaller than num_classes.');
  }
  const out = new Float64Array(xd.length * n);
  for (let i = 0; i < xd.length; i++) out[i * n + xd[i]] = 1;
  return new Tensor(out, [...x.shape, n], int64);
}
