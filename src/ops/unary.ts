/** Elementwise unary ops: forward through the backend's `unary` kernel, backward beside each. */
import { Tensor } from '../tensor.js';
import type { UnaryGradOp, UnaryOp } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool, DType, int64 } from '../dtype.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { allocate, allocateForOverwrite, checkTensor, data, floatType, type Scalar } from './util.js';
import * as B from './binary.js';
import { finishOut, outTarget, type DTypeRule, type Out } from './out.js';

/**
 * Runs a unary kernel into a fresh tensor, or into `out` (straight into its memory when it fits);
 * `float` ops send integer inputs to the default float dtype, as PyTorch does.
 */
function run(op: UnaryOp, x: Tensor, dtype: DType, out?: Out, rule: DTypeRule = 'same'): Tensor {
  checkTensor(x, 'input', op);
  const dst = out === null || out === undefined ? allocateForOverwrite(x.shape, dtype)
    : outTarget(op, out, x.shape, dtype, { inputs: [x], rule, elementwise: true, differentiable: op !== 'logical_not' });
  K.unary(op, data(x), dst === out ? data(dst) : dst._storage.data, dst.numel());
  return dst;
}

// float ops accept any out their result can be cast to; the others want out of the result's dtype
const float = (op: UnaryOp, x: Tensor, out?: Out) => run(op, x, floatType(x.dtype), out, 'cast');
const same = (op: UnaryOp, x: Tensor, out?: Out) => run(op, x, x.dtype === bool ? floatTypeForBool(op) : x.dtype, out);
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

export function neg(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('NegBackward0', [x], same('neg', x, out), (g) => [neg(g)]), out);
}
export function abs(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('AbsBackward0', [x], same('abs', x, out), (g) => [B.mul(g, sign(x))], [x]), out);
}
export function sign(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('SignBackward0', [x], same('sign', x, out), (g) => [zerosLike(g)]), out);
}
export function exp(x: Tensor, out?: Out): Tensor {
  const y = float('exp', x, out);
  return finishOut(apply('ExpBackward0', [x], y, (g) => [B.mul(g, y)], [y]), out);
}
export function log(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('LogBackward0', [x], float('log', x, out), (g) => [B.div(g, x)], [x]), out);
}
export function log1p(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('Log1PBackward0', [x], float('log1p', x, out), (g) => [B.div(g, B.add(x, 1))], [x]), out);
}
export function expm1(x: Tensor, out?: Out): Tensor {
  const y = float('expm1', x, out);
  return finishOut(apply('Expm1Backward0', [x], y, (g) => [B.mul(g, B.add(y, 1))], [y]), out);
}
export function sqrt(x: Tensor, out?: Out): Tensor {
  const y = float('sqrt', x, out);
  return finishOut(apply('SqrtBackward0', [x], y, (g) => [B.div(g, B.mul(y, 2))], [y]), out);
}
export function rsqrt(x: Tensor, out?: Out): Tensor {
  const y = float('rsqrt', x, out);
  return finishOut(apply('RsqrtBackward0', [x], y, (g) => [B.mul(B.mul(g, B.pow(y, 3)), -0.5)], [y]), out);
}
export function sin(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('SinBackward0', [x], float('sin', x, out), (g) => [B.mul(g, cos(x))], [x]), out);
}
export function cos(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('CosBackward0', [x], float('cos', x, out), (g) => [B.mul(g, neg(sin(x)))], [x]), out);
}
export function tanh(x: Tensor, out?: Out): Tensor {
  const y = float('tanh', x, out);
  return finishOut(apply('TanhBackward0', [x], y, (g) => [unaryGrad('tanh', y, g)], [y]), out);
}
export function sigmoid(x: Tensor, out?: Out): Tensor {
  const y = float('sigmoid', x, out);
  return finishOut(apply('SigmoidBackward0', [x], y, (g) => [unaryGrad('sigmoid', y, g)], [y]), out);
}
export function relu(x: Tensor): Tensor {
  if (x.dtype === bool) throw new TypeError(`"clamp_min_cpu" not implemented for 'Bool'`);
  const y = run('relu', x, x.dtype);
  return apply('ReluBackward0', [x], y, (g) => [unaryGrad('relu', y, g)], [y]);
}
export function reciprocal(x: Tensor, out?: Out): Tensor {
  const y = float('reciprocal', x, out);
  return finishOut(apply('ReciprocalBackward0', [x], y, (g) => [B.mul(neg(g), B.mul(y, y))], [y]), out);
}
export function square(x: Tensor, out?: Out): Tensor {
  return finishOut(apply('PowBackward0', [x], same('square', x, out), (g) => [B.mul(g, B.mul(x, 2))], [x]), out);
}
export function erf(x: Tensor, out?: Out): Tensor {
  // d/dx erf(x) = 2/sqrt(pi) * exp(-x^2)
  return finishOut(apply('ErfBackward0', [x], float('erf', x, out), (g) => [B.mul(g, B.mul(exp(neg(square(x))), 1.1283791670955126))], [x]), out);
}
const stepFn = (name: string, op: UnaryOp) => (x: Tensor, out?: Out): Tensor =>
  finishOut(apply(name, [x], same(op, x, out), (g) => [zerosLike(g)]), out);
export const floor = stepFn('FloorBackward0', 'floor');
export const ceil = stepFn('CeilBackward0', 'ceil');
export const round = stepFn('RoundBackward0', 'round');
export const trunc = stepFn('TruncBackward0', 'trunc');

export function logical_not(x: Tensor, out?: Out): Tensor {
  return finishOut(run('logical_not', x, bool, out, 'cast'), out);
}

/** clamp(min, max); either bound may be null. The gradient passes where min <= x <= max. */
export function clamp(x: Tensor, min?: Scalar | null, max?: Scalar | null, out?: Out, fn = 'clamp'): Tensor {
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
  const dst = out === null || out === undefined ? allocateForOverwrite(x.shape, dtype) : outTarget(fn, out, x.shape, dtype, { inputs: [x], rule: 'same', elementwise: true });
  K.clamp(data(x), dst === out ? data(dst) : dst._storage.data, dst.numel(), lo, hi);
  return finishOut(apply('ClampBackward1', [x], dst, (g) => [B.mul(g, B.logical_and(B.ge(x, lo), B.le(x, hi)))], [x]), out);
}
