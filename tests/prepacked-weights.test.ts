/**
 * Pre-packed weights and fused Linear+activation: a layer's weights are packed once and reused
 * while their version stays the same; any write (an optimizer step, copy_, load_state_dict) must
 * be seen by the next call, and memory JS can write behind kindling's back is never cached.
 * nn.Sequential fuses Linear + activation for inference only, with results equal to the two calls.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../src/index.js';
import { nn, optim, Tensor } from '../src/index.js';
import { availableBackends, useBackend } from '../src/backend/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import { loadBinding, type NativeBinding } from '../src/backend/native/binding.js';
import { nativeBackend } from '../src/backend/native/index.js';
import { runNode } from './helpers/child.js';
import { rand } from './helpers/random.js';

const loaded = loadBinding();
const backends = Object.entries(availableBackends());

afterEach(() => useBackend(availableBackends().native ?? jsBackend));

/** x·Wᵀ + b in float64, from the tensors' current values. */
function reference(x: Tensor, lin: nn.Linear): number[] {
  const [rows, inF] = x.shape, outF = lin.out_features;
  const xs = Array.from(x.toTypedArray().slice() as Float32Array), w = Array.from(lin.weight.detach().clone().toTypedArray() as Float32Array);
  const b = lin.bias ? Array.from(lin.bias.detach().clone().toTypedArray() as Float32Array) : null;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o] : 0;
      for (let k = 0; k < inF; k++) s += xs[r * inF + k] * w[o * inF + k];
      out.push(s);
    }
  }
  return out;
}

function expectNear(got: Tensor, want: number[], label: string): void {
  const g = Array.from(got.detach().clone().toTypedArray() as Float32Array);
  expect(g.length, label).toBe(want.length);
  for (let i = 0; i < g.length; i++) {
    if (!(Math.abs(g[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])))) throw new Error(`${label}: element ${i} is ${g[i]}, want ${want[i]}`);
  }
}

describe('pre-packed weights through nn.Linear', () => {
  for (const [bname, backend] of backends) {
    for (const rows of [1, 3, 16]) {
      it(`pre-packed weights invalidated by an optimizer step (${bname}, batch ${rows})`, () => {
        useBackend(backend);
        torch.manual_seed(7);
        const lin = new nn.Linear(96, 80);
        const x = torch.randn(rows, 96);
        const packB = loaded.binding ? vi.spyOn(loaded.binding, 'packB') : null;
        // two calls at the same version: the second packs the weights (native backend)
        torch.no_grad(() => lin(x));
        expectNear(torch.no_grad(() => lin(x)), reference(x, lin), 'before the step');
        if (packB && bname === 'native') expect(packB).toHaveBeenCalledTimes(1);
        // a training step changes the weights in place
        const opt = new optim.SGD(lin.parameters(), 0.5);
        lin(x).pow(2).sum().backward();
        opt.step();
        const after = reference(x, lin);
        expectNear(torch.no_grad(() => lin(x)), after, 'first call after the step');
        expectNear(torch.no_grad(() => lin(x)), after, 'second call after the step (re-packed)');
        if (packB && bname === 'native') expect(packB).toHaveBeenCalledTimes(2);
        packB?.mockRestore();
      });
    }

    it(`copy_, load_state_dict and in-place ops on the weight are seen (${bname})`, () => {
      useBackend(backend);
      torch.manual_seed(3);
      const lin = new nn.Linear(64, 48);
      const x = torch.randn(2, 64);
      for (let i = 0; i < 3; i++) torch.no_grad(() => lin(x));
      torch.no_grad(() => lin.weight.copy_(torch.randn(48, 64)));
      expectNear(torch.no_grad(() => lin(x)), reference(x, lin), 'after copy_');
      torch.no_grad(() => lin(x));
      torch.no_grad(() => lin.weight.mul_(-2));
      expectNear(torch.no_grad(() => lin(x)), reference(x, lin), 'after mul_');
      torch.no_grad(() => lin(x));
      const other = new nn.Linear(64, 48);
      lin.load_state_dict(other.state_dict());
      expectNear(torch.no_grad(() => lin(x)), reference(x, lin), 'after load_state_dict');
    });

    it(`weights written through toTypedArray() or frombuffer memory are never stale (${bname})`, () => {
      useBackend(backend);
      torch.manual_seed(5);
      const lin = new nn.Linear(64, 40);
      const x = torch.randn(1, 64);
      for (let i = 0; i < 3; i++) torch.no_grad(() => lin(x));
      const view = lin.weight.detach().toTypedArray() as Float32Array;  // shares the weight's memory
      view.set(rand(view.length, 11));
      expectNear(torch.no_grad(() => lin(x)), reference(x, lin), 'after writing the shared array');
      for (let i = 0; i < 2; i++) torch.no_grad(() => lin(x));
      view.fill(0.25);
      expectNear(torch.no_grad(() => lin(x)), reference(x, lin), 'after a second write');

      const buf = rand(40 * 64, 12);
      const w = torch.frombuffer(buf).reshape(40, 64);
      for (let i = 0; i < 3; i++) torch.nn.functional.linear(x, w);
      buf.fill(-1);
      const y = torch.nn.functional.linear(x, w).toTypedArray() as Float32Array;
      const want = Array.from(x.toTypedArray() as Float32Array).reduce((s, v) => s - v, 0);
      for (const v of y) expect(v).toBeCloseTo(want, 4);
    });
  }
});

describe('nn.Sequential fuses Linear + activation for inference', () => {
  const acts: [string, () => nn.Module][] = [
    ['ReLU', () => new nn.ReLU()],
    ['GELU', () => new nn.GELU()],
    ['Sigmoid', () => new nn.Sigmoid()],
    ['Tanh', () => new nn.Tanh()],
    ['SiLU', () => new nn.SiLU()],
    ['Hardswish', () => new nn.Hardswish()],
    ['GELU(tanh), not fused', () => new nn.GELU('tanh')],
  ];
  for (const [bname, backend] of backends) {
    for (const [name, make] of acts) {
      // the epilogue runs the same ISA's activation kernel as act(lin(x)) does
      it(`${name} (${bname}): Linear(512, 512) fused equals act(lin(x)) bit for bit`, () => {
        useBackend(backend);
        torch.manual_seed(12);
        const lin = new nn.Linear(512, 512), act = make();
        const model = new nn.Sequential(lin, act);
        const x = torch.randn(64, 512).mul(2);
        for (let i = 0; i < 2; i++) torch.no_grad(() => lin(x));  // both below then use the packed weight
        const f = torch.no_grad(() => model(x)).toTypedArray() as Float32Array;
        const a = torch.no_grad(() => act(lin(x)) as Tensor).toTypedArray() as Float32Array;
        let differ = 0;
        for (let i = 0; i < f.length; i++) if (!Object.is(f[i], a[i])) differ++;
        expect(differ).toBe(0);
      });
      it(`${name} (${bname}): equals the two calls`, () => {
        useBackend(backend);
        torch.manual_seed(11);
        const lin = new nn.Linear(70, 45), act = make();
        const model = new nn.Sequential(lin, act, new nn.Linear(45, 3));
        for (const rows of [1, 5, 40]) {
          const x = torch.randn(rows, 70).mul(3);
          const fused = torch.no_grad(() => model(x));
          const apart = torch.no_grad(() => model.at(2)(act(lin(x)) as Tensor) as Tensor);
          expect(fused.shape).toEqual([rows, 3]);
          const f = fused.toTypedArray() as Float32Array, a = apart.toTypedArray() as Float32Array;
          for (let i = 0; i < f.length; i++) expect(Math.abs(f[i] - a[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(a[i])));
        }
      });
    }

    it(`hooks and autograd see the unfused modules (${bname})`, () => {
      useBackend(backend);
      const lin = new nn.Linear(8, 8), relu = new nn.ReLU();
      const model = new nn.Sequential(lin, relu);
      const x = torch.randn(4, 8);
      // recording a graph: the activation is its own node, as in PyTorch
      const y = model(x);
      expect(y.grad_fn?.name()).toBe('ReluBackward0');
      y.sum().backward();
      expect(lin.weight.grad).not.toBeNull();
      // a hook on either module must run
      let calls = 0;
      const h = relu.register_forward_hook(() => void calls++);
      torch.no_grad(() => model(x));
      expect(calls).toBe(1);
      h.remove();
      const p = lin.register_forward_pre_hook(() => void calls++);
      torch.no_grad(() => model(x));
      expect(calls).toBe(2);
      p.remove();
    });
  }
});

describe('nn.Sequential reuses scratch memory for intermediate results only', () => {
  for (const [bname, backend] of backends) {
    it(`results stay the caller's across calls; hooks and nested models see their own tensors (${bname})`, () => {
      useBackend(backend);
      torch.manual_seed(12);
      const l1 = new nn.Linear(30, 40), l2 = new nn.Linear(40, 20), l3 = new nn.Linear(20, 5);
      const model = new nn.Sequential(l1, new nn.ReLU(), l2, new nn.Tanh(), l3);
      const apart = (x: Tensor) => l3(torch.tanh(l2(torch.relu(l1(x)) as Tensor) as Tensor) as Tensor) as Tensor;
      torch.no_grad(() => {
        // batch sizes up and down: the scratch grows and is then used in part
        const xs = [7, 64, 3, 64, 1].map((r) => torch.randn(r, 30));
        const ys = xs.map((x) => model(x));
        const wants = xs.map((x) => apart(x).toTypedArray().slice() as Float32Array);
        for (let k = 0; k < xs.length; k++) {
          const y = ys[k].toTypedArray() as Float32Array;  // read after every later call
          for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - wants[k][i]), `call ${k} element ${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(wants[k][i])));
        }
        // a hook that keeps a module's input: that input must not be scratch reused by later calls
        const kept: Tensor[] = [];
        const h = l2.register_forward_hook((_m, args) => void kept.push((args as Tensor[])[0]));
        const a = torch.randn(6, 30), b = torch.randn(6, 30);
        model(a);
        const first = kept[0].clone();
        model(b);
        expect(kept[0].equal(first)).toBe(true);
        expect(kept[0].allclose(torch.relu(l1(a) as Tensor), { atol: 1e-6 })).toBe(true);
        h.remove();
        // a Sequential inside a Sequential returns its own result, not its scratch
        const inner = new nn.Sequential(l1, new nn.ReLU(), l2);
        const outer = new nn.Sequential(inner, new nn.Tanh(), l3);
        const o1 = outer(a), i1 = inner(a);
        inner(b);
        outer(b);
        expect(o1.allclose(apart(a), { atol: 1e-5 })).toBe(true);
        expect(i1.allclose(l2(torch.relu(l1(a) as Tensor) as Tensor) as Tensor, { atol: 1e-5 })).toBe(true);
      });
    });
  }
});

describe.runIf(loaded.binding)('packB and gemm(packed) in the binding', () => {
  const b = () => loaded.binding as NativeBinding;
  const dims = (M: number, N: number, K: number, transB: boolean, epi = -1, ldb = transB ? K : N, bOff = 0) =>
    new Float64Array([0, +transB, M, N, K, K, ldb, N, 0, bOff, 0, 1, 0, epi, 1, 0, 0, 0]);

  it('gives the unpacked result for tails, transposes, epilogues and threads', () => {
    const threads = b().getNumThreads();
    try {
      for (const t of [1, 2]) {
        b().setNumThreads(t);
        for (const [M, N, K] of [[1, 1, 1], [1, 17, 3], [3, 33, 100], [4, 512, 784], [5, 31, 15], [64, 80, 96], [200, 130, 400], [1, 1000, 7]]) {
          for (const transB of [false, true]) {
            for (const epi of [-1, b().unaryOps.relu, b().unaryOps.sigmoid]) {
              const A = rand(M * K, 1), B = rand(N * K, 2), bias = rand(N, 3);
              const d = dims(M, N, K, transB, epi);
              const C1 = new Float32Array(M * N), C2 = new Float32Array(M * N);
              b().gemm(A, B, C1, bias, d);
              const packed = b().packB(B, d);
              b().gemm(A, B, C2, bias, d, packed);
              for (let i = 0; i < C1.length; i++) {
                if (!(Math.abs(C1[i] - C2[i]) <= 4e-6 * Math.sqrt(K) * (1 + Math.abs(C1[i])))) {
                  throw new Error(`${M}x${N}x${K} transB=${transB} epi=${epi} threads=${t}: C[${i}] ${C2[i]} vs ${C1[i]}`);
                }
              }
            }
          }
        }
      }
    } finally {
      b().setNumThreads(threads);
    }
  });

  it('refuses what is not a packed operand, or one packed for another layout', () => {
    const A = rand(4 * 8, 1), B = rand(8 * 6, 2), C = new Float32Array(4 * 6);
    const d = dims(4, 6, 8, false);
    expect(() => b().gemm(A, B, C, null, d, {} as never)).toThrow(TypeError);
    expect(() => b().gemm(A, B, C, null, d, 3 as never)).toThrow(/argument 'packed' must be an object returned by packB/);
    const other = b().packB(rand(9 * 6, 3), dims(4, 6, 9, false));
    expect(() => b().gemm(A, B, C, null, d, other)).toThrow(RangeError);
    expect(() => b().gemm(A, B, C, null, dims(4, 6, 8, true), b().packB(B, d))).toThrow(/another B layout/);
    expect(() => b().packB(rand(10, 1), d)).toThrow(/argument 'B' has 10 elements/);
    expect(() => b().packB(B, new Float64Array([0, 0, 4, 6, 8, 8, 6, 6, 0, 0, 0, 1, 0, -1, 2, 0, 0, 0]))).toThrow(/batch must be 1/);
    expect(() => b().packB(B, dims(4, 0, 8, false))).toThrow(RangeError);
    expect(() => b().packB(new Float64Array(48) as never, d)).toThrow(TypeError);
  });

  it('packB(B, dims, reuse) repacks into the same object; gemm says whether it used the packed operand', () => {
    const M = 8, N = 48, K = 64, d = dims(M, N, K, false);
    const A = rand(M * K, 1), B1 = rand(K * N, 2), B2 = rand(K * N, 3);
    const p = b().packB(B1, d);
    expect(b().packB(B2, d, p)).toBe(p);
    const C1 = new Float32Array(M * N), C2 = new Float32Array(M * N);
    expect(b().gemm(A, B2, C1, null, d)).toBe(false);
    expect(b().gemm(A, B2, C2, null, d, p)).toBe(true);
    for (let i = 0; i < C1.length; i++) expect(Math.abs(C1[i] - C2[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(C1[i])));
    // another size: same object, new layout
    const d2 = dims(M, 30, 100, true);
    expect(b().packB(rand(30 * 100, 4), d2, p)).toBe(p);
    expect(() => b().gemm(A, B2, C2, null, d, p)).toThrow(/another B layout/);
    expect(() => b().packB(B1, d, {} as never)).toThrow(/argument 'reuse' must be an object returned by packB/);
  });

  it('a train/eval loop repacks each weight into its own buffer (nothing left to a finalizer)', () => {
    useBackend(nativeBackend(b()));
    torch.manual_seed(11);
    const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 16));
    const opt = new optim.SGD(model.parameters(), 0.01);
    const x = torch.randn(16, 64), y = torch.randn(16, 16);
    const packB = vi.spyOn(b(), 'packB');
    try {
      for (let i = 0; i < 10; i++) {
        opt.zero_grad();
        nn.functional.mse_loss(model(x) as Tensor, y).backward();
        opt.step();
        torch.no_grad(() => {
          model(x);
          model(x);
        });
      }
      expect(packB.mock.calls.length).toBeGreaterThanOrEqual(20);  // both layers, every iteration
      expect(new Set(packB.mock.results.map((r) => r.value)).size).toBe(2);
    } finally {
      packB.mockRestore();
    }
  });

  it('beyond the budget, the least recently used packed operands are evicted and gemm reports it', async () => {
    // 320x320 panels are 400 KB: two fit in 1 MiB, a third evicts the least recently used
    const code = `
const b = require(process.argv[1]);
const n = 320, d = new Float64Array([0, 0, n, n, n, n, n, n, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
const rnd = (s) => Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.37 + s));
const A = rnd(0), Bs = [rnd(1), rnd(2), rnd(3)], C = new Float32Array(n * n), ref = new Float32Array(n * n);
const ps = Bs.map((B) => b.packB(B, d));
const out = { used: ps.map((p, i) => b.gemm(A, Bs[i], C, null, d, p)) };
b.gemm(A, Bs[0], ref, null, d);
b.gemm(A, Bs[0], C, null, d, ps[0]);
out.evictedExact = C.every((v, i) => v === ref[i]);
out.reused = b.packB(Bs[0], d, ps[0]) === ps[0];
out.after = ps.map((p, i) => b.gemm(A, Bs[i], C, null, d, p));
console.log(JSON.stringify(out));
`;
    const r = await runNode(code, [(loaded as { path: string }).path], 20_000, { ...process.env, KINDLING_PACKED_BUDGET_MB: '1' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ used: [false, true, true], evictedExact: true, reused: true, after: [true, false, true] });
  });

  it('packed operands are freed by the garbage collector (no leak, no crash)', () => {
    const B = rand(256 * 256, 5);
    for (let i = 0; i < 300; i++) b().packB(B, dims(1, 256, 256, false));  // 256 KB each, 75 MB in all
    const A = rand(256, 6), C = new Float32Array(256);
    b().gemm(A, B, C, null, dims(1, 256, 256, false), b().packB(B, dims(1, 256, 256, false)));
    expect(Number.isFinite(C[0])).toBe(true);
  });
});
