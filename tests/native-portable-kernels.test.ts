/**
 * The portable native kernels through the binding: binary ops with broadcasting, reductions along
 * a dim, fused optimizer updates. Each against a reference (float64 math rounded once, or the JS
 * backend, which must agree to the bit where the semantics are exact), and with bad arguments,
 * which must throw TypeError/RangeError naming the argument, never crash.
 */
import { describe, expect, it } from 'vitest';
import { loadBinding, type NativeBinding } from '../src/backend/native/binding.js';
import { jsBackend } from '../src/backend/js/index.js';
import type { AdamHyper, ReduceOp, SgdHyper } from '../src/backend/contract.js';
import { adamScalars } from '../src/backend/js/optim.js';

const loaded = loadBinding();

function binding(): NativeBinding {
  if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
  return loaded.binding;
}

function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return out;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const contiguous = (shape: readonly number[]) => {
  const st = new Array<number>(shape.length);
  for (let i = shape.length - 1, e = 1; i >= 0; e *= shape[i], i--) st[i] = e;
  return st;
};

// ---- binary ---------------------------------------------------------------------------------

const OPS: [string, number, (x: number, y: number) => number][] = [
  ['add', 0, (x, y) => x + y],
  ['sub', 1, (x, y) => x - y],
  ['mul', 2, (x, y) => x * y],
  ['div', 3, (x, y) => x / y],
  ['maximum', 4, Math.max],
  ['minimum', 5, Math.min],
];

interface Operand {
  data: Float32Array;
  offset: number;
  strides: number[];
}

/** An operand of `own` shape placed at `offset`, broadcast to `shape` (stride 0 where own is 1 or missing). */
function operand(own: number[], shape: number[], seed: number, offset = 0, strides?: number[]): Operand {
  const st = strides ?? contiguous(own);
  let extent = 1;
  own.forEach((s, i) => (extent += (s - 1) * st[i]));
  const data = rand(offset + extent, seed);
  const k = shape.length - own.length;
  return { data, offset, strides: shape.map((_, i) => (i < k || own[i - k] === 1 ? 0 : st[i - k])) };
}

function dims(shape: number[], a: Operand, b: Operand): Float64Array {
  const nd = shape.length;
  return Float64Array.from([nd, a.offset, b.offset, ...shape, ...a.strides, ...b.strides]);
}

/** Element i of an operand at the multi-index of output element i. */
function at(x: Operand, shape: number[], i: number): number {
  let off = x.offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    off += (i % shape[d]) * x.strides[d];
    i = Math.floor(i / shape[d]);
  }
  return x.data[off];
}

describe('native binary ops with broadcasting', () => {
  // [shape, a's own shape, b's own shape]; the kernel sees the uncollapsed dims here (the TS side
  // collapses them first, and is exercised through the ops tests)
  const cases: [number[], number[], number[]][] = [
    [[1000], [1000], [1000]], // vector-vector
    [[1000], [1000], [1]], // vector-scalar
    [[1000], [1], [1000]], // scalar-vector
    [[64, 37], [64, 37], [37]], // row broadcast: [B,N] + [N] bias
    [[64, 37], [37], [64, 37]], // the broadcast operand first
    [[64, 37], [64, 37], [64, 1]], // [B,N] * [B,1]
    [[64, 37], [64, 1], [64, 37]],
    [[31, 17], [31, 1], [1, 17]], // outer product
    [[2, 3, 13], [2, 3, 13], [3, 1]],
    [[5, 4, 3, 2, 3, 2], [5, 4, 3, 2, 3, 2], [4, 1, 2, 1, 2]], // six dims
    [[3, 0, 4], [3, 0, 4], [4]], // empty
  ];
  it('add, sub, mul, div, maximum, minimum: every broadcast pattern, rounding as float32 arithmetic', () => {
    for (const [shape, sa, sb] of cases) {
      const a = operand(sa, shape, 3, 5), b = operand(sb, shape, 4, 2);
      const n = numel(shape);
      for (const [name, code, f] of OPS) {
        const out = new Float32Array(n);
        binding().binary(code, a.data, b.data, out, dims(shape, a, b));
        for (let i = 0; i < n; i++) {
          const want = Math.fround(f(at(a, shape, i), at(b, shape, i)));
          if (!Object.is(out[i], want)) expect(out[i], `${name} [${shape}] ← [${sa}], [${sb}] at ${i}`).toBe(want);
        }
      }
    }
  });

  it('general strides: a transposed operand, strides in the middle', () => {
    const shape = [23, 29];
    const a = operand([29, 23], shape, 5, 0);
    a.strides = [1, 23]; // a is the transpose of a contiguous [29, 23]
    const b = operand([23, 29], shape, 6, 0, [29 * 2, 2]); // every other element
    const out = new Float32Array(numel(shape));
    binding().binary(2, a.data, b.data, out, dims(shape, a, b));
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(Math.fround(at(a, shape, i) * at(b, shape, i)));
  });

  it('maximum and minimum: NaN wins, ±0 as Math.max and Math.min', () => {
    const x = Float32Array.from([NaN, 1, NaN, 0, -0, 0, -0, -Infinity, 2]);
    const y = Float32Array.from([1, NaN, NaN, -0, 0, 0, -0, 3, Infinity]);
    const n = x.length;
    for (const [, code, f] of OPS.slice(4)) {
      const out = new Float32Array(n);
      binding().binary(code, x, y, out, Float64Array.from([1, 0, 0, n, 1, 1]));
      for (let i = 0; i < n; i++) expect(Object.is(out[i], f(x[i], y[i])), `${code}: ${x[i]}, ${y[i]} gave ${out[i]}`).toBe(true);
    }
  });

  it('writes in place into an operand read contiguously from the same start', () => {
    const shape = [64, 37];
    const a = operand([64, 37], shape, 7), b = operand([37], shape, 8);
    const want = new Float32Array(numel(shape));
    binding().binary(0, a.data, b.data, want, dims(shape, a, b));
    binding().binary(0, a.data, b.data, a.data, dims(shape, a, b));
    expect(Array.from(a.data)).toEqual(Array.from(want));
  });

  it('rejects bad dims, short operands and overlap with the output', () => {
    const f = (n: number) => new Float32Array(n);
    const b = binding();
    const d = (...v: number[]) => Float64Array.from(v);
    expect(() => b.binary(0, f(4), f(4), f(4), [1, 0, 0, 4, 1, 1] as never)).toThrow(new TypeError("argument 'dims' must be a Float64Array"));
    expect(() => b.binary(6, f(4), f(4), f(4), d(1, 0, 0, 4, 1, 1))).toThrow(RangeError);
    expect(() => b.binary(0, f(4), f(4), f(4), d(0, 0, 0))).toThrow(/dims.nd must be an integer in \[1, 6\]/);
    expect(() => b.binary(0, f(4), f(4), f(4), d(7))).toThrow(RangeError);
    expect(() => b.binary(0, f(4), f(4), f(4), d(2, 0, 0, 2, 2, 2, 1))).toThrow("argument 'dims' must have 3 + 3 * nd entries");
    expect(() => b.binary(0, f(4), f(4), f(4), d(1, 0, 0, 4, -1, 1))).toThrow(/dims.aStrides/);
    expect(() => b.binary(0, f(4), f(4), f(4), d(1, 0, 0, 4, 1.5, 1))).toThrow(RangeError);
    expect(() => b.binary(0, f(4), f(4), f(4), d(1, 0, NaN, 4, 1, 1))).toThrow(/dims.bOffset/);
    expect(() => b.binary(0, f(4), f(4), f(4), d(1, 0, 0, 1e300, 1, 1))).toThrow(/dims.shape/);
    expect(() => b.binary(0, f(4), f(4), f(5), d(1, 0, 0, 4, 1, 1))).toThrow("argument 'out' has 5 elements but the shape has 4");
    expect(() => b.binary(0, f(4), f(3), f(4), d(1, 0, 0, 4, 1, 1))).toThrow("argument 'b' has 3 elements but the shape needs 4");
    expect(() => b.binary(0, f(4), f(4), f(4), d(1, 1, 0, 4, 1, 1))).toThrow("argument 'a' has 4 elements but the shape needs 5");
    expect(() => b.binary(0, f(4), f(8), f(4), d(1, 0, 0, 4, 1, 3))).toThrow("argument 'b' has 8 elements but the shape needs 10");
    // huge strides: the extent is computed without overflow
    expect(() => b.binary(0, f(4), f(4), f(4), d(2, 0, 0, 2, 2, 2 ** 40, 1, 0, 0))).toThrow(/argument 'a' has 4 elements/);
    const buf = f(16);
    // a shifted view of the output, a broadcast read of the output, a transposed read of it
    expect(() => b.binary(0, buf.subarray(0, 4), f(4), buf.subarray(2, 6), d(1, 0, 0, 4, 1, 1))).toThrow(/argument 'out' overlaps 'a'/);
    expect(() => b.binary(0, f(4), buf.subarray(0, 4), buf.subarray(0, 4), d(2, 0, 0, 2, 2, 2, 1, 0, 1))).toThrow(/argument 'out' overlaps 'b'/);
    expect(() => b.binary(0, buf.subarray(0, 4), f(4), buf.subarray(0, 4), d(2, 0, 0, 2, 2, 1, 2, 2, 1))).toThrow(/argument 'out' overlaps 'a'/);
    // the same array, read contiguously: fine
    b.binary(0, buf.subarray(0, 4), buf.subarray(0, 4), buf.subarray(0, 4), d(2, 0, 0, 2, 2, 2, 1, 2, 1));
  });

  it('rejects detached buffers', () => {
    const ab = new ArrayBuffer(16);
    const x = new Float32Array(ab);
    structuredClone(ab, { transfer: [ab] });
    const d = Float64Array.from([1, 0, 0, 4, 1, 1]);
    expect(() => binding().binary(0, x, new Float32Array(4), new Float32Array(4), d)).toThrow(RangeError);
    expect(() => binding().binary(0, new Float32Array(4), new Float32Array(4), x, d)).toThrow(RangeError);
  });
});

// ---- reduce ---------------------------------------------------------------------------------

const REDUCE: [ReduceOp, number][] = [['sum', 0], ['max', 1], ['min', 2]];
const ARGS: [ReduceOp, number][] = [['argmax', 3], ['argmin', 4]];
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 1], [1, 16, 1], [1, 17, 1], [3, 511, 1], [2, 512, 1], [2, 513, 1], [1, 100003, 1], // rows
  [1, 64, 512], [1, 64, 37], [3, 5, 700], [2, 33, 1025], [4, 1, 9], [1, 100, 2], // columns (Linear's bias gradient: [1, B, N])
  [0, 5, 3], [5, 0, 3], [2, 0, 1],
];

describe('native reductions', () => {
  it('sum: rows and columns within a size-independent bound of the float64 sum', () => {
    for (const [outer, size, inner] of SHAPES) {
      const x = rand(outer * size * inner, 11, -1, 3);
      const out = new Float32Array(outer * inner).fill(NaN);
      binding().reduce(0, x, out, outer, size, inner);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let s = 0, mag = 0;
          for (let k = 0; k < size; k++) {
            const v = x[(o * size + k) * inner + i];
            s += v;
            mag += Math.abs(v);
          }
          // float partial sums of at most 32 terms, added in double: ~32 float ulps of Σ|x|, plus the final rounding
          const tol = 40 * 2 ** -24 * mag + 2 ** -24 * Math.abs(s);
          const got = out[o * inner + i];
          if (!(Math.abs(got - s) <= tol)) expect(got, `sum [${outer}, ${size}, ${inner}] at ${o}, ${i}`).toBe(s);
        }
      }
    }
  });

  it('sum of a million elements keeps float64-like accuracy (no drift with size)', () => {
    const n = 1 << 20;
    const x = new Float32Array(n).fill(0.1);
    const out = new Float32Array(1);
    binding().reduce(0, x, out, 1, n, 1);
    const exact = n * Math.fround(0.1);
    // a float running sum would be off by ~10% here; blocks summed in double stay within the bound above
    expect(Math.abs(out[0] - exact)).toBeLessThanOrEqual(40 * 2 ** -24 * exact);
  });

  it('max, min, argmax and argmin match the JS backend to the bit: NaN wins, the first of equal values (zeros of either sign)', () => {
    const specials = [NaN, 0, -0, Infinity, -Infinity, 1, -1];
    for (const [outer, size, inner] of SHAPES) {
      if (size === 0) continue;
      for (let trial = 0; trial < 6; trial++) {
        const n = outer * size * inner;
        const x = rand(n, 100 + trial);
        // sprinkle special values (and, for zero-results, rows of zeros of both signs)
        for (let i = 0; i < n; i++) {
          const r = (i * 2654435761 + trial * 97) % 1009;
          if (trial >= 3) x[i] = r % 2 ? 0 : -0;
          if (r < 7 * trial) x[i] = specials[r % specials.length];
        }
        if (trial === 5) x.fill(-Infinity);
        for (const [op, code] of [...REDUCE.slice(1), ...ARGS]) {
          const Out = code >= 3 ? Float64Array : Float32Array;
          const got = new Out(outer * inner).fill(-7), want = new Out(outer * inner);
          binding().reduce(code, x, got, outer, size, inner);
          jsBackend.reduce(op, x, want, outer, size, inner);
          for (let i = 0; i < got.length; i++) {
            if (!Object.is(got[i], want[i])) expect(got[i], `${op} [${outer}, ${size}, ${inner}] trial ${trial} at ${i}`).toBe(want[i]);
          }
        }
      }
    }
  });

  it('rejects bad arguments', () => {
    const f = (n: number) => new Float32Array(n);
    const b = binding();
    expect(() => b.reduce(5, f(6), f(2), 2, 3, 1)).toThrow(RangeError);
    expect(() => b.reduce(3, f(6), f(2), 2, 3, 1)).toThrow(new TypeError("argument 'out' must be a Float64Array"));
    expect(() => b.reduce(1, f(6), new Float64Array(2) as never, 2, 3, 1)).toThrow(new TypeError("argument 'out' must be a Float32Array"));
    expect(() => b.reduce(4, f(6), new Float64Array(3), 2, 3, 1)).toThrow("argument 'out' must have outer * inner elements");
    expect(() => b.reduce(3, f(0), new Float64Array(2), 2, 0, 1)).toThrow(/must be at least 1/);
    const shared = new ArrayBuffer(64);
    expect(() => b.reduce(3, new Float32Array(shared, 0, 6), new Float64Array(shared, 16, 2), 2, 3, 1)).toThrow(/must not share memory/);
    b.reduce(3, new Float32Array(shared, 0, 6), new Float64Array(shared, 24, 2), 2, 3, 1); // apart: fine
    expect(() => b.reduce(0, new Float64Array(6) as never, f(2), 2, 3, 1)).toThrow(new TypeError("argument 'x' must be a Float32Array"));
    expect(() => b.reduce(0, f(5), f(2), 2, 3, 1)).toThrow("argument 'x' must have outer * size * inner elements");
    expect(() => b.reduce(0, f(6), f(3), 2, 3, 1)).toThrow("argument 'out' must have outer * inner elements");
    expect(() => b.reduce(0, f(6), f(2), 2, 3, -1)).toThrow(/argument 'inner' must be an integer/);
    expect(() => b.reduce(0, f(6), f(2), 2, NaN, 1)).toThrow(RangeError);
    expect(() => b.reduce(1, f(0), f(2), 2, 0, 1)).toThrow("argument 'size' must be at least 1 for max, min, argmax and argmin");
    const buf = f(8);
    expect(() => b.reduce(0, buf.subarray(0, 6), buf.subarray(5, 7), 2, 3, 1)).toThrow(/must not share memory/);
    b.reduce(0, buf.subarray(0, 6), buf.subarray(6, 8), 2, 3, 1); // the same buffer, apart: fine
    const ab = new ArrayBuffer(24);
    const x = new Float32Array(ab);
    structuredClone(ab, { transfer: [ab] });
    expect(() => b.reduce(0, x, f(2), 2, 3, 1)).toThrow(RangeError);
    const sum0 = f(2).fill(7);
    b.reduce(0, f(0), sum0, 2, 0, 1);
    expect(Array.from(sum0)).toEqual([0, 0]);
  });
});

// ---- optimizers -----------------------------------------------------------------------------

/** Native and JS kernels over the same start, for several steps; every array must agree to the bit. */
function sameSteps(n: number, steps: number, run: (arrays: Float32Array[], step: number, native: boolean) => void, count: number): void {
  const make = () => Array.from({ length: count }, (_, k) => rand(n, 40 + k, k === 1 ? -2 : -1, k >= 3 ? 0.5 : 1).map((v) => (k >= 3 ? Math.abs(v) : v)));
  const nat = make(), ref = make();
  for (let s = 1; s <= steps; s++) {
    const grad = rand(n, 1000 + s, -1, 1);
    if (s === 3) grad[5] = NaN; // propagates alike (through the max of amsgrad too)
    // subnormal inputs and products (g·g underflows): no flush-to-zero on either side
    if (s === 2) grad.set([3e-39, -1e-20, 1e-30], 7);
    nat[1].set(grad);
    ref[1].set(grad);
    run(nat, s, true);
    run(ref, s, false);
    for (let k = 0; k < count; k++) {
      for (let i = 0; i < n; i++) {
        if (!Object.is(nat[k][i], ref[k][i])) expect(nat[k][i], `array ${k} at ${i} after step ${s}`).toBe(ref[k][i]);
      }
    }
  }
}

function sgdHyper(h: SgdHyper, init: boolean): Float64Array {
  return Float64Array.from([h.lr, h.momentum, h.dampening, h.weight_decay, +h.nesterov, +h.maximize, +init]);
}

function adamHyper(h: AdamHyper): Float64Array {
  const { stepSize, bc2Sqrt } = adamScalars(h);
  return Float64Array.from([h.lr, h.beta1, h.beta2, h.eps, h.weight_decay, stepSize, bc2Sqrt, +h.maximize, +h.decoupled]);
}

describe('native fused optimizer updates', () => {
  const n = 1037;
  it('SGD: every option, first step and later ones, same bits as the JS kernel', () => {
    const base = { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false };
    const cases: SgdHyper[] = [
      base,
      { ...base, weight_decay: 0.01, maximize: true },
      { ...base, momentum: 0.9 },
      { ...base, momentum: 0.9, dampening: 0.5, weight_decay: 0.1 },
      { ...base, momentum: 0.9, nesterov: true },
      { ...base, momentum: 0.5, nesterov: true, weight_decay: 0.01, maximize: true },
    ];
    for (const h of cases) {
      sameSteps(n, 4, ([p, g, buf], s, native) => {
        const b = h.momentum !== 0 ? buf : null;
        if (native) binding().sgdStep(p, g, b, sgdHyper(h, s === 1));
        else jsBackend.sgdStep(p, g, b, n, h, s === 1);
      }, 3);
    }
  });

  it('Adam and AdamW: amsgrad, maximize, weight decay, same bits as the JS kernel', () => {
    const base = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, step: 1, maximize: false, decoupled: false };
    const cases: [AdamHyper, boolean][] = [
      [base, false],
      [{ ...base, weight_decay: 0.1 }, true],
      [{ ...base, maximize: true, beta1: 0.8, beta2: 0.99, eps: 1e-6 }, true],
      [{ ...base, decoupled: true, weight_decay: 0.01 }, false],
      [{ ...base, decoupled: true, weight_decay: 0.5, maximize: true }, true],
    ];
    for (const [h0, amsgrad] of cases) {
      sameSteps(n, 4, ([p, g, m, v, vmax], step, native) => {
        const h = { ...h0, step };
        if (native) binding().adamStep(p, g, m, v, amsgrad ? vmax : null, adamHyper(h));
        else jsBackend.adamStep(p, g, m, v, amsgrad ? vmax : null, n, h);
      }, 5);
    }
  });

  it('SGD and Adam follow PyTorch op for op on one element, each op rounded to float', () => {
    const f = Math.fround;
    // PyTorch: d = -g + wd·p; buf = clone(d) on the first step; p += -lr·(d + m·buf) with nesterov
    const p = Float32Array.of(0.3), g = Float32Array.of(0.7), buf = new Float32Array(1);
    binding().sgdStep(p, g, buf, sgdHyper({ lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0.01, nesterov: true, maximize: true }, true));
    const d = f(-f(0.7) + f(f(0.01) * f(0.3)));
    expect(buf[0]).toBe(d);
    expect(p[0]).toBe(f(f(0.3) + f(f(-0.1) * f(d + f(f(0.9) * d)))));
    // m = m·b1 + (1 − b1)·g; v = v·b2 + ((1 − b2)·g)·g; p += (−step_size·m) / (sqrt(v) / sqrt(bc2) + eps)
    const h: AdamHyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, step: 2, maximize: false, decoupled: false };
    const q = Float32Array.of(0.3), m = Float32Array.of(0.2), v = Float32Array.of(0.05);
    binding().adamStep(q, Float32Array.of(0.7), m, v, null, adamHyper(h));
    const { stepSize, bc2Sqrt } = adamScalars(h), gk = f(0.7);
    const mk = f(f(f(0.2) * f(0.9)) + f(f(1 - 0.9) * gk)), vk = f(f(f(0.05) * f(0.999)) + f(f(f(1 - 0.999) * gk) * gk));
    expect([m[0], v[0]]).toEqual([mk, vk]);
    expect(q[0]).toBe(f(f(0.3) + f(f(f(-stepSize) * mk) / f(f(f(Math.sqrt(vk)) / f(bc2Sqrt)) + f(1e-8)))));
  });

  it('rejects bad arguments', () => {
    const f = (k: number) => new Float32Array(k);
    const b = binding();
    const sh = sgdHyper({ lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false }, false);
    const ah = adamHyper({ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, step: 1, maximize: false, decoupled: false });
    expect(() => b.sgdStep(f(4), new Float64Array(4) as never, null, sh)).toThrow(new TypeError("argument 'grad' must be a Float32Array"));
    expect(() => b.sgdStep(f(4), f(4), null, [0.1] as never)).toThrow(new TypeError("argument 'hyper' must be a Float64Array"));
    expect(() => b.sgdStep(f(4), f(4), null, new Float64Array(6))).toThrow("argument 'hyper' must have 7 entries");
    expect(() => b.sgdStep(f(4), f(3), null, sh)).toThrow("argument 'grad' must have param's length");
    expect(() => b.sgdStep(f(4), f(4), f(5), sh)).toThrow("argument 'buf' must have param's length");
    expect(() => b.sgdStep(f(4), f(4), f(4), Float64Array.from([0.1, 0.9, 0, 0, 2, 0, 0]))).toThrow(/hyper.nesterov must be an integer in \[0, 1\]/);
    expect(() => b.sgdStep(f(4), f(4), f(4), Float64Array.from([0.1, 0.9, 0, 0, 0, 0, NaN]))).toThrow(/hyper.init/);
    const buf = f(12);
    expect(() => b.sgdStep(buf.subarray(0, 4), buf.subarray(2, 6), null, sh)).toThrow("arguments 'param' and 'grad' must not share memory");
    expect(() => b.sgdStep(buf.subarray(0, 4), f(4), buf.subarray(0, 4), sh)).toThrow("arguments 'param' and 'buf' must not share memory");
    expect(() => b.adamStep(f(4), f(4), f(4), f(4), null, new Float64Array(7))).toThrow("argument 'hyper' must have 9 entries");
    expect(() => b.adamStep(f(4), f(4), f(4), f(3), null, ah)).toThrow("argument 'exp_avg_sq' must have param's length");
    expect(() => b.adamStep(f(4), f(4), f(4), f(4), f(2), ah)).toThrow("argument 'max_exp_avg_sq' must have param's length");
    expect(() => b.adamStep(f(4), f(4), buf.subarray(4, 8), buf.subarray(7, 11), null, ah)).toThrow("arguments 'exp_avg' and 'exp_avg_sq' must not share memory");
    expect(() => b.adamStep(f(4), f(4), f(4), f(4), 3 as never, ah)).toThrow(new TypeError("argument 'max_exp_avg_sq' must be a Float32Array"));
    // detached: a given but detached buffer is not taken for a missing one
    const ab = new ArrayBuffer(16);
    const x = new Float32Array(ab);
    structuredClone(ab, { transfer: [ab] });
    expect(() => b.sgdStep(f(4), f(4), x, sh)).toThrow("argument 'buf' must have param's length");
    expect(() => b.adamStep(x, f(4), f(4), f(4), null, ah)).toThrow(RangeError);
  });
});
