/** Native reductions: sum, max, min, argmax and argmin of fp32 along a dim (rows and columns); the rest stays JS. */
import type { Backend, ReduceOp } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isF32, MIN_ELEMENTWISE, overlaps } from './util.js';

// Codes of native/kernels/portable/portable_kernels.h
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };
// argmax/argmin write int64 indices (a Float64Array)
const ARG: Partial<Record<ReduceOp, number>> = { argmax: 3, argmin: 4 };

export function reduceKernels(b: NativeBinding): Pick<Backend, 'reduce'> {
  return {
    reduce(op, x, out, outer, size, inner) {
      const n = outer * size * inner, m = outer * inner;
      if (n < MIN_ELEMENTWISE || !isF32(x) || x.length < n || out.length < m || overlaps(x, out)) return jsBackend.reduce(op, x, out, outer, size, inner);
      const code = REDUCE[op], arg = ARG[op];
      if (code !== undefined && isF32(out)) return b.reduce(code, exact(x, n), exact(out, m), outer, size, inner);
      if (arg !== undefined && out instanceof Float64Array) return b.reduce(arg, exact(x, n), out.length === m ? out : out.subarray(0, m), outer, size, inner);
      jsBackend.reduce(op, x, out, outer, size, inner);
    },
  };
}
