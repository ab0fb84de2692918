/** Native reductions: sum, max and min of fp32 along a dim (rows and columns); the rest stays JS. */
import type { Backend, ReduceOp } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isF32, MIN_ELEMENTWISE } from './util.js';

// Codes of native/portable_kernels.h
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

export function reduceKernels(b: NativeBinding): Pick<Backend, 'reduce'> {
  return {
    reduce(op, x, out, outer, size, inner) {
      const code = REDUCE[op];
      const n = outer * size * inner, m = outer * inner;
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(x) || !isF32(out) || x.length < n || out.length < m || x.buffer === out.buffer) {
        return jsBackend.reduce(op, x, out, outer, size, inner);
      }
      b.reduce(code, exact(x, n), exact(out, m), outer, size, inner);
    },
  };
}
