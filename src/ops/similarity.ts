/**
 * F.normalize, cosine_similarity and pairwise_distance, composed from existing ops in PyTorch
 * 1.13's order of operations (so float32 rounds as PyTorch's does), their gradients following.
 */
import type { Tensor } from '../tensor.js';
import { broadcastShapes, normDim } from '../shape.js';
import { checkTensor, data, resultType, typeName } from './util.js';
import type { Out } from './out.js';
import * as B from './binary.js';
import * as U from './unary.js';
import * as R from './reduce.js';

/** input / max(‖input‖_p along dim, eps), as torch.nn.functional.normalize. */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12, out?: Out): Tensor {
  checkTensor(x, 'input', 'normalize');
  if (!x.dtype.is_floating_point) throw new TypeError(`norm(): input dtype should be either floating point or complex. Got ${typeName(x.dtype)} instead.`);
  const denom = U.clamp(R.norm(x, p, dim, true), eps, null).expand([...x.shape]);
  return B.div(x, denom, null, out);
}

/**
 * Σ (x1/‖x1‖)·(x2/‖x2‖) along dim, each squared norm clamped to eps² first. As in PyTorch the
 * clamp writes the squared norm in place outside autograd, so the gradient flows as if unclamped.
 */
export function cosine_similarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  checkTensor(x1, 'x1', 'cosine_similarity');
  checkTensor(x2, 'x2', 'cosine_similarity');
  const shape = broadcastShapes(x1.shape, x2.shape);
  const dt = resultType(x1, x2);
  if (!dt.is_floating_point) throw new TypeError(`expected common dtype to be floating point, yet common dtype is ${typeName(dt)}`);
  const a = x1.to(dt).expand(shape), b = x2.to(dt).expand(shape);
  const d = normDim(dim, shape.length);
  const norm = (t: Tensor) => {
    const sq = R.sum(B.mul(t, t), d, true);
    const s = data(sq), lo = eps * eps;
    for (let i = 0; i < s.length; i++) if (s[i] < lo) s[i] = lo;
    return U.sqrt(sq);
  };
  return R.sum(B.mul(B.div(a, norm(a)), B.div(b, norm(b))), d);
}

/** ‖x1 − x2 + eps‖_p over the last dim of the broadcast shape. */
export function pairwise_distance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  checkTensor(x1, 'x1', 'pairwise_distance');
  checkTensor(x2, 'x2', 'pairwise_distance');
  const last = Math.max(x1.ndim, x2.ndim) - 1;
  return R.norm(B.add(B.sub(x1, x2), eps), p, last, keepdim);
}
