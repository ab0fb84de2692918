/**
 * The native backend: the JS backend with the kernels the addon accelerates swapped in. Each
 * kernel falls back to JS for what the addon does not cover (other dtypes, strided operands) and
 * for work so small that the N-API crossing would cost more than it saves.
 */
import type { Backend, BinaryOp, FloatArray, GemmArgs, UnaryOp } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';

/** Elements below which an elementwise op stays in JS (a call costs ~60-100 ns; JS does ~1 ns/element). */
const MIN_ELEMENTWISE = 256;
/** Multiply-adds below which GEMM stays in JS. */
const MIN_GEMM_MACS = 4096;

// Codes of native/kernels/kernels.h
const UNARY: Partial<Record<UnaryOp, number>> = { relu: 0, sigmoid: 1, tanh: 2, exp: 3, log: 4, gelu: 5, gelu_tanh: 6, silu: 7, softplus: 8, neg: 9, abs: 10, sqrt: 11 };
const GRAD: Partial<Record<BinaryOp, number>> = { relu_backward: 0, sigmoid_backward: 1, tanh_backward: 2 };
const ARITH: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };

const isF32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
const exact = (a: Float32Array, n: number) => (a.length === n ? a : a.subarray(0, n));

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function nativeBackend(b: NativeBinding): Backend {
  const dims = new Float64Array(18);
  return {
    ...jsBackend,
    name: 'native',

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

    gemm(a: GemmArgs) {
      if (a.M * a.N * a.K < MIN_GEMM_MACS || !isF32(a.A) || !isF32(a.B) || !isF32(a.C) || sharesMemory(a.C, a.A) || sharesMemory(a.C, a.B)) {
        return jsBackend.gemm(a);
      }
      dims[0] = a.transA ? 1 : 0; dims[1] = a.transB ? 1 : 0;
      dims[2] = a.M; dims[3] = a.N; dims[4] = a.K;
      dims[5] = a.lda; dims[6] = a.ldb; dims[7] = a.ldc;
      dims[8] = a.aOffset; dims[9] = a.bOffset; dims[10] = a.cOffset;
      dims[11] = a.alpha; dims[12] = a.beta; dims[13] = 0;
      dims[14] = a.batch; dims[15] = a.strideA; dims[16] = a.strideB; dims[17] = a.strideC;
      b.gemm(a.A, a.B, a.C, null, dims);
    },
  };
}

function sharesMemory(x: FloatArray, y: FloatArray): boolean {
  return x.buffer === y.buffer;
}
