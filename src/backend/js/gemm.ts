/**
 * Pure-JS GEMM of the JS backend: C[b] = alpha·op(A[b])·op(B[b]) + beta·C[b], row-major, batched.
 *
 * Why it is shaped like this (V8 does not vectorise, so speed is instructions per flop):
 * - The hot loop is a register-blocked 2×3 micro-kernel: per k it loads 2 values of op(A) and
 *   3 of op(B) and does 2·3 multiply-adds into accumulators held in locals.
 * - The tile is small on purpose. TurboFan schedules all products of an iteration before the adds, so
 *   a tile needs about 2·MR·NR of the 15 usable xmm registers; beyond 2×3 accumulators spill to the
 *   stack and the loop-carried adds go through memory. Kernel alone, one run, GFLOP/s: 2×3 4.5,
 *   3×2 4.4, 2×2 4.2, 3×3 3.9, 1×6 3.7, 2×4 3.6, 4×4 3.1, 4×8 1.8.
 * - A typed-array load costs a bounds check (plus a map check and pointer loads unless the array is a
 *   compile-time constant), so the panels live in fixed-size module-level `const` Float64Arrays that are
 *   never reassigned: TurboFan embeds their address and length. Fixed sizes work because cache blocking
 *   bounds the panels (MC×KC of A, KC×NC of B). The same kernel reading `let` bindings (what growing
 *   buffers would need) ran at 1.9 GFLOP/s instead of 4.9.
 * - The kernel's index updates use `| 0` so V8 emits no overflow checks for them.
 * - Panels are "planar": one array per row of the A micro-panel and per column of the B micro-panel,
 *   all indexed by the same k. The 2+3 loads of a step then share two bounds checks and need no
 *   index arithmetic: 27-29 instructions per step instead of 36 with interleaved panels (~8% faster).
 * - Panels are float64 whatever the input dtype: a float32 panel costs a conversion per load in the
 *   kernel (measured 5-20% slower), and accumulation is in doubles either way.
 * - Transposes, leading dims and offsets are absorbed by the packing routines, so there is a single
 *   monomorphic micro-kernel. Edge panels are zero-padded; only the tile store is clipped.
 * - Tiny problems and matrix-vector products (M = 1 or N = 1) skip packing: packing would cost as much
 *   as the arithmetic, and a GEMV should stream the matrix exactly once.
 *
 * Numerics: products are accumulated in doubles over each K block of KC; for K > KC the partial sums go
 * through C, so a float32 C is rounded once per K block (about K/KC extra roundings, still far more
 * accurate than float32 accumulation). beta = 0 never reads C (NaN in C does not propagate); alpha = 0
 * never reads A or B (BLAS semantics), K = 0 gives beta·C.
 */
import { unary } from './elementwise.js';
import type { FloatArray, GemmArgs } from '../contract.js';

/** Micro-tile: rows of op(A) × columns of op(B) held in registers. */
const MR = 2;
const NR = 3;
/** Cache blocking: a KC×NR panel of B (256·3·8 bytes) stays in L1 while MC×KC of A streams from L2. */
const KC = 256;
const MC = 128; // multiple of MR
const NC = 768; // multiple of NR
/** Up to this many multiply-adds the unpacked loop wins (measured crossover between 8³ and 12³). */
const SMALL = 1500;
/** GEMV chunks: rows of the accumulator, and K chunk of the copied vector. */
const YB = 4096;
const VB = 4096;

// Fixed-size scratch, allocated once at load (~1.9 MB; see the header for why these must stay `const`
// and fixed-size). Single-threaded and non-reentrant, so one set per module instance is enough.
// Panel p of A, row i of it: PAi[p·kc + k]. Panel q of B, column j of it: PBj[q·kc + k].
const PA0 = new Float64Array((MC / MR) * KC);
const PA1 = new Float64Array((MC / MR) * KC);
const PB0 = new Float64Array((NC / NR) * KC);
const PB1 = new Float64Array((NC / NR) * KC);
const PB2 = new Float64Array((NC / NR) * KC);
const TILE = new Float64Array(MR * NR);
const YACC = new Float64Array(YB);
const VBUF = new Float64Array(VB);

/**
 * TILE[i·NR + j] = Σ_k PAi[pa + k]·PBj[pb + k] for k < kc. Not unrolled over k: with two steps in
 * the body TurboFan computes all products of both steps first and the accumulators spill (measured
 * 35% slower).
 */
function kernel(kc: number, pa: number, pb: number): void {
  let c00 = 0, c01 = 0, c02 = 0;
  let c10 = 0, c11 = 0, c12 = 0;
  const end = (pa + kc) | 0;
  while (pa < end) {
    const a0 = PA0[pa], a1 = PA1[pa];
    const b0 = PB0[pb], b1 = PB1[pb], b2 = PB2[pb];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2;
    pa = (pa + 1) | 0;
    pb = (pb + 1) | 0;
  }
  const T = TILE;
  T[0] = c00; T[1] = c01; T[2] = c02;
  T[3] = c10; T[4] = c11; T[5] = c12;
}

/**
 * Packing. n vectors ("lanes") of length kc, lane l element k at S[s + l·ls + k·ks], go into panels of
 * W lanes: lane l to PX(l % W)[⌊l / W⌋·kc + k]; lanes of the last panel past n are zero-filled.
 * For A the lanes are rows of op(A) (W = MR), for B columns of op(B) (W = NR). One routine per operand
 * so the destinations are the constant panel arrays (cheap stores), lanes unrolled.
 * - ks = 1 (A not transposed, B transposed): each lane is contiguous, copy lane by lane.
 * - otherwise (B not transposed, A transposed): k outer, so a row of the source is read in order.
 */
function packA(S: FloatArray, s: number, ls: number, ks: number, n: number, kc: number): void {
  const full = n - (n % 2), tail = n - full;
  if (ks === 1) {
    let d = 0;
    for (let l0 = 0; l0 < full; l0 += 2, d += kc) {
      const q = s + l0 * ls;
      for (let k = 0, r = q; k < kc; k++) PA0[d + k] = S[r + k];
      for (let k = 0, r = q + ls; k < kc; k++) PA1[d + k] = S[r + k];
    }
    if (tail > 0) {
      const q = s + full * ls;
      for (let k = 0; k < kc; k++) PA0[d + k] = S[q + k];
      PA1.fill(0, d, d + kc); // tail < W
    }
    return;
  }
  for (let k = 0; k < kc; k++) {
    let q = s + k * ks, d = k;
    for (let l0 = 0; l0 < full; l0 += 2, d += kc, q += 2 * ls) {
      PA0[d] = S[q]; PA1[d] = S[q + ls];
    }
    if (tail > 0) {
      PA0[d] = S[q];
      PA1[d] = 0;
    }
  }
}

function packB(S: FloatArray, s: number, ls: number, ks: number, n: number, kc: number): void {
  const full = n - (n % 3), tail = n - full;
  if (ks === 1) {
    let d = 0;
    for (let l0 = 0; l0 < full; l0 += 3, d += kc) {
      const q = s + l0 * ls;
      for (let k = 0, r = q; k < kc; k++) PB0[d + k] = S[r + k];
      for (let k = 0, r = q + ls; k < kc; k++) PB1[d + k] = S[r + k];
      for (let k = 0, r = q + 2 * ls; k < kc; k++) PB2[d + k] = S[r + k];
    }
    if (tail > 0) {
      const q = s + full * ls;
      for (let k = 0; k < kc; k++) PB0[d + k] = S[q + k];
      if (tail > 1) for (let k = 0, r = q + ls; k < kc; k++) PB1[d + k] = S[r + k];
      else PB1.fill(0, d, d + kc);
      PB2.fill(0, d, d + kc); // tail < W
    }
    return;
  }
  for (let k = 0; k < kc; k++) {
    let q = s + k * ks, d = k;
    for (let l0 = 0; l0 < full; l0 += 3, d += kc, q += 3 * ls) {
      PB0[d] = S[q]; PB1[d] = S[q + ls]; PB2[d] = S[q + 2 * ls];
    }
    if (tail > 0) {
      PB0[d] = S[q];
      PB1[d] = tail > 1 ? S[q + ls] : 0;
      PB2[d] = 0;
    }
  }
}

/** Blocked, packed GEMM for one matrix. (ars, acs): strides of op(A)'s rows/columns; same for B. */
function gemmPacked(
  M: number, N: number, K: number, alpha: number, beta: number,
  A: FloatArray, ao: number, ars: number, acs: number,
  B: FloatArray, bo: number, brs: number, bcs: number,
  C: FloatArray, co: number, ldc: number,
): void {
  const T = TILE;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    // K blocks of equal size (≤ KC): a short last block would spend its time in call and store overhead.
    const kb = Math.ceil(K / Math.ceil(K / KC));
    for (let pc = 0; pc < K; pc += kb) {
      const kc = Math.min(kb, K - pc);
      packB(B, bo + pc * brs + jc * bcs, bcs, brs, nc, kc);
      // The first K block applies beta; later blocks accumulate into what the first one stored.
      const mode = pc > 0 || beta === 1 ? 1 : beta === 0 ? 0 : 2;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(A, ao + ic * ars + pc * acs, ars, acs, mc, kc);
        // B micro-panel outer, A micro-panels inner: the KC×NR panel of B is reused from L1.
        for (let jp = 0; jp < nc; jp += NR) {
          const w = Math.min(NR, nc - jp);
          const pb = (jp / NR) * kc;
          for (let ip = 0; ip < mc; ip += MR) {
            const h = Math.min(MR, mc - ip);
            kernel(kc, (ip / MR) * kc, pb);
            let c = co + (ic + ip) * ldc + jc + jp;
            for (let i = 0, t = 0; i < h; i++, c += ldc, t += NR) {
              if (mode === 1) for (let j = 0; j < w; j++) C[c + j] += alpha * T[t + j];
              else if (mode === 0) for (let j = 0; j < w; j++) C[c + j] = alpha * T[t + j];
              else for (let j = 0; j < w; j++) C[c + j] = alpha * T[t + j] + beta * C[c + j];
            }
          }
        }
      }
    }
  }
}

/** Direct GEMM without packing for tiny problems: 1×4 blocks straight from the operands. */
function gemmSmall(
  M: number, N: number, K: number, alpha: number, beta: number,
  A: FloatArray, ao: number, ars: number, acs: number,
  B: FloatArray, bo: number, brs: number, bcs: number,
  C: FloatArray, co: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    const ai = ao + i * ars;
    const ci = co + i * ldc;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0, pa = ai, pb = bo + j * bcs; k < K; k++, pa += acs, pb += brs) {
        const a = A[pa];
        s0 += a * B[pb];
        s1 += a * B[pb + bcs];
        s2 += a * B[pb + 2 * bcs];
        s3 += a * B[pb + 3 * bcs];
      }
      const c = ci + j;
      if (beta === 0) {
        C[c] = alpha * s0; C[c + 1] = alpha * s1; C[c + 2] = alpha * s2; C[c + 3] = alpha * s3;
      } else {
        C[c] = alpha * s0 + beta * C[c];
        C[c + 1] = alpha * s1 + beta * C[c + 1];
        C[c + 2] = alpha * s2 + beta * C[c + 2];
        C[c + 3] = alpha * s3 + beta * C[c + 3];
      }
    }
    for (; j < N; j++) {
      let s = 0;
      for (let k = 0, pa = ai, pb = bo + j * bcs; k < K; k++, pa += acs, pb += brs) s += A[pa] * B[pb];
      const c = ci + j;
      C[c] = beta === 0 ? alpha * s : alpha * s + beta * C[c];
    }
  }
}

/**
 * Matrix-vector product: y[r] = alpha·Σ_k X[xo + r·xrs + k·xks]·V[vo + k·vs] + beta·y[r] for r < R,
 * with y[r] at C[co + r·ys]. Covers M = 1 (X = op(B)ᵀ, V = op(A) row) and N = 1 (X = op(A), V = op(B)
 * column). Each element of X is read exactly once; sums go to the double accumulator YACC.
 *
 * The loops over K or R live in small leaf functions (axpy8, axpy1, dot8, dot1) with nothing after the
 * loop, while this driver only loops over blocks. Otherwise the first call gets on-stack-replaced inside
 * a long loop, deopts at the never-yet-executed code after it, and that repeats on every later call.
 */
function gemv(
  R: number, K: number, alpha: number, beta: number,
  X: FloatArray, xo: number, xrs: number, xks: number,
  V: FloatArray, vo: number, vs: number,
  C: FloatArray, co: number, ys: number,
): void {
  for (let r0 = 0; r0 < R; r0 += YB) {
    const rn = Math.min(YB, R - r0);
    YACC.fill(0, 0, rn);
    if (xrs === 1 && xks !== 1) {
      // X contiguous along r (x·W with W [K, N]): axpy form, eight rows of X per sweep over the
      // accumulator, so YACC is loaded and stored once per eight rows of X (8 was ~15% faster than 4).
      const x = xo + r0;
      let k = 0;
      for (; k + 8 <= K; k += 8) {
        const v = vo + k * vs;
        axpy8(X, x + k * xks, xks, V[v], V[v + vs], V[v + 2 * vs], V[v + 3 * vs], V[v + 4 * vs], V[v + 5 * vs], V[v + 6 * vs], V[v + 7 * vs], rn);
      }
      for (; k < K; k++) axpy1(X, x + k * xks, V[vo + k * vs], rn);
    } else {
      // Dot form (x·Wᵀ with W [N, K], the Linear layout): eight rows of X per pass share each load of
      // V, which is first copied to the constant float64 VBUF (monomorphic, cheap loads); ~30% faster
      // than four rows reading V in place.
      for (let k0 = 0; k0 < K; k0 += VB) {
        const kn = Math.min(VB, K - k0);
        for (let k = 0, v = vo + k0 * vs; k < kn; k++, v += vs) VBUF[k] = V[v];
        const x = xo + r0 * xrs + k0 * xks;
        let r = 0;
        for (; r + 8 <= rn; r += 8) dot8(X, x + r * xrs, xrs, xks, kn, r);
        for (; r < rn; r++) dot1(X, x + r * xrs, xks, kn, r);
      }
    }
    storeY(C, co + r0 * ys, ys, rn, alpha, beta);
  }
}

/** YACC[r] += Σ_{i<8} vi·X[x0 + i·s + r] for r < n. */
function axpy8(X: FloatArray, x0: number, s: number, v0: number, v1: number, v2: number, v3: number, v4: number, v5: number, v6: number, v7: number, n: number): void {
  const Y = YACC;
  const x1 = x0 + s, x2 = x1 + s, x3 = x2 + s, x4 = x3 + s, x5 = x4 + s, x6 = x5 + s, x7 = x6 + s;
  for (let r = 0; r < n; r++) {
    Y[r] += v0 * X[x0 + r] + v1 * X[x1 + r] + v2 * X[x2 + r] + v3 * X[x3 + r] +
      v4 * X[x4 + r] + v5 * X[x5 + r] + v6 * X[x6 + r] + v7 * X[x7 + r];
  }
}

function axpy1(X: FloatArray, x0: number, v0: number, n: number): void {
  const Y = YACC;
  for (let r = 0; r < n; r++) Y[r] += v0 * X[x0 + r];
}

/** YACC[y + i] += Σ_k VBUF[k]·X[x0 + i·rs + k·ks] for the eight rows i < 8. */
function dot8(X: FloatArray, x0: number, rs: number, ks: number, K: number, y: number): void {
  const x1 = x0 + rs, x2 = x1 + rs, x3 = x2 + rs, x4 = x3 + rs, x5 = x4 + rs, x6 = x5 + rs, x7 = x6 + rs;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let k = 0, o = 0; k < K; k++, o += ks) {
    const t = VBUF[k];
    s0 += t * X[x0 + o]; s1 += t * X[x1 + o]; s2 += t * X[x2 + o]; s3 += t * X[x3 + o];
    s4 += t * X[x4 + o]; s5 += t * X[x5 + o]; s6 += t * X[x6 + o]; s7 += t * X[x7 + o];
  }
  const Y = YACC;
  Y[y] += s0; Y[y + 1] += s1; Y[y + 2] += s2; Y[y + 3] += s3;
  Y[y + 4] += s4; Y[y + 5] += s5; Y[y + 6] += s6; Y[y + 7] += s7;
}

function dot1(X: FloatArray, x0: number, ks: number, K: number, y: number): void {
  let s = 0;
  for (let k = 0; k < K; k++, x0 += ks) s += VBUF[k] * X[x0];
  YACC[y] += s;
}

/** C[c + r·ys] = alpha·YACC[r] + beta·C[...] for r < n (beta = 0: C not read). */
function storeY(C: FloatArray, c: number, ys: number, n: number, alpha: number, beta: number): void {
  const Y = YACC;
  if (beta === 0) for (let r = 0; r < n; r++, c += ys) C[c] = alpha * Y[r];
  else for (let r = 0; r < n; r++, c += ys) C[c] = alpha * Y[r] + beta * C[c];
}

/** C = beta·C over M×N (beta = 0 writes zeros without reading C). */
function scaleC(C: FloatArray, co: number, ldc: number, M: number, N: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0, c = co; i < M; i++, c += ldc) {
    if (beta === 0) C.fill(0, c, c + N);
    else for (let j = 0; j < N; j++) C[c + j] *= beta;
  }
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`gemm: ${name} must be an integer >= ${min}, got ${v}`);
}

/** Throws unless the last element of a batch of rows×cols matrices (leading dim ld) lies inside `arr`. */
function checkSpan(name: string, arr: FloatArray, off: number, stride: number, batch: number, rows: number, cols: number, ld: number): void {
  const hi = off + (batch - 1) * stride + (rows - 1) * ld + cols - 1;
  if (hi >= arr.length) {
    throw new RangeError(`gemm: ${name} reaches element ${hi} but its array has length ${arr.length}`);
  }
}

export function gemm(a: GemmArgs): void {
  const { transA, transB, M, N, K, alpha, beta, A, B, C, lda, ldb, ldc } = a;
  let batch = a.batch;
  checkInt('M', M, 0);
  checkInt('N', N, 0);
  checkInt('K', K, 0);
  checkInt('batch', batch, 0);
  checkInt('aOffset', a.aOffset, 0);
  checkInt('bOffset', a.bOffset, 0);
  checkInt('cOffset', a.cOffset, 0);
  checkInt('lda', lda, 0);
  checkInt('ldb', ldb, 0);
  checkInt('ldc', ldc, 0);
  checkInt('strideA', a.strideA, 0);
  checkInt('strideB', a.strideB, 0);
  checkInt('strideC', a.strideC, 0);
  if (M === 0 || N === 0 || batch === 0) return;
  checkSpan('C', C, a.cOffset, a.strideC, batch, M, N, ldc);
  const compute = K > 0 && alpha !== 0;
  if (compute) {
    checkSpan('A', A, a.aOffset, a.strideA, batch, transA ? K : M, transA ? M : K, lda);
    checkSpan('B', B, a.bOffset, a.strideB, batch, transB ? N : K, transB ? K : N, ldb);
  }
  // Strides of op(A) rows/columns and op(B) rows/columns: transposition is just a stride swap.
  const ars = transA ? 1 : lda, acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb, bcs = transB ? ldb : 1;
  let m = M;
  // A batch that shares B (e.g. a Linear over [batch, rows, in]) with evenly spaced A and C rows is one
  // taller GEMM: B is packed once and tiny per-batch GEMVs become a real GEMM.
  if (batch > 1 && a.strideB === 0 && a.strideC > 0 && a.strideA === M * ars && a.strideC === M * ldc) {
    m = M * batch;
    batch = 1;
  }
  for (let b = 0; b < batch; b++) {
    const ao = a.aOffset + b * a.strideA, bo = a.bOffset + b * a.strideB, co = a.cOffset + b * a.strideC;
    if (!compute) scaleC(C, co, ldc, m, N, beta);
    else if (m === 1) gemv(N, K, alpha, beta, B, bo, bcs, brs, A, ao, acs, C, co, 1);
    else if (N === 1) gemv(m, K, alpha, beta, A, ao, ars, acs, B, bo, brs, C, co, ldc);
    else if (m * N * K <= SMALL) gemmSmall(m, N, K, alpha, beta, A, ao, ars, acs, B, bo, brs, bcs, C, co, ldc);
    else gemmPacked(m, N, K, alpha, beta, A, ao, ars, acs, B, bo, brs, bcs, C, co, ldc);
    if (a.bias) {
      const bias = a.bias;
      for (let r = 0; r < m; r++) {
        const o = co + r * ldc;
        for (let j = 0; j < N; j++) C[o + j] += bias[j];
      }
    }
    if (a.epilogue) {
      for (let r = 0; r < m; r++) {
        const row = C.subarray(co + r * ldc, co + r * ldc + N);
        unary(a.epilogue, row, row, N);
      }
    }
  }
}
