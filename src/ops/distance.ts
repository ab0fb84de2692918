/**
 * cdist: p-norm distances between the rows of two batched collections. For p = 2 with more than
 * 25 rows on either side (or compute_mode='use_mm_for_euclid_dist') it takes PyTorch's matrix
 * product route, ‖a‖² − 2a·b + ‖b‖² through one GEMM, clamped at 0 before the square root: the
 * same ops as PyTorch's _euclidean_dist, so the same rounding up to the GEMM's summation order and
 * the same gradients. Otherwise a direct loop, with _cdist_backward's gradients written with ops.
 */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { sumToShape } from '../autograd/helpers.js';
import { broadcastShapes, numelOf } from '../shape.js';
import { allocate, checkTensor, data, typeName } from './util.js';
import * as V from './view.js';
import * as B from './binary.js';
import * as U from './unary.js';
import * as R from './reduce.js';
import * as J from './join.js';
import * as L from './linalg.js';
import { ones_like } from './creation.js';

const MODES = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

export function cdist(x1: Tensor, x2: Tensor, p = 2, compute_mode: string | null = MODES[0]): Tensor {
  checkTensor(x1, 'x1', 'cdist');
  checkTensor(x2, 'x2', 'cdist');
  const mode = compute_mode === null || compute_mode === undefined ? 0 : MODES.indexOf(compute_mode);
  if (mode < 0) throw new RangeError(`${compute_mode} is not a valid value for compute_mode`);
  if (x1.ndim < 2) throw new RangeError(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new RangeError(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  const m = x1.shape[x1.ndim - 1];
  if (m !== x2.shape[x2.ndim - 1]) throw new RangeError(`X1 and X2 must have the same number of columns. X1: ${m} X2: ${x2.shape[x2.ndim - 1]}`);
  if (!x1.dtype.is_floating_point) throw new TypeError(`cdist only supports floating-point dtypes, X1 got: ${typeName(x1.dtype)}`);
  if (!x2.dtype.is_floating_point) throw new TypeError(`cdist only supports floating-point dtypes, X2 got: ${typeName(x2.dtype)}`);
  if (x1.dtype !== x2.dtype) throw new TypeError(`expected scalar type ${typeName(x1.dtype)} but found ${typeName(x2.dtype)}`);
  if (!(p >= 0)) throw new RangeError('cdist only supports non-negative p values');
  const r1 = x1.shape[x1.ndim - 2], r2 = x2.shape[x2.ndim - 2];
  const batch = broadcastShapes(x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const a = V.expand(x1, [...batch, r1, m]), b = V.expand(x2, [...batch, r2, m]);
  if (p === 2 && x1.numel() > 0 && x2.numel() > 0 && (mode === 1 || (mode === 0 && (r1 > 25 || r2 > 25)))) return euclideanByMatmul(a, b);
  const y = allocate([...batch, r1, r2], x1.dtype);
  distances(data(a), data(b), y._storage.data as Float32Array | Float64Array, numelOf(batch), r1, r2, m, p);
  return apply('CdistBackward0', [x1, x2], y, (g) => {
    const diff = B.sub(V.unsqueeze(a, -2), V.unsqueeze(b, -3));
    const dist = V.unsqueeze(y, -1);
    let term: Tensor;
    if (p === 0) term = B.mul(diff, 0);
    else if (p === 1) term = U.sign(diff);
    else if (p === 2) term = B.where(B.eq(dist, 0), 0, B.div(diff, dist));
    else if (p === Infinity) term = B.mul(U.sign(diff), B.eq(U.abs(diff), dist));
    else if (p < 2) term = B.where(B.logical_or(B.eq(dist, 0), B.eq(diff, 0)), 0, B.div(B.mul(U.sign(diff), B.pow(U.abs(diff), p - 1)), B.pow(dist, p - 1)));
    else term = B.where(B.eq(dist, 0), 0, B.div(B.mul(diff, B.pow(U.abs(diff), p - 2)), B.pow(dist, p - 1)));
    const w = B.mul(V.unsqueeze(g, -1), term);
    return [sumToShape(R.sum(w, -2), x1.shape), sumToShape(U.neg(R.sum(w, -3)), x2.shape)];
  }, [y]);
}

/** PyTorch's _euclidean_dist: [−2a, ‖a‖², 1]·[b, 1, ‖b‖²]ᵀ, clamped at 0, square-rooted. */
function euclideanByMatmul(a: Tensor, b: Tensor): Tensor {
  const an = R.sum(B.pow(a, 2), -1, true), bn = R.sum(B.pow(b, 2), -1, true);
  const a_ = J.cat([B.mul(a, -2), an, ones_like(an)], -1);
  const b_ = J.cat([b, ones_like(bn), bn], -1);
  return U.sqrt(U.clamp(L.matmul(a_, V.transpose(b_, -1, -2)), 0, null));
}

/** The direct p-norm over [batch, r1, m] × [batch, r2, m] rows. */
function distances(a: ArrayLike<number>, b: ArrayLike<number>, out: Float32Array | Float64Array, nb: number, r1: number, r2: number, m: number, p: number): void {
  for (let k = 0; k < nb; k++) {
    for (let i = 0; i < r1; i++) {
      const ab = (k * r1 + i) * m;
      for (let j = 0; j < r2; j++) {
        const bb = (k * r2 + j) * m;
        let acc = 0;
        if (p === 2) for (let c = 0; c < m; c++) { const d = a[ab + c] - b[bb + c]; acc += d * d; }
        else if (p === 1) for (let c = 0; c < m; c++) acc += Math.abs(a[ab + c] - b[bb + c]);
        else if (p === Infinity) for (let c = 0; c < m; c++) acc = Math.max(acc, Math.abs(a[ab + c] - b[bb + c]));
        else if (p === 0) for (let c = 0; c < m; c++) acc += a[ab + c] !== b[bb + c] ? 1 : 0;
        else for (let c = 0; c < m; c++) acc += Math.abs(a[ab + c] - b[bb + c]) ** p;
        out[(k * r1 + i) * r2 + j] = p === 2 ? Math.sqrt(acc) : p === 1 || p === 0 || p === Infinity ? acc : acc ** (1 / p);
      }
    }
  }
}
