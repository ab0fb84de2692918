/** The pure-JS GEMM kernel against a naive float64 triple loop. */
import { describe, expect, it } from 'vitest';
import { gemm } from '../src/backend/js/gemm.js';
import type { FloatArray, GemmArgs } from '../src/backend/contract.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const SENTINEL = 12345.5;

interface Case {
  M: number; N: number; K: number;
  transA?: boolean; transB?: boolean;
  alpha?: number; beta?: number;
  dtype?: Ctor;
  /** Extra leading-dim padding and leading offsets (elements). */
  padA?: number; padB?: number; padC?: number;
  offA?: number; offB?: number; offC?: number;
  batch?: number;
  /** Broadcast operand A / B across the batch (stride 0). */
  bcastA?: boolean; bcastB?: boolean;
  /** Extra gap between consecutive batch matrices of C. */
  gapC?: number;
  /** Fill C with NaN before the call (beta = 0 must ignore it). */
  nanC?: boolean;
  seed?: number;
}

interface Built { args: GemmArgs; c0: Float64Array }

/** Build operands with the given layout; everything outside the logical matrices holds SENTINEL. */
function build(c: Case): Built {
  const { M, N, K } = c;
  const transA = c.transA ?? false, transB = c.transB ?? false;
  const T = c.dtype ?? Float64Array;
  const batch = c.batch ?? 1;
  const r = rng(c.seed ?? (M * 7919 + N * 104729 + K * 31 + (transA ? 1 : 0) + (transB ? 2 : 0)));
  // stored shapes: A is M×K (or K×M when transposed), B is K×N (or N×K)
  const aRows = transA ? K : M, aCols = transA ? M : K;
  const bRows = transB ? N : K, bCols = transB ? K : N;
  const lda = Math.max(aCols + (c.padA ?? 0), 1), ldb = Math.max(bCols + (c.padB ?? 0), 1), ldc = N + (c.padC ?? 0);
  const strideA = c.bcastA ? 0 : aRows * lda, strideB = c.bcastB ? 0 : bRows * ldb, strideC = M * ldc + (c.gapC ?? 0);
  const offA = c.offA ?? 0, offB = c.offB ?? 0, offC = c.offC ?? 0;
  const nA = c.bcastA ? 1 : batch, nB = c.bcastB ? 1 : batch;
  const A = new T(offA + nA * aRows * lda + 3).fill(SENTINEL);
  const B = new T(offB + nB * bRows * ldb + 3).fill(SENTINEL);
  const C = new T(offC + Math.max(batch - 1, 0) * strideC + M * ldc + 3).fill(SENTINEL);
  for (let b = 0; b < nA; b++) for (let i = 0; i < aRows; i++) for (let k = 0; k < aCols; k++) A[offA + b * strideA + i * lda + k] = r() * 2 - 1;
  for (let b = 0; b < nB; b++) for (let i = 0; i < bRows; i++) for (let k = 0; k < bCols; k++) B[offB + b * strideB + i * ldb + k] = r() * 2 - 1;
  for (let b = 0; b < batch; b++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C[offC + b * strideC + i * ldc + j] = c.nanC ? NaN : r() * 2 - 1;
  const args: GemmArgs = {
    transA, transB, M, N, K, alpha: c.alpha ?? 1, beta: c.beta ?? 0,
    A, aOffset: offA, lda, B, bOffset: offB, ldb, C, cOffset: offC, ldc,
    batch, strideA, strideB, strideC,
  };
  return { args, c0: Float64Array.from(C) };
}

/** Naive float64 reference of what C must hold afterwards, plus a per-element error bound. */
function reference(g: GemmArgs, c0: Float64Array): { want: Float64Array; tol: Float64Array } {
  const want = Float64Array.from(c0);
  const tol = new Float64Array(c0.length);
  const f32 = g.C instanceof Float32Array;
  // float64: K-scaled rounding bound; float32: one rounding of the store plus one per K block.
  const rel = f32 ? 6e-8 * (3 + g.K / 64) : 2.3e-16 * (g.K + 4);
  for (let b = 0; b < g.batch; b++) {
    const ao = g.aOffset + b * g.strideA, bo = g.bOffset + b * g.strideB, co = g.cOffset + b * g.strideC;
    for (let i = 0; i < g.M; i++) {
      for (let j = 0; j < g.N; j++) {
        let s = 0, mag = 0;
        for (let k = 0; k < g.K; k++) {
          const x = g.transA ? g.A[ao + k * g.lda + i] : g.A[ao + i * g.lda + k];
          const y = g.transB ? g.B[bo + j * g.ldb + k] : g.B[bo + k * g.ldb + j];
          s += x * y;
          mag += Math.abs(x * y);
        }
        const c = co + i * g.ldc + j;
        const old = want[c]; // sequential over b, so a C shared across the batch accumulates like the kernel
        const v = g.alpha === 0 ? 0 : g.alpha * s;
        want[c] = g.beta === 0 ? v : v + g.beta * old;
        tol[c] = rel * (Math.abs(g.alpha) * mag + (g.beta === 0 ? 0 : Math.abs(g.beta * old))) + 1e-300;
      }
    }
  }
  return { want, tol };
}

/** Index and description of the first element that differs beyond tolerance, or null. */
function firstMismatch(got: FloatArray, want: Float64Array, tol: Float64Array): string | null {
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w)) continue;
    if (!(Math.abs(g - w) <= tol[i])) return `C[${i}] = ${g}, expected ${w} (tol ${tol[i]})`;
  }
  return null;
}

function check(c: Case): void {
  const { args, c0 } = build(c);
  const { want, tol } = reference(args, c0);
  const A0 = Float64Array.from(args.A), B0 = Float64Array.from(args.B);
  gemm(args);
  const label = JSON.stringify({ ...c, dtype: (c.dtype ?? Float64Array).name });
  expect(firstMismatch(args.C, want, tol), label).toBeNull();
  // inputs are read-only
  expect(Array.from(args.A).every((v, i) => Object.is(v, A0[i])), label).toBe(true);
  expect(Array.from(args.B).every((v, i) => Object.is(v, B0[i])), label).toBe(true);
}

const SIZES = [1, 2, 3, 5, 7, 15, 16, 17, 31, 33, 64, 100];
const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const DTYPES: Ctor[] = [Float64Array, Float32Array];

describe('js gemm', () => {
  it('the checker itself rejects a wrong result and a touched sentinel', () => {
    const { args, c0 } = build({ M: 5, N: 4, K: 3 });
    const { want, tol } = reference(args, c0);
    gemm(args);
    expect(firstMismatch(args.C, want, tol)).toBeNull();
    const i = args.cOffset + 2 * args.ldc + 1;
    args.C[i] *= 1 + 1e-9;
    expect(firstMismatch(args.C, want, tol)).not.toBeNull();
    args.C[i] = want[i];
    args.C[args.C.length - 1] = 0; // outside the logical C
    expect(firstMismatch(args.C, want, tol)).not.toBeNull();
  });

  for (const dtype of DTYPES) {
    for (const [transA, transB] of TRANS) {
      it(`square sizes, ${dtype.name}, transA=${transA} transB=${transB}`, () => {
        for (const n of SIZES) check({ M: n, N: n, K: n, transA, transB, dtype });
      });
    }
  }

  it('mixed rectangular shapes with padding, offsets, alpha and beta (seeded)', () => {
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    for (let t = 0; t < 260; t++) {
      const [transA, transB] = pick(TRANS);
      check({
        M: pick(SIZES), N: pick(SIZES), K: pick(SIZES), transA, transB,
        alpha: pick([1, -0.75, 2.5]), beta: pick([0, 1, 0.5]), dtype: pick(DTYPES),
        padA: pick([0, 0, 3]), padB: pick([0, 0, 5]), padC: pick([0, 0, 2]),
        offA: pick([0, 7]), offB: pick([0, 4]), offC: pick([0, 9]), seed: t + 1,
      });
    }
  });

  it('K = 1 and K = 0 (K = 0 gives beta·C, or zeros)', () => {
    for (const dtype of DTYPES) {
      for (const [transA, transB] of TRANS) {
        for (const beta of [0, 1, 0.5]) {
          check({ M: 17, N: 33, K: 1, transA, transB, beta, alpha: 1.5, dtype });
          check({ M: 17, N: 33, K: 0, transA, transB, beta, alpha: 1.5, dtype });
          check({ M: 1, N: 5, K: 0, transA, transB, beta, dtype });
        }
      }
    }
    // K = 0 with beta = 0 must zero C even when it held NaN
    check({ M: 3, N: 4, K: 0, beta: 0, nanC: true });
  });

  it('M = 1 (GEMV) and N = 1, both operand layouts, all betas', () => {
    for (const dtype of DTYPES) {
      for (const [transA, transB] of TRANS) {
        for (const beta of [0, 1, 0.5]) {
          for (const K of [1, 3, 4, 7, 64, 301]) {
            check({ M: 1, N: 100, K, transA, transB, alpha: -0.75, beta, dtype, padA: 2, padB: 3, offA: 1, offB: 2, offC: 3 });
            check({ M: 100, N: 1, K, transA, transB, alpha: -0.75, beta, dtype, padA: 2, padB: 3, padC: 4, offA: 1, offB: 2, offC: 3 });
            check({ M: 3, N: 1, K, transA, transB, beta, dtype });
            check({ M: 1, N: 3, K, transA, transB, beta, dtype });
          }
          check({ M: 1, N: 1, K: 9, transA, transB, beta, dtype });
        }
      }
    }
    // wider than the GEMV accumulator chunk, and longer than its vector chunk
    check({ M: 1, N: 5000, K: 6, beta: 0.5 });
    check({ M: 1, N: 13, K: 9000, transB: true, beta: 0.5 });
    check({ M: 11, N: 1, K: 8200, beta: 1, dtype: Float32Array });
    check({ M: 1, N: 5000, K: 6, transB: true, beta: 0.5 });
    check({ M: 4500, N: 1, K: 5, transA: true, beta: 1, dtype: Float32Array });
  });

  it('beta = 0 ignores NaN in C; beta = 1 accumulates; beta = 0.5 scales', () => {
    for (const dtype of DTYPES) {
      for (const [transA, transB] of TRANS) {
        for (const [M, N, K] of [[2, 3, 4], [33, 17, 31], [64, 100, 65], [1, 40, 9], [40, 1, 9]]) {
          check({ M, N, K, transA, transB, beta: 0, nanC: true, dtype });
          check({ M, N, K, transA, transB, beta: 1, alpha: 2.5, dtype });
          check({ M, N, K, transA, transB, beta: 0.5, alpha: -1, dtype });
        }
      }
    }
    // NaN in A does propagate where it is used
    const { args } = build({ M: 20, N: 20, K: 20 });
    args.A[3 * args.lda + 4] = NaN;
    gemm(args);
    expect(Number.isNaN(args.C[3 * args.ldc + 0])).toBe(true);
    expect(Number.isNaN(args.C[2 * args.ldc + 0])).toBe(false);
  });

  it('alpha = 0 does not read A or B (BLAS semantics)', () => {
    const { args, c0 } = build({ M: 30, N: 30, K: 30, alpha: 0, beta: 0.5 });
    args.A.fill(NaN);
    gemm(args);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) expect(args.C[i * 30 + j]).toBe(0.5 * c0[i * 30 + j]);
  });

  it('blocking edges: K beyond the K block, M beyond the M block, N beyond the N block', () => {
    for (const dtype of DTYPES) {
      for (const [transA, transB] of TRANS) {
        check({ M: 37, N: 29, K: 600, transA, transB, alpha: 0.5, beta: 0.5, dtype, padA: 1, padB: 2, padC: 3 });
        check({ M: 301, N: 9, K: 40, transA, transB, beta: 1, dtype });
        check({ M: 6, N: 1100, K: 21, transA, transB, beta: 0, nanC: true, dtype });
      }
    }
    check({ M: 130, N: 1030, K: 520, transB: true, alpha: 1, beta: 0.5, dtype: Float32Array });
  });

  it('batched: separate, A broadcast (strideA = 0), B broadcast (strideB = 0), gaps between C matrices', () => {
    for (const dtype of DTYPES) {
      for (const [transA, transB] of TRANS) {
        for (const [M, N, K] of [[5, 7, 3], [33, 17, 20], [1, 16, 9], [16, 1, 9], [2, 2, 2]]) {
          check({ M, N, K, transA, transB, batch: 3, dtype, beta: 0.5 });
          check({ M, N, K, transA, transB, batch: 4, bcastA: true, dtype, alpha: 2 });
          check({ M, N, K, transA, transB, batch: 4, bcastB: true, dtype, beta: 1 });
          check({ M, N, K, transA, transB, batch: 3, bcastB: true, gapC: 5, dtype, beta: 0, nanC: true });
          check({ M, N, K, transA, transB, batch: 2, bcastA: true, bcastB: true, padA: 2, padB: 1, padC: 3, offA: 3, offB: 1, offC: 2, dtype });
        }
      }
    }
    check({ M: 64, N: 50, K: 70, batch: 3, bcastB: true, transB: true, padC: 0, beta: 0.5, dtype: Float32Array });
  });

  it('a C shared across the batch (strideC = 0) with beta = 1 sums the products', () => {
    const M = 4, N = 5, K = 6, batch = 3;
    const r = rng(7);
    const A = Float64Array.from({ length: batch * M * K }, () => r() - 0.5);
    const B = Float64Array.from({ length: batch * K * N }, () => r() - 0.5);
    const C = new Float64Array(M * N);
    gemm({ transA: false, transB: false, M, N, K, alpha: 1, beta: 1, A, aOffset: 0, lda: K, B, bOffset: 0, ldb: N, C, cOffset: 0, ldc: N, batch, strideA: M * K, strideB: K * N, strideC: 0 });
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let b = 0; b < batch; b++) for (let k = 0; k < K; k++) s += A[b * M * K + i * K + k] * B[b * K * N + k * N + j];
      expect(Math.abs(C[i * N + j] - s)).toBeLessThan(1e-13);
    }
  });

  it('M, N or batch = 0 touches nothing', () => {
    for (const [M, N] of [[0, 5], [5, 0], [0, 0]]) {
      const C = new Float64Array(10).fill(SENTINEL);
      gemm({ transA: false, transB: false, M, N, K: 3, alpha: 1, beta: 0, A: new Float64Array(15), aOffset: 0, lda: 3, B: new Float64Array(15), bOffset: 0, ldb: 5, C, cOffset: 0, ldc: 5, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
      expect(C.every((v) => v === SENTINEL)).toBe(true);
    }
    const { args } = build({ M: 3, N: 3, K: 3 });
    const before = Float64Array.from(args.C);
    gemm({ ...args, batch: 0 });
    expect(Array.from(args.C)).toEqual(Array.from(before));
  });

  it('rejects bad sizes and operands that do not fit their arrays', () => {
    const { args } = build({ M: 4, N: 5, K: 6 });
    expect(() => gemm({ ...args, M: -1 })).toThrow(RangeError);
    expect(() => gemm({ ...args, K: 1.5 })).toThrow(RangeError);
    expect(() => gemm({ ...args, lda: -6 })).toThrow(RangeError);
    expect(() => gemm({ ...args, A: new Float64Array(23) })).toThrow(/A reaches/);
    expect(() => gemm({ ...args, B: new Float64Array(29) })).toThrow(/B reaches/);
    expect(() => gemm({ ...args, C: new Float64Array(19) })).toThrow(/C reaches/);
    expect(() => gemm({ ...args, batch: 2 })).toThrow(RangeError);
    expect(() => gemm({ ...args, A: new Float64Array(24), B: new Float64Array(30), C: new Float64Array(20) })).not.toThrow();
  });

  it('results do not depend on previous calls (scratch reuse)', () => {
    const first = build({ M: 70, N: 90, K: 300, seed: 5 });
    gemm(first.args);
    const again = build({ M: 70, N: 90, K: 300, seed: 5 });
    check({ M: 130, N: 1030, K: 520, seed: 9, dtype: Float32Array });
    check({ M: 9, N: 11, K: 13 });
    gemm(again.args);
    expect(Array.from(again.args.C)).toEqual(Array.from(first.args.C));
  });
});
