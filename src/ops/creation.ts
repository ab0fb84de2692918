/** Creating tensors: from data, filled, ranges, identity, random, *_like, and zero-copy frombuffer. */
import { Tensor, type Storage } from '../tensor.js';
import type { DataArray } from '../backend/contract.js';
import { bool, castToInt64, DType, DTypeLike, float32, float64, get_default_dtype, int64, scalarToDType, toDType } from '../dtype.js';
import { checkShape, numelOf, shapeFromArgs } from '../shape.js';
import { default_generator, type Generator } from '../random/generator.js';
import { fillNormal, fillRandomFromTo, fillRandperm, fillUniform } from '../random/distributions.js';
import { allocate, describe } from './util.js';
import { checkDevice, type DeviceLike } from '../device.js';
import { newArray } from '../memory.js';
import { pyType } from '../python.js';
import { setRequiresGrad } from '../autograd/api.js';

export interface TensorOptions {
  dtype?: DTypeLike;
  requires_grad?: boolean;
  device?: DeviceLike | null;
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.device !== undefined && opts.device !== null) checkDevice(opts.device);
  if (opts.requires_grad) setRequiresGrad(t, true, 'creation');
  return t;
}

function filled(shape: readonly number[], dtype: DType, value: number | boolean | bigint): Tensor {
  const v = scalarToDType(value, dtype);
  const t = allocate(shape, dtype);
  // −0 is a value of its own in the float dtypes (PyTorch's full keeps it), not in int64 or bool
  if (v !== 0 || (Object.is(v, -0) && dtype.is_floating_point)) t._storage.data.fill(v);
  return t;
}

// ---- from data --------------------------------------------------------------------------------

type Nested = number | boolean | bigint | ArrayLike<unknown>;

function typedDType(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return float32;
  if (a instanceof Float64Array) return float64;
  return int64;
}

/** Walks nested arrays to find the shape and the kind of the leaves, checking they are rectangular. */
function inferShape(v: unknown): { shape: number[]; kind: 'bool' | 'int' | 'float' | null } {
  const shape: number[] = [];
  let cur = v;
  while (Array.isArray(cur) || (ArrayBuffer.isView(cur) && !(cur instanceof DataView))) {
    const len = (cur as ArrayLike<unknown>).length;
    shape.push(len);
    if (len === 0) break;
    cur = (cur as ArrayLike<unknown>)[0];
  }
  let kind: 'bool' | 'int' | 'float' | null = null;
  const visit = (x: unknown, dim: number): void => {
    if (dim === shape.length) {
      let k: 'bool' | 'int' | 'float';
      if (typeof x === 'boolean') k = 'bool';
      else if (typeof x === 'bigint') k = 'int';
      else if (typeof x === 'number') k = 'float';
      else if (x instanceof Tensor && x.numel() === 1) k = x.dtype === bool ? 'bool' : x.dtype === int64 ? 'int' : 'float';
      else if (typeof x === 'string') throw new TypeError("new(): invalid data type 'str'");
      else throw new TypeError(`Could not infer dtype of ${describe(x)}`);
      if (kind === null || (kind === 'bool' ? 0 : kind === 'int' ? 1 : 2) < (k === 'bool' ? 0 : k === 'int' ? 1 : 2)) kind = k;
      return;
    }
    if (ArrayBuffer.isView(x)) {
      if ((x as unknown as ArrayLike<number>).length !== shape[dim] || dim !== shape.length - 1) {
        throw new RangeError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${(x as unknown as ArrayLike<number>).length})`);
      }
      const k = x instanceof Float32Array || x instanceof Float64Array ? 'float' : 'int';
      if (kind === null || kind === 'bool' || (kind === 'int' && k === 'float')) kind = k;
      return;
    }
    if (!Array.isArray(x)) throw new RangeError(`expected sequence of length ${shape[dim]} at dim ${dim} (got a scalar)`);
    if (x.length !== shape[dim]) throw new RangeError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${x.length})`);
    for (const y of x) visit(y, dim + 1);
  };
  visit(v, 0);
  return { shape, kind };
}

function flatten(v: unknown, out: DataArray, pos: { i: number }): void {
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const a = v as ArrayLike<unknown>;
    for (let k = 0; k < a.length; k++) flatten(a[k], out, pos);
    return;
  }
  const x = v instanceof Tensor ? v.item() : v;
  out[pos.i++] = typeof x === 'boolean' ? (x ? 1 : 0) : typeof x === 'bigint' ? scalarToDType(x, int64) : (x as number);
}

/**
 * torch.tensor(data, {dtype, requires_grad}): always copies. JavaScript numbers carry no int/float
 * distinction, so plain numbers give the default float dtype; booleans give bool; BigInts and
 * integer typed arrays give int64; Float64Array gives float64. Pass `{dtype}` to choose.
 */
export function tensor(value: Nested | Tensor, opts: TensorOptions = {}): Tensor {
  if (value instanceof Tensor) {
    const t = value.detach().clone();
    return finish(opts.dtype !== undefined ? t.to(opts.dtype) : t, opts);
  }
  const { data, shape, dtype } = fromData(value, opts.dtype);
  return finish(new Tensor(data, shape, dtype), opts);
}

/** Nested arrays or a typed array as a fresh array of `dtype` (else the inferred one), with its shape. */
function fromData(value: Nested, dtypeArg: DTypeLike | undefined): LegacyParts {
  if (value === null || value === undefined) throw new TypeError(`Could not infer dtype of ${describe(value)}`);
  if (typeof value === 'string') throw new TypeError("new(): invalid data type 'str'");
  const { shape, kind } = inferShape(value);
  let inferred: DType;
  if (ArrayBuffer.isView(value)) inferred = typedDType(value as ArrayBufferView);
  else inferred = kind === 'bool' ? bool : kind === 'int' ? int64 : get_default_dtype();
  const dtype = toDType(dtypeArg, inferred);
  const data = newArray(dtype, numelOf(shape));
  const raw = dtype === inferred ? data : new Float64Array(numelOf(shape));
  flatten(value, raw, { i: 0 });
  if (raw !== data) {
    for (let i = 0; i < raw.length; i++) data[i] = scalarToDType(raw[i], dtype, 'int64');
  }
  return { data, shape, dtype };
}

/**
 * torch.frombuffer: a tensor over an existing ArrayBuffer or typed array's memory, no copy.
 * Writes through the tensor are visible in the buffer and vice versa.
 */
export function frombuffer(buffer: ArrayBufferLike | ArrayBufferView, opts: { dtype?: DTypeLike; count?: number; offset?: number; requires_grad?: boolean } = {}): Tensor {
  let buf: ArrayBufferLike, base = 0, avail: number;
  if (ArrayBuffer.isView(buffer)) {
    buf = buffer.buffer;
    base = buffer.byteOffset;
    avail = buffer.byteLength;
  } else if (buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer)) {
    buf = buffer;
    avail = buffer.byteLength;
  } else {
    throw new TypeError(`frombuffer(): argument 'buffer' must be an ArrayBuffer or a typed array, not ${describe(buffer)}`);
  }
  const dtype = toDType(opts.dtype, ArrayBuffer.isView(buffer) ? typedDType(buffer) : get_default_dtype());
  if (dtype === int64) {
    throw new TypeError('frombuffer(): int64 tensors are stored as float64 in kindling, so int64 bytes cannot be viewed in place; use torch.tensor(new BigInt64Array(buffer)) to copy them');
  }
  const offset = opts.offset ?? 0;
  const size = dtype.itemsize;
  if (!Number.isInteger(offset) || offset < 0 || offset > avail) {
    throw new RangeError(`offset (${offset} bytes) must be non-negative and no greater than buffer length (${avail} bytes) minus 1.`);
  }
  if ((base + offset) % size !== 0) throw new RangeError(`frombuffer(): the byte offset ${base + offset} must be a multiple of the element size (${size})`);
  const count = opts.count ?? -1;
  if (typeof count !== 'number' || !Number.isSafeInteger(count)) {
    throw new TypeError(`frombuffer(): argument 'count' must be int, not ${typeof count === 'number' ? 'float' : describe(count)}`);
  }
  const n = count < 0 ? Math.floor((avail - offset) / size) : count;
  if (count < 0 && (avail - offset) % size !== 0) {
    throw new RangeError(`buffer length (${avail - offset} bytes) after offset (${offset} bytes) must be a multiple of element size (${size})`);
  }
  if (n * size > avail - offset) throw new RangeError(`requested buffer length (${n} * ${size} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${avail} bytes)`);
  if (count === 0 || (count < 0 && n === 0)) throw new RangeError('both buffer length (0) and count (0) must not be 0');
  const arr = new dtype.Array(buf as ArrayBuffer, base + offset, n);
  const t = new Tensor(arr, [n], dtype);
  t._storage.shared = true;  // the caller keeps writing this memory directly
  return finish(t, opts);
}

// ---- filled -----------------------------------------------------------------------------------

/** A tensor's makings: its memory, shape and dtype, and an alias's strides and offset. */
export interface LegacyParts {
  data: Storage | DataArray;
  shape: readonly number[];
  dtype: DType;
  strides?: readonly number[];
  offset?: number;
}

/**
 * PyTorch's legacy constructors, `torch.Tensor(...)` and `torch.FloatTensor(...)` and the like: data
 * (an array), sizes (ints, uninitialized in PyTorch, zeros here), nothing (an empty tensor), or a
 * tensor (an alias of its memory). `new torch.Tensor(...)` builds itself from these parts.
 */
export function legacyParts(dtype: DType, args: readonly unknown[]): LegacyParts {
  if (args.length === 0) return { data: newArray(dtype, 0), shape: [0], dtype };
  if (args.length === 1 && args[0] instanceof Tensor) {
    const t = args[0];
    return { data: t._storage, shape: t.shape, dtype: t.dtype, strides: t._strides, offset: t._offset };
  }
  if (args.every((a) => typeof a === 'number' || typeof a === 'bigint')) {
    if (args.some((a) => !Number.isInteger(Number(a)))) throw new TypeError('new(): data must be a sequence (got float)');
    const shape = shapeFromArgs([args.map(Number)]);
    return { data: newArray(dtype, numelOf(shape)), shape, dtype };
  }
  if (args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0]))) return fromData(args[0] as Nested, dtype);
  throw new TypeError(`new(): invalid data type '${pyType(args[0])}'`);
}

/** torch.FloatTensor(...) and the like: legacyParts as a tensor, a tensor argument detached. */
export function legacyNew(dtype: DType, args: readonly unknown[]): Tensor {
  if (args.length === 1 && args[0] instanceof Tensor) return args[0].detach();
  const p = legacyParts(dtype, args);
  return new Tensor(p.data, p.shape, p.dtype);
}

export function zeros(size: readonly number[], opts: TensorOptions = {}): Tensor {
  const shape = shapeFromArgs([size]);
  return finish(filled(shape, toDType(opts.dtype, get_default_dtype()), 0), opts);
}
export function ones(size: readonly number[], opts: TensorOptions = {}): Tensor {
  const shape = shapeFromArgs([size]);
  return finish(filled(shape, toDType(opts.dtype, get_default_dtype()), 1), opts);
}
/** Zero-filled: JS cannot hand out uninitialised memory, and zeros are safer anyway. */
export const empty = zeros;

/** full(size, fill_value): booleans give bool, BigInts int64, numbers the default float dtype. */
export function full(size: number[] | number, fill_value: number | boolean | bigint, opts: TensorOptions = {}): Tensor {
  const shape = shapeFromArgs([size]);
  const inferred = typeof fill_value === 'boolean' ? bool : typeof fill_value === 'bigint' ? int64 : get_default_dtype();
  const dtype = toDType(opts.dtype, inferred);
  return finish(filled(shape, dtype, fill_value), opts);
}

export function eye(n: number, m?: number, opts: TensorOptions = {}): Tensor {
  const cols = m ?? n;
  checkShape([n, cols]);
  const t = filled([n, cols], toDType(opts.dtype, get_default_dtype()), 0);
  for (let i = 0; i < Math.min(n, cols); i++) t._storage.data[i * cols + i] = 1;
  return finish(t, opts);
}

// ---- ranges -----------------------------------------------------------------------------------

/** arange(start, end, step): int64 when every argument is an integer, as in PyTorch. */
export function arange(start: number, end: number, step = 1, opts: TensorOptions = {}): Tensor {
  const nums = [start, end, step];
  const allInt = nums.every((v) => Number.isInteger(v));
  const dtype = toDType(opts.dtype, allInt ? int64 : get_default_dtype());
  if (dtype === bool) throw new TypeError(`"arange_cpu" not implemented for 'Bool'`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError(`unsupported range: ${start} -> ${end}`);
  // an integer dtype takes integer bounds and step first, as PyTorch: arange(0.5, 3.7, 1, {dtype: int64}) is [0, 1, 2]
  if (dtype === int64 && Number.isFinite(step)) [start, end, step] = [Math.trunc(start), Math.trunc(end), Math.trunc(step)];
  if (!(step > 0 || step < 0)) throw new RangeError('step must be nonzero');
  if ((step > 0 && end < start) || (step < 0 && end > start)) throw new RangeError('upper bound and larger bound inconsistent with step sign');
  const [n] = checkShape([Math.ceil((end - start) / step)]);
  const t = allocate([n], dtype);
  const d = t._storage.data;
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return finish(t, opts);
}

/** linspace, computed as PyTorch does: from the start for the first half, from the end for the rest. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError('number of steps must be non-negative');
  const dtype = toDType(opts.dtype, get_default_dtype());
  if (dtype === bool) throw new TypeError(`"linspace_cpu" not implemented for 'Bool'`);
  const t = allocate([steps], dtype);
  const d = t._storage.data;
  // an int64 linspace is the float one truncated: linspace(0, 1, 3) gives [0, 0, 1]
  if (dtype === int64) [start, end].forEach((v) => scalarToDType(v, int64));
  const cast = dtype === int64 ? castToInt64 : (v: number) => v;
  if (steps === 1) d[0] = cast(start);
  else if (steps > 1) {
    const step = (end - start) / (steps - 1);
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) d[i] = cast(i < half ? start + step * i : end - step * (steps - i - 1));
  }
  return finish(t, opts);
}

// ---- random -----------------------------------------------------------------------------------

/** Options of the random creators: PyTorch's `generator=` keyword besides dtype/requires_grad/device. */
export interface RandomOptions extends TensorOptions {
  generator?: Generator | null;
}

const genOf = (opts: RandomOptions): Generator => opts.generator ?? default_generator;

export function rand(size: readonly number[], opts: RandomOptions = {}): Tensor {
  const shape = shapeFromArgs([size]);
  const dtype = toDType(opts.dtype, get_default_dtype());
  if (!dtype.is_floating_point) throw new TypeError(`"check_uniform_bounds" not implemented for '${dtype === int64 ? 'Long' : 'Bool'}'`);
  const t = allocate(shape, dtype);
  fillUniform(t._storage.data as Float32Array | Float64Array, 0, 1, genOf(opts));
  return finish(t, opts);
}

export function randn(size: readonly number[], opts: RandomOptions = {}): Tensor {
  const shape = shapeFromArgs([size]);
  const dtype = toDType(opts.dtype, get_default_dtype());
  if (!dtype.is_floating_point) throw new TypeError(`"normal_kernel_cpu" not implemented for '${dtype === int64 ? 'Long' : 'Bool'}'`);
  const t = allocate(shape, dtype);
  fillNormal(t._storage.data as Float32Array | Float64Array, 0, 1, true, genOf(opts));
  return finish(t, opts);
}

/** randint(low, high, size): uniform integers in [low, high), int64. */
export function randint(low: number, high: number, size: readonly number[], opts: RandomOptions = {}): Tensor {
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    // a fraction or NaN here would make int64 values no index check can catch
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`randint(): argument '${name}' must be an integer (at most 2^53 in magnitude), but got ${String(v)}`);
  }
  if (!(low < high)) throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const shape = shapeFromArgs([size]);
  const dtype = toDType(opts.dtype, int64);
  if (dtype === bool) throw new TypeError(`"random_from_to_kernel_cpu" not implemented for 'Bool'`);
  const t = allocate(shape, dtype);
  fillRandomFromTo(t._storage.data as Float32Array | Float64Array, low, high, genOf(opts));
  return finish(t, opts);
}

/** randperm(n): a random permutation of 0..n-1 (PyTorch's swap loop, from the front). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  checkShape([n]);
  const dtype = toDType(opts.dtype, int64);
  if (dtype === bool) throw new TypeError(`"randperm" not implemented for 'Bool'`);
  const t = allocate([n], dtype);
  fillRandperm(t._storage.data as Float32Array | Float64Array, genOf(opts));
  return finish(t, opts);
}

// ---- *_like -----------------------------------------------------------------------------------

const likeType = (t: Tensor, opts: TensorOptions) => ({ ...opts, dtype: opts.dtype ?? t.dtype });
export const zeros_like = (t: Tensor, opts: TensorOptions = {}) => zeros(t.shape, likeType(t, opts));
export const ones_like = (t: Tensor, opts: TensorOptions = {}) => ones(t.shape, likeType(t, opts));
export const empty_like = zeros_like;
export const full_like = (t: Tensor, v: number | boolean, opts: TensorOptions = {}) => full(t.shape as number[], v, likeType(t, opts));
export const rand_like = (t: Tensor, opts: TensorOptions = {}) => rand(t.shape, likeType(t, opts));
export const randn_like = (t: Tensor, opts: TensorOptions = {}) => randn(t.shape, likeType(t, opts));
export function randint_like(t: Tensor, low: number, high: number, opts: TensorOptions = {}): Tensor {
  return randint(low, high, t.shape as number[], likeType(t, opts));
}

