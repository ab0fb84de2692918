/** Native elementwise kernels: unary ops, activation gradients, binary arithmetic, softmax. */
import type { Backend, BinaryOp, UnaryOp } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isContiguous, isF32, MIN_ELEMENTWISE } from './util.js';

// Codes of native/kernels/kernels.h
const UNARY: Partial<Record<UnaryOp, number>> = { relu: 0, sigmoid: 1, tanh: 2, exp: 3, log: 4, gelu: 5, gelu_tanh: 6, silu: 7, softplus: 8, neg: 9, abs: 10, sqrt: 11 };
const GRAD: Partial<Record<BinaryOp, number>> = { relu_backward: 0, sigmoid_backward: 1, tanh_backward: 2 };
const ARITH: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };

export function elementwiseKernels(b: NativeBinding): Pick<Backend, 'unary' | 'binary' | 'softmax' | 'softmaxBackward'> {
  return {
    unary(op, x, out, n) {
      const code = UNARY[op];
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(x) || !isF32(out)) return jsBackend.unary(op, x, out, n);
      b.unary(code, exact(x, n), exact(out, n), 0);
    },

    binary(op, a, c, out, shape) {
      let n = 1;
      for (const s of shape) n *= s;
      const arith = ARITH[op];
      if (arith !== undefined && n >= MIN_ELEMENTWISE && isF32(a.data) && isF32(c.data) && isF32(out) && isContiguous(shape, a.strides)) {
        // vector op vector, or vector op broadcast scalar (every stride of b is 0)
        if (isContiguous(shape, c.strides)) return b.binary(arith, a.data.subarray(a.offset, a.offset + n), c.data.subarray(c.offset, c.offset + n), exact(out, n));
        if (c.strides.every((s) => s === 0)) return b.binary(arith, a.data.subarray(a.offset, a.offset + n), c.data.subarray(c.offset, c.offset + 1), exact(out, n));
      }
      const code = GRAD[op];
      if (code === undefined || n < MIN_ELEMENTWISE || !isF32(a.data) || !isF32(c.data) || !isF32(out) || !isContiguous(shape, a.strides) || !isContiguous(shape, c.strides)) {
        return jsBackend.binary(op, a, c, out, shape);
      }
      b.unaryGrad(code, a.data.subarray(a.offset, a.offset + n), c.data.subarray(c.offset, c.offset + n), exact(out, n), 0);
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
