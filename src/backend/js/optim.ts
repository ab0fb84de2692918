/**
 * JS fused optimizer updates: one pass over a parameter and its state per step, PyTorch 1.13's
 * single-tensor updates op for op in the parameter's dtype. Each op of PyTorch's update rounds to
 * the dtype (float32: Math.fround after every operation; float64: every JS operation already
 * does) and Python scalars enter as the dtype (alpha=1 - beta1 computed in double, then cast).
 * PyTorch's vectorised add_ fuses a·alpha + b into one FMA where these round twice: an ulp per op.
 * The native kernels (native/kernels/optim/optim_update.inc) round the same ops in the same
 * order, so both backends give the same bits.
 */
import type { AdamHyper, FloatArray, SgdHyper } from '../contract.js';

/** The dtype's rounding: Math.fround for float32; float64 is JS's own. */
const same = (x: number): number => x;
const rounding = (a: FloatArray): ((x: number) => number) => (a instanceof Float32Array ? Math.fround : same);

export function sgdStep(param: FloatArray, grad: FloatArray, buf: FloatArray | null, n: number, h: SgdHyper, init: boolean): void {
  const r = rounding(param);
  const negLr = r(-h.lr), wd = r(h.weight_decay), m = r(h.momentum), keep = r(1 - h.dampening);
  const maximize = h.maximize, nesterov = h.nesterov, decay = h.weight_decay !== 0;
  for (let i = 0; i < n; i++) {
    const p = param[i];
    let d = maximize ? -grad[i] : grad[i];
    if (decay) d = r(d + r(wd * p));
    if (buf !== null) {
      // the buffer as stored drives the update, as PyTorch's d_p = buf
      const b = init ? d : r(r(buf[i] * m) + r(keep * d));
      buf[i] = b;
      d = nesterov ? r(d + r(m * b)) : b;
    }
    param[i] = r(p + r(negLr * d));
  }
}

/** The step's scalars, computed once in JS for both backends (so they agree to the bit). */
export function adamScalars(h: AdamHyper): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: h.lr / (1 - h.beta1 ** h.step), bc2Sqrt: Math.sqrt(1 - h.beta2 ** h.step) };
}

export function adamStep(param: FloatArray, grad: FloatArray, exp_avg: FloatArray, exp_avg_sq: FloatArray, max_exp_avg_sq: FloatArray | null, n: number, h: AdamHyper): void {
  const r = rounding(param);
  const { stepSize, bc2Sqrt } = adamScalars(h);
  const b1 = r(h.beta1), b2 = r(h.beta2), c1 = r(1 - h.beta1), c2 = r(1 - h.beta2), wd = r(h.weight_decay), eps = r(h.eps);
  const decay = r(1 - h.lr * h.weight_decay), negStep = r(-stepSize), bc2 = r(bc2Sqrt);
  const maximize = h.maximize, decoupled = h.decoupled, l2 = !decoupled && h.weight_decay !== 0;
  for (let i = 0; i < n; i++) {
    let p = param[i];
    let g = maximize ? -grad[i] : grad[i];
    if (l2) g = r(g + r(wd * p));
    else if (decoupled) p = r(p * decay);
    const mk = r(r(exp_avg[i] * b1) + r(c1 * g));
    exp_avg[i] = mk;
    let v = r(r(exp_avg_sq[i] * b2) + r(r(c2 * g) * g));
    exp_avg_sq[i] = v;
    if (max_exp_avg_sq !== null) {
      // torch.maximum: NaN if either is NaN
      const mx = max_exp_avg_sq[i];
      v = mx !== mx || v !== v ? NaN : mx > v ? mx : v;
      max_exp_avg_sq[i] = v;
    }
    const denom = r(r(r(Math.sqrt(v)) / bc2) + eps);
    param[i] = r(p + r(r(negStep * mk) / denom));
  }
}
