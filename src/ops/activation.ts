/**
 * Every activation of torch.nn.functional, with its gradient.
 *
 * Forwards run through the backend's kernels where the contract has one (relu, sigmoid, tanh,
 * gelu, gelu_tanh, silu, softplus, softmax: the hot paths a native backend accelerates), else
 * through other ops on the detached input; the op then records one graph node named as PyTorch
 * names it, whose backward is written with ops, so double backward works everywhere.
 * Branches that could overflow (exp of a large input) are fed clamped inputs, so no inf ever
 * meets a zero, in the forward or in any gradient.
 */
import { Tensor } from '../tensor.js';
import type { UnaryOp } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool, type DTypeLike } from '../dtype.js';
import { normDim } from '../shape.js';
import { allocateForOverwrite, checkTensor, data, typeName } from './util.js';
import { inplace as inPlace, unary_ } from './inplace.js';
import * as U from './unary.js';
import * as B from './binary.js';
import * as R from './reduce.js';
import * as V from './view.js';
import * as J from './join.js';
import { intoOut, type Out } from './out.js';

export { sigmoid, tanh } from './unary.js';

/** Ops PyTorch implements for floating types only name their CPU kernel when refusing others. */
function floatOnly(x: Tensor, fn: string, kernel: string): void {
  checkTensor(x, 'input', fn);
  if (!x.dtype.is_floating_point) throw new TypeError(`"${kernel}" not implemented for '${typeName(x.dtype)}'`);
}

/** `inplace=True` writes the result into the input, through the shared in-place machinery. */
function maybeInplace(x: Tensor, inplace: unknown, f: (x: Tensor) => Tensor): Tensor {
  return inplace ? inPlace(x, f) : f(x);
}

/** A unary kernel over a floating tensor, into a new tensor of the same dtype. */
function kernel(op: UnaryOp, x: Tensor, param?: number): Tensor {
  const out = allocateForOverwrite(x.shape, x.dtype);
  K.unary(op, data(x), out._storage.data, out.numel(), param);
  return out;
}

/** Records y = f(x) with the gradient `backward(g)`, which reads the (saved) input x. */
function record(name: string, x: Tensor, y: Tensor, backward: (g: Tensor) => Tensor): Tensor {
  return apply(name, [x], y, (g) => [backward(g)], [x]);
}

const inRange = (x: Tensor, lo: number, hi: number) => B.logical_and(B.ge(x, lo), B.le(x, hi));

// ---- rectifiers ---------------------------------------------------------------------------------

export function relu(input: Tensor, ip = false): Tensor {
  checkTensor(input, 'input', 'relu');
  return ip ? unary_(input, 'relu', U.relu) : U.relu(input);
}
export function relu_(input: Tensor): Tensor {
  return relu(input, true);
}

/** clamp(x, min_val, max_val); the gradient passes strictly inside (min_val, max_val), as PyTorch's. */
export function hardtanh(input: Tensor, min_val = -1, max_val = 1, inplace = false): Tensor {
  return hardtanhImpl(input, min_val, max_val, inplace);
}
export function hardtanh_(input: Tensor, min_val = -1, max_val = 1): Tensor {
  return hardtanhImpl(input, min_val, max_val, true);
}

function hardtanhImpl(input: Tensor, lo: number, hi: number, ip: unknown): Tensor {
  checkTensor(input, 'input', 'hardtanh');
  if (input.dtype === bool) throw new TypeError('Bool inputs not supported for hardtanh');
  return maybeInplace(input, ip, (x) => {
    const c = U.clamp(x.detach(), lo, hi);
    // integer inputs stay integer (fractional bounds truncate), as in PyTorch
    const y = c.dtype === x.dtype ? c : c.to(x.dtype);
    return record('HardtanhBackward0', x, y, (g) => B.where(B.logical_and(B.gt(x, lo), B.lt(x, hi)), g, 0));
  });
}

export function relu6(input: Tensor, ip = false): Tensor {
  return hardtanhImpl(input, 0, 6, ip);
}

export function leaky_relu(input: Tensor, negative_slope = 0.01, inplace = false): Tensor {
  return leakyImpl(input, negative_slope, inplace);
}
export function leaky_relu_(input: Tensor, negative_slope = 0.01): Tensor {
  return leakyImpl(input, negative_slope, true);
}

function leakyImpl(input: Tensor, slope: number, ip: unknown): Tensor {
  floatOnly(input, 'leaky_relu', 'leaky_relu_cpu');
  return maybeInplace(input, ip, (x) => {
    const y = kernel('leaky_relu', x.detach(), slope);
    return record('LeakyReluBackward0', x, y, (g) =>
      U.unaryGrad('leaky_relu', x, g, () => B.where(B.gt(x, 0), g, B.mul(g, slope)), slope));
  });
}

/**
 * max(0, x) + weight·min(0, x), weight a single value or one per channel (dim 1).
 * The weight's gradient sums over every dim but the channel.
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  checkTensor(input, 'input', 'prelu');
  checkTensor(weight, 'weight', 'prelu');
  if (weight.ndim > 1) throw new RangeError(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${weight.ndim}`);
  floatOnly(input, 'prelu', 'prelu_cpu');
  if (weight.dtype !== input.dtype) throw new TypeError(`Found dtype ${typeName(weight.dtype)} but expected ${typeName(input.dtype)}`);
  const channels = input.ndim >= 2 ? input.shape[1] : 1;
  const nw = weight.numel();
  if (nw !== 1 && nw !== channels) {
    throw new RangeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${nw} and channel size = ${channels}.`);
  }
  // the weight as a scalar, or as [C, 1, ..., 1] so it broadcasts along dim 1
  const wShape = nw === 1 ? [] : [nw, ...new Array<number>(input.ndim - 2).fill(1)];
  const shaped = (w: Tensor) => V.reshape(w, [wShape]);
  const d = input.detach();
  const y = B.where(B.gt(d, 0), d, B.mul(shaped(weight.detach()), d));
  const x = input;
  return apply('PreluBackward0', [x, weight], y, (g, needs) => {
    const pos = B.gt(x, 0);
    const gx = needs[0] ? B.where(pos, g, B.mul(g, shaped(weight))) : null;
    let gw: Tensor | null = null;
    if (needs[1]) {
      const full = B.where(pos, 0, B.mul(g, x));
      const dims = nw === 1 ? null : [...Array(x.ndim).keys()].filter((i) => i !== 1);
      gw = V.reshape(R.sum(full, dims), [weight.shape as number[]]);
    }
    return [gx, gw];
  }, [x, weight]);
}

// ---- exponential linear units -------------------------------------------------------------------

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * PyTorch's elu kernel: scale·x for x > 0, else scale·alpha·(exp(x·input_scale) − 1).
 * We use expm1, so tiny negative inputs keep their digits (PyTorch 1.13's exp − 1 loses them).
 */
function eluImpl(name: string, fn: string, input: Tensor, alpha: number, scale: number, inputScale: number, ip: unknown): Tensor {
  floatOnly(input, fn, 'elu_cpu');
  const negcoef = alpha * scale;
  const scaled = (t: Tensor) => (inputScale === 1 ? t : B.mul(t, inputScale));
  const times = (t: Tensor, c: number) => (c === 1 ? t : B.mul(t, c));
  const composite = scale !== 1 || inputScale !== 1;  // selu, celu: elu's kernels cover scale 1 only
  return maybeInplace(input, ip, (x) => {
    const d = x.detach();
    const y = composite ? B.where(B.gt(d, 0), times(d, scale), times(U.expm1(scaled(U.clamp(d, null, 0))), negcoef)) : kernel('elu', d, alpha);
    const backward = (g: Tensor) =>
      B.where(B.le(x, 0), B.mul(g, times(U.exp(scaled(U.clamp(x, null, 0))), negcoef * inputScale)), times(g, scale));
    return record(name, x, y, (g) => (composite ? backward(g) : U.unaryGrad('elu', x, g, () => backward(g), alpha)));
  });
}

export function elu(input: Tensor, alpha = 1, inplace = false): Tensor {
  return eluImpl('EluBackward0', 'elu', input, alpha, 1, 1, inplace);
}
export function elu_(input: Tensor, alpha = 1): Tensor {
  return eluImpl('EluBackward0', 'elu_', input, alpha, 1, 1, true);
}

/** scale·elu(x, alpha) with the self-normalising constants of Klambauer et al. */
export function selu(input: Tensor, ip = false): Tensor {
  return eluImpl('EluBackward0', 'selu', input, SELU_ALPHA, SELU_SCALE, 1, ip);
}
export function selu_(input: Tensor): Tensor {
  return selu(input, true);
}

/** max(0, x) + min(0, alpha·(exp(x/alpha) − 1)). */
export function celu(input: Tensor, alpha = 1, inplace = false): Tensor {
  return celuImpl(input, alpha, inplace);
}
export function celu_(input: Tensor, alpha = 1): Tensor {
  return celuImpl(input, alpha, true);
}
function celuImpl(input: Tensor, alpha: number, ip: unknown): Tensor {
  if (alpha === 0) throw new Error('ZeroDivisionError: alpha cannot be 0 for CELU');
  return eluImpl('CeluBackward0', 'celu', input, alpha, 1, 1 / alpha, ip);
}

// ---- smooth gates -------------------------------------------------------------------------------

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_2_PI = 0.7978845608028654; // √(2/π)
const KAPPA = 0.044715;

/** x·Φ(x), or PyTorch's tanh approximation with approximate='tanh'. */
export function gelu(input: Tensor, ap: 'none' | 'tanh' = 'none'): Tensor {
  checkTensor(input, 'input', 'gelu');
  if (ap !== 'none' && ap !== 'tanh') throw new Error('approximate argument must be either none or tanh.');
  floatOnly(input, 'gelu', 'GeluKernelImpl');
  const x = input;
  if (ap === 'none') {
    return record('GeluBackward0', x, kernel('gelu', x), (g) => U.unaryGrad('gelu', x, g, () => {
      // Φ(x) + x·φ(x)
      const cdf = B.mul(B.add(U.erf(B.mul(x, SQRT1_2)), 1), 0.5);
      const pdf = B.mul(U.exp(B.mul(U.square(x), -0.5)), INV_SQRT_2PI);
      return B.mul(g, B.add(cdf, B.mul(x, pdf)));
    }));
  }
  return record('GeluBackward0', x, kernel('gelu_tanh', x), (g) => U.unaryGrad('gelu_tanh', x, g, () => {
    // d/dx ½x(1 + tanh(u)), u = √(2/π)(x + κx³), as PyTorch's GeluBackward writes it
    const x2 = U.square(x);
    const t = U.tanh(B.mul(B.add(x, B.mul(B.mul(x2, x), KAPPA)), SQRT_2_PI));
    const left = B.mul(B.add(t, 1), 0.5);
    const du = B.mul(B.add(B.mul(x2, 3 * KAPPA), 1), SQRT_2_PI);
    const right = B.mul(B.mul(B.mul(x, 0.5), B.sub(1, U.square(t))), du);
    return B.mul(g, B.add(left, right));
  }));
}

/** x·sigmoid(x). */
export function silu(input: Tensor, ip = false): Tensor {
  floatOnly(input, 'silu', 'silu_cpu');
  return maybeInplace(input, ip, (x) =>
    record('SiluBackward0', x, kernel('silu', x), (g) => U.unaryGrad('silu', x, g, () => {
      const s = U.sigmoid(x);
      return B.mul(B.mul(g, s), B.add(B.mul(x, B.sub(1, s)), 1));
    })));
}

/** x·tanh(softplus(x)). */
export function mish(input: Tensor, ip = false): Tensor {
  floatOnly(input, 'mish', 'mish_cpu');
  return maybeInplace(input, ip, (x) => {
    const d = x.detach();
    // the kernel's threshold at 20 is exact here: tanh(x) rounds to 1 well before it
    const y = B.mul(d, U.tanh(kernel('softplus', d)));
    return record('MishBackward0', x, y, (g) => {
      const t = U.tanh(softplusDefault(x));
      return B.mul(g, B.add(t, B.mul(B.mul(x, U.sigmoid(x)), B.sub(1, U.square(t)))));
    });
  });
}

/** softplus(x) with beta = 1 and threshold = 20 as a differentiable op (for gradients). */
function softplusDefault(x: Tensor): Tensor {
  return record('SoftplusBackward0', x, kernel('softplus', x.detach()), (g) =>
    U.unaryGrad('softplus', x, g, () => B.where(B.gt(x, 20), g, B.mul(g, U.sigmoid(x)))));
}

/**
 * log(1 + exp(beta·x))/beta, and x itself where beta·x > threshold (PyTorch's switch).
 * The gradient is sigmoid(beta·x), evaluated stably (PyTorch's z/(z+1) is NaN once exp overflows).
 */
export function softplus(input: Tensor, b = 1, th = 20): Tensor {
  floatOnly(input, 'softplus', 'softplus_cpu');
  if (b === 1 && th === 20) return softplusDefault(input);
  const x = input, d = input.detach();
  const bx = B.mul(d, b);
  // the kernel switches at 20; above that only the stable form is exact up to the threshold
  const sp = th <= 20 ? kernel('softplus', bx) : B.add(U.relu(bx), U.log1p(U.exp(U.neg(U.abs(bx)))));
  const y = B.where(B.gt(bx, th), d, B.div(sp, b));
  return record('SoftplusBackward0', x, y, (g) => {
    const bxg = B.mul(x, b);
    return B.where(B.gt(bxg, th), g, B.mul(g, U.sigmoid(bxg)));
  });
}

/** x / (1 + |x|): composite, as in PyTorch (so its grad_fn is DivBackward0). */
export function softsign(input: Tensor): Tensor {
  checkTensor(input, 'input', 'softsign');
  return B.div(input, B.add(U.abs(input), 1));
}

/** relu6(x + 3)/6; the gradient 1/6 strictly inside (−3, 3). */
export function hardsigmoid(input: Tensor, ip = false): Tensor {
  floatOnly(input, 'hardsigmoid', 'hardsigmoid_cpu');
  return maybeInplace(input, ip, (x) => {
    const y = B.div(U.clamp(B.add(x.detach(), 3), 0, 6), 6);
    return record('HardsigmoidBackward0', x, y, (g) => B.where(B.logical_and(B.gt(x, -3), B.lt(x, 3)), B.div(g, 6), 0));
  });
}

/**
 * x·relu6(x + 3)/6; the gradient is 0 below −3, x/3 + ½ on [−3, 3), 1 from 3 on: PyTorch's
 * vectorised kernel (its scalar tail says x/3 + ½ at exactly 3; the vector path is what most
 * elements of a real tensor see).
 */
export function hardswish(input: Tensor, ip = false): Tensor {
  floatOnly(input, 'hardswish', 'hardswish_cpu');
  return maybeInplace(input, ip, (x) =>
    record('HardswishBackward0', x, kernel('hardswish', x.detach()), (g) => U.unaryGrad('hardswish', x, g, () =>
      B.where(B.lt(x, -3), 0, B.where(B.ge(x, 3), g, B.mul(g, B.add(B.div(x, 3), 0.5)))))));
}

/** log(sigmoid(x)) = min(x, 0) − log1p(exp(−|x|)): exact and finite for every x. */
export function logsigmoid(input: Tensor): Tensor {
  floatOnly(input, 'logsigmoid', 'log_sigmoid_cpu');
  const d = input.detach();
  const y = B.sub(U.clamp(d, null, 0), U.log1p(U.exp(U.neg(U.abs(d)))));
  return record('LogSigmoidBackward0', input, y, (g) => B.mul(g, U.sigmoid(U.neg(input))));
}

// ---- softmax family -----------------------------------------------------------------------------

/** PyTorch's legacy choice when dim is None: 0 for 0-, 1- and 3-d inputs, else 1. */
function implicitDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

function softmaxArgs(fn: string, input: Tensor, dim?: number | null, dtype?: DTypeLike | null): [Tensor, number] {
  checkTensor(input, 'input', fn);
  const x = dtype === null || dtype === undefined ? input : input.to(dtype as DTypeLike);
  return [x, dim === null || dim === undefined ? implicitDim(x.ndim) : (dim as number)];
}

/** F.softmax(input, dim=None, _stacklevel=3, dtype=None): torch.softmax plus the casting dtype. */
export function softmax(input: Tensor, dim?: number | null, _stacklevel = 3, dtype?: DTypeLike | null): Tensor {
  void _stacklevel; // a Python warnings detail, kept so positional calls line up
  const [x, d] = softmaxArgs('softmax', input, dim, dtype);
  return R.softmax(x, d);
}
export function log_softmax(input: Tensor, dim?: number | null, _stacklevel = 3, dtype?: DTypeLike | null): Tensor {
  void _stacklevel; // a Python warnings detail, kept so positional calls line up
  const [x, d] = softmaxArgs('log_softmax', input, dim, dtype);
  return R.log_softmax(x, d);
}
/** softmax(−x). */
export function softmin(input: Tensor, dim?: number | null, _stacklevel = 3, dtype?: DTypeLike | null): Tensor {
  void _stacklevel; // a Python warnings detail, kept so positional calls line up
  const [x, d] = softmaxArgs('softmin', input, dim, dtype);
  return R.softmax(U.neg(x), d);
}

// ---- thresholds and shrinkage -------------------------------------------------------------------

/** value where x <= threshold, else x (NaN stays NaN, as PyTorch's `x <= t ? value : x`). */
export function threshold(input: Tensor, threshold: number, value: number, inplace = false, out?: Out): Tensor {
  if (out !== null && out !== undefined) return intoOut('threshold', out, thresholdImpl('threshold', input, threshold, value, false), { inputs: [input], rule: 'cast', elementwise: true });
  return thresholdImpl('threshold', input, threshold, value, inplace);
}
export function threshold_(input: Tensor, threshold: number, value: number): Tensor {
  return thresholdImpl('threshold_', input, threshold, value, true);
}
function thresholdImpl(fn: string, input: Tensor, th: number, value: number, ip: unknown): Tensor {
  checkTensor(input, 'input', fn);
  if (input.dtype === bool) throw new TypeError(`"threshold_cpu" not implemented for 'Bool'`);
  return maybeInplace(input, ip, (x) => {
    const d = x.detach();
    const w = B.where(B.le(d, th), value, d);
    const y = w.dtype === x.dtype ? w : w.to(x.dtype);
    return record('ThresholdBackward0', x, y, (g) => B.where(B.le(x, th), 0, g));
  });
}

/** x − tanh(x): composite, as in PyTorch (grad_fn SubBackward0). */
export function tanhshrink(input: Tensor): Tensor {
  checkTensor(input, 'input', 'tanhshrink');
  return B.sub(input, U.tanh(input));
}

/** 0 on [−lambd, lambd], x elsewhere. */
export function hardshrink(input: Tensor, l = 0.5, out?: Out): Tensor {
  floatOnly(input, 'hardshrink', 'hardshrink_cpu');
  const d = input.detach();
  const y = B.where(inRange(d, -l, l), 0, d);
  return intoOut('hardshrink', out, record('HardshrinkBackward0', input, y, (g) => B.where(inRange(input, -l, l), 0, g)), { inputs: [input], rule: 'same', elementwise: true });
}

/** 0 on [−lambd, lambd], x ∓ lambd outside: shrinks toward zero. */
export function softshrink(input: Tensor, l = 0.5): Tensor {
  if (l < 0) throw new RangeError(`lambda must be greater or equal to 0, but found to be ${l}.`);
  floatOnly(input, 'softshrink', 'softshrink_cpu');
  const d = input.detach();
  const y = B.where(B.gt(d, l), B.sub(d, l), B.where(B.lt(d, -l), B.add(d, l), 0));
  return record('SoftshrinkBackward0', input, y, (g) => B.where(inRange(input, -l, l), 0, g));
}

// ---- gated linear unit --------------------------------------------------------------------------

/** a·sigmoid(b), where a and b are the two halves of the input along dim. */
export function glu(input: Tensor, dim = -1): Tensor {
  checkTensor(input, 'input', 'glu');
  if (input.ndim === 0) throw new RangeError('glu does not support scalars because halving size must be even');
  const d = normDim(dim, input.ndim);
  const n = input.shape[d];
  if (n % 2 !== 0) throw new RangeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  floatOnly(input, 'glu', 'glu_cpu');
  const h = n / 2;
  const halves = (t: Tensor) => [V.narrow(t, d, 0, h), V.narrow(t, d, h, h)];
  const [a, b] = halves(input.detach());
  const y = B.mul(a, U.sigmoid(b));
  return record('GluBackward0', input, y, (g) => {
    const [xa, xb] = halves(input);
    const s = U.sigmoid(xb);
    const ga = B.mul(g, s);
    return J.cat([ga, B.mul(B.mul(ga, xa), B.sub(1, s))], d);
  });
}
