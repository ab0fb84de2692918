/**
 * PyTorch's `out=`: one place for its rules. An op asks `outTarget` where to write a result of a
 * given shape and dtype; with no out it gets a fresh tensor, with a contiguous out of that shape
 * and dtype it gets out itself (the kernel writes straight into out's memory), otherwise a fresh
 * tensor. `finishOut` then copies a fresh result into out (through out's strides, cast to out's
 * dtype) if needed, bumps out's version (an out= write is an in-place write) and returns out.
 */
import { Tensor } from '../tensor.js';
import { K } from '../backend/index.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { castMode, DType, float32, float64, int64 } from '../dtype.js';
import { contiguousStrides, numelOf, shapesEqual, toSize } from '../shape.js';
import { allocateForOverwrite, category, isContiguousLayout, strided, typeName } from './util.js';

export type Out = Tensor | null | undefined;

/**
 * How out's dtype must relate to the result's, by PyTorch's op families:
 * 'cast': the result type must be castable to out's (TensorIterator ops: arithmetic, float math);
 * 'same': out's dtype must be the result's ("Found dtype ..."; neg, abs, clamp, rounding);
 * 'exact': likewise, with the structured kernels' message (mm, argmax, max with dim, a given dtype);
 * or a check of its own, which throws for a dtype it refuses and lets the result be cast otherwise.
 */
export type DTypeRule = 'cast' | 'same' | 'exact' | ((outDtype: DType) => void);

export interface OutOptions {
  /** The tensors the op reads, for the autograd and aliasing rules. */
  inputs: readonly Tensor[];
  rule: DTypeRule;
  /** Has a derivative: out= then refuses inputs that require grad (argmax, eq have none). */
  differentiable?: boolean;
  /** Reads element i only to write element i: out may be one of the inputs itself. */
  elementwise?: boolean;
  /** PyTorch refuses an out that shares some but not all of an input's memory (elementwise ops, cat). */
  noPartialOverlap?: boolean;
}

/** The tensor to write a `shape`/`dtype` result into (see the file's comment). Checks out= first. */
export function outTarget(fn: string, out: Out, shape: readonly number[], dtype: DType, o: OutOptions): Tensor {
  if (out === null || out === undefined) return allocateForOverwrite(shape, dtype);
  return prepareOut(fn, out, shape, dtype, o) ? out : allocateForOverwrite(shape, dtype);
}

/** Copies `result` into out unless it was computed there, and marks out as written. */
export function finishOut(result: Tensor, out: Out): Tensor {
  if (out === null || out === undefined) return result;
  if (result !== out) K.copy(strided(result), strided(out), out.shape, castMode(result.dtype, out.dtype));
  out._storage.version++;
  return out;
}

/**
 * out= for a result already computed by other ops (div with rounding_mode, std, logsumexp, ...):
 * out is checked and resized as outTarget does, and the result copied in.
 */
export function intoOut(fn: string, out: Out, result: Tensor, o: OutOptions): Tensor {
  if (out === null || out === undefined) return result;
  prepareOut(fn, out, result.shape, result.dtype, o);
  return finishOut(result, out);
}

/** PyTorch's rules on out for a `shape`/`dtype` result; true when the kernel may write into out directly. */
function prepareOut(fn: string, out: Tensor, shape: readonly number[], dtype: DType, o: OutOptions): boolean {
  checkOut(fn, out, o.inputs, o.differentiable ?? true);
  let kinds = o.inputs.map((x) => overlap(out, x));
  for (const kind of kinds) {
    if (kind === 'none') continue;
    if (!shapesEqual(out.shape, shape) && o.elementwise) {
      // out is one of the inputs: an in-place write cannot change its shape
      throw new RangeError(`output with shape [${out.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
    }
    if (kind === 'partial' && (o.elementwise || o.noPartialOverlap)) {
      throw new RangeError('unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.');
    }
  }
  // the dtype first: a refused out is left as it was
  checkDtype(dtype, out.dtype, o.rule);
  // a resize can move out onto an input's memory: measured again only then
  if (resizeOut(out, shape)) kinds = o.inputs.map((x) => overlap(out, x));
  if (out.dtype !== dtype || !isContiguousLayout(out)) return false;
  // a kernel that is not elementwise could read an input after writing over it: fresh memory then
  return kinds.every((kind) => kind === 'none' || (o.elementwise && kind === 'full'));
}

/** PyTorch's checks on out= before anything runs: autograd, and out's own elements not overlapping. */
export function checkOut(fn: string, out: Tensor, inputs: readonly Tensor[], differentiable: boolean): void {
  if (!(out instanceof Tensor)) throw new TypeError(`${fn}(): argument 'out' must be Tensor, not ${typeof out}`);
  if (differentiable && is_grad_enabled() && (out.requires_grad || inputs.some((x) => x.requires_grad))) {
    throw new Error(`${fn}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
  for (let i = 0; i < out.shape.length; i++) {
    if (out._strides[i] === 0 && out.shape[i] > 1) {
      throw new RangeError('unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.');
    }
  }
}

/**
 * PyTorch's resize_output: out takes the result's shape with contiguous strides at its offset
 * (true when it did).
 * A non-empty out of another shape is resized with a warning; storage too small for the new shape
 * grows in place, so out's other views share the new memory, as PyTorch's storage does.
 */
function resizeOut(out: Tensor, shape: readonly number[]): boolean {
  if (shapesEqual(out.shape, shape)) return false;
  if (out.numel() !== 0) {
    process.emitWarning(`An output with one or more elements was resized since it had shape [${out.shape.join(', ')}], which does not match the required output shape [${shape.join(', ')}]. ` +
      'This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. ' +
      'You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).', 'UserWarning');
  }
  const needed = out._offset + numelOf(shape);
  const storage = out._storage;
  if (needed > storage.data.length) {
    if (storage.shared) throw new Error('Trying to resize storage that is not resizable');
    const grown = new out.dtype.Array(needed);
    grown.set(storage.data);
    storage.data = grown;
  }
  const self = out as { -readonly [P in 'shape' | '_strides']: Tensor[P] };
  self.shape = toSize(shape);
  self._strides = contiguousStrides(shape);
  return true;
}

/** c10's names in the structured kernels' messages. */
function cName(d: DType): string {
  return d === float32 ? 'float' : d === float64 ? 'double' : d === int64 ? 'long int' : 'bool';
}

/** PyTorch's canCast: no float into an integer, no non-bool into bool. */
export function canCast(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}

/** out's dtype against the result's by `rule`; in-place ops write back under 'cast'. */
export function checkDtype(result: DType, out: DType, rule: DTypeRule): void {
  if (typeof rule === 'function') return rule(out);
  if (rule === 'cast') {
    if (!canCast(result, out)) throw new TypeError(`result type ${typeName(result)} can't be cast to the desired output type ${typeName(out)}`);
  } else if (out !== result) {
    throw new TypeError(rule === 'same' ? `Found dtype ${typeName(out)} but expected ${typeName(result)}`
      : `Expected out tensor to have dtype ${cName(result)}, but got ${cName(out)} instead`);
  }
}

/**
 * How out's memory meets an input's: none, the very same elements in the same layout (full), a
 * different layout over shared memory (partial, both dense), or not decidable cheaply (unknown).
 */
function overlap(out: Tensor, x: Tensor): 'none' | 'full' | 'partial' | 'unknown' {
  const a = out._storage.data, b = x._storage.data;
  if (a.buffer !== b.buffer || out.numel() === 0 || x.numel() === 0) return 'none';
  const [a0, a1] = byteRange(out), [b0, b1] = byteRange(x);
  if (a1 <= b0 || b1 <= a0) return 'none';
  if (a0 === b0 && out.dtype.itemsize === x.dtype.itemsize && shapesEqual(out.shape, x.shape) && out._strides.every((s, i) => out.shape[i] === 1 || s === x._strides[i])) return 'full';
  return dense(out) && dense(x) ? 'partial' : 'unknown';
}

/** [first byte, past the last byte] of t's elements within its buffer. */
function byteRange(t: Tensor): [number, number] {
  let lo = t._offset, hi = t._offset;
  for (let i = 0; i < t.shape.length; i++) {
    const span = (t.shape[i] - 1) * t._strides[i];
    if (span < 0) lo += span;
    else hi += span;
  }
  const base = t._storage.data.byteOffset, size = t.dtype.itemsize;
  return [base + lo * size, base + (hi + 1) * size];
}

/** The elements fill their range exactly once (a permutation of a contiguous layout). */
function dense(t: Tensor): boolean {
  const dims = t.shape.map((s, i) => [s, t._strides[i]]).filter(([s]) => s !== 1).sort((p, q) => p[1] - q[1]);
  let expected = 1;
  for (const [s, st] of dims) {
    if (st !== expected) return false;
    expected *= s;
  }
  return true;
}
