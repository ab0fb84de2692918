/** dtypes: PyTorch's names; each maps to the typed array that stores it. */

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
