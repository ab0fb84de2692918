/**
 * The optimizers' fused update kernels: the same trajectory as the op-based update (which still
 * serves strided tensors and differentiable optimizers), bit-identical on every backend, and
 * version counters advanced as PyTorch's in-place ops advance them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { optim, Tensor } from '../src/index.js';
import { availableBackends, currentBackend, useBackend } from '../src/backend/index.js';

// tests switch backends: each puts back the one the file started with
const initial = currentBackend();
afterEach(() => useBackend(initial));

function values(n: number, seed: number, lo = -1, hi = 1): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.round((lo + ((hi - lo) * s) / 2 ** 32) * 1000) / 1000);
  }
  return out;
}

type Dtype = 'float32' | 'float64';
const ROWS = 23, COLS = 29; // 667 elements: above the size where the native kernels take over

/** A [ROWS, COLS] parameter: contiguous (the fused kernel), or a transposed view (the ops). */
function param(dtype: Dtype, strided: boolean): Tensor {
  const v = values(ROWS * COLS, 7);
  if (!strided) return torch.tensor(v, { dtype }).reshape([ROWS, COLS]).requires_grad_(true);
  const base = torch.tensor(v, { dtype }).reshape([ROWS, COLS]).t().contiguous();
  return base.t().requires_grad_(true);
}

function grad(dtype: Dtype, step: number): Tensor {
  return torch.tensor(values(ROWS * COLS, 100 + step, -2 + 0.3 * step, 2), { dtype }).reshape([ROWS, COLS]);
}

const flat = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array | Float64Array);

type Make = (p: Tensor[]) => optim.Optimizer;
const CONFIGS: [string, Make][] = [
  ['SGD', (p) => new optim.SGD(p, { lr: 0.1 })],
  ['SGD weight_decay maximize', (p) => new optim.SGD(p, { lr: 0.05, weight_decay: 0.1, maximize: true })],
  ['SGD momentum', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['SGD dampening weight_decay', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.5, weight_decay: 0.01 })],
  ['SGD nesterov maximize', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.5, nesterov: true, maximize: true })],
  ['Adam', (p) => new optim.Adam(p, { lr: 0.01 })],
  ['Adam amsgrad weight_decay', (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true, weight_decay: 0.1 })],
  ['Adam maximize betas eps', (p) => new optim.Adam(p, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, maximize: true, amsgrad: true })],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.01 })],
  ['AdamW amsgrad maximize', (p) => new optim.AdamW(p, { lr: 0.01, amsgrad: true, weight_decay: 0.5, maximize: true })],
];

function run(make: Make, dtype: Dtype, strided: boolean, steps = 6): number[][] {
  const p = param(dtype, strided);
  const opt = make([p]);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    // a strided parameter gets a strided gradient too, as autograd would give it
    p.grad = strided ? grad(dtype, k).t().contiguous().t() : grad(dtype, k);
    opt.step();
    out.push(flat(p));
  }
  return out;
}

describe('fused optimizer updates', () => {
  for (const [name, make] of CONFIGS) {
    it(`${name}: the kernel follows the op-based update step for step (float32 and float64)`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const ops = run(make, dtype, true);
        const fused = run(make, dtype, false);
        // the ops round every intermediate to the dtype, the kernel only what it stores
        const tol = dtype === 'float32' ? 2e-6 : 1e-14;
        ops.forEach((want, k) => {
          const scale = want.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
          const worst = want.reduce((m, x, i) => Math.max(m, Math.abs(fused[k][i] - x)), 0);
          expect(worst / scale, `${name} ${dtype} step ${k + 1}`).toBeLessThanOrEqual(tol);
        });
      }
    });

    it(`${name}: every backend gives the same bits`, () => {
      const results = Object.entries(availableBackends()).map(([b, backend]) => {
        useBackend(backend);
        return [b, run(make, 'float32', false)] as const;
      });
      for (const [b, r] of results.slice(1)) expect(r, `${b} against js`).toEqual(results[0][1]);
    });
  }

  it("advances versions as PyTorch 1.13's in-place ops do", () => {
    // PyTorch 1.13, two steps: parameter and state versions after each
    const cases: [string, Make, number[], Record<string, number[]>][] = [
      ['sgd', (p) => new optim.SGD(p, { lr: 0.1 }), [1, 2], {}],
      ['sgd momentum', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }), [1, 2], { momentum_buffer: [0, 2] }],
      ['adam', (p) => new optim.Adam(p), [1, 2], { exp_avg: [2, 4], exp_avg_sq: [2, 4] }],
      ['adam amsgrad', (p) => new optim.Adam(p, { amsgrad: true }), [1, 2], { exp_avg: [2, 4], exp_avg_sq: [2, 4], max_exp_avg_sq: [1, 2] }],
      ['adamw', (p) => new optim.AdamW(p), [2, 4], { exp_avg: [2, 4], exp_avg_sq: [2, 4] }],
      ['adamw amsgrad', (p) => new optim.AdamW(p, { amsgrad: true }), [2, 4], { exp_avg: [2, 4], exp_avg_sq: [2, 4], max_exp_avg_sq: [1, 2] }],
    ];
    for (const [b, backend] of Object.entries(availableBackends())) {
      useBackend(backend);
      for (const strided of [false, true]) {
        for (const [name, make, pv, sv] of cases) {
          const p = param('float32', strided);
          const opt = make([p]);
          for (let k = 0; k < 2; k++) {
            p.grad = grad('float32', k);
            opt.step();
            const what = `${name} on ${b}${strided ? ', strided' : ''}, step ${k + 1}`;
            expect(p._version, `${what}: parameter`).toBe(pv[k]);
            const st = opt.state.get(p)!;
            for (const [key, v] of Object.entries(sv)) expect((st[key] as Tensor)._version, `${what}: ${key}`).toBe(v[k]);
          }
        }
      }
    }
  });

  it("creates SGD's momentum buffer as a copy of the first direction, owning its memory", () => {
    const p = param('float32', false);
    const g = grad('float32', 0);
    p.grad = g;
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weight_decay: 0.01 });
    const before = flat(p);
    opt.step();
    const buf = opt.state.get(p)!.momentum_buffer as Tensor;
    // PyTorch's d_p.add(param, alpha=0.01) in float: the product rounded, then the sum
    const want = flat(g).map((x, i) => Math.fround(x + Math.fround(Math.fround(0.01) * before[i])));
    expect(flat(buf)).toEqual(want);
    expect(buf.requires_grad).toBe(false);
    g.fill_(0);
    expect(flat(buf)).toEqual(want);
  });

  it('keeps a momentum buffer when momentum is switched off, as PyTorch', () => {
    const p = param('float64', false);
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = grad('float64', 0);
    opt.step();
    const buf = opt.state.get(p)!.momentum_buffer as Tensor;
    const saved = flat(buf);
    opt.param_groups[0].momentum = 0;
    p.grad = grad('float64', 1);
    const before = flat(p);
    opt.step();
    expect(opt.state.get(p)!.momentum_buffer).toBe(buf);
    expect(flat(buf)).toEqual(saved);
    expect(flat(p)).toEqual(before.map((x, i) => x - 0.1 * flat(p.grad!)[i]));
  });

  it('a gradient of another dtype or shape still steps through the ops', () => {
    const p = torch.ones([3, 300], { requires_grad: true });
    p.grad = torch.ones([300], { dtype: 'float64' });
    new optim.SGD([p], { lr: 0.5 }).step();
    expect(p.dtype).toBe(torch.float32);
    expect(flat(p).every((x) => x === 0.5)).toBe(true);
  });
});
