/**
 * Paths the code promises to be equal give the same bits (Object.is per element, so −0 and +0
 * differ): native GEMM-backed ops, reductions and elementwise ops on 1 and 2 threads, and an nn.Sequential's
 * fused Linear + activation against the two modules called one after the other. Sizes are above
 * the native thresholds (a product splits over 2 threads with every worker asleep from 8 Mi
 * multiply-adds, from 192 Ki while one still spins from the last job).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { currentBackend, get_num_threads, set_num_threads, useBackend } from '../src/backend/index.js';
import { expectSameBits, nativeCalls } from './helpers/opcheck.js';

const F = nn.functional;
const threads = get_num_threads();
const initial = currentBackend();
afterEach(() => {
  set_num_threads(threads);
  useBackend(initial);
});

/** Deterministic values in [lo, hi] with exact zeros of both signs sprinkled in (the sign of a zero result must survive). */
function values(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 97 === 5 ? -0 : i % 89 === 3 ? 0 : lo + ((hi - lo) * s) / 2 ** 32;
  }
  return torch.tensor(out).reshape(shape);
}

describe('native GEMM, reductions and elementwise ops give the same bits on 1 and 2 threads', () => {
  // [192, 320] x [320, 160]: 9.4 Mi multiply-adds, split over rows; [40, 600] x [600, 400]: split over columns
  const cases: [string, () => Tensor[]][] = [
    ['mm, rows split', () => [torch.mm(values([192, 320], 1), values([320, 160], 2))]],
    ['mm, columns split', () => [torch.mm(values([40, 600], 3), values([600, 400], 4))]],
    // a column split shares one packed copy of A: every row count modulo the tile, both layouts of B
    ['mm and linear at batch 64 and 257, split over columns', () => [
      F.linear(values([64, 784], 19), values([512, 784], 20)),
      torch.mm(values([257, 512], 21), values([512, 520], 22)),
      torch.mm(values([70, 300], 23).t().t(), values([520, 300], 24).t()),
    ]],
    ['mm of transposed views', () => [torch.mm(values([320, 192], 5).t(), values([160, 320], 6).t())]],
    // few columns over many rows (a classifier head on a batch): the packed path on one thread,
    // which the rows of a split must run too (the row kernels over pre-packed B sum in another order)
    ['mm, narrow product split over rows', () => [torch.mm(values([600, 800], 15), values([800, 40], 16))]],
    // a product of the no-pack range with K past one K block, right after a woken split so that the
    // worker still spins and the product is split (the packed path blocks K: other sums)
    ['mm, no-pack product with a long K', () => {
      torch.mm(values([192, 320], 1), values([320, 160], 2));
      return [torch.mm(values([72, 780], 17), values([780, 70], 18))];
    }],
    ['bmm', () => [torch.bmm(values([3, 128, 320], 7), values([3, 320, 200], 8))]],
    ['addmm', () => [torch.addmm(values([160], 9), values([192, 320], 1), values([320, 160], 2), { beta: 0.5, alpha: 2 })]],
    ['linear forward and backward', () => {
      const x = values([256, 320], 10).requires_grad_(), w = values([160, 320], 11).requires_grad_(), b = values([160], 12).requires_grad_();
      const y = F.linear(x, w, b);
      y.mul(values([256, 160], 13)).sum().backward();
      return [y, x.grad!, w.grad!, b.grad!];
    }],
    // elementwise ops split from 64 Ki (activations with exp, tanh, …) or 256 Ki elements (memory-bound
    // ones) and wake a sleeping worker from 512 Ki or 2 Mi: sizes past both, odd lengths, and values
    // wide enough to take the activations' slow paths in some blocks
    ['activations (fast and wide paths)', () => {
      const x = values([600001], 15, -40, 40);
      return [torch.sigmoid(x), torch.tanh(x), torch.exp(x), F.gelu(x), F.silu(x), F.softplus(x), F.elu(x)];
    }],
    ['memory-bound activations', () => {
      const x = values([2100007], 16, -3, 3);
      return [torch.relu(x), torch.neg(x), torch.abs(x), F.leaky_relu(x, 0.2), F.hardswish(x)];
    }],
    ['activation gradients', () => {
      const x = values([600001], 17, -12, 12).requires_grad_(), g = values([600001], 18);
      torch.sigmoid(x).mul(g).sum().backward();
      const gs = x.grad!;
      x.grad = null;
      F.gelu(x).mul(g).sum().backward();
      return [gs, x.grad!];
    }],
    ['add, mul, div with and without broadcasting', () => {
      const a = values([2100007], 19), b = values([2100007], 20), rows = values([3000, 700], 21), row = values([700], 22);
      return [torch.add(a, b), torch.mul(a, b), torch.div(a, b), torch.add(rows, row), torch.mul(rows, values([3000, 1], 23))];
    }],
    ['softmax and log_softmax over rows, and their gradients', () => {
      const x = values([600, 1000], 24, -20, 20).requires_grad_(), g = values([600, 1000], 25);
      const y = torch.softmax(x, -1);
      y.mul(g).sum().backward();
      return [y, torch.log_softmax(x, -1), x.grad!];
    }],
    ['sum, max, argmax along rows and columns', () => {
      const x = values([300, 173], 14);
      return [x.sum(0), x.sum(1), x.sum(), x.amax(0), x.max(1).values, x.argmax(0).double()];
    }],
  ];
  for (const [name, run] of cases) {
    it(name, () => {
      set_num_threads(1);
      const before = nativeCalls();
      const one = run();
      set_num_threads(2);
      const two = run();
      const ops = one.map((t, i) => `${name}: result ${i}`);
      one.forEach((t, i) => expectSameBits(two[i], t, ops[i]));
      if (currentBackend().name === 'native') expect(nativeCalls() - before, `${name}: calls into the native binary`).toBeGreaterThan(0);
    });
  }
});

describe('nn.Sequential(Linear, activation) under no_grad equals activation(linear(x)) bit for bit', () => {
  const acts: [string, () => nn.Module][] = [
    ['relu', () => new nn.ReLU()],
    ['gelu', () => new nn.GELU()],
    ['sigmoid', () => new nn.Sigmoid()],
    ['tanh', () => new nn.Tanh()],
    ['silu', () => new nn.SiLU()],
    ['hardswish', () => new nn.Hardswish()],
    ['gelu tanh', () => new nn.GELU({ approximate: 'tanh' })],
  ];
  // rows x in -> out: one row (a GEMV), a few rows, many; out a multiple of no tile. Unfused, the
  // first two run a native GEMM and (below MIN_ELEMENTWISE results) a JS activation, the last a
  // JS GEMM (below MIN_GEMM_MACS) and a native activation.
  const shapes: [number, number, number][] = [[1, 300, 37], [5, 40, 43], [67, 48, 29], [40, 7, 13]];
  for (const [name, make] of acts) {
    it(name, () => {
      for (const [rows, inF, outF] of shapes) {
        for (const bias of [true, false]) {
          const what = `${name} [${rows}, ${inF}] -> ${outF}${bias ? '' : ' without bias'}`;
          // inputs across the activations' interesting range, exact zeros included
          const x = values([rows, inF], rows * 31 + inF, -3, 3);
          torch.no_grad(() => {
            // a weight's first call reads it as it is, later calls its pre-packed panels (which
            // may sum in another order): each path fused and unfused, on two copies of one layer
            torch.manual_seed(rows + outF);
            const lin = new nn.Linear(inF, outF, bias), act = make();
            const twin = new nn.Linear(inF, outF, bias);
            twin.load_state_dict(lin.state_dict());
            const seq = new nn.Sequential(lin, act);
            for (let k = 0; k < 3; k++) {
              expectSameBits(seq.forward(x) as Tensor, act.forward(twin.forward(x)) as Tensor, `${what}, call ${k + 1}`);
            }
          });
        }
      }
    });
  }
});
