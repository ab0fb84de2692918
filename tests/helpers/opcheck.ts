/**
 * The op-check helper: runs an op on every available backend against the JS reference, in
 * float32 against a float64 reference, and checks its gradients with float64 finite differences.
 * Each op's test is then one call. Shapes include ones above the native backend's thresholds
 * (MIN_ELEMENTWISE elements), and the native run must then have called the native binary.
 */
import { expect } from 'vitest';
import * as torch from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { availableBackends, nativeCallCounts, useBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { MIN_ELEMENTWISE } from '../../src/backend/native/util.js';

// The small shapes stay in JS on every backend (edges: a scalar, one element, primes); the large
// ones (primes again, odd tails past any vector width) reach the native kernels.
export const UNARY_SHAPES: number[][][] = [[[]], [[1]], [[7]], [[3, 5]], [[2, 3, 13]], [[263]], [[17, 19]]];
export const BINARY_SHAPES: number[][][] = [
  [[], []],
  [[5], [5]],
  [[3, 1], [1, 4]],
  [[2, 3, 5], [5]],
  [[], [3]],
  [[7], []],
  [[2, 1, 3], [4, 1]],
  [[17, 19], [17, 19]],
  [[263], []],
  [[], [263]],
  [[17, 19], [19]],
  [[17, 1], [1, 19]],
  [[3, 1, 97], [5, 1]],
];

/** Calls into the native binary so far (0 without one). */
export function nativeCalls(): number {
  const counts = nativeCallCounts();
  return counts ? Object.values(counts).reduce((s, c) => s + c, 0) : 0;
}

/** Whether two results are the same bits: dtype, shape, and Object.is per element (−0 is not +0; NaN is NaN). */
export function expectSameBits(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.dtype, `${what}: dtype`).toBe(expected.dtype);
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.toTypedArray(), e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], e[i])) expect.fail(`${what}[${i}]: got ${Object.is(a[i], -0) ? '-0' : a[i]}, expected ${Object.is(e[i], -0) ? '-0' : e[i]} bit for bit`);
  }
}

export interface OpCheckOptions {
  /** Inputs are drawn uniformly from [lo, hi] (avoid kinks like |x| at 0 for the gradient check). */
  domain?: [number, number];
  /** Check gradients (default true). */
  grad?: boolean;
  /** Relative/absolute tolerance of float32 against the float64 reference. */
  rtol?: number;
  atol?: number;
  /** Gradient-check tolerances (float64). */
  gradAtol?: number;
  gradRtol?: number;
  /**
   * The code promises every backend the JS backend's float32 results bit for bit, compared with
   * Object.is so that −0 and +0 differ: the values, and the gradients of inputs of the output's
   * shape (a broadcast input's gradient is a sum, which backends add up in different orders).
   */
  exact?: boolean;
  /**
   * Whether the forward of each shape set with MIN_ELEMENTWISE or more elements in an input or
   * the output must call the native binary on the native backend (default true); false for an
   * op whose kernels have no native implementation.
   */
  native?: boolean;
}

/** Deterministic inputs: a small LCG, independent of torch's generator. */
function values(n: number, lo: number, hi: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // 3 decimals: exactly the same values in float32 and float64 inputs up to rounding
    out[i] = Math.round((lo + ((hi - lo) * s) / 2 ** 32) * 1000) / 1000;
  }
  return out;
}

function makeInputs(shapes: number[][], dtype: torch.DType, lo: number, hi: number, requiresGrad: boolean): Tensor[] {
  return shapes.map((shape, k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = torch.tensor(values(n, lo, hi, 17 + 31 * k), { dtype }).reshape(shape);
    if (requiresGrad) t.requires_grad_(true);
    return t;
  });
}

/** Elementwise |actual − expected| <= atol + rtol·|expected|, NaN where NaN, and zeros of the same sign unless `zeroSign` is false. */
export function expectClose(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string, { zeroSign = true } = {}): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.toTypedArray(), e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y)) {
      expect(Number.isNaN(x), `${what}[${i}]: expected NaN, got ${x}`).toBe(true);
      continue;
    }
    if (x === y) {
      // a zero's sign is part of the result (1/x, atan2, copysign see it)
      if (zeroSign && x === 0 && !Object.is(x, y)) expect.fail(`${what}[${i}]: got ${Object.is(x, -0) ? '-0' : '+0'}, expected ${Object.is(y, -0) ? '-0' : '+0'}`);
      continue;
    }
    const ok = Math.abs(x - y) <= atol + rtol * Math.abs(y);
    expect(ok, `${what}[${i}]: got ${x}, expected ${y}`).toBe(true);
  }
}

/** A fixed upstream gradient so backward is exercised beyond all-ones. */
function upstream(y: Tensor): Tensor {
  const n = y.numel();
  return torch.tensor(values(n, -1, 1, 99), { dtype: y.dtype }).reshape(y.shape as number[]);
}

function gradsOf(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Tensor[] {
  const y = fn(...inputs);
  y.mul(upstream(y)).sum().backward();
  return inputs.map((x) => x.grad ?? torch.zeros_like(x));
}

export function checkOp(name: string, fn: (...xs: Tensor[]) => Tensor, shapeSets: number[][][], opts: OpCheckOptions = {}): void {
  const [lo, hi] = opts.domain ?? [-2, 2];
  const grad = opts.grad ?? true;
  const rtol = opts.rtol ?? 1e-5, atol = opts.atol ?? 1e-6;
  const backends = availableBackends();
  const initial = useBackend(jsBackend);
  let gradchecked = false;
  try {
    for (const shapes of shapeSets) {
      const label = `${name}(${shapes.map((s) => `[${s.join(',')}]`).join(', ')})`;
      useBackend(jsBackend);
      const ref64 = makeInputs(shapes, torch.float64, lo, hi, grad);
      const y64 = fn(...ref64);
      const large = Math.max(y64.numel(), ...ref64.map((x) => x.numel())) >= MIN_ELEMENTWISE;
      let g64: Tensor[] = [];
      if (grad) {
        // finite differences check the backward formula (JS, float64) once small shapes did,
        // large ones only its float32 runs against these float64 gradients: a full Jacobian of
        // hundreds of elements costs hundreds of passes and checks nothing more
        if (!large || !gradchecked) {
          torch.autograd.gradcheck(fn, ref64, { atol: opts.gradAtol ?? 1e-5, rtol: opts.gradRtol ?? 1e-3 });
          gradchecked = true;
        }
        g64 = gradsOf(fn, makeInputs(shapes, torch.float64, lo, hi, true));
      }
      let js32: { y: Tensor; g: Tensor[] } | null = null;
      for (const [bname, backend] of Object.entries(backends)) {
        useBackend(backend);
        const x32 = makeInputs(shapes, torch.float32, lo, hi, grad);
        const before = nativeCalls();
        const y32 = fn(...x32);
        if (bname === 'native' && large && (opts.native ?? true)) {
          expect(nativeCalls() - before, `${label} on native: calls into the native binary`).toBeGreaterThan(0);
        }
        expect(y32.dtype, `${label} on ${bname}: dtype`).toBe(y64.dtype === torch.float64 ? torch.float32 : y64.dtype);
        expectClose(y32, y64, rtol, atol, `${label} on ${bname}`);
        const g32 = grad ? gradsOf(fn, makeInputs(shapes, torch.float32, lo, hi, true)) : [];
        g32.forEach((g, i) => expectClose(g, g64[i], rtol * 10, atol * 10, `${label} on ${bname}: grad of input ${i}`));
        if (!opts.exact) continue;
        if (js32 === null) {
          js32 = { y: y32, g: g32 };
        } else {
          expectSameBits(y32, js32.y, `${label} on ${bname} against js`);
          g32.forEach((g, i) => {
            if (g.numel() === y32.numel()) expectSameBits(g, js32!.g[i], `${label} on ${bname} against js: grad of input ${i}`);
          });
        }
      }
    }
  } finally {
    useBackend(initial);
  }
}
