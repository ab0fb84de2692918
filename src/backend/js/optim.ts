/**
 * JS fused optimizer updates: one pass over a parameter and its state per step, PyTorch 1.13's
 * single-tensor updates op for op in the parameter's dtype. Each op of PyTorch's update rounds to
 * the dtype (float32: Math.fround after every operation; float64: every JS operation already
 * does) and Python scalars enter as the dtype (alpha=1 - beta1 computed in double, then cast).
 * Reading a float32 array back gives its stored value, so the state read back needs no rounding.
 * PyTorch's vectorised add_ fuses a·alpha + b into one FMA where these round twice: an ulp per op.
 * The native kernels (native/kernels/optim/optim_update.inc) round the same ops in the same
 * order, so both backends give the same bits.
 */
import type { AdamHyper, FloatArray, SgdHyper } from '../contract.js';

const f = Math.fround;

// Each update is written twice, float32 (f after each op) and float64 (JS's own rounding): a
// rounding function chosen at run time and called per op made V8's optimised loop 10× slower
// in some runs.

export function sgdStep(param: FloatArray, grad: FloatArray, buf: FloatArray | null, n: number, h: SgdHyper, init: boolean): void {
  const maximize = h.maximize, nesterov = h.nesterov, decay = h.weight_decay !== 0;
  if (param instanceof Float32Array) {
    const negLr = f(-h.lr), wd = f(h.weight_decay), m = f(h.momentum), keep = f(1 - h.dampening);
    for (let i = 0; i < n; i++) {
      const p = param[i];
      let d = maximize ? -grad[i] : grad[i];
      if (decay) d = f(d + f(wd * p));
      if (buf !== null) {
        // the buffer as stored drives the update, as PyTorch's d_p = buf
        const b = init ? d : f(f(buf[i] * m) + f(keep * d));
        buf[i] = b;
        d = nesterov ? f(d + f(m * b)) : b;
      }
      param[i] = f(p + f(negLr * d));
    }
    return;
  }
  const negLr = -h.lr, wd = h.weight_decay, m = h.momentum, keep = 1 - h.dampening;
  for (let i = 0; i < n; i++) {
    const p = param[i];
    let d = maximize ? -grad[i] : grad[i];
    if (decay) d = d + wd * p;
    if (buf !== null) {
      const b = init ? d : buf[i] * m + keep * d;
      buf[i] = b;
      d = nesterov ? d + m * b : b;
    }
    param[i] = p + negLr * d;
  }
}

/** The step's scalars, computed once in JS for both backends (so they agree to the bit). */
export function adamScalars(h: AdamHyper): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: h.lr / (1 - h.beta1 ** h.step), bc2Sqrt: Math.sqrt(1 - h.beta2 ** h.step) };
}

/** torch.maximum: NaN if either is NaN. */
const maximum = (x: number, y: number): number => (x !== x || y !== y ? NaN : x > y ? x : y);

export function adamStep(param: FloatArray, grad: FloatArray, exp_avg: FloatArray, exp_avg_sq: FloatArray, max_exp_avg_sq: FloatArray | null, n: number, h: AdamHyper): void {
  const { stepSize, bc2Sqrt } = adamScalars(h);
  const maximize = h.maximize, decoupled = h.decoupled, l2 = !decoupled && h.weight_decay !== 0;
  if (param instanceof Float32Array) {
    const b1 = f(h.beta1), b2 = f(h.beta2), c1 = f(1 - h.beta1), c2 = f(1 - h.beta2), wd = f(h.weight_decay), eps = f(h.eps);
    const decay = f(1 - h.lr * h.weight_decay), negStep = f(-stepSize), bc2 = f(bc2Sqrt);
    for (let i = 0; i < n; i++) {
      let p = param[i];
      let g = maximize ? -grad[i] : grad[i];
      if (l2) g = f(g + f(wd * p));
      else if (decoupled) p = f(p * decay);
      const m = f(f(exp_avg[i] * b1) + f(c1 * g));
      exp_avg[i] = m;
      let v = f(f(exp_avg_sq[i] * b2) + f(f(c2 * g) * g));
      exp_avg_sq[i] = v;
      if (max_exp_avg_sq !== null) max_exp_avg_sq[i] = v = maximum(max_exp_avg_sq[i], v);
      param[i] = f(p + f(f(negStep * m) / f(f(f(Math.sqrt(v)) / bc2) + eps)));
    }
    return;
  }
  const b1 = h.beta1, b2 = h.beta2, c1 = 1 - h.beta1, c2 = 1 - h.beta2, wd = h.weight_decay, eps = h.eps;
  const decay = 1 - h.lr * h.weight_decay, negStep = -stepSize;
  for (let i = 0; i < n; i++) {
    let p = param[i];
    let g = maximize ? -grad[i] : grad[i];
    if (l2) g = g + wd * p;
    else if (decoupled) p = p * decay;
    const m = exp_avg[i] * b1 + c1 * g;
    exp_avg[i] = m;
    let v = exp_avg_sq[i] * b2 + c2 * g * g;
    exp_avg_sq[i] = v;
    if (max_exp_avg_sq !== null) max_exp_avg_sq[i] = v = maximum(max_exp_avg_sq[i], v);
    param[i] = p + (negStep * m) / (Math.sqrt(v) / bc2Sqrt + eps);
  }
}
