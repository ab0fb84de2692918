/**
 * Small tensors share slab buffers (src/memory.ts): they must never see each other's writes, and
 * no slab ever reaches user code (toTypedArray hands out a buffer of the tensor's own).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { MessageChannel } from 'node:worker_threads';

describe('small-tensor memory', () => {
  it('tensors carved from one slab are independent, zero-filled and correct', () => {
    const xs = Array.from({ length: 200 }, (_, i) => torch.full([3 + (i % 40)], i));
    const zs = Array.from({ length: 50 }, (_, i) => torch.zeros(17 + i));
    xs.forEach((x, i) => x.add_(1));
    xs.forEach((x, i) => expect(x.tolist()).toEqual(new Array(3 + (i % 40)).fill(i + 1)));
    zs.forEach((z) => expect(z.sum().item()).toBe(0));
  });

  it('tensors of 2 to 16 KiB (the larger slab class) are independent, zero-filled and owned on export', () => {
    // 513..4096 floats, interleaved with small ones so both size classes are in use at once
    const big = Array.from({ length: 120 }, (_, i) => torch.full([513 + ((i * 331) % 3584)], i));
    const small = Array.from({ length: 120 }, (_, i) => torch.full([20 + (i % 30)], -i - 1));
    const zeros = Array.from({ length: 40 }, (_, i) => torch.zeros(600 + 80 * i));
    big.forEach((x) => x.mul_(2));
    big.forEach((x, i) => expect(x.sum().item()).toBe(2 * i * x.numel()));
    small.forEach((x, i) => expect(x.sum().item()).toBe((-i - 1) * x.numel()));
    zeros.forEach((z) => expect(z.abs().sum().item()).toBe(0));
    const v = big[7].toTypedArray() as Float32Array;
    expect(v.buffer.byteLength).toBe(v.byteLength);
    expect(big[8].sum().item()).toBe(16 * big[8].numel());
  });

  it('toTypedArray gives the tensor a buffer of its own, still shared with the tensor', () => {
    const a = torch.arange(0, 100, { dtype: torch.float32 }).mul(2);
    const b = torch.ones(100).mul(3);
    const va = a.toTypedArray() as Float32Array;
    expect(va.byteLength).toBe(400);
    expect(va.buffer.byteLength).toBe(400);
    va[5] = -1;  // zero-copy: writes reach the tensor
    expect((a.tolist() as number[])[5]).toBe(-1);
    // transferring it detaches only that tensor's memory, never a neighbour's
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(va, [va.buffer as ArrayBuffer]);
    port1.close();
    port2.close();
    expect(b.sum().item()).toBe(300);
  });

  it('views of a small tensor keep seeing it after toTypedArray moves it', () => {
    const a = torch.arange(0, 60, { dtype: torch.float32 }).reshape(6, 10).mul(1);
    const row = a.select(0, 2);
    const v = a.toTypedArray() as Float32Array;
    v[25] = 1000;
    expect((row.tolist() as number[])[5]).toBe(1000);
    row.mul_(0);
    expect(a.sum().item()).toBe(0 + Array.from({ length: 60 }, (_, i) => (i >= 20 && i < 30 ? 0 : i)).reduce((s, x) => s + x, 0));
  });

  it('native kernels take slab-backed operands (same buffer, disjoint bytes) and give the JS results', () => {
    const x = torch.randn(1, 400), w = torch.randn(300, 400), b = torch.randn(300);
    const y = torch.nn.functional.linear(x, w, b);
    const want = x.double().matmul(w.double().t()).add(b.double());
    const d = y.double().sub(want).abs().max().item() as number;
    expect(d).toBeLessThan(1e-3);
    const r = torch.relu(y).add(y);  // 300 floats: slab-backed inputs and output
    expect(r.sub(torch.relu(y.double()).add(y.double()).float()).abs().max().item()).toBe(0);
  });
});
