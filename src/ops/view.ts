/** Views: new shape and strides over the same storage (free), each with its backward. */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { K } from '../backend/index.js';
import { checkShape, contiguousStrides, normDim, numelOf, shapesEqual } from '../shape.js';
import { allocateForOverwrite, isContiguousLayout, strided } from './util.js';

export function dimOf(t: Tensor, dim: number): number {
  return normDim(dim, t.shape.length);
}

/** Flattens varargs that may also be given as one array: (2, 3) or ([2, 3]). */
export function flatArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as number[]).slice();
  return args as number[];
}

export function isContiguous(t: Tensor): boolean {
  return isContiguousLayout(t);
}

/** A view of t with the given geometry, sharing t's storage and recording `name` for autograd. */
export function makeView(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const v = new Tensor(t._storage, shape, t.dtype, strides, offset);
  v._base = t._base ?? t;
  if (t._detached) v._detached = true;
  return v;
}

/** Resolves one -1 in a requested shape against numel; PyTorch's messages for the rest. */
function inferShape(requested: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  const shape = requested.slice();
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (infer >= 0) throw new RangeError('only one dimension can be inferred');
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) throw new RangeError(`shape '[${requested.join(', ')}]' is invalid for input of size ${numel}`);
    shape[infer] = numel / known;
  } else if (known !== numel) {
    throw new RangeError(`shape '[${requested.join(', ')}]' is invalid for input of size ${numel}`);
  }
  return shape;
}

/** PyTorch's computeStride: strides for viewing (shape, strides) as newShape without a copy, or null. */
function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  const out = new Array<number>(newShape.length);
  // an empty tensor has no memory layout to respect, and a 0-d one is a single element
  if (numelOf(shape) === 0 || shape.length === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

export function view(t: Tensor, args: readonly (number | readonly number[])[]): Tensor {
  const shape = inferShape(flatArgs(args), t.numel());
  const strides = viewStrides(t.shape, t._strides, shape);
  if (!strides) {
    throw new Error(
      'view size is not compatible with input tensor\'s size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
    );
  }
  const inShape = t.shape;
  return apply('ViewBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [reshapeTo(g, inShape)]);
}

export function reshape(t: Tensor, args: readonly (number | readonly number[])[]): Tensor {
  const shape = inferShape(flatArgs(args), t.numel());
  const strides = viewStrides(t.shape, t._strides, shape);
  if (strides) {
    const inShape = t.shape;
    return apply('ViewBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [reshapeTo(g, inShape)]);
  }
  const c = contiguous(t);
  const inShape = t.shape;
  return apply('UnsafeViewBackward0', [c], makeView(c, shape, contiguousStrides(shape), c._offset), (g) => [reshapeTo(g, inShape)]);
}

function reshapeTo(g: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(g.shape, shape) ? g : reshape(g, [shape as number[]]);
}

export function contiguous(t: Tensor): Tensor {
  if (isContiguousLayout(t)) return t;
  const out = allocateForOverwrite(t.shape, t.dtype);  // the copy writes every element
  K.copy(strided(t), strided(out), t.shape, 'none');
  return apply('CloneBackward0', [t], out, (g) => [g]);
}

export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const n = t.shape.length;
  const a = normDim(dim0, n), b = normDim(dim1, n);
  if (n === 0) return apply('TransposeBackward0', [t], makeView(t, [], [], t._offset), (g) => [g]);
  const shape = t.shape.slice(), strides = t._strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return apply('TransposeBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [transpose(g, a, b)]);
}

export function t(x: Tensor): Tensor {
  if (x.shape.length > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
  return x.shape.length < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}

export function permute(t: Tensor, dims: readonly number[]): Tensor {
  const n = t.shape.length;
  if (dims.length !== n) {
    throw new RangeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${n} is not equal to len(dims) = ${dims.length}`);
  }
  const nd = dims.map((d) => normDim(d, n));
  if (new Set(nd).size !== n) throw new RangeError('permute(): duplicate dims are not allowed.');
  const shape = nd.map((d) => t.shape[d]);
  const strides = nd.map((d) => t._strides[d]);
  const inverse = new Array<number>(n);
  nd.forEach((d, i) => (inverse[d] = i));
  return apply('PermuteBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [permute(g, inverse)]);
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normDim(dim, t.shape.length + 1);
  const shape = t.shape.slice(), strides = t._strides.slice();
  const st = d < t.shape.length ? t.shape[d] * t._strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return apply('UnsqueezeBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [squeeze(g, d)]);
}

export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  const n = t.shape.length;
  let drop: Set<number>;
  if (dim === undefined || dim === null) drop = new Set(t.shape.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0));
  else {
    const dims = typeof dim === 'number' ? [dim] : dim;
    drop = new Set(dims.map((d) => normDim(d, n)).filter((d) => n > 0 && t.shape[d] === 1));
  }
  const shape: number[] = [], strides: number[] = [];
  for (let i = 0; i < n; i++) {
    if (drop.has(i)) continue;
    shape.push(t.shape[i]);
    strides.push(t._strides[i]);
  }
  const inShape = t.shape;
  return apply('SqueezeBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [reshapeTo(g, inShape)]);
}

export function expand(t: Tensor, sizes: readonly number[]): Tensor {
  checkShape(sizes.map((s) => (s === -1 ? 0 : s)));
  const n = sizes.length, off = n - t.shape.length;
  if (off < 0) {
    throw new RangeError(`expand(torch.FloatTensor{[${t.shape.join(', ')}]}, size=[${sizes.join(', ')}]): the number of sizes provided (${n}) must be greater or equal to the number of dimensions in the tensor (${t.shape.length})`);
  }
  const shape = new Array<number>(n), strides = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const j = i - off;
    const want = sizes[i];
    if (j < 0) {
      if (want === -1) throw new RangeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      shape[i] = want;
      strides[i] = 0;
    } else if (want === -1 || want === t.shape[j]) {
      shape[i] = t.shape[j];
      strides[i] = t._strides[j];
    } else if (t.shape[j] === 1) {
      shape[i] = want;
      strides[i] = 0;
    } else {
      throw new RangeError(
        `The expanded size of the tensor (${want}) must match the existing size (${t.shape[j]}) at non-singleton dimension ${i}.  Target sizes: [${sizes.join(', ')}].  Tensor sizes: [${t.shape.join(', ')}]`,
      );
    }
  }
  // the engine sums the gradient back to the input's shape
  return apply('ExpandBackward0', [t], makeView(t, shape, strides, t._offset), (g) => [g]);
}

export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  if (t.shape.length === 0) throw new RangeError('narrow() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, t.shape.length);
  const size = t.shape[d];
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw new TypeError('narrow(): start and length must be integers');
  if (start < -size || start > size) {
    throw new RangeError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  if (start < 0) start += size;
  if (length < 0) throw new RangeError('narrow(): length must be non-negative.');
  if (start + length > size) throw new RangeError(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
  const shape = t.shape.slice();
  shape[d] = length;
  const inShape = t.shape, s0 = start;
  const out = makeView(t, shape, t._strides, t._offset + start * t._strides[d]);
  return apply('SliceBackward0', [t], out, (g) => [padInto(g, inShape, d, s0)]);
}

export function select(t: Tensor, dim: number, index: number): Tensor {
  if (t.shape.length === 0) throw new RangeError('select() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, t.shape.length);
  const size = t.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select(): index ${index} out of range for tensor of size [${t.shape.join(', ')}] at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = t.shape.slice(), strides = t._strides.slice();
  shape.splice(d, 1);
  strides.splice(d, 1);
  const inShape = t.shape;
  const out = makeView(t, shape, strides, t._offset + i * t._strides[d]);
  return apply('SelectBackward0', [t], out, (g) => [padInto(unsqueeze(g, d), inShape, d, i)]);
}

/** Zeros of `shape` with g written at [start, start + g.shape[dim]) along dim: narrow's backward. */
function padInto(g: Tensor, shape: readonly number[], dim: number, start: number): Tensor {
  const out = new Tensor(new g.dtype.Array(numelOf(shape)), shape, g.dtype);
  const len = g.shape[dim];
  K.copy(strided(g), strided(narrow(out, dim, start, len)), g.shape, 'none');
  // differentiable, for graphs of the backward itself (create_graph)
  return apply('SliceBackwardBackward0', [g], out, (gg) => [narrow(gg, dim, start, len)]);
}

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  const s = normDim(startDim, t.shape.length), e = normDim(endDim, t.shape.length);
  if (t.shape.length === 0) return reshape(t, [[1]]);
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return t;
  const shape = [...t.shape.slice(0, s), numelOf(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, [shape]);
}

export function unflatten(t: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim(dim, t.shape.length);
  if (sizes.length === 0) throw new RangeError('unflatten: sizes must be non-empty');
  let inner: number[];
  try {
    inner = inferShape(sizes, t.shape[d]);
  } catch {
    throw new RangeError(`unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${d} (${t.shape[d]}) in the input tensor`);
  }
  return view(t, [[...t.shape.slice(0, d), ...inner, ...t.shape.slice(d + 1)]]);
}
