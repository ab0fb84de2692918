/**
 * The backward pass gives its temporaries and consumed gradients back to the memory pool
 * (src/autograd/recycle.ts, docs/memory.md). Under test every buffer given back is filled with NaN
 * (vitest.config.ts sets KINDLING_POISON_RECLAIMED), so a tensor that still used one would show
 * NaN: each case keeps what a user can reach, runs more passes that reuse the pool, then checks.
 * Tensors here are above the 16 KiB slab sizes, where the pool works.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { emptyPool, newArrayForOverwrite, pooledByteCount, reclaim, reclaimable } from '../src/memory.js';
import { float32 } from '../src/dtype.js';

const values = (t: Tensor) => Array.from(t.detach().contiguous().toTypedArray() as Float32Array);

/** Forward and backward passes of the sizes the cases use, so the pool hands their buffers out again. */
function churn(times = 6): void {
  for (let i = 0; i < times; i++) {
    const w = torch.randn([256, 64], { requires_grad: true });
    const x = torch.randn([128, 256]);
    x.mm(w).relu().mul(x.mm(w).sigmoid()).sum().backward();
    const a = torch.randn([128, 64], { requires_grad: true });
    a.add(a.mul(2)).exp().sum().backward();
  }
}

function expectSame(t: Tensor, want: number[]): void {
  const got = values(t);
  expect(got.some(Number.isNaN)).toBe(false);
  expect(got).toEqual(want);
}

beforeEach(() => emptyPool());

describe('memory the backward pass gives back', () => {
  it('a backward pass returns its temporaries, and the next results of their size take them', () => {
    const w = torch.randn([256, 64], { requires_grad: true });
    const x = torch.randn([128, 256]);
    x.mm(w).relu().sigmoid().sum().backward();
    const pooled = pooledByteCount();
    expect(pooled).toBeGreaterThanOrEqual(128 * 64 * 4);
    x.mm(w.detach());
    expect(pooledByteCount()).toBeLessThan(pooled);
  });

  it('a gradient adopted as a leaf .grad is never given back', () => {
    const w = torch.randn([256, 64], { requires_grad: true });
    const x = torch.randn([128, 256]);
    x.mm(w).relu().sum().backward();
    const want = values(w.grad!);
    churn();
    expectSame(w.grad!, want);
  });

  it('one gradient handed to two leaves and to the same leaf twice', () => {
    const a = torch.randn([128, 64], { requires_grad: true }), b = torch.randn([128, 64], { requires_grad: true });
    a.add(b).add(a).mul(3).sum().backward();
    churn();
    expectSame(a.grad!, new Array(128 * 64).fill(6));
    expectSame(b.grad!, new Array(128 * 64).fill(3));
  });

  it('gradients from autograd.grad and from retain_grad survive later passes', () => {
    const w = torch.randn([256, 64], { requires_grad: true });
    const x = torch.randn([128, 256]);
    const h = x.mm(w);
    h.retain_grad();
    const [gh, gw] = torch.autograd.grad(h.sigmoid().sum(), [h, w], { retain_graph: true });
    const wantH = values(gh!), wantW = values(gw!);
    h.sigmoid().sum().backward();
    const wantRetained = values(h.grad!);
    churn();
    expectSame(gh!, wantH);
    expectSame(gw!, wantW);
    expectSame(h.grad!, wantRetained);
    // and they are right: d sigmoid(h) / dh = s (1 - s), and dW = xᵀ · that
    const s = h.detach().sigmoid();
    expect(torch.allclose(gh!, s.mul(s.neg().add(1)), { rtol: 1e-6, atol: 1e-7 })).toBe(true);
    expect(torch.allclose(gw!, x.t().mm(gh!), { rtol: 1e-5, atol: 1e-5 })).toBe(true);
  });

  it('accumulating into an existing .grad over several passes gives the summed gradient', () => {
    const w = torch.randn([256, 64], { requires_grad: true });
    const x = torch.randn([128, 256]);
    for (let i = 0; i < 4; i++) x.mm(w).mul(2).sum().backward();
    const one = x.t().mm(torch.ones([128, 64])).mul(2);
    expect(torch.allclose(w.grad!, one.mul(4), { rtol: 1e-5, atol: 1e-4 })).toBe(true);
  });

  it('a two-layer network trained for several steps matches the gradients written out by hand', () => {
    torch.manual_seed(3);
    const w1 = torch.randn([64, 200], { requires_grad: true }), w2 = torch.randn([10, 64], { requires_grad: true });
    const x = torch.randn([128, 200]), t = torch.randn([128, 10]);
    const opt = new torch.optim.SGD([w1, w2], { lr: 1e-6, momentum: 0.9 });
    for (let step = 0; step < 5; step++) {
      opt.zero_grad();
      const h = x.mm(w1.t()), a = h.relu(), y = a.mm(w2.t());
      y.sub(t).pow(2).sum().backward();
      // by hand: dy = 2 (y - t), dW2 = dyᵀ a, da = dy W2, dh = da · [h > 0], dW1 = dhᵀ x
      torch.no_grad(() => {
        const dy = y.sub(t).mul(2), dW2 = dy.t().mm(a), dh = dy.mm(w2).mul(h.gt(0).float()), dW1 = dh.t().mm(x);
        expect(torch.allclose(w2.grad!, dW2, { rtol: 1e-4, atol: 1e-3 })).toBe(true);
        expect(torch.allclose(w1.grad!, dW1, { rtol: 1e-4, atol: 1e-3 })).toBe(true);
      });
      opt.step();
    }
  });

  it('create_graph keeps every gradient (they are graph values): double backward is right', () => {
    const x = torch.randn([128, 64], { requires_grad: true });
    const [g] = torch.autograd.grad(x.pow(3).sum(), [x], { create_graph: true });
    churn(2);
    g!.sum().backward();  // d/dx Σ 3x² = 6x
    expect(torch.allclose(x.grad!, x.detach().mul(6), { rtol: 1e-5, atol: 1e-5 })).toBe(true);
    expect(torch.allclose(g!, x.detach().pow(2).mul(3), { rtol: 1e-5, atol: 1e-5 })).toBe(true);
  });

  it('only whole buffers the allocator made are taken back', () => {
    expect(reclaimable(new Float32Array(10000))).toBe(false);  // not made by the allocator
    const own = newArrayForOverwrite(float32, 10000);
    expect(reclaimable(own)).toBe(true);
    expect(reclaimable(own.subarray(1))).toBe(false);
    expect(reclaimable(newArrayForOverwrite(float32, 100))).toBe(false);  // a slab view
    reclaim(own.subarray(1));
    expect(pooledByteCount()).toBe(0);
    reclaim(own);
    expect(pooledByteCount()).toBe(40000);
  });

  it('tensors over user memory are never taken, even when they flow through backward', () => {
    const buf = new Float32Array(128 * 64).fill(2);
    const u = torch.frombuffer(buf).view([128, 64]);
    const w = torch.randn([128, 64], { requires_grad: true });
    w.mul(u).sum().backward();
    churn();
    expect(Array.from(buf).every((v) => v === 2)).toBe(true);
    expectSame(w.grad!, new Array(128 * 64).fill(2));
  });

  it('zero_grad gives back a gradient nothing outside the engine saw; one user code read is kept', () => {
    const net = new torch.nn.Linear(256, 64);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = torch.randn([128, 256]);
    net(x).sum().backward();
    opt.step();
    opt.zero_grad(true);
    expect(pooledByteCount()).toBeGreaterThanOrEqual(256 * 64 * 4);  // the weight's gradient
    net(x).sum().backward();
    const seen = net.weight.grad!;  // read by user code: never reused
    const want = values(seen);
    opt.step();
    opt.zero_grad(true);
    net.zero_grad(true);
    churn();
    for (let i = 0; i < 3; i++) {
      net(x).relu().sum().backward();
      opt.step();
      opt.zero_grad(true);
    }
    expectSame(seen, want);
    // a gradient user code assigned is its own, as is one read after the step
    const mine = torch.full([64, 256], 7);
    net.weight.grad = mine;
    net.zero_grad(true);
    churn();
    expectSame(mine, new Array(64 * 256).fill(7));
  });

  it('a momentum and an Adam run with gradients given back match runs that read every gradient', () => {
    for (const make of [
      (ps: Tensor[]) => new torch.optim.SGD(ps, { lr: 0.01, momentum: 0.9 }),
      (ps: Tensor[]) => new torch.optim.Adam(ps, { lr: 1e-3 }),
    ]) {
      const run = (peek: boolean) => {
        torch.manual_seed(11);
        const net = new torch.nn.Sequential(new torch.nn.Linear(200, 96), new torch.nn.ReLU(), new torch.nn.Linear(96, 10));
        const opt = make([...net.parameters()]);
        const x = torch.randn([64, 200]), y = torch.randint(0, 10, [64]);
        for (let i = 0; i < 5; i++) {
          opt.zero_grad();
          torch.nn.functional.cross_entropy(net(x), y).backward();
          if (peek) for (const p of net.parameters()) void p.grad;  // seen: never given back
          opt.step();
          churn(1);
        }
        return [...net.parameters()].map(values);
      };
      expect(run(false)).toEqual(run(true));
    }
  });
  it("zero_grad()'s unwritten zeros read as zeros, and a held .grad is zeroed in place and accumulated into", () => {
    torch.manual_seed(5);
    const net = new torch.nn.Linear(256, 64);
    const x = torch.randn([128, 256]);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    net(x).sum().backward();
    opt.zero_grad();  // nothing saw the gradients: marked, not written
    churn();
    expectSame(net.weight.grad!, new Array(64 * 256).fill(0));
    // a .grad user code holds stays the gradient, zeroed in place and accumulated into by backward
    const held = net.weight.grad!;
    net(x).sum().backward();
    const first = values(held);
    opt.zero_grad();
    expectSame(held, new Array(64 * 256).fill(0));
    net(x).sum().backward();
    expect(net.weight.grad).toBe(held);
    churn();
    expectSame(held, first);
    // backward after the marked zeros gives the gradient itself, not a sum with the old one
    opt.zero_grad();
    net.zero_grad();
    const b = net.bias!.grad;  // bias: read, so zeroed in place; weight: read above, in place too
    expect(b).not.toBeNull();
    net(x).sum().backward();
    expectSame(net.bias!.grad!, new Array(64).fill(128));
  });

  it('a momentum step after zero_grad() without a backward moves by the momentum alone, as PyTorch', () => {
    const w = torch.tensor([1, 2, 3], { requires_grad: true });
    const opt = new torch.optim.SGD([w], { lr: 0.1, momentum: 0.5 });
    w.mul(torch.tensor([1, 1, 1])).sum().backward();  // grad 1, never read
    opt.step();  // buf = 1, w -= 0.1
    opt.zero_grad();
    opt.step();  // grad 0: buf = 0.5, w -= 0.05
    Array.from(w.detach().toTypedArray() as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(i + 1 - 0.15, 6));
    expect(Array.from(w.grad!.toTypedArray() as Float32Array)).toEqual([0, 0, 0]);
  });

  it('zero_grad() detaches a gradient made under create_graph, then zeroes it (1.13)', () => {
    const lin = new torch.nn.Linear(3, 2);
    lin(torch.ones([1, 3])).pow(2).sum().backward({ create_graph: true });
    expect(lin.weight.grad!.grad_fn).not.toBeNull();
    lin.zero_grad();
    expect(lin.weight.grad!.grad_fn).toBeNull();
    expect(lin.weight.grad!.requires_grad).toBe(false);
    expect(Array.from(lin.weight.grad!.toTypedArray() as Float32Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

