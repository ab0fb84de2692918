/**
 * Broadcasting binary ops and reductions on shapes big enough for the native kernels (the op-check
 * helper's usual shapes stay under the size where they take over): every backend against the
 * float64 JS reference, with gradients, which reduce the broadcast dims back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { availableBackends, currentBackend, useBackend } from '../src/backend/index.js';
import { checkOp } from './helpers/opcheck.js';

// tests switch backends: each puts back the one the file started with
const initial = currentBackend();
afterEach(() => useBackend(initial));

const BROADCAST: number[][][] = [
  [[64, 37], [37]], // a Linear's bias: [B,N] + [N]
  [[37], [64, 37]],
  [[64, 37], [64, 1]], // [B,N] * [B,1]
  [[64, 1], [64, 37]],
  [[300], []], // vector-scalar
  [[], [300]],
  [[17, 1, 19], [1, 23, 19]],
  [[2, 3, 5, 7, 11], [3, 1, 7, 1]],
];

describe('binary ops with broadcasting, native-sized', () => {
  it('add, sub, mul, div', () => {
    checkOp('add', (a, b) => a.add(b), BROADCAST, { grad: false, exact: true });
    checkOp('sub', (a, b) => a.sub(b), BROADCAST, { grad: false, exact: true });
    checkOp('mul', (a, b) => a.mul(b), BROADCAST, { grad: false, exact: true });
    checkOp('div', (a, b) => a.div(b), BROADCAST, { grad: false, domain: [0.5, 2], exact: true });
  });

  it('their gradients, summed back over the broadcast dims (the smallest shapes the native kernels take)', () => {
    const shapes = [[[40, 7], [7]], [[40, 1], [40, 7]], [[8, 1, 5], [1, 7, 5]]];
    checkOp('add', (a, b) => a.add(b), shapes, { exact: true });
    checkOp('mul', (a, b) => a.mul(b), shapes, { exact: true });
    checkOp('div', (a, b) => a.div(b), shapes, { domain: [0.5, 2], exact: true });
  });

  it('maximum, minimum (ties make their gradient a subgradient: values only)', () => {
    checkOp('maximum', (a, b) => torch.maximum(a, b), BROADCAST, { grad: false, exact: true });
    checkOp('minimum', (a, b) => torch.minimum(a, b), BROADCAST, { grad: false, exact: true });
  });

  it('strided operands (a transposed view, a narrowed one) and in-place updates', () => {
    checkOp('add(t)', (a, b) => a.t().add(b), [[[37, 64], [64, 37]], [[37, 64], [37]]], { grad: false, exact: true });
    checkOp('mul(narrow)', (a, b) => a.narrow(1, 3, 30).mul(b), [[[64, 37], [64, 1]]], { grad: false, exact: true });
    const aliased: number[][] = [];
    for (const [name, backend] of Object.entries(availableBackends())) {
      useBackend(backend);
      const x = torch.arange(0, 64 * 37).reshape([64, 37]).float();
      const bias = torch.arange(0, 37).float();
      x.add_(bias).mul_(torch.full([64, 1], 0.5)).sub_(bias);
      const v = x.toTypedArray();
      for (let i = 0; i < 64 * 37; i++) expect(v[i], `${name} at ${i}`).toBe(Math.floor(i / 37) * 18.5);
      // the broadcast operand is a row of the output itself: every backend reads it as the JS loop does
      x.sub_(x.select(0, 1));
      aliased.push(Array.from(x.toTypedArray()));
    }
    for (const r of aliased.slice(1)) expect(r).toEqual(aliased[0]);
  });

  it('NaN and signed zeros through maximum and minimum, on every backend alike', () => {
    const a = torch.tensor(Array.from({ length: 400 }, (_, i) => [NaN, 0, -0, 1, -Infinity][i % 5]));
    const b = torch.tensor(Array.from({ length: 400 }, (_, i) => [-0, 0, NaN, 0, -0, 2, -1][i % 7]));
    const results = Object.values(availableBackends()).map((backend) => {
      useBackend(backend);
      return [torch.maximum(a, b), torch.minimum(a, b), torch.maximum(a, b.narrow(0, 0, 1))].map((t) => Array.from(t.toTypedArray()));
    });
    for (const r of results.slice(1)) {
      r.forEach((vals, k) => vals.forEach((v, i) => expect(Object.is(v, results[0][k][i]), `result ${k} at ${i}`).toBe(true)));
    }
  });
});

describe('reductions along a dim, native-sized', () => {
  // a float32 sum of K terms may differ from the float64 one by ~K ulps of the terms' magnitude (2)
  const tol = (k: number) => ({ atol: k * 2 ** -23 * 2, rtol: 1e-5 });
  it('sum and mean: rows, columns (a Linear bias gradient is grad.sum(0)), everything', () => {
    checkOp('sum(0)', (x) => x.sum(0), [[[64, 37]], [[300, 3]]], tol(300));
    checkOp('sum(1)', (x) => x.sum(1), [[[64, 37]], [[3, 100, 7]]], tol(100));
    checkOp('sum()', (x) => x.sum(), [[[1000]], [[17, 31]]], tol(1000));
    checkOp('sum([0, 2])', (x) => x.sum([0, 2]), [[[9, 5, 31]]], tol(300));
    checkOp('mean(0)', (x) => x.mean(0), [[[64, 37]]], tol(64));
    checkOp('mean(-1, keepdim)', (x) => x.mean(-1, true), [[[5, 300]]], tol(300));
  });

  it('max, min, amax, amin', () => {
    checkOp('max(0)', (x) => x.max(0).values, [[[64, 37]]], { exact: true });
    checkOp('max(1)', (x) => x.max(1).values, [[[64, 37]], [[3, 100, 7]]], { exact: true });
    checkOp('min(-1)', (x) => x.min(-1).values, [[[5, 300]]], { exact: true });
    checkOp('amax(0)', (x) => x.amax(0), [[[300, 3]]], { exact: true });
    checkOp('amin()', (x) => x.amin(), [[[1000]]], { exact: true });
  });

  it('max, min and their indices agree with the JS backend to the bit: NaN, ties, signed zeros', () => {
    const v = Array.from({ length: 60 * 37 }, (_, i) => [0, -0, 1, 1, NaN, -Infinity, 0.5, -0][(i * 7 + (i >> 5)) % 8] * (i % 13 === 0 ? -1 : 1));
    const x = torch.tensor(v).reshape([60, 37]);
    const out = (t: Tensor) => Array.from(t.toTypedArray());
    const results = Object.values(availableBackends()).map((backend) => {
      useBackend(backend);
      return [x.max(0), x.max(1), x.min(0), x.min(1)].flatMap((r) => [out(r.values), out(r.indices)]).concat([out(x.amax()), out(x.sum(0))]);
    });
    for (const r of results.slice(1)) {
      r.forEach((vals, k) => vals.forEach((y, i) => expect(Object.is(y, results[0][k][i]), `result ${k} at ${i}: ${y} vs ${results[0][k][i]}`).toBe(true)));
    }
  });
});
