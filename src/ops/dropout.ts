/** dropout: while training, zeroes each element with probability p and scales the rest by 1/(1-p). */
import { Tensor } from '../tensor.js';
import { default_generator } from '../random/generator.js';
import { fillBernoulli } from '../random/distributions.js';
import { pyRepr } from '../python.js';
import { allocate, checkTensor, describe } from './util.js';
import { inplace as inplaceOp } from './inplace.js';
import * as B from './binary.js';

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

/** PyTorch's check, shared with the nn.Dropout constructor. */
export function checkDropoutProbability(p: unknown): number {
  if (typeof p !== 'number') throw new TypeError(`dropout(): argument 'p' must be float, not ${describe(p)}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${pyRepr(p)}`);
  return p;
}

/** A keep-mask of 0s and 1s in the input's dtype: PyTorch's `empty_like(input).bernoulli_(keep)`. */
function bernoulli(like: Tensor, keep: number): Tensor {
  const mask = allocate(like.shape, like.dtype);
  fillBernoulli(mask._storage.data as Float32Array | Float64Array, keep, default_generator);
  return mask;
}

/**
 * dropout(input, p=0.5, training=True, inplace=False). Outside training (or with p = 0) it returns
 * the input itself, as PyTorch does. The output is input × mask/(1-p), so the gradient flows
 * through the same mask.
 */
export function dropout(input: Tensor, p = 0.5, train = true, inPlace = false): Tensor {
  checkTensor(input, 'input', 'dropout');
  const prob = checkDropoutProbability(p);
  if (prob === 0 || !train || input.numel() === 0) return input;
  // as ATen: a 0/1 noise tensor divided by (1-p) in the input's dtype, then one multiply
  const noise = prob === 1 ? 0 : B.div(bernoulli(input, 1 - prob), 1 - prob);
  return inPlace ? inplaceOp(input, (s) => B.mul(s, noise)) : B.mul(input, noise);
}
