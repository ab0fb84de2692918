/**
 * The op-check helper: runs an op on every available backend against the JS reference, in
 * float32 against a float64 reference, and checks its gradients with float64 finite differences.
 * Each op's test is then one call.
 */
import { expect } from 'vitest';
import * as torch from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { availableBackends, useBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';

export const UNARY_SHAPES: number[][][] = [[[]], [[1]], [[7]], [[3, 5]], [[2, 3, 13]]];
export const BINARY_SHAPES: number[][][] = [
  [[], []],
  [[5], [5]],
  [[3, 1], [1, 4]],
  [[2, 3, 5], [5]],
  [[], [3]],
  [[7], []],
  [[2, 1, 3], [4, 1]],
];

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

export function expectClose(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.toTypedArray(), e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y)) {
      expect(Number.isNaN(x), `${what}[${i}]: expected NaN, got ${x}`).toBe(true);
      continue;
    }
    if (x === y) continue;
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
  try {
    for (const shapes of shapeSets) {
      const label = `${name}(${shapes.map((s) => `[${s.join(',')}]`).join(', ')})`;
      useBackend(jsBackend);
      const ref64 = makeInputs(shapes, torch.float64, lo, hi, grad);
      const y64 = fn(...ref64);
      let g64: Tensor[] = [];
      if (grad) {
        torch.autograd.gradcheck(fn, ref64, { atol: opts.gradAtol ?? 1e-5, rtol: opts.gradRtol ?? 1e-3 });
        g64 = gradsOf(fn, makeInputs(shapes, torch.float64, lo, hi, true));
      }
      for (const [bname, backend] of Object.entries(backends)) {
        useBackend(backend);
        const x32 = makeInputs(shapes, torch.float32, lo, hi, grad);
        const y32 = fn(...x32);
        expect(y32.dtype, `${label} on ${bname}: dtype`).toBe(y64.dtype === torch.float64 ? torch.float32 : y64.dtype);
        expectClose(y32, y64, rtol, atol, `${label} on ${bname}`);
        if (grad) {
          const g32 = gradsOf(fn, makeInputs(shapes, torch.float32, lo, hi, true));
          g32.forEach((g, i) => expectClose(g, g64[i], rtol * 10, atol * 10, `${label} on ${bname}: grad of input ${i}`));
        }
      }
    }
  } finally {
    useBackend(jsBackend);
  }
}
