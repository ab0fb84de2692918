/** Native elementwise kernels: unary ops and their gradients, binary arithmetic with broadcasting, softmax. */
import type { Backend, BinaryOp, Strided } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isContiguous, isF32, MIN_ELEMENTWISE, overlaps } from './util.js';

// Codes of native/kernels/portable/portable_kernels.h
const ARITH: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
/** Collapsed dims the native binary op takes (kMaxBinaryDims); more stay in JS. */
const MAX_DIMS = 6;

/**
 * Writes the binding's dims for a op b over `shape`: [nd, aOffset, bOffset, shape, aStrides,
 * bStrides], with size-1 dims dropped and adjacent dims that both operands walk as one merged
 * (a [B,N] + [N] bias becomes rows of N; [B,N] * [B,1] rows times a per-row scalar). Returns false
 * when the operands need more than MAX_DIMS dims or have a negative stride.
 */
function collapseInto(dims: Float64Array, shape: readonly number[], a: Strided, c: Strided): boolean {
  let nd = 0;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const sa = a.strides[d], sc = c.strides[d];
    if (sa < 0 || sc < 0) return false;
    if (nd > 0 && scratch[MAX_DIMS + nd - 1] === sa * size && scratch[2 * MAX_DIMS + nd - 1] === sc * size) {
      scratch[nd - 1] *= size;
      scratch[MAX_DIMS + nd - 1] = sa;
      scratch[2 * MAX_DIMS + nd - 1] = sc;
      continue;
    }
    if (nd === MAX_DIMS) return false;
    scratch[nd] = size;
    scratch[MAX_DIMS + nd] = sa;
    scratch[2 * MAX_DIMS + nd] = sc;
    nd++;
  }
  if (nd === 0) {
    scratch[0] = 1;
    scratch[MAX_DIMS] = 0;
    scratch[2 * MAX_DIMS] = 0;
    nd = 1;
  }
  dims[0] = nd;
  dims[1] = a.offset;
  dims[2] = c.offset;
  for (let d = 0; d < nd; d++) {
    dims[3 + d] = scratch[d];
    dims[3 + nd + d] = scratch[MAX_DIMS + d];
    dims[3 + 2 * nd + d] = scratch[2 * MAX_DIMS + d];
  }
  return true;
}
const scratch = new Float64Array(3 * MAX_DIMS);

/** out may be written while x is read if they share no memory, or x is out itself read contiguously. */
function mayWrite(out: Float32Array, x: Strided, shape: readonly number[]): boolean {
  if (!overlaps(x.data, out)) return true;
  return x.data.byteOffset + x.offset * 4 === out.byteOffset && isContiguous(shape, x.strides);
}

export function elementwiseKernels(b: NativeBinding): Pick<Backend, 'unary' | 'unaryGrad' | 'clamp' | 'binary' | 'softmax' | 'softmaxBackward'> {
  const dims = new Float64Array(3 + 3 * MAX_DIMS);
  // the addon's op table (native/kernels/activation/unary_ops.def): name -> code
  const codes = new Map(Object.entries(b.unaryOps));
  const gradCodes = new Map(Object.keys(b.unaryGradOps).map((name) => [name, b.unaryOps[name]]));
  return {
    unary(op, x, out, n, param = 0) {
      const code = codes.get(op);
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(x) || !isF32(out)) return jsBackend.unary(op, x, out, n, param);
      b.unary(code, exact(x, n), exact(out, n), param);
    },

    unaryGrad(op, saved, grad, out, n, param = 0) {
      const code = gradCodes.get(op);
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(saved) || !isF32(grad) || !isF32(out)) return jsBackend.unaryGrad(op, saved, grad, out, n, param);
      b.unaryGrad(code, exact(saved, n), exact(grad, n), exact(out, n), param);
    },

    clamp(x, out, n, lo, hi) {
      // NaN bounds fill NaN (the JS kernel's rule); out must be x itself or apart from it
      if (n < MIN_ELEMENTWISE || !isF32(x) || !isF32(out) || lo !== lo || hi !== hi || (overlaps(x, out) && x.byteOffset !== out.byteOffset)) {
        return jsBackend.clamp(x, out, n, lo, hi);
      }
      b.clamp(exact(x, n), exact(out, n), lo, hi);
    },

    binary(op, a, c, out, shape, param = 0) {
      let n = 1;
      for (const s of shape) n *= s;
      const arith = ARITH[op];
      if (arith !== undefined && n >= MIN_ELEMENTWISE && isF32(a.data) && isF32(c.data) && isF32(out) && out.length === n &&
          mayWrite(out, a, shape) && mayWrite(out, c, shape) && collapseInto(dims, shape, a, c)) {
        return b.binary(arith, a.data, c.data, out, dims);
      }
      jsBackend.binary(op, a, c, out, shape, param);
    },

    softmax(x, out, outer, size, inner, log) {
      if (inner !== 1 || outer * size < MIN_ELEMENTWISE || !isF32(x) || !isF32(out)) return jsBackend.softmax(x, out, outer, size, inner, log);
      b.softmax(exact(x, outer * size), exact(out, outer * size), outer, size, log);
    },

    softmaxBackward(y, g, out, outer, size, inner, log) {
      if (inner !== 1 || outer * size < MIN_ELEMENTWISE || !isF32(y) || !isF32(g) || !isF32(out)) {
        return jsBackend.softmaxBackward(y, g, out, outer, size, inner, log);
      }
      const n = outer * size;
      b.softmaxGrad(exact(y, n), exact(g, n), exact(out, n), outer, size, log);
    },

  };
}
