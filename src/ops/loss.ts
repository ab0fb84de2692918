/**
 * Losses of torch.nn.functional, in PyTorch's argument order (legacy size_average/reduce
 * included) with a trailing options object accepted. Pointwise losses are one graph node each
 * with PyTorch's backward formulas, as its fused kernels are; nll_loss picks the target's
 * log-probabilities with gather (its gradient scatters back, no one-hot matrix is ever built) and
 * cross_entropy is log_softmax followed by it.
 */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { int64 } from '../dtype.js';
import { broadcastShapes, shapesEqual, sizeStr } from '../shape.js';
import { checkTensor, data, typeName } from './util.js';
import { gather } from './indexing.js';
import * as B from './binary.js';
import * as U from './unary.js';
import * as R from './reduce.js';
import * as V from './view.js';

export type Reduction = 'none' | 'mean' | 'sum';
type Legacy = boolean | null;

export interface ReductionOptions {
  size_average?: Legacy;
  reduce?: Legacy;
  reduction?: Reduction;
}
export interface SmoothL1Options extends ReductionOptions {
  beta?: number;
}
export interface HuberOptions {
  reduction?: Reduction;
  delta?: number;
}
export interface NLLOptions extends ReductionOptions {
  weight?: Tensor | null;
  ignore_index?: number;
}
export interface CrossEntropyOptions extends NLLOptions {
  label_smoothing?: number;
}
export interface BCEOptions extends ReductionOptions {
  weight?: Tensor | null;
}
export interface BCEWithLogitsOptions extends BCEOptions {
  pos_weight?: Tensor | null;
}
export interface KLDivOptions {
  size_average?: Legacy;
  reduce?: Legacy;
  reduction?: Reduction | 'batchmean';
  log_target?: boolean;
}

type Args = Record<string, unknown>;

/** The reduction, from the legacy pair when either is given (as torch.nn._reduction), else validated. */
function reductionOf(o: Args, batchmean = false): Reduction {
  const sa = o.size_average ?? null, rd = o.reduce ?? null;
  if (sa !== null || rd !== null) {
    const avg = sa === null || Boolean(sa), red = rd === null || Boolean(rd);
    return avg && red ? 'mean' : red ? 'sum' : 'none';
  }
  const r = o.reduction === undefined ? 'mean' : o.reduction;
  if (r === 'none' || r === 'mean' || r === 'sum' || (batchmean && r === 'batchmean')) return r as Reduction;
  throw new RangeError(`${r === null ? 'None' : String(r)} is not a valid value for reduction`);
}

function optionalTensor(v: unknown, name: string, fn: string): Tensor | null {
  if (v === undefined || v === null) return null;
  checkTensor(v, name, fn);
  return v;
}

function checkPair(fn: string, input: unknown, target: unknown): asserts input is Tensor {
  checkTensor(input, 'input', fn);
  checkTensor(target, 'target', fn);
}

function reduceLoss(e: Tensor, r: Reduction): Tensor {
  return r === 'none' ? e : r === 'mean' ? R.mean(e) : R.sum(e);
}

/** The upstream gradient per element: mean spreads it over the n elements. */
function gradScale(g: Tensor, r: Reduction, n: number): Tensor {
  return r === 'mean' ? B.div(g, n) : g;
}

/**
 * A loss of d = input − target as one node: `loss` gives the unreduced values, `deriv` their
 * derivative in d (the input's gradient; the target's is its negation). Broadcasting is PyTorch's.
 */
function pointwise(name: string, kernel: string, input: Tensor, target: Tensor, o: Args, loss: (d: Tensor) => Tensor, deriv: (d: Tensor) => Tensor): Tensor {
  const d = no_grad(() => B.sub(input, target));
  const r = reductionOf(o);
  if (!d.dtype.is_floating_point) throw new TypeError(`"${kernel}" not implemented for '${typeName(d.dtype)}'`);
  const e = no_grad(() => loss(d));
  const out = no_grad(() => reduceLoss(e, r));
  const n = e.numel();
  return apply(name, [input, target], out, (g, needs) => {
    // under create_graph, d is rebuilt from the inputs so the gradient is differentiable too
    const dd = is_grad_enabled() ? B.sub(input, target) : d;
    const gi = B.mul(gradScale(g, r, n), deriv(dd));
    return [needs[0] ? gi : null, needs[1] ? U.neg(gi) : null];
  }, [input, target]);
}

// ---- regression -------------------------------------------------------------------------------

export function mse_loss(input: Tensor, target: Tensor, size_average?: Legacy, reduce?: Legacy, reduction?: Reduction): Tensor {
  const o: Args = { size_average, reduce, reduction };
  checkPair('mse_loss', input, target);
  return pointwise('MseLossBackward0', 'mse_cpu', input, target, o, (d) => B.mul(d, d), (d) => B.mul(d, 2));
}

/** |input − target|, composed of ops as PyTorch's l1_loss is (so its grad_fn is AbsBackward0 / MeanBackward0). */
export function l1_loss(input: Tensor, target: Tensor, size_average?: Legacy, reduce?: Legacy, reduction?: Reduction): Tensor {
  const o: Args = { size_average, reduce, reduction };
  checkPair('l1_loss', input, target);
  const d = B.sub(input, target);
  return reduceLoss(U.abs(d), reductionOf(o));
}

export function smooth_l1_loss(input: Tensor, target: Tensor, size_average?: Legacy, reduce?: Legacy, reduction?: Reduction, beta?: number): Tensor {
  const o: Args = { size_average, reduce, reduction, beta };
  checkPair('smooth_l1_loss', input, target);
  const b = Number(o.beta ?? 1.0);
  if (b < 0) throw new RangeError('smooth_l1_loss does not support negative values for beta.');
  // beta = 0 is l1 (PyTorch switches to it rather than divide by zero)
  if (b === 0) return pointwise('SmoothL1LossBackward0', 'smooth_l1_cpu', input, target, o, (d) => U.abs(d), (d) => U.sign(d));
  return pointwise('SmoothL1LossBackward0', 'smooth_l1_cpu', input, target, o,
    (d) => {
      const z = U.abs(d);
      return B.where(B.lt(z, b), B.div(B.mul(B.mul(z, 0.5), z), b), B.sub(z, 0.5 * b));
    },
    (d) => B.where(B.le(d, -b), -1, B.where(B.ge(d, b), 1, B.div(d, b))));
}

export function huber_loss(input: Tensor, target: Tensor, reduction?: Reduction, delta?: number): Tensor {
  const o: Args = { reduction, delta };
  checkPair('huber_loss', input, target);
  const dl = Number(o.delta ?? 1.0);
  if (!(dl > 0)) throw new RangeError('huber_loss does not support non-positive values for delta.');
  return pointwise('HuberLossBackward0', 'huber_cpu', input, target, o,
    (d) => {
      const z = U.abs(d);
      return B.where(B.lt(z, dl), B.mul(B.mul(z, 0.5), z), B.mul(B.sub(z, 0.5 * dl), dl));
    },
    (d) => B.where(B.le(d, -dl), -dl, B.where(B.ge(d, dl), dl, d)));
}

// ---- classification -------------------------------------------------------------------------

/** PyTorch's checks of nll_loss_nd, nll_loss and nll_loss2d, with their messages. */
function checkNll(input: Tensor, target: Tensor, weight: Tensor | null): void {
  const nd = input.ndim, dims = (s: readonly number[]) => `[${s.join(', ')}]`;
  if (nd < 1) throw new RangeError(`Expected 1 or more dimensions (got ${nd})`);
  if (nd !== 1 && input.shape[0] !== (target.shape[0] ?? 0)) {
    throw new RangeError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0] ?? 0}).`);
  }
  const C = input.shape[nd === 1 ? 0 : 1];
  const allOrNone = 'weight tensor should be defined either for all or no classes';
  if (nd <= 2) {
    if (target.ndim > 1) throw new RangeError('0D or 1D target tensor expected, multi-target not supported');
    if (!(nd === 1 && target.ndim === 0) && input.shape[0] !== target.shape[0]) {
      throw new RangeError(`size mismatch (got input: ${dims(input.shape)}, target: ${dims(target.shape)})`);
    }
    if (weight && (weight.ndim !== 1 || weight.numel() !== C)) {
      throw new RangeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${dims(weight.shape)}`);
    }
  } else if (nd === 4) {
    if (target.ndim !== 3) throw new RangeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.ndim}`);
    if (weight && weight.numel() !== C) throw new RangeError(allOrNone);
    if (input.shape[2] !== target.shape[1] || input.shape[3] !== target.shape[2]) {
      throw new RangeError(`size mismatch (got input: ${dims(input.shape)} , target: ${dims(target.shape)}`);
    }
  } else {
    if (!shapesEqual(target.shape.slice(1), input.shape.slice(2))) {
      throw new RangeError(`Expected target size ${dims([input.shape[0], ...input.shape.slice(2)])}, got ${dims(target.shape)}`);
    }
    if (weight && weight.numel() !== C) throw new RangeError(allOrNone);
  }
  if (!input.dtype.is_floating_point) throw new TypeError(`"nll_loss_out_frame" not implemented for '${typeName(input.dtype)}'`);
  if (target.dtype !== int64) throw new TypeError(`expected scalar type Long but found ${typeName(target.dtype)}`);
  if (weight && weight.dtype !== input.dtype) throw new TypeError(`expected scalar type ${typeName(input.dtype)} but found ${typeName(weight.dtype)}`);
}

/**
 * −weight[t]·input[.., t, ..] per target element, reduced; mean divides by the summed weights of
 * the targets not ignored (returned as `total`, which label smoothing reuses).
 */
function nllImpl(input: Tensor, target: Tensor, weight: Tensor | null, r: Reduction, ignoreIndex: number): { out: Tensor; total: number } {
  checkNll(input, target, weight);
  // PyTorch reads only the first target of a 1-d input, whatever the target's length
  if (input.ndim === 1 && target.ndim === 1) target = V.select(target, 0, 0);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  const t = data(target);
  const w = weight ? data(weight) : null;
  const n = t.length;
  const idx = new Float64Array(n);
  const coef = new input.dtype.Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = t[i];
    if (c === ignoreIndex) continue;
    if (!(c >= 0 && c < C)) throw new RangeError(`Target ${c} is out of bounds.`);
    const wc = w ? w[c] : 1;
    idx[i] = c;
    coef[i] = -wc;
    total += wc;
  }
  // the target's shape with the class dim kept as 1: gather's index, and the gradient's shape
  const pickShape = input.ndim === 1 ? [1] : [target.shape[0], 1, ...target.shape.slice(1)];
  const picked = gather(input, classDim, new Tensor(idx, pickShape, int64));
  const p = data(picked);
  let out: Tensor;
  if (r === 'none') {
    const o = new input.dtype.Array(n);
    for (let i = 0; i < n; i++) if (coef[i] !== 0) o[i] = coef[i] * p[i];
    out = new Tensor(o, target.shape, input.dtype);
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) if (coef[i] !== 0) s += coef[i] * p[i];
    const o = new input.dtype.Array(1);
    o[0] = r === 'sum' ? s : s / total;
    out = new Tensor(o, [], input.dtype);
  }
  const coefT = new Tensor(coef, pickShape, input.dtype);
  const name = input.ndim >= 3 ? 'NllLoss2DBackward0' : 'NllLossBackward0';
  out = apply(name, [picked], out, (g) => {
    if (r === 'none') return [B.mul(V.reshape(g, [pickShape]), coefT)];
    // all targets ignored: PyTorch's loss is NaN but its gradient zero
    return [B.mul(r === 'sum' ? g : total === 0 ? B.mul(g, 0) : B.div(g, total), coefT)];
  });
  return { out, total };
}

export function nll_loss(input: Tensor, target: Tensor, weight?: Tensor | null, size_average?: Legacy, ignore_index?: number, reduce?: Legacy, reduction?: Reduction): Tensor {
  const o: Args = { weight, size_average, ignore_index, reduce, reduction };
  checkPair('nll_loss', input, target);
  const r = reductionOf(o);
  return nllImpl(input, target, optionalTensor(o.weight, 'weight', 'nll_loss'), r, Number(o.ignore_index ?? -100)).out;
}

/** weight viewed as [1, C, 1, ...] to broadcast along the class dim of an input with ndim dims. */
function classView(weight: Tensor, ndim: number): Tensor {
  if (ndim <= 1) return weight;
  const shape = new Array<number>(ndim).fill(1);
  shape[1] = weight.shape[0];
  return V.reshape(weight, [shape]);
}

function checkSmoothing(ls: number): void {
  if (ls > 1) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
}

/** Targets that are class probabilities (the input's shape): −Σ target·log_softmax(input), mean over samples. */
function probTargets(input: Tensor, target: Tensor, weight: Tensor | null, r: Reduction, ls: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = R.log_softmax(input, classDim);
  const C = input.shape[classDim];
  if (weight && (weight.ndim !== 1 || weight.numel() !== C)) {
    throw new RangeError(`cross_entropy: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`);
  }
  let t = target;
  if (ls > 0) {
    checkSmoothing(ls);
    t = B.add(B.mul(target, 1 - ls), ls / C);
  }
  let prod = B.mul(logp, t);
  if (weight) prod = B.mul(prod, classView(weight, input.ndim));
  if (r === 'none') return U.neg(R.sum(prod, classDim));
  if (r === 'sum') return U.neg(R.sum(prod));
  return B.div(U.neg(R.sum(prod)), input.numel() / C);
}

/**
 * Class-index targets with label smoothing: (1 − ε)·nll + ε/C·(−Σ_c weight_c·log p_c), the
 * second term zero at ignored targets and, for mean, normalised like nll (by the summed weights).
 */
function smoothedTargets(input: Tensor, target: Tensor, weight: Tensor | null, r: Reduction, ignoreIndex: number, ls: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = R.log_softmax(input, classDim);
  const { out: nll, total } = nllImpl(logp, target, weight, r, ignoreIndex);
  const C = logp.shape[classDim];
  const all = weight ? B.mul(logp, classView(weight, logp.ndim)) : logp;
  const smooth = B.masked_fill(U.neg(R.sum(all, classDim)), B.eq(target, ignoreIndex), 0);
  const ret = r === 'none' ? smooth : r === 'sum' ? R.sum(smooth) : B.div(R.sum(smooth), total);
  return B.add(B.mul(nll, 1 - ls), B.mul(ret, ls / C));
}

export function cross_entropy(
  input: Tensor,
  target: Tensor,
  weight?: Tensor | null,
  size_average?: Legacy,
  ignore_index?: number,
  reduce?: Legacy,
  reduction?: Reduction,
  label_smoothing?: number,
): Tensor {
  const o: Args = { weight, size_average, ignore_index, reduce, reduction, label_smoothing };
  checkPair('cross_entropy', input, target);
  const r = reductionOf(o);
  const w = optionalTensor(o.weight, 'weight', 'cross_entropy');
  const ignoreIndex = Number(o.ignore_index ?? -100);
  const ls = Number(o.label_smoothing ?? 0);
  // PyTorch takes a target of the input's own shape to hold class probabilities
  if (shapesEqual(input.shape, target.shape)) {
    if (!target.dtype.is_floating_point) throw new TypeError(`Expected floating point type for target with class probabilities, got ${typeName(target.dtype)}`);
    if (ignoreIndex >= 0) throw new Error('ignore_index is not supported for floating point target');
    return probTargets(input, target, w, r, ls);
  }
  if (ls > 0) {
    checkSmoothing(ls);
    return smoothedTargets(input, target, w, r, ignoreIndex, ls);
  }
  return nllImpl(R.log_softmax(input, input.ndim === 1 ? 0 : 1), target, w, r, ignoreIndex).out;
}

// ---- binary -----------------------------------------------------------------------------------

/** PyTorch's floor under (1 − x)·x in the gradient: a float constant, so 1e-12 rounded to float32. */
const BCE_EPS = Math.fround(1e-12);

function checkWeight(w: Tensor | null, target: Tensor, input: Tensor): Tensor | null {
  if (!w) return null;
  broadcastShapes(target.shape, w.shape);
  return w.to(input.dtype);
}

export function binary_cross_entropy(input: Tensor, target: Tensor, weight?: Tensor | null, size_average?: Legacy, reduce?: Legacy, reduction?: Reduction): Tensor {
  const fn = 'binary_cross_entropy';
  const o: Args = { weight, size_average, reduce, reduction };
  checkPair(fn, input, target);
  const r = reductionOf(o);
  if (!shapesEqual(target.shape, input.shape)) {
    throw new RangeError(`Using a target size (${sizeStr(target.shape)}) that is different to the input size (${sizeStr(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  const w = checkWeight(optionalTensor(o.weight, 'weight', fn), target, input);
  if (!input.dtype.is_floating_point) throw new TypeError(`"binary_cross_entropy" not implemented for '${typeName(input.dtype)}'`);
  if (target.dtype !== input.dtype) throw new TypeError(`Found dtype ${typeName(target.dtype)} but expected ${typeName(input.dtype)}`);
  const xs = data(input);
  for (let i = 0; i < xs.length; i++) if (!(xs[i] >= 0 && xs[i] <= 1)) throw new RangeError('all elements of input should be between 0 and 1');
  const e = no_grad(() => {
    // logs clamped at −100 so a certain wrong answer costs 100, not infinity
    const lx = U.clamp(U.log(input), -100, null);
    const l1x = U.clamp(U.log(B.sub(1, input)), -100, null);
    const v = B.sub(B.mul(B.sub(target, 1), l1x), B.mul(target, lx));
    return w ? B.mul(v, w) : v;
  });
  const out = no_grad(() => reduceLoss(e, r));
  const n = e.numel();
  return apply('BinaryCrossEntropyBackward0', [input, target], out, (g, needs) => {
    let gs = gradScale(g, r, n);
    if (w) gs = B.mul(gs, w);
    return [
      needs[0] ? B.div(B.mul(gs, B.sub(input, target)), U.clamp(B.mul(B.sub(1, input), input), BCE_EPS, null)) : null,
      // d/dt = −logit(x)
      needs[1] ? B.mul(gs, U.neg(U.log(B.div(input, B.sub(1, input))))) : null,
    ];
  }, [input, target]);
}

/** softplus(−x) = log(1 + e^−x), shifted by max(−x, 0) so nothing overflows. */
function softplusNeg(x: Tensor): Tensor {
  const m = U.clamp(U.neg(x), 0, null);
  return B.add(U.log(B.add(U.exp(U.neg(m)), U.exp(B.sub(U.neg(x), m)))), m);
}

export function binary_cross_entropy_with_logits(
  input: Tensor,
  target: Tensor,
  weight?: Tensor | null,
  size_average?: Legacy,
  reduce?: Legacy,
  reduction?: Reduction,
  pos_weight?: Tensor | null,
): Tensor {
  const fn = 'binary_cross_entropy_with_logits';
  const o: Args = { weight, size_average, reduce, reduction, pos_weight };
  checkPair(fn, input, target);
  const r = reductionOf(o);
  if (!shapesEqual(target.shape, input.shape)) {
    throw new RangeError(`Target size (${sizeStr(target.shape)}) must be the same as input size (${sizeStr(input.shape)})`);
  }
  if (!input.dtype.is_floating_point) throw new TypeError(`result type Float can't be cast to the desired output type ${typeName(input.dtype)}`);
  const w = checkWeight(optionalTensor(o.weight, 'weight', fn), target, input);
  const pw = checkWeight(optionalTensor(o.pos_weight, 'pos_weight', fn), target, input);
  // (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x): the stable form of −[pw·t·log σ(x) + (1 − t)·log(1 − σ(x))]
  const sp = no_grad(() => softplusNeg(input));
  const e = no_grad(() => {
    const lin = B.mul(B.sub(1, target), input);
    const v = pw ? B.add(lin, B.mul(B.add(B.mul(B.sub(pw, 1), target), 1), sp)) : B.add(lin, sp);
    return w ? B.mul(v, w) : v;
  });
  const out = no_grad(() => reduceLoss(e, r));
  const n = e.numel();
  return apply('BinaryCrossEntropyWithLogitsBackward0', [input, target], out, (g, needs) => {
    let gs = gradScale(g, r, n);
    if (w) gs = B.mul(gs, w);
    let gi: Tensor | null = null, gt: Tensor | null = null;
    if (needs[0]) {
      const s = U.sigmoid(input);
      if (pw) {
        const pt = B.mul(pw, target);
        gi = B.mul(gs, B.sub(B.mul(B.sub(B.add(pt, 1), target), s), pt));
      } else gi = B.mul(gs, B.sub(s, target));
    }
    if (needs[1]) {
      const spx = is_grad_enabled() ? softplusNeg(input) : sp;
      gt = B.mul(gs, pw ? B.sub(B.mul(spx, B.sub(pw, 1)), input) : U.neg(input));
    }
    return [gi, gt];
  }, [input, target]);
}

// ---- divergence -------------------------------------------------------------------------------

/** xlogy(t, t): 0 where t = 0; its gradient log t + t/t is NaN there, as PyTorch's is. */
function xlogx(t: Tensor): Tensor {
  const y = no_grad(() => B.where(B.eq(t, 0), 0, B.mul(t, U.log(t))));
  return apply('XlogyBackward0', [t], y, (g) => [B.mul(g, B.add(B.where(B.ne(t, 0), U.log(t), 0), B.div(t, t)))], [t]);
}

/** KL(target ‖ exp(input)) pointwise; composed of ops, as PyTorch's kl_div is. 'batchmean' divides the sum by the batch size. */
export function kl_div(input: Tensor, target: Tensor, size_average?: Legacy, reduce?: Legacy, reduction?: Reduction | 'batchmean', log_target?: boolean): Tensor {
  const o: Args = { size_average, reduce, reduction, log_target };
  checkPair('kl_div', input, target);
  const r = reductionOf(o, true) as Reduction | 'batchmean';
  if (!input.dtype.is_floating_point || !target.dtype.is_floating_point) throw new TypeError('kl_div: Integral inputs not supported.');
  const e = o.log_target ? B.mul(U.exp(target), B.sub(target, input)) : B.sub(xlogx(target), B.mul(target, input));
  if (r === 'batchmean') return input.ndim !== 0 ? B.div(R.sum(e), input.shape[0]) : R.sum(e);
  return reduceLoss(e, r);
}
