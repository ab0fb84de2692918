/**
 * Native GEMM: every fp32 product big enough to pay for the N-API crossing, with the fused
 * epilogues, and weights kept pre-packed between calls while their version stays the same.
 */
import type { Backend, FloatArray, GemmArgs } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding, PackedB } from './binding.js';
import { isF32, MIN_ELEMENTWISE, MIN_GEMM_MACS, overlaps } from './util.js';

/**
 * A weight's packed panels, valid (`fresh`) while its memory, layout and version are those
 * recorded. When they change, the native buffer is kept and repacked in place: nothing is left
 * for a finalizer, which would only run when the event loop turns.
 */
interface PackEntry {
  version: number;
  data: FloatArray;
  offset: number;
  ldb: number;
  transB: boolean;
  K: number;
  N: number;
  /** null until the weight is used a second time at one version (training changes it every step). */
  packed: PackedB | null;
  /** whether `packed` holds this version and layout */
  fresh: boolean;
}

/**
 * `unary` is the backend's elementwise kernel: a fused activation runs on it (not in the GEMM's
 * epilogue) when the GEMM and the activation would be decided differently unfused, so that
 * fusing never changes a bit.
 */
export function gemmKernels(b: NativeBinding, unary: Backend['unary']): Pick<Backend, 'gemm'> {
  const dims = new Float64Array(18);
  // keyed by the weight's storage: dropped with it by the garbage collector
  const packs = new WeakMap<object, PackEntry>();
  // the addon's epilogues (unary ops flagged in native/kernels/activation/unary_ops.def): name -> code
  const epilogues = new Map(b.epilogueOps.map((name) => [name, b.unaryOps[name]]));

  /** The packing entry for this call when its B can be pre-packed, up to date with `a`. */
  function entry(a: GemmArgs): PackEntry | null {
    const c = a.bCache;
    if (!c || a.batch !== 1) return null;
    const e = packs.get(c.key);
    if (!e) {
      packs.set(c.key, { version: c.version, data: a.B, offset: a.bOffset, ldb: a.ldb, transB: a.transB, K: a.K, N: a.N, packed: null, fresh: false });
      return null;
    }
    if (e.version !== c.version || e.data !== a.B || e.offset !== a.bOffset || e.ldb !== a.ldb || e.transB !== a.transB || e.K !== a.K || e.N !== a.N) {
      Object.assign(e, { version: c.version, data: a.B, offset: a.bOffset, ldb: a.ldb, transB: a.transB, K: a.K, N: a.N, fresh: false });
      return null;
    }
    return e;
  }

  function gemm(a: GemmArgs): void {
    const bias = a.bias ?? null;
    const epilogue = a.epilogue ? epilogues.get(a.epilogue) : -1;
    const js = epilogue === undefined || a.M * a.N * a.K < MIN_GEMM_MACS || !isF32(a.A) || !isF32(a.B) || !isF32(a.C) ||
      overlaps(a.C, a.A) || overlaps(a.C, a.B) || (bias !== null && (!isF32(bias) || overlaps(a.C, bias)));
    // Unfused, the activation runs natively from MIN_ELEMENTWISE results on, whichever way the
    // GEMM went: a fused one whose GEMM is decided otherwise runs the same unary call after it.
    const n = a.M * a.N * a.batch;
    if (a.epilogue && js !== n < MIN_ELEMENTWISE && a.ldc === a.N && (a.batch === 1 || a.strideC === a.M * a.N)) {
      gemm({ ...a, epilogue: undefined });
      const c = a.C.subarray(a.cOffset, a.cOffset + n);
      return unary(a.epilogue, c, c, n);
    }
    if (js) return jsBackend.gemm(a);
    let M = a.M, batch = a.batch;
    // A batch sharing B with evenly spaced A and C rows (a Linear over [batch, rows, in]) is one taller GEMM.
    if (batch > 1 && a.strideB === 0 && a.strideA === M * (a.transA ? 1 : a.lda) && a.strideC === M * a.ldc) {
      M *= batch;
      batch = 1;
    }
    dims[0] = a.transA ? 1 : 0; dims[1] = a.transB ? 1 : 0;
    dims[2] = M; dims[3] = a.N; dims[4] = a.K;
    dims[5] = a.lda; dims[6] = a.ldb; dims[7] = a.ldc;
    dims[8] = a.aOffset; dims[9] = a.bOffset; dims[10] = a.cOffset;
    dims[11] = a.alpha; dims[12] = a.beta; dims[13] = epilogue;
    dims[14] = batch; dims[15] = a.strideA; dims[16] = a.strideB; dims[17] = a.strideC;
    const e = entry(a);
    if (e && !e.fresh) {
      // second use at this version and layout: pack (into the old buffer when there is one)
      e.packed = b.packB(a.B as Float32Array, dims, e.packed);
      e.fresh = true;
    }
    // float32 throughout (`js` is false); false when the native side evicted the panels to stay
    // within its budget: pack again next time
    if (!b.gemm(a.A as Float32Array, a.B as Float32Array, a.C as Float32Array, bias as Float32Array | null, dims, e?.packed) && e) e.fresh = false;
  }
  return { gemm };
}
