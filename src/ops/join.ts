/** Joining and splitting: cat, stack, split, chunk, repeat. */
import { Tensor } from '../tensor.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { promoteTypes } from '../dtype.js';
import { normDim } from '../shape.js';
import { allocate, checkTensor, describe, strided, typeName } from './util.js';
import * as V from './view.js';
import { canCast, finishOut, intoOut, outTarget, type Out, type OutOptions } from './out.js';

export function cat(tensors: readonly Tensor[], dim = 0, out?: Out, fn = 'cat'): Tensor {
  if (!Array.isArray(tensors)) throw new TypeError(`cat(): argument 'tensors' must be tuple of Tensors, not ${describe(tensors)}`);
  if (tensors.length === 0) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`expected Tensor as element ${i} in argument 0, but got ${describe(t)}`);
  });
  // PyTorch skips 1-D empty tensors (legacy behaviour)
  const skipped = (t: Tensor) => t.ndim === 1 && t.shape[0] === 0;
  const parts = tensors.filter((t) => !skipped(t));
  // every input must be castable to out's dtype; out may not share memory with one in part
  const outOptions: OutOptions = {
    inputs: tensors, noPartialOverlap: true,
    rule: (o) => {
      if (tensors.some((t) => !canCast(t.dtype, o))) throw new TypeError(`torch.cat(): input types can't be cast to the desired output type ${typeName(o)}`);
    },
  };
  if (parts.length === 0) return intoOut(fn, out, tensors[0].clone(), outOptions);
  const ref = parts[0];
  if (ref.ndim === 0) throw new RangeError(`zero-dimensional tensor (at position ${tensors.indexOf(ref)}) cannot be concatenated`);
  const d = normDim(dim, ref.ndim);
  let dtype = ref.dtype;
  let total = 0;
  parts.forEach((t, i) => {
    if (t.ndim !== ref.ndim) {
      throw new RangeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    }
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RangeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${t.shape[k]} for tensor number ${tensors.indexOf(t)} in the list.`);
      }
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d];
    void i;
  });
  const shape = ref.shape.slice();
  shape[d] = total;
  const dst = outTarget(fn, out, shape, dtype, outOptions);
  let start = 0;
  const starts: number[] = [];
  for (const t of parts) {
    starts.push(start);
    const slice = V.narrow(dst, d, start, t.shape[d]);
    K.copy(strided(t), strided(slice), t.shape, dtype.name === 'bool' ? 'bool' : 'none');
    start += t.shape[d];
  }
  // a skipped input still gets its (empty) gradient; one passed twice gets one slice per position
  return finishOut(apply('CatBackward0', tensors, dst, (g) => {
    let k = 0;
    return tensors.map((t) => (skipped(t) ? allocate(t.shape, g.dtype) : V.narrow(g, d, starts[k++], t.shape[d])));
  }), out);
}

export function stack(tensors: readonly Tensor[], dim = 0, out?: Out): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack expects a non-empty TensorList');
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    checkTensor(t, `tensors[${i}]`, 'stack');
    if (t.ndim !== ref.ndim || t.shape.some((s, k) => s !== ref.shape[k])) {
      throw new RangeError(`stack expects each tensor to be equal size, but got [${ref.shape.join(', ')}] at entry 0 and [${t.shape.join(', ')}] at entry ${i}`);
    }
  });
  const d = normDim(dim, ref.ndim + 1);
  return cat(tensors.map((t) => V.unsqueeze(t, d)), d, out, 'stack');
}

export function split(t: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor(t, 'tensor', 'split');
  const d = normDim(dim, t.ndim);
  const size = t.shape[d];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 0) throw new RangeError(`split expects split_size be non-negative, but got split_size=${sizeOrSections}`);
    if (sizeOrSections === 0 && size !== 0) throw new RangeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    const out: Tensor[] = [];
    const step = sizeOrSections;
    if (size === 0) return [V.narrow(t, d, 0, 0)];
    for (let s = 0; s < size; s += step) out.push(V.narrow(t, d, s, Math.min(step, size - s)));
    return out;
  }
  const sum = sizeOrSections.reduce((a, b) => a + b, 0);
  if (sum !== size) {
    throw new RangeError(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=[${sizeOrSections.join(', ')}]`);
  }
  let s = 0;
  return sizeOrSections.map((n) => {
    const v = V.narrow(t, d, s, n);
    s += n;
    return v;
  });
}

export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor(t, 'input', 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError('chunk expects `chunks` to be greater than 0, got: ' + chunks);
  const d = normDim(dim, t.ndim);
  const size = t.shape[d];
  // an empty dim still gives `chunks` empty pieces, as PyTorch's chunk
  if (size === 0) return Array.from({ length: chunks }, () => V.narrow(t, d, 0, 0));
  return split(t, Math.max(1, Math.ceil(size / chunks)), d);
}

export function repeat(t: Tensor, sizes: readonly number[]): Tensor {
  checkTensor(t, 'input', 'repeat');
  if (sizes.length < t.ndim) {
    throw new RangeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  sizes.forEach((s) => {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`Trying to create tensor with negative dimension ${s}: [${sizes.join(', ')}]`);
  });
  // view as [1, d0, 1, d1, ...], expand to [r0, d0, r1, d1, ...], then materialise
  const lead = sizes.length - t.ndim;
  const padded = [...new Array(lead).fill(1), ...t.shape];
  const interleaved: number[] = [], expanded: number[] = [], final: number[] = [];
  padded.forEach((s, i) => {
    interleaved.push(1, s);
    expanded.push(sizes[i], s);
    final.push(sizes[i] * s);
  });
  return V.reshape(V.contiguous(V.expand(V.reshape(t, [interleaved]), expanded)), [final]);
}
