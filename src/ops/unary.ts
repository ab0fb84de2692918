/** Elementwise unary ops: forward through the backend's `unary` kernel, backward beside each. */
import { Tensor } from '../tensor.js';
import type { UnaryGradOp, UnaryOp } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool, DType, int64 } from '../dtype.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { allocate, allocateForOverwrite, checkTensor, data, floatType, type Scalar } from './util.js';
import * as B from './binary.js';

/** Runs a unary kernel; `float` ops send integer inputs to the default float dtype, as PyTorch does. */
function run(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'input', op);
  const out = allocateForOverwrite(x.shape, dtype);
  K.unary(op, data(x), out._storage.data, out.numel());
  return out;
}

const float = (op: UnaryOp, x: Tensor) => run(op, x, floatType(x.dtype));
const same = (op: UnaryOp, x: Tensor) => run(op, x, x.dtype === bool ? floatTypeForBool(op) : x.dtype);
function floatTypeForBool(op: UnaryOp): DType {
  if (op === 'logical_not') return bool;
  throw new TypeError(`"${op}" not implemented for 'Bool'`);
}

const zerosLike = (g: Tensor) => allocate(g.shape, g.dtype);

/**
 * The gradient of a unary op through the backend's unaryGrad kernel: g is the upstream gradient,
 * `saved` the forward output or input (as the op's kernel entry says). Under create_graph the same
 * formula is recorded with differentiable ops instead (`differentiable`, built in for relu,
 * sigmoid and tanh, whose saved tensor is the output). `param`: leaky_relu's slope, elu's alpha.
 */
export function unaryGrad(op: UnaryGradOp, saved: Tensor, g: Tensor, differentiable?: () => Tensor, param?: number): Tensor {
  if (!is_grad_enabled() || (!g.requires_grad && !saved.requires_grad)) {
    const out = allocateForOverwrite(g.shape, g.dtype);
    K.unaryGrad(op, data(saved), data(g), out._storage.data, out.numel(), param);
    return out;
  }
  if (differentiable) return differentiable();
  if (op === 'relu') return B.where(B.le(saved, 0), 0, g);
  if (op === 'sigmoid') return B.mul(g, B.mul(saved, B.sub(1, saved)));
  if (op === 'tanh') return B.mul(g, B.sub(1, B.mul(saved, saved)));
  throw new Error(`unaryGrad: ${op} needs its differentiable formula under create_graph`);
}

export function neg(x: Tensor): Tensor {
  return apply('NegBackward0', [x], same('neg', x), (g) => [neg(g)]);
}
export function abs(x: Tensor): Tensor {
  return apply('AbsBackward0', [x], same('abs', x), (g) => [B.mul(g, sign(x))], [x]);
}
export function sign(x: Tensor): Tensor {
  return apply('SignBackward0', [x], same('sign', x), (g) => [zerosLike(g)]);
}
export function exp(x: Tensor): Tensor {
  const y = float('exp', x);
  return apply('ExpBackward0', [x], y, (g) => [B.mul(g, y)], [y]);
}
export function log(x: Tensor): Tensor {
  return apply('LogBackward0', [x], float('log', x), (g) => [B.div(g, x)], [x]);
}
export function log1p(x: Tensor): Tensor {
  return apply('Log1PBackward0', [x], float('log1p', x), (g) => [B.div(g, B.add(x, 1))], [x]);
}
export function expm1(x: Tensor): Tensor {
  const y = float('expm1', x);
  return apply('Expm1Backward0', [x], y, (g) => [B.mul(g, B.add(y, 1))], [y]);
}
export function sqrt(x: Tensor): Tensor {
  const y = float('sqrt', x);
  return apply('SqrtBackward0', [x], y, (g) => [B.div(g, B.mul(y, 2))], [y]);
}
export function rsqrt(x: Tensor): Tensor {
  const y = float('rsqrt', x);
  return apply('RsqrtBackward0', [x], y, (g) => [B.mul(B.mul(g, B.pow(y, 3)), -0.5)], [y]);
}
export function sin(x: Tensor): Tensor {
  return apply('SinBackward0', [x], float('sin', x), (g) => [B.mul(g, cos(x))], [x]);
}
export function cos(x: Tensor): Tensor {
  return apply('CosBackward0', [x], float('cos', x), (g) => [B.mul(g, neg(sin(x)))], [x]);
}
export function tanh(x: Tensor): Tensor {
  const y = float('tanh', x);
  return apply('TanhBackward0', [x], y, (g) => [unaryGrad('tanh', y, g)], [y]);
}
export function sigmoid(x: Tensor): Tensor {
  const y = float('sigmoid', x);
  return apply('SigmoidBackward0', [x], y, (g) => [unaryGrad('sigmoid', y, g)], [y]);
}
export function relu(x: Tensor): Tensor {
  if (x.dtype === bool) throw new TypeError(`"clamp_min_cpu" not implemented for 'Bool'`);
  const y = run('relu', x, x.dtype);
  return apply('ReluBackward0', [x], y, (g) => [unaryGrad('relu', y, g)], [y]);
}
export function reciprocal(x: Tensor): Tensor {
  const y = float('reciprocal', x);
  return apply('ReciprocalBackward0', [x], y, (g) => [B.mul(neg(g), B.mul(y, y))], [y]);
}
export function square(x: Tensor): Tensor {
  return apply('PowBackward0', [x], same('square', x), (g) => [B.mul(g, B.mul(x, 2))], [x]);
}
export function erf(x: Tensor): Tensor {
  // d/dx erf(x) = 2/sqrt(pi) * exp(-x^2)
  return apply('ErfBackward0', [x], float('erf', x), (g) => [B.mul(g, B.mul(exp(neg(square(x))), 1.1283791670955126))], [x]);
}
const stepFn = (name: string, op: UnaryOp) => (x: Tensor): Tensor =>
  apply(name, [x], same(op, x), (g) => [zerosLike(g)]);
export const floor = stepFn('FloorBackward0', 'floor');
export const ceil = stepFn('CeilBackward0', 'ceil');
export const round = stepFn('RoundBackward0', 'round');
export const trunc = stepFn('TruncBackward0', 'trunc');

export function logical_not(x: Tensor): Tensor {
  return run('logical_not', x, bool);
}

/** clamp(min, max); either bound may be null. The gradient passes where min <= x <= max. */
export function clamp(x: Tensor, min?: Scalar | null, max?: Scalar | null): Tensor {
  checkTensor(x, 'input', 'clamp');
  const lo = min === undefined || min === null ? -Infinity : Number(min);
  const hi = max === undefined || max === null ? Infinity : Number(max);
  if (lo === -Infinity && hi === Infinity && (min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  // an absent bound is no float; a given one is when it is not an integer (NaN and ±inf included)
  const intBound = (given: unknown, v: number) => given === undefined || given === null || Number.isInteger(v);
  const intBounds = intBound(min, lo) && intBound(max, hi);
  if (x.dtype === bool && [min, max].some((v) => typeof v === 'boolean')) {
    const which = min === undefined || min === null ? 'clamp_max_scalar_cpu' : max === undefined || max === null ? 'clamp_min_scalar_cpu' : 'clamp_scalar_cpu';
    throw new TypeError(`"${which}" not implemented for 'Bool'`);
  }
  // promotion with the bounds: a bool tensor clamped to integers gives int64, as PyTorch
  const dtype = x.dtype.is_floating_point ? x.dtype : !intBounds ? floatType(x.dtype) : x.dtype === bool ? int64 : x.dtype;
  const out = allocateForOverwrite(x.shape, dtype);
  K.clamp(data(x), out._storage.data, out.numel(), lo, hi);
  return apply('ClampBackward1', [x], out, (g) => [B.mul(g, B.logical_and(B.ge(x, lo), B.le(x, hi)))], [x]);
}
