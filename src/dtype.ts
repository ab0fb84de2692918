/** dtypes: PyTorch's names; each maps to the typed array that stores it. */
import type { Cast } from './backend/contract.js';

export type DTypeName = 'float32' | 'float64' | 'int64' | 'bool';

export class DType {
  constructor(
    readonly name: DTypeName,
    /** int64 is stored in a Float64Array: exact for |v| <= 2^53, and as fast as any float. */
    readonly Array: Float32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor,
    readonly is_floating_point: boolean,
    readonly itemsize: number,
  ) {}
  get is_complex(): boolean {
    return false;
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export const float32 = new DType('float32', Float32Array, true, 4);
export const float64 = new DType('float64', Float64Array, true, 8);
export const int64 = new DType('int64', Float64Array, false, 8);
export const bool = new DType('bool', Uint8Array, false, 1);
export const float = float32;
export const double = float64;
export const long = int64;

export type DTypeLike = DType | DTypeName | 'float' | 'double' | 'long';

const byName: Record<string, DType> = { float32, float64, int64, bool, float: float32, double: float64, long: int64 };

const TYPE_NAMES: Record<DTypeName, string> = { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', bool: 'torch.BoolTensor' };

/** Whether a string names a dtype ('float32', 'long', ...). */
export function isDTypeName(s: string): boolean {
  return Object.hasOwn(byName, s);
}

/** `x.type()`: PyTorch's name of the tensor type of a dtype. */
export function tensorTypeName(d: DType): string {
  return TYPE_NAMES[d.name];
}

/** The dtype of a tensor type name (`x.type('torch.DoubleTensor')`); CUDA types need CUDA. */
export function dtypeOfTypeName(name: string): DType {
  const hit = (Object.keys(TYPE_NAMES) as DTypeName[]).find((k) => TYPE_NAMES[k] === name);
  if (hit) return byName[hit];
  if (name.startsWith('torch.cuda.')) throw new Error('Torch not compiled with CUDA enabled');
  throw new TypeError(`invalid type: '${name}'`);
}

export function toDType(d: DTypeLike | undefined, fallback: DType = float32): DType {
  if (d === undefined || d === null) return fallback;
  if (d instanceof DType) return d;
  const r = byName[d as string];
  if (!r) throw new TypeError(`invalid dtype: ${String(d)} (expected one of torch.float32, torch.float64, torch.int64, torch.bool)`);
  return r;
}

/** PyTorch's type promotion between two tensor dtypes (both tensors of the same category kind). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const rank = (d: DType) => (d === bool ? 0 : d === int64 ? 1 : d === float32 ? 2 : 3);
  return rank(a) >= rank(b) ? a : b;
}

let defaultDtype: DType = float32;
export function get_default_dtype(): DType {
  return defaultDtype;
}
export function set_default_dtype(d: DTypeLike): void {
  const t = toDType(d);
  if (!t.is_floating_point) throw new TypeError('only floating-point types are supported as the default type');
  defaultDtype = t;
}

// ---- conversion rules -------------------------------------------------------------------------
// Every value written into an int64 or bool tensor goes through one of these, so no int64 tensor
// can hold a fraction, a NaN or a value outside int64, and no bool tensor anything but 0 and 1.

const INT64_MIN = -9223372036854775808;  // -2^63, exact in a double
const INT64_LIMIT = 9223372036854775808;  // 2^63

/**
 * A tensor element cast to int64, as PyTorch's (int64_t) cast on x86-64: truncation toward zero;
 * NaN, ±inf and values outside int64 give -2^63 (cvttsd2si's "integer indefinite").
 */
export function castToInt64(v: number): number {
  const t = Math.trunc(v);
  return t >= INT64_MIN && t < INT64_LIMIT ? t + 0 : INT64_MIN;  // + 0: integers have no -0
}

/** A tensor element cast to bool: anything but ±0 is true (NaN included), as in PyTorch. */
export function castToBool(v: number): number {
  return v !== 0 ? 1 : 0;
}

/** A tensor element cast to dtype (float32 rounding is left to the Float32Array it is stored in). */
export function castElement(v: number, dtype: DType): number {
  return dtype === int64 ? castToInt64(v) : dtype === bool ? castToBool(v) : v;
}

/** The copy kernel's cast for a tensor of dtype `from` converted to `to`. */
export function castMode(from: DType, to: DType): Cast {
  return to === int64 && from !== int64 ? 'trunc' : to === bool && from !== bool ? 'bool' : 'none';
}

/**
 * A scalar argument (a fill value, a bound, an element of torch.tensor's data) converted to dtype,
 * as PyTorch converts a Python number: truncation into int64, but a value int64 cannot hold is an
 * error rather than -2^63 (PyTorch names the type int64_t in fill values, int64 in torch.tensor's
 * data). BigInts must fit int64 whatever the dtype.
 */
export function scalarToDType(v: number | boolean | bigint, dtype: DType, int64Name = 'int64_t'): number {
  if (typeof v === 'bigint') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new RangeError('Overflow when unpacking long');
    v = Number(v);
  } else if (typeof v === 'boolean') return v ? 1 : 0;
  if (dtype === int64) {
    const t = Math.trunc(v);
    if (!(t >= INT64_MIN && t < INT64_LIMIT)) throw new RangeError(`value cannot be converted to type ${int64Name} without overflow`);
    return t + 0;
  }
  return dtype === bool ? castToBool(v) : v;
}
