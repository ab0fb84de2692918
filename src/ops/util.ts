/** Helpers every op shares: argument parsing, result dtypes, allocation and contiguous data. */
import { Tensor } from '../tensor.js';
import { DType, bool, float32, float64, int64, get_default_dtype, promoteTypes, scalarToDType } from '../dtype.js';
import type { DataArray, Strided } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { broadcastStrides, contiguousStrides, numelOf } from '../shape.js';
import { newArray, newArrayForOverwrite } from '../memory.js';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
export type DimArg = number | readonly number[] | null;

export { isOptions } from '../python.js';

export function allocate(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(newArray(dtype, numelOf(shape)), shape, dtype);
}

/** Like allocate, with unspecified contents: only for results whose kernel writes every element. */
export function allocateForOverwrite(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(newArrayForOverwrite(dtype, numelOf(shape)), shape, dtype);
}

/** The tensor's elements as a contiguous array (zero-copy when already contiguous). */
export function data(t: Tensor): DataArray {
  if (isContiguousLayout(t)) {
    const d = t._storage.data;
    const n = numelOf(t.shape);
    return t._offset === 0 && d.length === n ? d : d.subarray(t._offset, t._offset + n);
  }
  const out = new t.dtype.Array(numelOf(t.shape));
  K.copy(strided(t), { data: out, offset: 0, strides: contiguousStrides(t.shape) }, t.shape, 'none');
  return out;
}

export function isContiguousLayout(t: Tensor): boolean {
  const shape = t.shape, strides = t._strides;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** A kernel's view of t, optionally broadcast to `shape`. */
export function strided(t: Tensor, shape?: readonly number[]): Strided {
  return {
    data: t._storage.data,
    offset: t._offset,
    strides: shape ? broadcastStrides(t.shape, t._strides, shape) : t._strides,
  };
}

/** PyTorch's type categories, in promotion order: bool 0, integer 1, floating 2. */
export function category(d: DType): number {
  return d === bool ? 0 : d === int64 ? 1 : 2;
}

/** The dtype of a JS scalar as PyTorch would see a Python scalar: bool, int or float. */
export function scalarCategory(v: Scalar): number {
  return typeof v === 'boolean' ? 0 : Number.isInteger(v) ? 1 : 2;
}

/**
 * PyTorch's result type: dimensioned tensors decide within a category; a scalar or a 0-d tensor
 * only matters when it belongs to a higher category (then the default dtype of that category).
 */
export function resultType(a: TensorOrScalar, b: TensorOrScalar): DType {
  const ta = a instanceof Tensor, tb = b instanceof Tensor;
  if (ta && tb) {
    const da = (a as Tensor).dtype, db = (b as Tensor).dtype;
    if (da === db) return da;
    const za = (a as Tensor).shape.length === 0, zb = (b as Tensor).shape.length === 0;
    if (za !== zb) {
      const [dim, zero] = za ? [db, da] : [da, db];
      return category(zero) > category(dim) ? zero : dim;
    }
    return promoteTypes(da, db);
  }
  // two scalars make a tensor of their own (torch.where(c, 1.0, -1.0)): torch.tensor's rule, where
  // a JS number is a Python float whatever its value, a BigInt an int
  if (!ta && !tb) return [a, b].some((v) => typeof v === 'number') ? get_default_dtype() : [a, b].some((v) => typeof v === 'bigint') ? int64 : bool;
  const [t, s] = ta ? [a as Tensor, b as Scalar] : [b as Tensor, a as Scalar];
  const cs = scalarCategory(s);
  if (cs <= category(t.dtype)) return t.dtype;
  return cs === 1 ? int64 : get_default_dtype();
}

export function scalarDType(v: Scalar): DType {
  const c = scalarCategory(v);
  return c === 0 ? bool : c === 1 ? int64 : get_default_dtype();
}

/** A 0-d tensor holding a scalar operand. */
export function scalarTensor(v: Scalar, dtype: DType): Tensor {
  const arr = new dtype.Array(1);
  arr[0] = scalarToDType(v, dtype);
  return new Tensor(arr, [], dtype);
}

export function asTensor(v: TensorOrScalar, dtype: DType): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v !== 'number' && typeof v !== 'boolean') {
    throw new TypeError(`expected a Tensor or a number, but got ${describe(v)}`);
  }
  return scalarTensor(v, dtype);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Tensor) return 'Tensor';
  return typeof v;
}

export function checkTensor(v: unknown, name: string, fn: string): asserts v is Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${fn}(): argument '${name}' must be Tensor, not ${describe(v)}`);
}

/** Result dtype for ops that only make sense on floats (exp, sigmoid, mean...): ints go to the default dtype. */
export function floatType(d: DType): DType {
  return d.is_floating_point ? d : get_default_dtype();
}

/** PyTorch's short type names for messages: Float, Double, Long, Bool. */
export function typeName(d: DType): string {
  return d === float32 ? 'Float' : d === float64 ? 'Double' : d === int64 ? 'Long' : 'Bool';
}
