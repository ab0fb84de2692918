/**
 * out= on the torch.* functions against real PyTorch 1.13 (tests/fixtures/out.json, from
 * scripts/golden/out.py): out's values, shape and strides afterwards, out itself returned, its
 * version moved, the resize warning, and the errors (dtype rules, autograd, aliasing). Then what
 * the fixtures cannot show: results written straight into out's memory, methods refusing out=.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { K } from '../src/backend/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { throws } from './helpers/throws.js';

type Input = ({ kind: 'tensor' } & Encoded) | { kind: 'scalar'; value: number };
interface OutSpec { shape: number[]; dtype: Encoded['dtype']; layout: string }
interface Result extends Encoded { strides: number[]; version_delta: number; requires_grad: boolean }
interface Case {
  name: string;
  op: string;
  inputs: Input[];
  kwargs: Record<string, unknown>;
  out: OutSpec | OutSpec[] | null;
  list_input?: boolean;
  /** Positional arguments between the first input and the others (index_select's and gather's dim). */
  mid?: Record<string, unknown>;
  requires_grad?: number[];
  out_requires_grad?: boolean;
  no_grad?: boolean;
  alias?: string;
  error?: string;
  warnings?: string[];
  returned_out?: boolean;
  results?: Result[];
  inputs_after?: (Encoded | null)[];
  /** Aliasing cases: the right result (computed without aliasing), and whether PyTorch's differs from it. */
  correct?: Encoded;
  pytorch_differs?: boolean;
}

const CASES = loadFixture<Case[]>('out');

/** out as scripts/golden/out.py builds it, filled with 7. */
function makeOut(s: OutSpec): Tensor {
  const full = (shape: number[]) => torch.full(shape, 7, { dtype: s.dtype });
  switch (s.layout) {
    case 'contiguous': return full(s.shape);
    case 'transposed': return full([...s.shape].reverse()).t();
    case 'column0': return full(s.shape).select(1, 0);
    case 'every_other': {
      const last = s.shape.length - 1;
      const wide = full([...s.shape.slice(0, -1), s.shape[last] * 2]);
      return wide.view([...s.shape, 2]).select(-1, 0);
    }
    case 'expanded': return full([1, ...s.shape.slice(1)]).expand(s.shape);
    default: throw new Error(`unknown layout ${s.layout}`);
  }
}

/** The aliasing setups of scripts/golden/out.py: [inputs as passed, out]. */
function aliasSetup(kind: string, xs: (Tensor | number)[]): [(Tensor | number)[], Tensor] {
  const t = xs as Tensor[];
  switch (kind) {
    case 'input0': return [xs, t[0]];
    case 'input1': return [xs, t[1]];
    case 'input0_t': return [xs, t[0].t()];
    case 'shifted': return [[t[0].narrow(0, 0, 5), ...xs.slice(1)], t[0].narrow(0, 1, 5)];
    case 'row0': return [xs, t[0].select(0, 0)];
    case 'cat_prefix': {
      const base = torch.zeros(6);
      base.narrow(0, 0, 3).copy_(t[0]);
      return [[base.narrow(0, 0, 3), base.narrow(0, 0, 3)], base];
    }
    default: throw new Error(`unknown alias ${kind}`);
  }
}

function flat(t: Tensor): number[] {
  return (t.reshape(-1).tolist() as (number | boolean)[]).map(Number);
}

function expectValues(t: Tensor, e: Encoded, label: string): void {
  expect(t.dtype.name, `${label}: dtype`).toBe(e.dtype);
  expect(t.shape, `${label}: shape`).toEqual(e.shape);
  const want = decode(e);
  const got = flat(t), exp = flat(want);
  for (let i = 0; i < exp.length; i++) {
    if (Number.isNaN(exp[i])) expect(Number.isNaN(got[i]), `${label}[${i}]`).toBe(true);
    else if (e.dtype === 'int64' || e.dtype === 'bool') expect(got[i] + 0, `${label}[${i}]`).toBe(exp[i]);  // + 0: an int64 -0 is 0
    // float32 math on both sides (a double out may hold a float32 result): a few ulps apart at most
    else expect(Math.abs(got[i] - exp[i]), `${label}[${i}]: ${got[i]} vs ${exp[i]}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(exp[i])));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fns = torch as unknown as Record<string, (...a: any[]) => unknown>;

function run(c: Case): { result?: unknown; error?: Error; outs: Tensor[]; versions: number[]; warnings: string[]; xs: (Tensor | number)[] } {
  let xs: (Tensor | number)[] = c.inputs.map((inp, i) => {
    if (inp.kind === 'scalar') return inp.value;
    const t = decode(inp);
    if (c.requires_grad?.includes(i)) t.requires_grad_(true);
    return t;
  });
  let outs: Tensor[];
  if (c.alias) {
    const [ys, o] = aliasSetup(c.alias, xs);
    xs = ys;
    outs = [o];
  } else {
    outs = (Array.isArray(c.out) ? c.out : [c.out!]).map(makeOut);
    if (c.out_requires_grad) outs[0].requires_grad_(true);
  }
  const versions = outs.map((t) => t._version);
  const out = Array.isArray(c.out) ? outs : outs[0];
  let args: unknown[] = c.list_input ? [xs] : [...xs];
  if (c.mid) args = [args[0], ...Object.values(c.mid), ...args.slice(1)];
  const warnings: string[] = [];
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
    warnings.push(String(w));
  });
  try {
    const call = () => fns[c.op](...args, { ...c.kwargs, out });
    const result = c.no_grad ? torch.no_grad(call) : call();
    return { result, outs, versions, warnings, xs };
  } catch (e) {
    return { error: e as Error, outs, versions, warnings, xs };
  } finally {
    spy.mockRestore();
  }
}

describe('out= against PyTorch 1.13', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = run(c);
      if (c.error !== undefined) {
        expect(r.error?.message, 'the error PyTorch gave').toBe(c.error);
        return;
      }
      if (r.error) throw r.error;
      const results = Array.isArray(r.result) ? (r.result as Tensor[]) : [r.result as Tensor];
      expect(results.every((t, i) => t === r.outs[i]), 'returns out itself').toBe(c.returned_out);
      c.results!.forEach((e, i) => {
        const o = r.outs[i];
        // where PyTorch's kernel reads what it already overwrote, the right result is the bar
        expectValues(o, c.pytorch_differs ? c.correct! : e, `out ${i}`);
        expect(o.stride(), `out ${i}: strides`).toEqual(e.strides);
        expect(o.requires_grad, `out ${i}: requires_grad`).toBe(e.requires_grad);
        expect(o._version - r.versions[i], `out ${i}: version moved`).toBeGreaterThan(0);
      });
      expect(r.warnings, 'warnings').toEqual(c.warnings);
      if (!c.pytorch_differs) c.inputs_after?.forEach((e, i) => {
        if (e) expectValues(r.xs[i] as Tensor, e, `input ${i} after`);
      });
    });
  }
});

describe('out= writes straight into out', () => {
  afterEach(() => vi.restoreAllMocks());

  /**
   * Runs f with the kernel `name` watched: its destination argument must be out's own memory, and
   * nothing is copied into out (but `preload`, addmm's input preloaded into C).
   */
  function direct(kernel: 'binary' | 'unary' | 'gemm' | 'reduce' | 'clamp', out: Tensor, f: () => Tensor, preload?: Tensor): void {
    const dests: ArrayBufferView[] = [];
    const k = K as unknown as Record<string, (...a: unknown[]) => unknown>;
    const orig = k[kernel];
    vi.spyOn(k, kernel).mockImplementation((...a: unknown[]) => {
      // where each kernel takes its destination: binary(op, a, b, out), unary/reduce(op, x, out), clamp(x, out)
      const dest = kernel === 'gemm' ? (a[0] as { C: ArrayBufferView }).C : kernel === 'binary' ? a[3] : kernel === 'clamp' ? a[1] : a[2];
      dests.push(dest as ArrayBufferView);
      return orig(...a);
    });
    const copy = vi.spyOn(K, 'copy');
    const mem = out._storage.data;
    try {
      expect(f()).toBe(out);
      expect(dests.length).toBeGreaterThan(0);
      // small tensors share slab buffers: the destination must lie within out's own bytes
      const within = (d: ArrayBufferView) => d.buffer === mem.buffer && d.byteOffset >= mem.byteOffset && d.byteOffset + d.byteLength <= mem.byteOffset + mem.byteLength;
      expect(dests.every(within)).toBe(true);
      // a copy into out would be a result computed elsewhere first (inputs may be copied: a broadcast batch)
      const copied = copy.mock.calls.filter(([src, dst]) => dst.data === mem && (!preload || src.data !== preload._storage.data));
      expect(copied).toEqual([]);
      expect(out._storage.data).toBe(mem);
    } finally {
      vi.restoreAllMocks();
    }
  }

  const n = 100003;  // large enough for the native kernels, an odd tail
  const a = torch.randn(n), b = torch.randn(n);
  it('elementwise: add, add with alpha onto a scaled copy, mul, div, sigmoid, exp, clamp', () => {
    const out = torch.empty(n);
    direct('binary', out, () => torch.add(a, b, { out }));
    expect(torch.allclose(out, a.add(b))).toBe(true);
    direct('binary', out, () => torch.mul(a, b, { out }));
    direct('binary', out, () => torch.div(a, b, { out }));
    direct('unary', out, () => torch.sigmoid(a, { out }));
    expect(torch.allclose(out, a.sigmoid())).toBe(true);
    direct('unary', out, () => torch.exp(a, { out }));
    direct('clamp', out, () => torch.clamp(a, { min: 0, out }));
    expect(torch.equal(out, a.clamp({ min: 0 }))).toBe(true);
  });
  it('into an input itself: a = a + b, exp of a in place', () => {
    const x = a.clone();
    direct('binary', x, () => torch.add(x, b, { out: x }));
    expect(torch.allclose(x, a.add(b))).toBe(true);
    direct('unary', x, () => torch.exp(x, { out: x }));
  });
  it('into a view of a larger buffer (an offset into its storage)', () => {
    const big = torch.zeros(2 * n);
    const out = big.narrow(0, n, n);
    direct('binary', out, () => torch.add(a, b, { out }));
    expect(torch.equal(big.narrow(0, 0, n), torch.zeros(n))).toBe(true);
    expect(torch.allclose(out, a.add(b))).toBe(true);
  });
  it('matrix products: mm, matmul, bmm, addmm', () => {
    const x = torch.randn(64, 96), w = torch.randn(96, 80), bias = torch.randn(80);
    const out = torch.empty(64, 80);
    direct('gemm', out, () => torch.mm(x, w, { out }));
    expect(torch.allclose(out, x.mm(w), 1e-4, 1e-4)).toBe(true);
    direct('gemm', out, () => torch.matmul(x, w, { out }));
    direct('gemm', out, () => torch.addmm(bias, x, w, { beta: 0.5, alpha: 2, out }), bias);
    expect(torch.allclose(out, torch.addmm(bias, x, w, { beta: 0.5, alpha: 2 }), 1e-4, 1e-4)).toBe(true);
    const bx = torch.randn(3, 16, 24), bw = torch.randn(3, 24, 8), bout = torch.empty(3, 16, 8);
    direct('gemm', bout, () => torch.bmm(bx, bw, { out: bout }));
    expect(torch.allclose(bout, bx.bmm(bw), 1e-4, 1e-4)).toBe(true);
  });
  it('matmul beyond two matrices: batch folded into rows, broadcast batches, vectors', () => {
    const cases: [Tensor, Tensor, number[]][] = [
      [torch.randn(4, 16, 24), torch.randn(24, 8), [4, 16, 8]],
      [torch.randn(2, 1, 16, 24), torch.randn(3, 24, 8), [2, 3, 16, 8]],
      [torch.randn(24), torch.randn(5, 24, 8), [5, 8]],
      [torch.randn(40, 24), torch.randn(24), [40]],
      [torch.randn(24), torch.randn(24), []],
    ];
    for (const [x, y, shape] of cases) {
      const out = torch.empty(shape);
      direct('gemm', out, () => torch.matmul(x, y, { out }));
      expect(torch.allclose(out, torch.matmul(x, y), 1e-4, 1e-4)).toBe(true);
    }
    const out = torch.empty(40);
    direct('gemm', out, () => torch.mv(torch.randn(40, 24), torch.randn(24), { out }));
  });
  it('reductions: sum, mean, amax, argmax over a dim', () => {
    const x = torch.randn(300, 257);
    const out = torch.empty(257);
    direct('reduce', out, () => torch.sum(x, 0, { out }));
    expect(torch.allclose(out, x.sum(0), 1e-4, 1e-4)).toBe(true);
    direct('reduce', out, () => torch.mean(x, 0, { out }));
    expect(torch.allclose(out, x.mean(0), 1e-5, 1e-5)).toBe(true);
    direct('reduce', out, () => torch.amax(x, 0, { out }));
    const idx = torch.empty(300, { dtype: 'int64' });
    direct('reduce', idx, () => torch.argmax(x, 1, { out: idx }));
    expect(torch.equal(idx, x.argmax(1))).toBe(true);
  });
});

describe('out= and the rest of the API', () => {
  it('Tensor methods and torch.relu take no out=, as in PyTorch', () => {
    const x = torch.ones(2), out = torch.empty(2);
    throws(() => x.add(1, { out } as never), TypeError, "add() got an unexpected keyword argument 'out'");
    throws(() => x.mm(x.view(2, 1), { out } as never), TypeError, "mm() got an unexpected keyword argument 'out'");
    throws(() => torch.relu(x, { out } as never), TypeError, "relu() got an unexpected keyword argument 'out'");
    throws(() => x.sum(0, { out } as never), TypeError, /sum\(\)/);
  });
  it('sum, mean and std take out= only with dim; max/min with dim take a pair', () => {
    const x = torch.ones(2, 3), out = torch.empty(3);
    throws(() => torch.sum(x, { out }), TypeError, /^sum\(\) received an invalid combination of arguments/);
    throws(() => torch.std(x, { out }), TypeError, /^std\(\) received an invalid combination of arguments/);
    throws(() => torch.max(x, 0, { out } as never), TypeError, /^max\(\) received an invalid combination of arguments/);
    throws(() => torch.max(x, { out } as never), TypeError, /^max\(\) received an invalid combination of arguments/);
    throws(() => torch.max(x, 0, { out: [out] } as never), TypeError, "max(): argument 'out' must be tuple of Tensors of size 2, not one of size 1");
  });
  it('a resize that outgrows the storage grows it in place: other views of it see the result, as in PyTorch', () => {
    const out = torch.zeros(2), view = out.view(2);
    torch.add(torch.ones(4), 1, { out: torch.zeros(0) });  // silent, for an empty out
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    torch.add(torch.ones(4), 1, { out });
    spy.mockRestore();
    expect(out.tolist()).toEqual([2, 2, 2, 2]);
    expect(view.tolist()).toEqual([2, 2]);
  });
  it('a resize that moves out onto an input: the product is made in fresh memory, then copied (as PyTorch gives)', () => {
    const base = torch.zeros(8);
    const x = base.narrow(0, 4, 4).view(2, 2);
    x.copy_(torch.tensor([[1, 2], [3, 4]]));
    const out = base.narrow(0, 2, 2);  // [2, 4) before the resize to [2, 2], [2, 6) after: over x's first row
    const copy = vi.spyOn(K, 'copy');
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    torch.mm(x, x, { out });
    const copied = copy.mock.calls.some(([, dst]) => dst.data === base._storage.data);
    vi.restoreAllMocks();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(copied).toBe(true);
    expect(out.tolist()).toEqual([[7, 10], [15, 22]]);
    expect(base.tolist()).toEqual([0, 0, 7, 10, 15, 22, 3, 4]);
  });
  it('an out of a refused dtype is left as it was: no resize, no warning (as PyTorch checks the dtype first)', () => {
    const out = torch.zeros(5, { dtype: 'int64' });
    const spy = vi.spyOn(process, 'emitWarning');
    throws(() => torch.add(torch.ones(3), 1.5, { out }), TypeError, "result type Float can't be cast to the desired output type Long");
    throws(() => torch.mm(torch.ones(2, 2), torch.ones(2, 2), { out }), TypeError, 'Expected out tensor to have dtype float, but got long int instead');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect([out.shape, out._version]).toEqual([[5], 0]);
  });
  it('a tensor over a user buffer cannot grow', () => {
    const out = torch.frombuffer(new Float32Array(2), { dtype: 'float32' });
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    throws(() => torch.add(torch.ones(4), 1, { out }), Error, 'Trying to resize storage that is not resizable');
    spy.mockRestore();
  });
  it('the write bumps the version that backward checks', () => {
    const a = torch.ones(3, { requires_grad: true });
    const y = a.exp();
    torch.no_grad(() => torch.add(a.detach(), 1, { out: y }));
    throws(() => y.sum().backward(), Error, /modified by an inplace operation/);
  });
});
