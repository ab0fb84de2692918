/**
 * torch.autograd.gradcheck: compares the analytical Jacobian (from backward) with central finite
 * differences, input by input, as PyTorch's does. Inputs should be float64.
 */
import { Tensor } from '../tensor.js';
import { no_grad } from './grad_mode.js';
import { grad } from './api.js';
import { allocate, data } from '../ops/util.js';
import { float64 } from '../dtype.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raise_exception?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return Array.isArray(r) ? r : [r];
}

export function gradcheck(fn: Fn, inputs: Tensor | Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const outs = outputsOf(fn, ins);
  const fail = (msg: string): boolean => {
    if (opts.raise_exception ?? true) throw new Error(msg);
    return false;
  };
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi];
    if (!out.dtype.is_floating_point) continue;
    const nOut = out.numel();
    for (let ii = 0; ii < ins.length; ii++) {
      const x = ins[ii];
      if (!x.requires_grad) continue;
      if (!x.is_contiguous()) return fail('gradcheck expects contiguous inputs');
      const nIn = x.numel();
      // numerical Jacobian, column by column: perturb one input element at a time
      const numerical = new Float64Array(nIn * nOut);
      const xd = x._storage.data;
      for (let j = 0; j < nIn; j++) {
        const p = x._offset + j;
        const orig = xd[p];
        xd[p] = orig + eps;
        const plus = no_grad(() => data(outputsOf(fn, ins)[oi]).slice());
        xd[p] = orig - eps;
        const minus = no_grad(() => data(outputsOf(fn, ins)[oi]).slice());
        xd[p] = orig;
        for (let i = 0; i < nOut; i++) numerical[i * nIn + j] = (plus[i] - minus[i]) / (2 * eps);
      }
      // analytical Jacobian, row by row: backward of a one-hot output gradient
      const analytical = new Float64Array(nIn * nOut);
      for (let i = 0; i < nOut; i++) {
        const go = allocate(out.shape, out.dtype);
        go._storage.data[i] = 1;
        const [g] = grad([out], [x], { grad_outputs: [go], retain_graph: true, allow_unused: true });
        if (g) {
          const gd = data(g);
          for (let j = 0; j < nIn; j++) analytical[i * nIn + j] = gd[j];
        }
      }
      for (let k = 0; k < numerical.length; k++) {
        const a = analytical[k], n = numerical[k];
        if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
          return fail(
            `Jacobian mismatch for output ${oi} with respect to input ${ii},\nnumerical:${fmt(numerical, nOut, nIn)}\nanalytical:${fmt(analytical, nOut, nIn)}\n`,
          );
        }
      }
    }
  }
  return true;
}

/** The Jacobian laid out as PyTorch prints it: one row per input element. */
function fmt(j: Float64Array, nOut: number, nIn: number): string {
  const t = new Float64Array(nIn * nOut);
  for (let r = 0; r < nIn; r++) for (let c = 0; c < nOut; c++) t[r * nOut + c] = j[c * nIn + r];
  return String(new Tensor(t, [nIn, nOut], float64));
}
