/**
 * In-place ops. Without a graph to record they write straight into the tensor's memory; when
 * autograd must record, the op runs out of place on a snapshot of the old value and the result
 * is written back, so the graph stays correct. Every write bumps the version counter that
 * backward checks for tensors it saved.
 */
import { Tensor } from '../tensor.js';
import type { BinaryOp, UnaryOp } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { bool, castMode } from '../dtype.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { default_generator, type Generator } from '../random/generator.js';
import { fillBernoulli, fillBernoulliTensor, fillNormal, fillUniform } from '../random/distributions.js';
import { allocate, asTensor, checkTensor, data, isContiguousLayout, resultType, strided, typeName, type Scalar, type TensorOrScalar } from './util.js';
import * as B from './binary.js';
import { checkDtype, finishOut } from './out.js';

/** PyTorch refuses in-place writes that autograd cannot track. Returns whether a node must be recorded. */
function mustRecord(self: Tensor, others: readonly unknown[]): boolean {
  if (!is_grad_enabled()) return false;
  if (self.is_leaf && self.requires_grad) {
    throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = self._base;
  if (base && !self._detached && base.is_leaf && base.requires_grad) {
    throw new Error('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const record = self.requires_grad || others.some((o) => o instanceof Tensor && o.requires_grad);
  if (record && base) {
    throw new Error('in-place operations on views that take part in autograd are not supported; use the out-of-place op instead (for example x = x.add(y))');
  }
  return record;
}

/** Writes r into self (same shape, castable dtype) and bumps the version. */
function writeBack(self: Tensor, r: Tensor): void {
  if (!shapesEqual(r.shape, self.shape)) {
    throw new RangeError(`output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${r.shape.join(', ')}]`);
  }
  checkDtype(r.dtype, self.dtype, 'cast');
  finishOut(r, self);
}

/** Generic in-place: self = compute(self), recorded for autograd when needed. */
export function inplace<T extends Tensor>(self: T, compute: (src: Tensor) => Tensor, others: readonly unknown[] = []): T {
  if (!mustRecord(self, others)) {
    writeBack(self, compute(self));
    return self;
  }
  // snapshot: the old value, carrying self's place in the graph
  const snap = new Tensor(data(self).slice(), self.shape, self.dtype);
  snap.grad_fn = self.grad_fn;
  snap._setRequiresGrad(self.requires_grad);
  const r = compute(snap);
  writeBack(self, r);
  self._setGradFn(r.grad_fn);
  return self;
}

/**
 * A unary op in place (relu_, exp_, ...): with nothing to record, the kernel reads and writes the
 * tensor's own memory (no result buffer, no copy back); otherwise as inplace(). `compute` is the
 * out-of-place op of the same kernel.
 */
export function unary_<T extends Tensor>(self: T, op: UnaryOp, compute: (src: Tensor) => Tensor): T {
  if (self.dtype.is_floating_point && isContiguousLayout(self) && !mustRecord(self, [])) {
    const n = self.numel();
    const mem = self._storage.data.subarray(self._offset, self._offset + n);
    K.unary(op, mem, mem, n);
    self._storage.version++;
    return self;
  }
  return inplace(self, compute);
}

export function binary_<T extends Tensor>(self: T, op: 'add' | 'sub' | 'mul' | 'div' | 'pow', other: TensorOrScalar, alpha?: Scalar): T {
  let al = alpha;
  if (al !== undefined && al !== 1 && (op === 'add' || op === 'sub') && other instanceof Tensor && !mustRecord(self, [other])) {
    // scale `other` first (as add/sub do), so the add itself still runs in place (optimizers' hot path)
    other = B.mul(other, al);
    al = undefined;
  }
  if (!mustRecord(self, [other]) && (al === undefined || al === 1) && isContiguousLayout(self)) {
    const dt = resultType(self, other);
    const o = asTensor(other, dt);
    const shape = broadcastShapes(self.shape, o.shape);
    if (dt === self.dtype && shapesEqual(shape, self.shape) && dt !== bool && !(op === 'div' && !dt.is_floating_point)) {
      // fast path: the kernel reads and writes self's memory element by element
      const n = self.numel();
      K.binary(op as BinaryOp, strided(self), strided(o, shape), self._storage.data.subarray(self._offset, self._offset + n), shape);
      self._storage.version++;
      return self;
    }
  }
  const fn = { add: B.add, sub: B.sub, mul: B.mul, div: B.div, pow: B.pow }[op] as (a: Tensor, b: TensorOrScalar, al?: Scalar) => Tensor;
  return inplace(self, (s) => fn(s, other, al), [other]);
}

function scaled(t: Tensor, v: Scalar | undefined): Tensor {
  return v === undefined || v === 1 ? t : B.mul(t, v);
}

/** self += value·tensor1·tensor2, rounded as PyTorch's kernel: (value·tensor1)·tensor2, then the add. */
export function addcmul_<T extends Tensor>(self: T, tensor1: Tensor, tensor2: Tensor, value?: Scalar): T {
  checkTensor(tensor1, 'tensor1', 'addcmul_');
  checkTensor(tensor2, 'tensor2', 'addcmul_');
  return binary_(self, 'add', B.mul(scaled(tensor1, value), tensor2));
}

/** self += value·tensor1/tensor2, rounded as PyTorch's kernel: (value·tensor1)/tensor2, then the add. */
export function addcdiv_<T extends Tensor>(self: T, tensor1: Tensor, tensor2: Tensor, value?: Scalar): T {
  checkTensor(tensor1, 'tensor1', 'addcdiv_');
  checkTensor(tensor2, 'tensor2', 'addcdiv_');
  return binary_(self, 'add', B.div(scaled(tensor1, value), tensor2));
}

export function fill_<T extends Tensor>(self: T, value: Scalar | Tensor): T {
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RangeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  }
  if (isContiguousLayout(self) && !mustRecord(self, [value])) {
    // nothing to record: one typed-array fill of self's memory with the value cast to self's dtype
    // (zero_grad's zeroing of every gradient takes this path)
    let e: number;
    if (value instanceof Tensor) {
      const one = allocate([], self.dtype);
      K.copy(strided(value), strided(one), [], castMode(value.dtype, self.dtype));
      e = one._storage.data[0];
    } else e = asTensor(value, self.dtype)._storage.data[0];
    self._storage.data.fill(e, self._offset, self._offset + self.numel());
    self._storage.version++;
    return self;
  }
  return inplace(self, (s) => {
    const v = value instanceof Tensor ? value : asTensor(value, s.dtype);
    const out = allocate(s.shape, s.dtype);
    K.copy(strided(v, s.shape), strided(out), s.shape, castMode(v.dtype, s.dtype));
    return apply('FillBackward0', value instanceof Tensor ? [s, value] : [s], out, (g) => [B.mul(g, 0), value instanceof Tensor ? g.sum() : null]);
  }, [value]);
}

export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  if (!(src instanceof Tensor)) throw new TypeError(`copy_(): argument 'other' must be Tensor, not ${typeof src}`);
  // src must broadcast to self's shape, not merely with it (an empty src would leave self unwritten)
  const shape = broadcastShapes(self.shape, src.shape);
  if (!shapesEqual(shape, self.shape)) {
    throw new RangeError(`output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  }
  if (!mustRecord(self, [src]) && src._storage.data.buffer !== self._storage.data.buffer) {
    // nothing to record and no shared memory: one strided copy straight into self
    K.copy(strided(src, self.shape), strided(self), self.shape, castMode(src.dtype, self.dtype));
    self._storage.version++;
    return self;
  }
  return inplace(self, (s) => {
    const out = allocate(s.shape, s.dtype);
    K.copy(strided(src, s.shape), strided(out), s.shape, castMode(src.dtype, s.dtype));
    return apply('CopyBackwards', [s, src], out, (g) => [B.mul(g, 0), g.to(src.dtype)]);
  }, [src]);
}

/**
 * The order PyTorch's TensorIterator writes a strided tensor's elements in: memory order (for a
 * non-overlapping view, ascending storage offset), as logical indices; null when that is row-major.
 */
function memoryOrder(t: Tensor): Int32Array | null {
  if (isContiguousLayout(t)) return null;
  const n = t.numel(), shape = t.shape, strides = t._strides;
  const offsets = new Float64Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let o = 0;
    for (let k = 0; k < shape.length; k++) o += idx[k] * strides[k];
    offsets[i] = o;
    for (let k = shape.length - 1; k >= 0 && ++idx[k] === shape[k]; k--) idx[k] = 0;
  }
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => offsets[a] - offsets[b] || a - b);
}

/** self filled by `fill` with PyTorch's draw order; `fill` sees whether memory is contiguous. */
function randomFill<T extends Tensor>(self: T, fill: (d: Float32Array | Float64Array, contiguous: boolean) => void): T {
  return inplace(self, (s) => {
    const out = allocate(s.shape, s.dtype);
    const d = out._storage.data as Float32Array | Float64Array;
    const order = memoryOrder(self);
    if (order === null) fill(d, true);
    else {
      const drawn = new (d.constructor as Float64ArrayConstructor)(d.length);
      fill(drawn, false);
      for (let i = 0; i < order.length; i++) d[order[i]] = drawn[i];
    }
    return out;
  });
}

function checkFloating(self: Tensor, kernel: string): void {
  if (!self.dtype.is_floating_point) throw new TypeError(`"${kernel}" not implemented for '${typeName(self.dtype)}'`);
}

export function uniform_<T extends Tensor>(self: T, from = 0, to = 1, generator: Generator | null = null): T {
  checkFloating(self, 'check_uniform_bounds');
  if (!(from <= to)) throw new RangeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const g = generator ?? default_generator;
  return randomFill(self, (d) => fillUniform(d, from, to, g));
}

export function normal_<T extends Tensor>(self: T, mean = 0, std = 1, generator: Generator | null = null): T {
  checkFloating(self, 'normal_kernel_cpu');
  if (!(std >= 0)) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  const g = generator ?? default_generator;
  return randomFill(self, (d, contiguous) => fillNormal(d, mean, std, contiguous, g));
}

/** bernoulli_(p): 1 with probability p (a number in [0, 1], or a tensor broadcastable to self). */
export function bernoulli_<T extends Tensor>(self: T, p: number | Tensor = 0.5, generator: Generator | null = null): T {
  const g = generator ?? default_generator;
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    return randomFill(self, (d) => fillBernoulli(d, p, g));
  }
  checkTensor(p, 'p', 'bernoulli_');
  if (!p.dtype.is_floating_point) throw new TypeError(`"bernoulli_tensor_cpu_p_" not implemented for '${typeName(p.dtype)}'`);
  const probs = data(p.expand(self.shape as number[]).contiguous()) as Float32Array | Float64Array;
  // the probabilities are read in the order the draws are made
  const order = memoryOrder(self);
  const ordered = order === null ? probs : (probs.constructor as Float64ArrayConstructor).from(order, (i) => probs[i]);
  return randomFill(self, (d) => fillBernoulliTensor(d, ordered, g));
}
