/**
 * torch.nn.utils.clip_grad_norm_ and clip_grad_value_: gradients rescaled or clamped in place,
 * in PyTorch 1.13's order (a norm per gradient, the norm of those norms, max_norm / (total +
 * 1e-6) clamped to 1, then each gradient's mul_), so float32 gradients get its bits.
 */
import { Tensor } from '../../tensor.js';
import { pyfn, pyFloat, pyType } from '../../python.js';
import { float32 } from '../../dtype.js';
import { data, scalarTensor } from '../../ops/util.js';
import { gradNorm } from './grad_norm.js';
import * as B from '../../ops/binary.js';
import * as U from '../../ops/unary.js';
import * as R from '../../ops/reduce.js';
import * as J from '../../ops/join.js';
import * as P from '../../ops/inplace.js';
import { isinf, isnan } from '../../ops/masks.js';

export type Parameters = Tensor | Iterable<Tensor>;
const PY = { python: true };

/** A tensor alone, or the tensors of an iterable (a generator such as model.parameters() included). */
export function tensorsOf(parameters: Parameters): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
    throw new TypeError(`'${pyType(parameters)}' object is not iterable`);
  }
  return [...parameters];
}

/** Python's float(v) for norm_type: a number, or a string such as 'inf'. */
function toFloat(v: number | string): number {
  if (typeof v === 'number') return v;
  const s = String(v).trim().toLowerCase();
  const r = s === 'inf' || s === 'infinity' || s === '+inf' ? Infinity : s === '-inf' || s === '-infinity' ? -Infinity : s === '' ? NaN : Number(s);
  if (Number.isNaN(r) && s !== 'nan') throw new TypeError(`could not convert string to float: '${v}'`);
  return r;
}

function clipGradNorm(parameters: Parameters, max_norm: number, norm_type: number | string, error_if_nonfinite: boolean): Tensor {
  const grads = tensorsOf(parameters).flatMap((p) => (p.grad === null ? [] : [p.grad]));
  const p = toFloat(norm_type);
  if (grads.length === 0) return scalarTensor(0, float32);
  let total: Tensor;
  if (p === Infinity) {
    const norms = grads.map((g) => R.amax(U.abs(g.detach())));
    total = norms.length === 1 ? norms[0] : R.amax(J.stack(norms));
  } else {
    const norms = J.stack(grads.map((g) => scalarTensor(gradNorm(data(g), p, g.dtype === float32), g.dtype)));
    total = scalarTensor(gradNorm(data(norms), p, norms.dtype === float32), norms.dtype);
  }
  if (error_if_nonfinite && (isnan(total).item() || isinf(total).item())) {
    throw new Error(`The total norm of order ${pyFloat(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
      'To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`');
  }
  const coef = U.clamp(B.div(max_norm, B.add(total, 1e-6)), null, 1.0);
  for (const g of grads) P.binary_(g.detach(), 'mul', coef);
  return total;
}

function clipGradValue(parameters: Parameters, clip_value: number): void {
  for (const p of tensorsOf(parameters)) {
    const g = p.grad;
    if (g !== null) P.inplace(g.detach(), (s) => U.clamp(s, -clip_value, clip_value));
  }
}

/** Scales the gradients so that their norm, taken together, is at most max_norm; returns that norm before clipping. */
export const clip_grad_norm_ = pyfn('clip_grad_norm_(Any parameters, float max_norm, Any norm_type=2.0, bool error_if_nonfinite=False)', clipGradNorm, PY);

/** The deprecated name of clip_grad_norm_, with PyTorch's warning. */
export const clip_grad_norm = pyfn('clip_grad_norm(Any parameters, float max_norm, Any norm_type=2.0, bool error_if_nonfinite=False)',
  (parameters: Parameters, max_norm: number, norm_type: number | string, error_if_nonfinite: boolean) => {
    process.emitWarning('torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.', 'UserWarning');
    return clipGradNorm(parameters, max_norm, norm_type, error_if_nonfinite);
  }, PY);

/** Clamps every gradient into [-clip_value, clip_value] in place. */
export const clip_grad_value_ = pyfn('clip_grad_value_(Any parameters, float clip_value)', clipGradValue, PY);
