/** What the optimizers need to run their update as one fused kernel call per parameter. */
import { Tensor } from '../tensor.js';
import type { FloatArray } from '../backend/contract.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { float32, float64 } from '../dtype.js';
import { data, isContiguousLayout } from '../ops/util.js';
import { shapesEqual } from '../shape.js';

/**
 * Whether p and its companions (gradient, state buffers) can go to the fused update kernels: all
 * contiguous, of p's shape and floating dtype. Otherwise the update runs as ops: a differentiable
 * optimizer (grad mode on) records it for autograd, and other layouts or dtypes (a strided
 * parameter, a gradient of another shape) take the ops' broadcasting and promotion.
 */
export function fusable(p: Tensor, others: readonly unknown[]): boolean {
  if (is_grad_enabled() || (p.dtype !== float32 && p.dtype !== float64) || !isContiguousLayout(p)) return false;
  return others.every((t) => t instanceof Tensor && t.dtype === p.dtype && shapesEqual(t.shape, p.shape) && isContiguousLayout(t));
}

/** The elements of a tensor that passed `fusable` (zero-copy). */
export const floats = (t: Tensor): FloatArray => data(t) as FloatArray;

/** Counts in-place writes the way the ops would have (each mul_, add_, addcdiv_ … is one). */
export function bumpVersion(t: Tensor, writes: number): void {
  t._storage.version += writes;
}
