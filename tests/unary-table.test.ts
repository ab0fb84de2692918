/**
 * One op table per language, kept in agreement: the addon's unary op table
 * (native/kernels/activation/unary_ops.def, exported as binding.unaryOps / unaryGradOps /
 * epilogueOps) against the JS kernel table (src/backend/js/unary_kernels.ts) and what the native
 * backend and the nn modules claim; and relu(−0) = −0 at every size, as PyTorch.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn } from '../src/index.js';
import { loadBinding, type NativeBinding } from '../src/backend/native/binding.js';
import { nativeBackend } from '../src/backend/native/index.js';
import { UNARY_KERNELS } from '../src/backend/js/unary_kernels.js';
import { jsBackend } from '../src/backend/js/index.js';
import { availableBackends, useBackend } from '../src/backend/index.js';
import type { UnaryGradOp, UnaryOp } from '../src/backend/contract.js';

const loaded = loadBinding();
function binding(): NativeBinding {
  if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
  return loaded.binding;
}
const jsOps = Object.keys(UNARY_KERNELS) as UnaryOp[];

/** The native backend over a binding that counts its unary, unaryGrad and gemm calls. */
function counting() {
  const b = binding();
  const calls = { unary: 0, unaryGrad: 0, gemm: 0 };
  const spy: NativeBinding = {
    ...b,
    unary: (...a) => (calls.unary++, b.unary(...a)),
    unaryGrad: (...a) => (calls.unaryGrad++, b.unaryGrad(...a)),
    gemm: (...a) => (calls.gemm++, b.gemm(...a)),
  };
  return { backend: nativeBackend(spy), calls };
}

describe('the addon and the JS backend agree on the unary ops', () => {
  it('every native op is a JS UnaryOp, and its gradient reads the same saved tensor', () => {
    const b = binding();
    for (const name of Object.keys(b.unaryOps)) expect(jsOps, name).toContain(name);
    expect(new Set(Object.values(b.unaryOps)).size).toBe(Object.keys(b.unaryOps).length);
    for (const [name, saved] of Object.entries(b.unaryGradOps)) {
      const k = UNARY_KERNELS[name as UnaryOp] as { grad?: string; saved?: string };
      expect(k.grad, name).toBeDefined();
      expect(k.saved, name).toBe(saved);
    }
    for (const name of b.epilogueOps) expect(Object.keys(b.unaryOps)).toContain(name);
  });

  it('the native backend runs natively exactly the addon\'s ops (forward, gradient, epilogue)', () => {
    const b = binding();
    const { backend, calls } = counting();
    const n = 4099, x = new Float32Array(n).map((_, i) => (i % 17) / 4 + 0.5), g = new Float32Array(n).fill(1), out = new Float32Array(n);
    for (const op of jsOps) {
      const before = calls.unary;
      backend.unary(op, x, out, n, 0.1);
      expect(calls.unary - before, op).toBe(op in b.unaryOps ? 1 : 0);
      const k = UNARY_KERNELS[op] as { grad?: string };
      if (k.grad === undefined) continue;
      const gb = calls.unaryGrad;
      backend.unaryGrad(op as UnaryGradOp, x, g, out, n, 0.1);
      expect(calls.unaryGrad - gb, `${op} gradient`).toBe(op in b.unaryGradOps ? 1 : 0);
    }
    const M = 64, N = 64, K = 64;
    const A = new Float32Array(M * K).fill(0.01), B = new Float32Array(K * N).fill(0.02);
    for (const op of jsOps) {
      const C = new Float32Array(M * N), before = calls.gemm, unaryBefore = calls.unary;
      backend.gemm({ transA: false, transB: false, M, N, K, alpha: 1, beta: 0, A, aOffset: 0, lda: K, B, bOffset: 0, ldb: N,
        C, cOffset: 0, ldc: N, batch: 1, strideA: 0, strideB: 0, strideC: 0, epilogue: op });
      // an epilogue op runs inside the one GEMM call; any other runs its unary kernel after the GEMM
      expect(calls.gemm - before, `${op} epilogue: GEMM calls`).toBe(1);
      const separate = b.epilogueOps.includes(op) ? 0 : op in b.unaryOps ? 1 : 0;
      expect(calls.unary - unaryBefore, `${op} epilogue: unary calls after the GEMM`).toBe(separate);
    }
  });

  it('every op an activation module fuses into a Linear is a native epilogue', () => {
    const modules = [new nn.ReLU(), new nn.ReLU(true), new nn.Sigmoid(), new nn.Tanh(), new nn.SiLU(), new nn.GELU(), new nn.GELU('tanh'), new nn.Hardswish()];
    for (const m of modules) {
      const op = (m as { fusedOp?: () => UnaryOp | null }).fusedOp?.() ?? null;
      if (op !== null) expect(binding().epilogueOps, String(m)).toContain(op);
    }
  });
});

describe('relu(-0.) = -0. at every size, gradient 0, as PyTorch', () => {
  // PyTorch 1.13: torch.relu(torch.tensor([-0.])) and torch.relu(torch.full((100000,), -0.)) are
  // -0., in float32 and float64; the gradient at -0. is 0.
  for (const [bname, backend] of Object.entries({ ...availableBackends(), js: jsBackend })) {
    for (const n of [1, 7, 100000]) {
      for (const dtype of [torch.float32, torch.float64]) {
        it(`${bname}, ${n} elements, ${dtype.name}`, () => {
          try {
            useBackend(backend);
            const x = torch.tensor(new Array<number>(n).fill(-0), { dtype, requires_grad: true });
            const y = torch.relu(x);
            y.sum().backward();
            const yv = y.detach().toTypedArray(), gv = x.grad!.toTypedArray();
            expect(Object.is(yv[0], -0) && Object.is(yv[n - 1], -0)).toBe(true);
            expect(Object.is(gv[0], 0) && Object.is(gv[n - 1], 0)).toBe(true);
          } finally {
            useBackend(availableBackends().native ?? jsBackend);
          }
        });
      }
    }
  }
});
