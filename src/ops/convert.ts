/** Conversions and read-out: to(dtype), clone, detach, item, tolist. */
import { Tensor, type NestedArray } from '../tensor.js';
import type { DataArray } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool, castMode, toDType, type DTypeLike } from '../dtype.js';
import { allocate, allocateForOverwrite, data, strided } from './util.js';

export function contiguousData(t: Tensor): DataArray {
  return data(t);
}

export function to(t: Tensor, dtype: DTypeLike): Tensor {
  const d = toDType(dtype, t.dtype);
  if (d === t.dtype) return t;
  const out = allocate(t.shape, d);
  K.copy(strided(t), strided(out), t.shape, castMode(t.dtype, d));
  if (!d.is_floating_point) return out;
  const from = t.dtype;
  return apply('ToCopyBackward0', [t], out, (g) => [from.is_floating_point ? to(g, from) : null]);
}

export function clone(t: Tensor): Tensor {
  const out = allocateForOverwrite(t.shape, t.dtype);  // the copy writes every element
  K.copy(strided(t), strided(out), t.shape, 'none');
  return apply('CloneBackward0', [t], out, (g) => [g]);
}

/** A new tensor sharing t's memory, cut from the graph. */
export function detach(t: Tensor): Tensor {
  const d = new Tensor(t._storage, t.shape, t.dtype, t._strides, t._offset);
  d._base = t._base;
  d._detached = true;
  return d;
}

export function detach_<T extends Tensor>(t: T): T {
  if (t._base && t._base.requires_grad) throw new Error("Can't detach views in-place. Use detach() instead.");
  t.grad_fn = null;
  t._setRequiresGrad(false);
  return t;
}

function scalarOf(t: Tensor, v: number): number | boolean {
  return t.dtype === bool ? v !== 0 : v;
}

export function item(t: Tensor): number | boolean {
  const n = t.numel();
  // PyTorch 1.13's wording (2.x says 'a Tensor with N elements cannot be converted to Scalar')
  if (n !== 1) throw new RangeError('only one element tensors can be converted to Python scalars');
  return scalarOf(t, t._storage.data[t._offset]);
}

export function tolist(t: Tensor): NestedArray {
  const d = data(t);
  if (t.ndim === 0) return scalarOf(t, d[0]);
  let pos = 0;
  const build = (dim: number): NestedArray[] => {
    const out: NestedArray[] = new Array(t.shape[dim]);
    for (let i = 0; i < t.shape[dim]; i++) out[i] = dim === t.ndim - 1 ? scalarOf(t, d[pos++]) : build(dim + 1);
    return out;
  };
  return build(0);
}
