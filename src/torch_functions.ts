/** The `torch.*` function forms of ops that take the tensor first (torch.sum(x, 1) ≡ x.sum(1)). */
import { Tensor, type ReduceResult } from './tensor.js';
import type { DimArg, Scalar, TensorOrScalar } from './ops/util.js';
import type { ReduceOpts, VarOpts, NormOpts } from './ops/reduce.js';
import * as R from './ops/reduce.js';
import * as U from './ops/unary.js';
import * as V from './ops/view.js';
import * as J from './ops/join.js';
import * as C from './ops/convert.js';

export { neg, neg as negative, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, reciprocal, floor, ceil, round, trunc, square, erf, logical_not, clamp, clamp as clip } from './ops/unary.js';
export { add, sub, sub as subtract, mul, mul as multiply, div, div as divide, pow, maximum, minimum, eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_xor, where, masked_fill, equal, allclose } from './ops/binary.js';
export { matmul, mm, bmm, mv, dot, outer, addmm } from './ops/linalg.js';
export { cat, cat as concat, stack, split, chunk } from './ops/join.js';
export { index_select, gather } from './ops/indexing.js';
export { prelu, selu, selu_, celu, celu_, threshold, threshold_, hardshrink, relu_ } from './ops/activation.js';
export { softmax, log_softmax, logsumexp, amax, amin, argmax, argmin, any, all } from './ops/reduce.js';
export { transpose, transpose as swapaxes, t, unsqueeze, squeeze, narrow, select, flatten, unflatten } from './ops/view.js';

export function sum(x: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  return R.sum(x, dim, keepdim, opts);
}
export function mean(x: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  return R.mean(x, dim, keepdim, opts);
}
export function prod(x: Tensor, dim?: number | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  return R.prod(x, dim, keepdim, opts);
}
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): ReduceResult;
export function max(x: Tensor, dim?: unknown, keepdim?: boolean): Tensor | ReduceResult {
  return R.max(x, dim, keepdim);
}
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): ReduceResult;
export function min(x: Tensor, dim?: unknown, keepdim?: boolean): Tensor | ReduceResult {
  return R.min(x, dim, keepdim);
}
export function var_(x: Tensor, dim?: DimArg | VarOpts | boolean, unbiased?: boolean | VarOpts, keepdim?: boolean | VarOpts): Tensor {
  return R.var_(x, dim, unbiased, keepdim);
}
export function std(x: Tensor, dim?: DimArg | VarOpts | boolean, unbiased?: boolean | VarOpts, keepdim?: boolean | VarOpts): Tensor {
  return R.std(x, dim, unbiased, keepdim);
}
export function norm(x: Tensor, p?: number | 'fro' | NormOpts | null, dim?: DimArg | NormOpts, keepdim?: boolean): Tensor {
  return R.norm(x, p, dim, keepdim);
}
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return V.reshape(x, [shape as number[]]);
}
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return V.permute(x, dims);
}
export function clone(x: Tensor): Tensor {
  return C.clone(x);
}
export function detach(x: Tensor): Tensor {
  return C.detach(x);
}
export function numel(x: Tensor): number {
  return x.numel();
}
export function is_tensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
export function is_floating_point(x: Tensor): boolean {
  return x.dtype.is_floating_point;
}
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  const d = dims.length < x.ndim ? [...new Array(x.ndim - dims.length).fill(1), ...dims] : dims;
  return J.repeat(x, d);
}
export type { Scalar, TensorOrScalar };
