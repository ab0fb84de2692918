/** index_select and gather through the backend's gather kernel; their gradient is scatter-add. */
import { Tensor } from '../tensor.js';
import { K } from '../backend/index.js';
import type { FloatArray } from '../backend/contract.js';
import { apply } from '../autograd/node.js';
import { int64 } from '../dtype.js';
import { normDim, numelOf } from '../shape.js';
import { allocate, checkTensor, data } from './util.js';
import * as V from './view.js';
import { finishOut, outTarget, type Out } from './out.js';

function checkIndex(index: Tensor, size: number, fn: string, dim = 0): Float64Array {
  if (index.dtype !== int64) throw new TypeError(`${fn}(): Expected dtype ${fn === 'index_select' ? 'int32 or int64' : 'int64'} for index`);
  const idx = data(index) as Float64Array;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    // index_select and gather reject negative indices on CPU, unlike x[idx]
    if (!(v >= 0 && v < size)) throw new RangeError(fn === 'gather' ? `index ${v} is out of bounds for dimension ${dim} with size ${size}` : 'index out of range in self');
  }
  return idx;
}

export function index_select(x: Tensor, dim: number, index: Tensor, out?: Out): Tensor {
  checkTensor(x, 'input', 'index_select');
  checkTensor(index, 'index', 'index_select');
  if (index.ndim > 1) throw new RangeError('index_select(): Index is supposed to be a vector');
  const d = normDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const idx = checkIndex(index, size, 'index_select');
  const k = idx.length;
  const shape = x.ndim === 0 ? [] : x.shape.slice();
  if (x.ndim > 0) shape[d] = k;
  const outer = numelOf(x.shape.slice(0, d)), inner = numelOf(x.shape.slice(d + 1));
  const dst = out === null || out === undefined ? allocate(shape, x.dtype) : outTarget('index_select', out, shape, x.dtype, {
    inputs: [x, index],
    rule: (o) => { if (o !== x.dtype) throw new TypeError('index_select(): self and result must have the same scalar type'); },
  });
  K.gather(data(x), idx, dst === out ? data(dst) : dst._storage.data, outer, size, inner, k, true);
  const inShape = x.shape;
  return finishOut(apply('IndexSelectBackward0', [x], dst, (g) => {
    const gx = allocate(inShape, g.dtype);
    K.scatterAdd(data(g) as FloatArray, idx, gx._storage.data as FloatArray, outer, size, inner, k, true);
    return [gx];
  }), out);
}

export function gather(x: Tensor, dim: number, index: Tensor, out?: Out): Tensor {
  checkTensor(x, 'input', 'gather');
  checkTensor(index, 'index', 'gather');
  const d = normDim(dim, x.ndim);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new RangeError('Index tensor must have the same number of dimensions as input tensor');
  }
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && index.shape[i] > x.shape[i]) {
      throw new RangeError(`Size does not match at dimension ${i} expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d}`);
    }
  }
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const idx = checkIndex(index, size, 'gather', d);
  // the kernel wants x's other dims equal to index's: narrow x to them first
  let src = x.detach();
  for (let i = 0; i < x.ndim; i++) if (i !== d && index.shape[i] < x.shape[i]) src = V.narrow(src, i, 0, index.shape[i]);
  const outer = numelOf(index.shape.slice(0, d)), inner = numelOf(index.shape.slice(d + 1));
  const k = index.ndim === 0 ? 1 : index.shape[d];
  const dst = out === null || out === undefined ? allocate(index.shape, x.dtype) : outTarget('gather', out, index.shape, x.dtype, { inputs: [x, index], rule: 'exact' });
  K.gather(data(src), idx, dst === out ? data(dst) : dst._storage.data, outer, size, inner, k, false);
  const srcShape = src.shape, inShape = x.shape;
  return finishOut(apply('GatherBackward0', [x], dst, (g) => {
    const gs = allocate(srcShape, g.dtype);
    K.scatterAdd(data(g) as FloatArray, idx, gs._storage.data as FloatArray, outer, size, inner, k, false);
    if (srcShape.every((s, i) => s === inShape[i])) return [gs];
    const full = allocate(inShape, g.dtype);
    let view = full;
    for (let i = 0; i < inShape.length; i++) if (srcShape[i] < inShape[i]) view = V.narrow(view, i, 0, srcShape[i]);
    view.copy_(gs);
    return [full];
  }), out);
}
