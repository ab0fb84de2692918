/**
 * layer_norm and batch_norm, written with mean/sub/mul/rsqrt so autograd derives their gradients.
 * Statistics use the biased variance, as PyTorch normalises; running_var is updated with the
 * unbiased one.
 */
import { Tensor } from '../tensor.js';
import { no_grad } from '../autograd/grad_mode.js';
import { normDim, numelOf, sizeStr } from '../shape.js';
import { checkTensor } from './util.js';
import * as B from './binary.js';
import * as U from './unary.js';
import * as R from './reduce.js';
import * as V from './view.js';

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

const list = (s: readonly number[]) => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** (x − mean) / √(var + eps) over `dims`, keeping them. */
function normalize(x: Tensor, dims: number[], eps: number): [Tensor, Tensor, Tensor] {
  const mean = R.mean(x, dims, true);
  const centered = B.sub(x, mean);
  const variance = R.mean(B.mul(centered, centered), dims, true);
  return [B.mul(centered, U.rsqrt(B.add(variance, eps))), mean, variance];
}

/** layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05) over the trailing dims. */
export function layer_norm(input: Tensor, normalized_shape: readonly number[], w: Tensor | null = null, b: Tensor | null = null, e = 1e-5): Tensor {
  checkTensor(input, 'input', 'layer_norm');
  const shape = normalized_shape;
  const k = shape.length;
  if (k < 1) throw new RangeError(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${list(shape)}`);
  if (w && !sameShape(w.shape, shape)) throw new RangeError(`Expected weight to be of same shape as normalized_shape, but got weight of shape ${list(w.shape)} and normalized_shape = ${list(shape)}`);
  if (b && !sameShape(b.shape, shape)) throw new RangeError(`Expected bias to be of same shape as normalized_shape, but got bias of shape ${list(b.shape)} and normalized_shape = ${list(shape)}`);
  const n = input.ndim;
  if (n < k || !sameShape(input.shape.slice(n - k), shape)) {
    throw new RangeError(`Given normalized_shape=${list(shape)}, expected input with shape [*${shape.map((s) => `, ${s}`).join('')}], but got input of size${list(input.shape)}`);
  }
  const dims = shape.map((_, i) => n - k + i);
  let y = normalize(input, dims, e)[0];
  if (w) y = B.mul(y, w);
  if (b) y = B.add(y, b);
  return y;
}

/** PyTorch's _verify_batch_size: training needs more than one value per channel. */
function verifyBatchSize(shape: readonly number[]): void {
  let n = shape[0];
  for (let i = 2; i < shape.length; i++) n *= shape[i];
  if (n === 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size ${sizeStr(shape)}`);
}

function checkFeatures(name: string, t: Tensor | null, c: number, training: boolean): void {
  if (t) {
    if (t.numel() !== c) throw new RangeError(`${name} should contain ${c} elements not ${t.numel()}`);
  } else if (!training && (name === 'running_mean' || name === 'running_var')) {
    throw new Error(`${name} must be defined in evaluation mode`);
  }
}

/**
 * batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
 * eps=1e-05) over an [N, C, *] input. Training normalises by the batch statistics and, when given,
 * updates the running ones in place; otherwise the running statistics are used.
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  w: Tensor | null = null,
  b: Tensor | null = null,
  train = false,
  mom = 0.1,
  e = 1e-5,
): Tensor {
  checkTensor(input, 'input', 'batch_norm');
  if (train) verifyBatchSize(input.shape);
  const c = input.shape[normDim(1, input.ndim)];
  checkFeatures('running_mean', running_mean ?? null, c, train);
  checkFeatures('running_var', running_var ?? null, c, train);
  checkFeatures('weight', w, c, train);
  checkFeatures('bias', b, c, train);
  // per-channel tensors broadcast as [1, C, 1, ...]
  const statShape = input.shape.map((s, i) => (i === 1 ? c : 1));
  const perChannel = (t: Tensor) => V.reshape(t, [statShape]);
  let y: Tensor;
  if (train) {
    const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
    const [normalized, mean, variance] = normalize(input, dims, e);
    y = normalized;
    const n = numelOf(input.shape) / c;
    no_grad(() => {
      if (running_mean) running_mean.copy_(B.add(B.mul(V.reshape(mean, [[c]]), mom), B.mul(running_mean, 1 - mom)));
      if (running_var) running_var.copy_(B.add(B.mul(V.reshape(variance, [[c]]), (mom * n) / (n - 1)), B.mul(running_var, 1 - mom)));
    });
  } else {
    y = B.div(B.sub(input, perChannel(running_mean!)), U.sqrt(B.add(perChannel(running_var!), e)));
  }
  if (w) y = B.mul(y, perChannel(w));
  if (b) y = B.add(y, perChannel(b));
  return y;
}
