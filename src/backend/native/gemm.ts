/** Native GEMM: every fp32 product big enough to pay for the N-API crossing. */
import type { Backend, FloatArray, GemmArgs } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { isF32 } from './util.js';

/** Multiply-adds below which GEMM stays in JS. */
const MIN_GEMM_MACS = 4096;

export function gemmKernels(b: NativeBinding): Pick<Backend, 'gemm'> {
  const dims = new Float64Array(18);
  return {
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
