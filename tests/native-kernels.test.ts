/**
 * The native kernels through the binding, against float64 references: GEMM tails, transposes,
 * strides, batches and epilogues; activations at special values; softmax; and bad input, which
 * must throw TypeError/RangeError naming the argument, never crash.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { loadBinding, type NativeBinding } from '../src/backend/native/binding.js';
import { rand } from './helpers/random.js';

const loaded = loadBinding();

function binding(): NativeBinding {
  if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
  return loaded.binding;
}

const EPI = ['none', 'relu', 'gelu', 'sigmoid', 'tanh', 'silu'] as const;
const erf = (x: number) => {
  // float64 erf via its series / continued fraction is overkill here: use a 1e-12 accurate rational
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
};
const epilogue: Record<(typeof EPI)[number], (v: number) => number> = {
  none: (v) => v,
  relu: (v) => Math.max(v, 0),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  silu: (v) => v / (1 + Math.exp(-v)),
};

interface Case {
  M: number; N: number; K: number; transA: boolean; transB: boolean;
  alpha?: number; beta?: number; bias?: boolean; epi?: number; padA?: number; padB?: number; padC?: number;
}

function runGemm(c: Case): void {
  const { M, N, K, transA, transB } = c;
  const alpha = c.alpha ?? 1, beta = c.beta ?? 0;
  const lda = Math.max(1, (transA ? M : K) + (c.padA ?? 0)), ldb = Math.max(1, (transB ? K : N) + (c.padB ?? 0)), ldc = N + (c.padC ?? 0);
  const A = rand(Math.max(1, (transA ? K : M) * lda), 1), B = rand(Math.max(1, (transB ? N : K) * ldb), 2);
  const C = rand(Math.max(1, M * ldc), 3);
  if (beta === 0) C.fill(NaN); // beta = 0 must ignore C, NaN included
  const C0 = C.slice();
  const bias = c.bias ? rand(N, 4) : null;
  const epi = c.epi ?? 0;
  const code = epi === 0 ? -1 : binding().unaryOps[EPI[epi]];  // the addon's op code, -1 for none
  binding().gemm(A, B, C, bias, new Float64Array([+transA, +transB, M, N, K, lda, ldb, ldc, 0, 0, 0, alpha, beta, code, 1, 0, 0, 0]));
  const f = epilogue[EPI[epi]];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = C[i * ldc + j];
      if (j >= N) {
        expect(Object.is(got, C0[i * ldc + j]), `padding C[${i},${j}] untouched`).toBe(true);
        continue;
      }
      let s = 0, mag = 0;
      for (let k = 0; k < K; k++) {
        const p = (transA ? A[k * lda + i] : A[i * lda + k]) * (transB ? B[j * ldb + k] : B[k * ldb + j]);
        s += p;
        mag += Math.abs(p);
      }
      const pre = alpha * s + (beta === 0 ? 0 : beta * C0[i * ldc + j]) + (bias ? bias[j] : 0);
      const want = f(pre);
      const tol = 1e-6 * (K + 4) * (Math.abs(alpha) * mag + 1) + 2e-6 * Math.abs(want);
      expect(Math.abs(got - want) <= tol, `${JSON.stringify(c)} C[${i},${j}] = ${got}, want ${want}`).toBe(true);
    }
  }
}

describe('native GEMM', () => {
  it('is correct on tails, primes, K = 1 and K = 0, all transpose combinations', () => {
    const sizes = [1, 3, 7, 15, 16, 17, 31, 33, 64];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const M of sizes) for (const N of [1, 5, 16, 17, 33]) runGemm({ M, N, K: 13, transA, transB });
        for (const K of [0, 1, 2, 31, 100, 257]) runGemm({ M: 9, N: 20, K, transA, transB });
        runGemm({ M: 1, N: 300, K: 200, transA, transB });
      }
    }
  });
  it('handles alpha, beta, leading dims wider than the matrix, and bias', () => {
    runGemm({ M: 37, N: 45, K: 29, transA: false, transB: true, alpha: -0.5, beta: 1, padA: 3, padB: 5, padC: 7 });
    runGemm({ M: 37, N: 45, K: 29, transA: true, transB: false, alpha: 2, beta: 0.25, bias: true, padC: 1 });
    runGemm({ M: 130, N: 70, K: 300, transA: false, transB: false, beta: 1, bias: true });
  });
  it('applies every fused epilogue', () => {
    for (let epi = 0; epi < EPI.length; epi++) {
      runGemm({ M: 19, N: 35, K: 17, transA: false, transB: true, bias: true, epi });
      runGemm({ M: 64, N: 64, K: 64, transA: false, transB: false, epi });
      // one output column (computed as its transpose): bias and epilogue after, every layout
      for (const transA of [false, true]) {
        for (const transB of [false, true]) runGemm({ M: 300, N: 1, K: 50, transA, transB, bias: true, epi });
      }
      runGemm({ M: 257, N: 1, K: 3, transA: false, transB: true, alpha: -1.5, beta: 0.5, bias: true, epi, padA: 2, padB: 4 });
    }
  });
  it('large products, split across threads (rows with one shared packed B, or columns), match', () => {
    const before = binding().getNumThreads();
    try {
      for (const threads of [2, 3]) {
        binding().setNumThreads(threads);
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            // above 8 Mi multiply-adds: split even with the worker asleep
            runGemm({ M: 300, N: 257, K: 129, transA, transB }); // row split
            runGemm({ M: 33, N: 600, K: 450, transA, transB }); // column split
          }
        }
        runGemm({ M: 301, N: 97, K: 450, transA: false, transB: true, beta: 1, bias: true, epi: 1, padA: 2, padB: 3, padC: 5 });
        runGemm({ M: 250, N: 120, K: 300, transA: true, transB: false, alpha: -2, bias: true, epi: 2 });
        runGemm({ M: 40, N: 700, K: 300, transA: false, transB: false, beta: 0.5, bias: true, epi: 5, padC: 3 });
      }
    } finally {
      binding().setNumThreads(before);
    }
  });
  it('batches with broadcast operands (stride 0)', () => {
    const M = 5, N = 6, K = 7, batch = 3;
    const A = rand(batch * M * K, 5), B = rand(K * N, 6), C = new Float32Array(batch * M * N);
    binding().gemm(A, B, C, null, new Float64Array([0, 0, M, N, K, K, N, N, 0, 0, 0, 1, 0, -1, batch, M * K, 0, M * N]));
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[b * M * K + i * K + k] * B[k * N + j];
          expect(C[b * M * N + i * N + j]).toBeCloseTo(s, 5);
        }
      }
    }
  });
});

describe('native activations', () => {
  // [code, name, reference in float64, param]; params in float32, as the kernels take them
  const slope = Math.fround(0.01), alpha = Math.fround(0.7);
  const ops: [number, string, (x: number) => number, number?][] = [
    [0, 'relu', (x) => (x > 0 || Number.isNaN(x) ? x : 0)],
    [1, 'sigmoid', (x) => 1 / (1 + Math.exp(-x))],
    [2, 'tanh', Math.tanh],
    [3, 'exp', Math.exp],
    [5, 'gelu', (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
    [6, 'gelu_tanh', (x) => 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))],
    [7, 'silu', (x) => x / (1 + Math.exp(-x))],
    [8, 'softplus', (x) => (x > 20 ? x : Math.log1p(Math.exp(x)))],
    [9, 'neg', (x) => -x],
    [10, 'abs', Math.abs],
    [11, 'sqrt', Math.sqrt],
    [12, 'leaky_relu', (x) => (x > 0 ? x : x * slope), slope],
    [12, 'leaky_relu(-0.5)', (x) => (x > 0 ? x : x * -0.5), -0.5],
    [13, 'elu', (x) => (x > 0 ? x : alpha * Math.expm1(x)), alpha],
    [13, 'elu(1)', (x) => (x > 0 ? x : Math.expm1(x)), 1],
  ];
  const specials = [0, -0, 1e-30, -1e-30, 0.5, -0.5, 3, -3, 20, -20, 88, -88, 100, -100, 1e4, -1e4, Infinity, -Infinity, NaN];
  for (const [code, name, ref, param = 0] of ops) {
    it(`${name}: tails, special values and a dense sweep`, () => {
      for (const n of [0, 1, 3, 7, 15, 16, 17, 31, 33, 1000]) {
        const x = new Float32Array(n).map((_, i) => (i - n / 2) * 0.37);
        const out = new Float32Array(n);
        binding().unary(code, x, out, param);
        for (let i = 0; i < n; i++) {
          const want = Math.fround(ref(x[i]));
          if (Number.isNaN(want)) expect(out[i]).toBeNaN();
          else if (out[i] !== want) expect(Math.abs(out[i] - want) <= 4e-7 * Math.abs(want) + 1e-7 * (name === 'gelu' ? 10 : 1), `${name}(${x[i]}) = ${out[i]}, want ${want}`).toBe(true);
        }
      }
      const x = Float32Array.from(specials);
      const out = new Float32Array(x.length);
      binding().unary(code, x, out, param);
      x.forEach((v, i) => {
        const want = Math.fround(ref(v));
        if (Number.isNaN(want)) expect(out[i], `${name}(${v})`).toBeNaN();
        else if (out[i] !== want) expect(Math.abs(out[i] - want) <= 4e-7 * Math.abs(want) + 1e-6, `${name}(${v}) = ${out[i]}, want ${want}`).toBe(true);
      });
      // in place (out aliases x)
      const y = Float32Array.from([1, -2, 3]);
      const copy = new Float32Array(3);
      binding().unary(code, y, copy, param);
      binding().unary(code, y, y, param);
      expect(Array.from(y)).toEqual(Array.from(copy));
    });
  }

  it('leaky_relu and elu keep the sign of zero, propagate NaN and saturate; elu is relative-accurate near 0', () => {
    const x = Float32Array.from([-0, 0, NaN, -Infinity, Infinity, -1e-30, -1e-7, -3e-4, 1e-30, -1e30]);
    const out = new Float32Array(x.length);
    binding().unary(12, x, out, 0.25);
    expect(Array.from(out)).toEqual([-0, 0, NaN, -Infinity, Infinity, Math.fround(-1e-30 * 0.25), Math.fround(-1e-7 * 0.25),
      Math.fround(Math.fround(-3e-4) * 0.25), Math.fround(1e-30), Math.fround(-1e30 * 0.25)]);
    binding().unary(13, x, out, 2);
    expect(Object.is(out[0], -0) && Object.is(out[1], 0)).toBe(true);
    expect(out[2]).toBeNaN();
    expect([out[3], out[4], out[9]]).toEqual([-2, Infinity, -2]);
    for (const i of [5, 6, 7]) {
      const want = 2 * Math.expm1(x[i]);
      expect(Math.abs(out[i] - want)).toBeLessThanOrEqual(2 ** -22 * Math.abs(want));
    }
    expect(out[8]).toBe(Math.fround(1e-30));
  });

  it('gradients of relu, sigmoid and tanh', () => {
    const n = 37;
    const y = rand(n, 9).map((v) => v * 0.9), g = rand(n, 10), out = new Float32Array(n);
    const { relu, sigmoid, tanh } = binding().unaryOps;
    binding().unaryGrad(relu, y, g, out, 0);
    y.forEach((v, i) => expect(out[i]).toBe(v > 0 ? g[i] : 0));
    binding().unaryGrad(sigmoid, y, g, out, 0);
    y.forEach((v, i) => expect(out[i]).toBeCloseTo(g[i] * v * (1 - v), 6));
    binding().unaryGrad(tanh, y, g, out, 0);
    y.forEach((v, i) => expect(out[i]).toBeCloseTo(g[i] * (1 - v * v), 6));
  });

  it('softmax and log_softmax rows, stable for large logits, and their gradients', () => {
    const rows = 3, cols = 37;
    const x = rand(rows * cols, 11).map((v, i) => v * 10 + (i % cols === 0 ? 1000 : 0));
    const y = new Float32Array(rows * cols), ly = new Float32Array(rows * cols);
    binding().softmax(x, y, rows, cols, false);
    binding().softmax(x, ly, rows, cols, true);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      row.forEach((v, j) => {
        expect(y[r * cols + j]).toBeCloseTo(Math.exp(v - lse), 6);
        expect(ly[r * cols + j]).toBeCloseTo(v - lse, 3);
      });
    }
    const g = rand(rows * cols, 12), dx = new Float32Array(rows * cols);
    binding().softmaxGrad(y, g, dx, rows, cols, false);
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += g[r * cols + j] * y[r * cols + j];
      for (let j = 0; j < cols; j++) expect(dx[r * cols + j]).toBeCloseTo(y[r * cols + j] * (g[r * cols + j] - dot), 6);
    }
  });
});

describe('the binding rejects bad input with a clear error', () => {
  const dims = (over: Partial<Record<number, number>> = {}) => {
    const d = new Float64Array([0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 0, -1, 1, 0, 0, 0]);
    for (const [k, v] of Object.entries(over)) d[Number(k)] = v!;
    return d;
  };
  const f = (n: number) => new Float32Array(n);
  it('wrong types', () => {
    const b = binding();
    expect(() => b.gemm(new Float64Array(4) as never, f(4), f(4), null, dims())).toThrow(TypeError);
    expect(() => b.gemm(f(4), f(4), f(4), null, [0] as never)).toThrow("argument 'dims' must be a Float64Array");
    expect(() => b.unary('relu' as never, f(1), f(1), 0)).toThrow("argument 'op' must be a number");
    expect(() => b.softmax(f(4), f(4), 2, 2, 1 as never)).toThrow("argument 'log' must be a boolean");
    expect(() => (b.gemm as (...a: unknown[]) => void)()).toThrow(TypeError);
  });
  it('lengths, ranges and NaN sizes', () => {
    const b = binding();
    expect(() => b.gemm(f(3), f(4), f(4), null, dims())).toThrow("argument 'A' has 3 elements but the shape needs 4");
    expect(() => b.gemm(f(4), f(4), f(4), f(1), dims())).toThrow(/argument 'bias' has 1 elements/);
    expect(() => b.gemm(f(4), f(4), f(4), null, dims({ 2: NaN }))).toThrow(RangeError);
    expect(() => b.gemm(f(4), f(4), f(4), null, dims({ 2: -1 }))).toThrow(RangeError);
    expect(() => b.gemm(f(4), f(4), f(4), null, dims({ 2: 1e300 }))).toThrow(RangeError);
    expect(() => b.gemm(f(4), f(4), f(4), null, dims({ 13: 9 }))).toThrow(/epilogue/);
    expect(() => b.unary(99, f(1), f(1), 0)).toThrow(RangeError);
    expect(() => b.unary(0, f(2), f(3), 0)).toThrow(RangeError);
    expect(() => b.softmax(f(4), f(4), 3, 2, false)).toThrow(RangeError);
    expect(() => b.setNumThreads(0)).toThrow(RangeError);
  });
  it('aliasing of outputs with inputs', () => {
    const b = binding();
    const buf = f(8);
    expect(() => b.gemm(buf.subarray(0, 4), f(4), buf.subarray(2, 6), null, dims())).toThrow("argument 'C' must not share memory with 'A', 'B' or 'bias'");
    expect(() => b.unary(0, buf.subarray(0, 4), buf.subarray(1, 5), 0)).toThrow('partially overlaps');
    expect(() => b.softmax(buf.subarray(0, 4), buf.subarray(0, 4), 2, 2, false)).toThrow(/must not share memory/);
  });
  it('detached buffers', () => {
    const b = binding();
    const ab = new ArrayBuffer(16);
    const x = new Float32Array(ab);
    structuredClone(ab, { transfer: [ab] });
    expect(() => b.unary(0, x, f(4), 0)).toThrow(RangeError);
    expect(() => b.gemm(x, f(4), f(4), null, dims())).toThrow(RangeError);
    // a detached optional operand is an error too, never silently treated as absent
    expect(() => b.gemm(f(4), f(4), f(4), x, dims())).toThrow(/argument 'bias' has 0 elements/);
    expect(() => b.sgdStep(f(4), f(4), x, new Float64Array([0.1, 0.9, 0, 0, 0, 0, 1]))).toThrow(/argument 'buf'/);
  });
});

describe('instruction-set dispatch', () => {
  const probe = (isa: string) =>
    execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(loaded.binding ? (loaded as { path: string }).path : '')}).info()))`], {
      env: { ...process.env, KINDLING_ISA: isa },
    }).toString();
  it('KINDLING_ISA forces a lower level, never one the CPU lacks', () => {
    const info = binding().info();
    const available = info.available.split(',');
    expect(available).toContain('scalar');
    // the names KINDLING_ISA takes on this architecture, best first
    const names = process.arch === 'arm64' ? ['neon', 'scalar'] : ['avx512', 'avx2', 'scalar'];
    for (const isa of names) {
      const r = JSON.parse(probe(isa));
      if (available.includes(isa)) {
        expect(r.isa).toBe(isa);
        expect(r.isaError).toBe(null);
      } else {
        expect(r.isa).toBe(available[0]);
        expect(r.isaError).toMatch(/does not support/);
      }
    }
    expect(JSON.parse(probe('sse9')).isaError).toContain(`must be one of ${names.join(', ')}`);
  });
});
