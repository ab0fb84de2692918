/**
 * JS fused optimizer updates: one pass over a parameter and its state per step. Every value is
 * computed in double and rounded only where PyTorch stores a tensor (the parameter and the state
 * buffers, read back as stored), so float64 follows PyTorch op for op and float32 within an ulp.
 * The native kernels (native/kernels/portable/optim_update.cpp) evaluate the same expressions in the same order.
 */
import type { AdamHyper, FloatArray, SgdHyper } from '../contract.js';

export function sgdStep(param: FloatArray, grad: FloatArray, buf: FloatArray | null, n: number, h: SgdHyper, init: boolean): void {
  const lr = h.lr, wd = h.weight_decay, m = h.momentum, keep = 1 - h.dampening;
  const maximize = h.maximize, nesterov = h.nesterov;
  for (let i = 0; i < n; i++) {
    const p = param[i];
    let d = maximize ? -grad[i] : grad[i];
    if (wd !== 0) d = d + wd * p;
    if (buf !== null) {
      buf[i] = init ? d : m * buf[i] + keep * d;
      // the buffer as stored drives the update, as PyTorch's d_p = buf
      const b = buf[i];
      d = nesterov ? d + m * b : b;
    }
    param[i] = p - lr * d;
  }
}

/** The step's scalars, computed once in JS for both backends (so they agree to the bit). */
export function adamScalars(h: AdamHyper): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: h.lr / (1 - h.beta1 ** h.step), bc2Sqrt: Math.sqrt(1 - h.beta2 ** h.step) };
}

export function adamStep(param: FloatArray, grad: FloatArray, exp_avg: FloatArray, exp_avg_sq: FloatArray, max_exp_avg_sq: FloatArray | null, n: number, h: AdamHyper): void {
  const { stepSize, bc2Sqrt } = adamScalars(h);
  const b1 = h.beta1, b2 = h.beta2, c1 = 1 - h.beta1, c2 = 1 - h.beta2, wd = h.weight_decay, eps = h.eps;
  const decay = 1 - h.lr * h.weight_decay, negStep = -stepSize;
  const maximize = h.maximize, decoupled = h.decoupled, l2 = !decoupled && wd !== 0;
  for (let i = 0; i < n; i++) {
    let p = param[i];
    let g = maximize ? -grad[i] : grad[i];
    if (l2) g = g + wd * p;
    else if (decoupled) p = p * decay;
    exp_avg[i] = b1 * exp_avg[i] + c1 * g;
    exp_avg_sq[i] = b2 * exp_avg_sq[i] + c2 * g * g;
    let v = exp_avg_sq[i];
    if (max_exp_avg_sq !== null) {
      // torch.maximum: NaN if either is NaN
      const mx = max_exp_avg_sq[i];
      max_exp_avg_sq[i] = mx !== mx || v !== v ? NaN : mx > v ? mx : v;
      v = max_exp_avg_sq[i];
    }
    const denom = Math.sqrt(v) / bc2Sqrt + eps;
    param[i] = p + (negStep * exp_avg[i]) / denom;
  }
}
