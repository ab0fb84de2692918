/** Native elementwise kernels: unary ops, activation gradients, binary arithmetic with broadcasting, softmax. */
import type { Backend, BinaryOp, Strided, UnaryOp } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isContiguous, isF32, MIN_ELEMENTWISE, overlaps } from './util.js';

// Codes of native/kernels/kernels.h
const UNARY: Partial<Record<UnaryOp, number>> = {
  relu: 0, sigmoid: 1, tanh: 2, exp: 3, log: 4, gelu: 5, gelu_tanh: 6, silu: 7, softplus: 8, neg: 9, abs: 10, sqrt: 11,
  leaky_relu: 12, elu: 13, // param: negative slope, alpha
};
const GRAD: Partial<Record<BinaryOp, number>> = { relu_backward: 0, sigmoid_backward: 1, tanh_backward: 2, gelu_backward: 3, gelu_tanh_backward: 4, silu_backward: 5, softplus_backward: 6, leaky_relu_backward: 7, elu_backward: 8 };
// Codes of native/portable_kernels.h
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

export function elementwiseKernels(b: NativeBinding): Pick<Backend, 'unary' | 'binary' | 'softmax' | 'softmaxBackward'> {
  const dims = new Float64Array(3 + 3 * MAX_DIMS);
  return {
    unary(op, x, out, n, param = 0) {
      const code = UNARY[op];
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(x) || !isF32(out)) return jsBackend.unary(op, x, out, n, param);
      b.unary(code, exact(x, n), exact(out, n), param);
    },

    binary(op, a, c, out, shape, param = 0) {
      let n = 1;
      for (const s of shape) n *= s;
      const arith = ARITH[op];
      if (arith !== undefined && n >= MIN_ELEMENTWISE && isF32(a.data) && isF32(c.data) && isF32(out) && out.length === n &&
          mayWrite(out, a, shape) && mayWrite(out, c, shape) && collapseInto(dims, shape, a, c)) {
        return b.binary(arith, a.data, c.data, out, dims);
      }
      const code = GRAD[op];
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(a.data) || !isF32(c.data) || !isF32(out) || !isContiguous(shape, a.strides) || !isContiguous(shape, c.strides)) {
        return jsBackend.binary(op, a, c, out, shape, param);
      }
      b.unaryGrad(code, a.data.subarray(a.offset, a.offset + n), c.data.subarray(c.offset, c.offset + n), exact(out, n), param);
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
