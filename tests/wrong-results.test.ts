/**
 * Inputs that used to give silently wrong values, each against PyTorch 1.13's result (the Python
 * that produced it is beside each expectation), on whichever backend the suite runs.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { castToBool, castToInt64, scalarToDType } from '../src/dtype.js';
import { throws } from './helpers/throws.js';

const F = torch.nn.functional;


const list = (t: torch.Tensor) => t.tolist();
const int64 = { dtype: torch.int64 };

describe('the dtype conversion rules', () => {
  it('cast a tensor element into int64 by truncation, and what int64 cannot hold to -2^63', () => {
    // torch.tensor([nan, inf, -inf, -1.7, 1.7, -0.5, 1e30]).to(torch.int64)
    const got = [NaN, Infinity, -Infinity, -1.7, 1.7, -0.5, 1e30].map(castToInt64);
    expect(got).toEqual([-(2 ** 63), -(2 ** 63), -(2 ** 63), -1, 1, 0, -(2 ** 63)]);
    expect(Object.is(castToInt64(-0.5), 0)).toBe(true);
    expect(list(torch.tensor([NaN, Infinity, -1.7, 1e30]).to(torch.int64))).toEqual([-(2 ** 63), -(2 ** 63), -1, -(2 ** 63)]);
  });

  it('cast a tensor element into bool as "not zero", NaN included', () => {
    // torch.tensor([nan, 0.5, -0.0]).to(torch.bool) -> [True, True, False]
    expect([NaN, 0.5, -0].map(castToBool)).toEqual([1, 1, 0]);
    expect(list(torch.tensor([NaN, 0.5, -0]).to(torch.bool))).toEqual([true, true, false]);
  });

  it('convert a scalar argument into int64 by truncation, overflow being an error', () => {
    expect(scalarToDType(-1.5, torch.int64)).toBe(-1);
    expect(scalarToDType(0.5, torch.bool)).toBe(1);
    throws(() => scalarToDType(NaN, torch.int64), RangeError, 'value cannot be converted to type int64_t without overflow');
    throws(() => scalarToDType(2n ** 63n, torch.float32), RangeError, 'Overflow when unpacking long');
  });
});

describe('int64 and bool tensors only hold values their dtype can', () => {
  it('full', () => {
    // torch.full([2], 1.5, dtype=torch.int64) -> [1, 1]; torch.full([2], -1.5, dtype=torch.int64) -> [-1, -1]
    expect(list(torch.full([2], 1.5, int64))).toEqual([1, 1]);
    expect(list(torch.full([2], -1.5, int64))).toEqual([-1, -1]);
    // torch.full([2], 0.5, dtype=torch.bool) -> [True, True]
    expect(list(torch.full([2], 0.5, { dtype: torch.bool }))).toEqual([true, true]);
    // torch.full([2], float('nan'), dtype=torch.int64) -> RuntimeError
    throws(() => torch.full([2], NaN, int64), RangeError, 'value cannot be converted to type int64_t without overflow');
    throws(() => torch.full([2], 1e20, int64), RangeError, 'value cannot be converted to type int64_t without overflow');
  });

  it('linspace and arange', () => {
    // torch.linspace(0, 1, 3, dtype=torch.int64) -> [0, 0, 1]; torch.linspace(-1, 0, 3, dtype=torch.int64) -> [-1, 0, 0]
    expect(list(torch.linspace(0, 1, 3, int64))).toEqual([0, 0, 1]);
    expect(list(torch.linspace(-1, 0, 3, int64))).toEqual([-1, 0, 0]);
    throws(() => torch.linspace(0, NaN, 3, int64), RangeError, 'value cannot be converted to type int64_t without overflow');
    throws(() => torch.linspace(0, 1, 3, { dtype: torch.bool }), TypeError, `"linspace_cpu" not implemented for 'Bool'`);
    // torch.arange(0.5, 3.7, 1, dtype=torch.int64) -> [0, 1, 2]; torch.arange(0, 2, 0.5, dtype=torch.int64) -> step must be nonzero
    expect(list(torch.arange(0.5, 3.7, 1, int64))).toEqual([0, 1, 2]);
    expect(list(torch.arange(-0.5, 2, 1.5, int64))).toEqual([0, 1]);
    throws(() => torch.arange(0, 2, 0.5, int64), RangeError, 'step must be nonzero');
    throws(() => torch.arange(3, { dtype: torch.bool }), TypeError, `"arange_cpu" not implemented for 'Bool'`);
  });

  it('masked_fill and fill_', () => {
    const mask = torch.tensor([true, false]);
    // torch.zeros(2, dtype=torch.int64).masked_fill(mask, 1.5) -> [1, 0]; with -1.5 -> [-1, 0]
    expect(list(torch.zeros(2, int64).masked_fill(mask, 1.5))).toEqual([1, 0]);
    expect(list(torch.zeros(2, int64).masked_fill(mask, -1.5))).toEqual([-1, 0]);
    // torch.zeros(2, dtype=torch.bool).masked_fill(mask, 0.5) -> [True, False]
    expect(list(torch.zeros(2, { dtype: torch.bool }).masked_fill(mask, 0.5))).toEqual([true, false]);
    throws(() => torch.zeros(2, int64).masked_fill(mask, NaN), RangeError, 'value cannot be converted to type int64_t without overflow');
    // torch.zeros(2, dtype=torch.int64).fill_(1.5) -> [1, 1]; fill_(nan) -> RuntimeError
    expect(list(torch.zeros(2, int64).fill_(1.5))).toEqual([1, 1]);
    throws(() => torch.zeros(2, int64).fill_(NaN), RangeError, 'value cannot be converted to type int64_t without overflow');
  });

  it('integer pow', () => {
    // torch.tensor([2, 3]).pow(-1) -> RuntimeError
    throws(() => torch.tensor([2n, 3n]).pow(-1), RangeError, 'Integers to negative integer powers are not allowed.');
    // torch.tensor([1, -1, 2, -1]).pow(torch.tensor([-1, -1, -2, -2])) -> [1, -1, 0, 1]
    expect(list(torch.tensor([1n, -1n, 2n, -1n]).pow(torch.tensor([-1n, -1n, -2n, -2n])))).toEqual([1, -1, 0, 1]);
    // torch.tensor([0]).pow(torch.tensor([-1])) -> [0]; torch.pow(2, torch.tensor([-1, 1])) -> [0, 2]
    expect(list(torch.tensor([0n]).pow(torch.tensor([-1n])))).toEqual([0]);
    expect(list(torch.pow(2, torch.tensor([-1n, 1n])))).toEqual([0, 2]);
    // torch.tensor([0, 2]).pow(0) -> [1, 1]; torch.tensor([2]).pow(-1.0) -> [0.5] (a float exponent gives floats)
    expect(list(torch.tensor([0n, 2n]).pow(0))).toEqual([1, 1]);
    expect(list(torch.tensor([2n]).pow(-1.5))).toEqual([2 ** -1.5].map(Math.fround));
    throws(() => torch.tensor([true]).pow(torch.tensor([true])), TypeError, `"pow" not implemented for 'Bool'`);
  });

  it('creators that made int64 values no index check catches', () => {
    // torch.randint(0.5, 3, (2,)) -> TypeError
    throws(() => torch.randint(0.5, 3, [2]), TypeError, /^randint\(\) received an invalid combination of arguments - got \(float, int, list\)/);
    throws(() => torch.randint(0, NaN, [2]), TypeError, /^randint\(\) received an invalid combination of arguments - got \(int, float, list\)/);
    // torch.tensor([float('nan')], dtype=torch.int64) -> RuntimeError; torch.tensor([1.5, -2.7], dtype=torch.int64) -> [1, -2]
    throws(() => torch.tensor([NaN], int64), RangeError, 'value cannot be converted to type int64 without overflow');
    expect(list(torch.tensor([1.5, -2.7], int64))).toEqual([1, -2]);
    // torch.tensor([2**64]) -> RuntimeError: Overflow when unpacking long
    throws(() => torch.tensor([2n ** 64n]), RangeError, 'Overflow when unpacking long');
    throws(() => torch.tensor([-(2n ** 63n) - 1n]), RangeError, 'Overflow when unpacking long');
    // torch.tensor([1]) // torch.tensor([0]) -> RuntimeError: ZeroDivisionError; the true division is inf
    throws(() => torch.div(torch.tensor([1n]), torch.tensor([0n]), { rounding_mode: 'floor' }), RangeError, 'ZeroDivisionError');
    throws(() => torch.div(torch.tensor([1n, 2n]), 0, 'trunc'), RangeError, 'ZeroDivisionError');
    expect(list(torch.div(torch.tensor([1n]), torch.tensor([0n])))).toEqual([Infinity]);
    expect(list(torch.div(torch.tensor([7n]), torch.tensor([-2n]), 'floor'))).toEqual([-4]);
  });
});

describe('found by the fuzz test', () => {
  it('bool tensors: add with alpha stays 0/1, products are refused', () => {
    const t = torch.tensor([true, false, true]);
    // torch.tensor([True, False, True]).add(True, alpha=-1) -> [True, True, True]; alpha=0 keeps the tensor
    expect(Array.from(t.add(true, -1).toTypedArray())).toEqual([1, 1, 1]);
    expect(Array.from(t.add(torch.tensor([true, true, false]), 2).toTypedArray())).toEqual([1, 1, 1]);
    expect(list(torch.tensor([true]).add(torch.tensor([false, true]), 0))).toEqual([true, true]);
    throws(() => torch.tensor([1n]).add(2, 'abc' as unknown as number), TypeError, "add(): argument 'alpha' (position 2) must be Number, not str");
    throws(() => t.add(true, NaN), TypeError, 'For integral input tensors, argument alpha must not be a floating point number.');
    throws(() => torch.tensor([1n]).add(2, 0.5), TypeError, 'For integral input tensors, argument alpha must not be a floating point number.');
    throws(() => torch.tensor([1n]).add(2, true), TypeError, 'Boolean alpha only supported for Boolean results.');
    throws(() => t.sub(true, 2), TypeError, /Subtraction, the `-` operator, with two bool tensors is not supported/);
    // torch.tensor([True]).add(1, alpha=2) -> tensor([3]); torch.ones(3).add(1, alpha=0.5) -> 1.5
    expect(list(torch.tensor([true]).add(1, 2))).toEqual([3]);
    expect(list(torch.ones(3).add(1, 0.5))).toEqual([1.5, 1.5, 1.5]);
    // torch.ones(2, 2, dtype=torch.bool) @ torch.ones(2, 2, dtype=torch.bool) -> RuntimeError
    const b = torch.ones(2, 2, { dtype: torch.bool });
    throws(() => torch.matmul(b, b), TypeError, `"addmm_impl_cpu_" not implemented for 'Bool'`);
    throws(() => torch.bmm(b.unsqueeze(0), b.unsqueeze(0)), TypeError, `"bmm" not implemented for 'Bool'`);
    throws(() => torch.matmul(b.select(0, 0), b.select(0, 0)), TypeError, `"dot" not implemented for 'Bool'`);
  });

  it('copy_ from a source that only broadcasts with self, not to it', () => {
    // torch.zeros(2, dtype=torch.int64).copy_(torch.zeros(0, 1, dtype=torch.int64)) -> RuntimeError
    throws(() => torch.zeros(2, int64).copy_(torch.zeros(0, 1, int64)), RangeError, "output with shape [2] doesn't match the broadcast shape [0, 2]");
    throws(() => torch.zeros([]).copy_(torch.zeros(2, 1, 0)), RangeError, "output with shape [] doesn't match the broadcast shape [2, 1, 0]");
    expect(list(torch.zeros(2, 2).copy_(torch.tensor([1, 2])))).toEqual([[1, 2], [1, 2]]);
  });
});

describe('special values', () => {
  it('pow with a NaN or infinite exponent follows C', () => {
    // torch.tensor([1]).pow(nan) -> [1.]; torch.tensor([2]).pow(nan) -> [nan]; torch.tensor([-1.]).pow(inf) -> [1.]
    expect(list(torch.tensor([1n]).pow(NaN))).toEqual([1]);
    expect(list(torch.tensor([1]).pow(NaN))).toEqual([1]);
    expect(list(torch.tensor([2n]).pow(NaN))).toEqual([NaN]);
    expect(list(torch.tensor([-1, -1]).pow(torch.tensor([Infinity, -Infinity])))).toEqual([1, 1]);
  });

  it('clamp: a NaN bound gives NaN, and the result type promotes with the bounds', () => {
    // torch.tensor([5]).clamp(0, nan) -> [nan] (float); torch.tensor([5.]).clamp(nan, 1) -> [nan]
    const a = torch.tensor([5n]).clamp(0, NaN);
    expect(a.dtype).toBe(torch.float32);
    expect(list(a)).toEqual([NaN]);
    expect(list(torch.tensor([5]).clamp(0, NaN))).toEqual([NaN]);
    expect(list(torch.tensor([5]).clamp(NaN, 1))).toEqual([NaN]);
    // torch.tensor([5]).clamp(0, float('inf')) -> [5.] (float); clamp(max=3) -> [3] (int64)
    expect(torch.tensor([5n]).clamp(0, Infinity).dtype).toBe(torch.float32);
    expect(torch.tensor([5n]).clamp({ max: 3 }).dtype).toBe(torch.int64);
    // torch.tensor([True, False]).clamp(3, -1) -> tensor([-1, -1]) (int64); clamp(True, False) -> RuntimeError
    const c = torch.tensor([true, false]).clamp(3, -1);
    expect([c.dtype, list(c)]).toEqual([torch.int64, [-1, -1]]);
    expect(list(torch.tensor([true, false]).clamp(0.5))).toEqual([1, 0.5]);
    throws(() => torch.tensor([true]).clamp(true, false), TypeError, `"clamp_scalar_cpu" not implemented for 'Bool'`);
    throws(() => torch.tensor([true]).clamp({ max: true }), TypeError, `"clamp_max_scalar_cpu" not implemented for 'Bool'`);
  });

  // at 2 and 512 columns: the JS kernel, and the native one where it loads
  for (const cols of [3, 512]) {
    it(`log_softmax and cross_entropy keep log Σ next to huge logits (${cols} columns)`, () => {
      const x = torch.zeros(2, cols);
      x.select(0, 0).narrow(0, 0, 3).copy_(torch.tensor([3e38, 3e38, -3e38]));
      x.select(0, 1).narrow(0, 0, 2).copy_(torch.tensor([1e16, 1e16]));
      // torch.log_softmax(x, 1)[:, :3] -> [[-0.6931, -0.6931, -inf], [-0.6931, -0.6931, -1e16]]
      const y = torch.log_softmax(x, 1);
      const ln2 = Math.fround(-Math.LN2);
      expect(list(y.narrow(1, 0, 3))).toEqual([[ln2, ln2, -Infinity], [ln2, ln2, Math.fround(-1e16)]]);
      // F.cross_entropy(x, torch.tensor([0, 1]), reduction='none') -> [0.6931, 0.6931]
      expect(list(F.cross_entropy(x, torch.tensor([0n, 1n]), { reduction: 'none' }))).toEqual([-ln2, -ln2]);
    });
  }

  // found by the fuzz test: the AVX2 and AVX-512 kernels once gave -inf (log_softmax) and NaN
  // (softmax) for the whole row, the exp of x − max taking x − max's rounding error (1e16) along
  it('softmax over a row holding 1e16 and -3e38', () => {
    const row = torch.tensor(Array.from({ length: 300 }, (_, i) => [1, -3e38, 5, 1e16][i % 4])).reshape([1, 300]);
    // torch.log_softmax(torch.tensor([1., -3e38, 5, 1e16] * 75), 0)[:4] -> [-1e16, -3e38, -1e16, -4.3175]
    const y = (torch.log_softmax(row, 1).tolist() as number[][])[0];
    expect(y.slice(0, 3)).toEqual([-1e16, -3e38, -1e16].map(Math.fround));
    expect(y[3]).toBeCloseTo(-Math.log(75), 4);
    // torch.softmax(...)[:4] -> [0, 0, 0, 1/75]
    const p = (torch.softmax(row, 1).tolist() as number[][])[0];
    expect(p.slice(0, 3)).toEqual([0, 0, 0]);
    expect(p[3]).toBeCloseTo(1 / 75, 6);
    // x = torch.tensor([1., -3e38, 5, 1e16] * 75, requires_grad=True); g = torch.arange(300.) % 7
    // torch.softmax(x, 0).backward(g); x.grad[:8] -> [0, 0, 0, 0.000355558, 0, 0, 0, -0.0396444]
    // torch.log_softmax(x, 0).backward(g); x.grad[:8] -> [0, 1, 2, -8.96, 4, 5, 6, -11.96]
    const g = torch.tensor(Array.from({ length: 300 }, (_, i) => i % 7)).reshape([1, 300]);
    const grads = [torch.softmax, torch.log_softmax].map((f) => {
      const x = row.clone().requires_grad_();
      f(x, 1).backward(g);
      return (x.grad!.tolist() as number[][])[0].slice(0, 8);
    });
    [0, 0, 0, 0.000355558, 0, 0, 0, -0.0396444].forEach((v, i) => expect(grads[0][i]).toBeCloseTo(v, 6));
    [0, 1, 2, -8.96, 4, 5, 6, -11.96].forEach((v, i) => expect(grads[1][i]).toBeCloseTo(v, 5));
  });

  it('GELU and SiLU gradients at ±inf are NaN, as PyTorch', () => {
    const n = 512;  // large and contiguous enough for the native kernel
    for (const f of [F.gelu, (x: torch.Tensor) => F.gelu(x, { approximate: 'tanh' }), F.silu]) {
      const x = torch.cat([torch.full([n / 2], Infinity), torch.full([n / 2], -Infinity)]).requires_grad_();
      f(x).backward(torch.ones(n));
      // x = torch.tensor([inf, -inf], requires_grad=True); F.gelu(x).sum().backward(); x.grad -> [nan, nan]
      expect((x.grad!.tolist() as number[]).every((v) => Number.isNaN(v))).toBe(true);
    }
  });
});

describe('empty tensors', () => {
  it('logsumexp over an empty dim is -inf', () => {
    // torch.zeros(3, 0).logsumexp(1) -> [-inf, -inf, -inf]
    expect(list(torch.zeros(3, 0).logsumexp(1))).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(torch.zeros(3, 0).logsumexp(1, true).shape).toEqual([3, 1]);
  });

  it('chunk of an empty dim gives `chunks` empty pieces', () => {
    // len(torch.chunk(torch.zeros(0), 2)) -> 2; torch.chunk(torch.zeros(0, 3), 3) -> three [0, 3]
    expect(torch.chunk(torch.zeros(0), 2).map((t) => t.shape)).toEqual([[0], [0]]);
    expect(torch.chunk(torch.zeros(0, 3), 3).map((t) => t.shape)).toEqual([[0, 3], [0, 3], [0, 3]]);
    expect(torch.chunk(torch.zeros(5), 3).map((t) => t.shape)).toEqual([[2], [2], [1]]);
  });
});

describe('invalid shapes are refused', () => {
  it('frombuffer counts, arange bounds, expand sizes', () => {
    // torch.frombuffer(bytearray(16), dtype=torch.float32, count=2.5) -> TypeError
    throws(() => torch.frombuffer(new ArrayBuffer(16), { dtype: torch.float32, count: 2.5 }), TypeError, "frombuffer(): argument 'count' must be int, not float");
    throws(() => torch.frombuffer(new ArrayBuffer(16), { dtype: torch.float32, count: NaN }), TypeError, "frombuffer(): argument 'count' must be int, not float");
    // torch.arange(0, nan) -> unsupported range: 0 -> nan; torch.arange(0, 1, nan) -> step must be nonzero
    throws(() => torch.arange(0, NaN), RangeError, 'unsupported range: 0 -> NaN');
    throws(() => torch.arange(0, 1, NaN), RangeError, 'step must be nonzero');
    throws(() => torch.arange(0, 1e20), RangeError, /too large/);
    throws(() => torch.zeros(1).expand(1e20), RangeError, /size 100000000000000000000 at position 0 is too large/);
    throws(() => torch.zeros(2 ** 60), RangeError, /too large/);
  });
});

/** ES2024's resizable ArrayBuffer (Node 20 has it; the TypeScript lib here predates it). */
const ResizableBuffer = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };

describe('memory that went away under a tensor', () => {
  for (const n of [3, 5000]) {
    it(`a transferred buffer is an error, not NaN (${n} elements)`, () => {
      const t = torch.ones(n);
      const buf = t.toTypedArray().buffer as ArrayBuffer;
      structuredClone(buf, { transfer: [buf] });
      expect(buf.byteLength).toBe(0);
      throws(() => t.select(0, n - 1).item(), TypeError, /memory is no longer accessible/);
      throws(() => t.exp(), TypeError, /memory is no longer accessible/);
      throws(() => t.sum(), TypeError, /memory is no longer accessible/);
      throws(() => t.add_(1), TypeError, /memory is no longer accessible/);
      throws(() => torch.mm(t.view(1, n), torch.ones(n, 2)), TypeError, /memory is no longer accessible/);
    });

    it(`a frombuffer over a resizable buffer that shrinks is an error (${n} elements)`, () => {
      const buf = new ResizableBuffer(4 * n, { maxByteLength: 8 * n });
      const t = torch.frombuffer(buf, { dtype: torch.float32 });
      expect(t.sum().item()).toBe(0);
      buf.resize(4);
      throws(() => t.sum(), TypeError, /memory is no longer accessible/);
      throws(() => t.relu(), TypeError, /memory is no longer accessible/);
      buf.resize(4 * n);  // growing back makes the view whole again
      expect(t.sum().item()).toBe(0);
    });
  }
});

describe('loaded state is validated', () => {
  it('load_state_dict names unexpected keys that are Object.prototype properties', () => {
    const m = new torch.nn.Linear(2, 2);
    const sd: Record<string, torch.Tensor> = { ...m.state_dict() };
    // own keys, as JSON.parse or Object.fromEntries make them
    for (const k of ['constructor', '__proto__']) Object.defineProperty(sd, k, { value: torch.zeros(1), enumerable: true });
    // PyTorch: Unexpected key(s) in state_dict: "constructor", "__proto__".
    throws(() => m.load_state_dict(sd), Error, 'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: "constructor", "__proto__". ');
    expect(m.load_state_dict(sd, false)).toEqual({ missing_keys: [], unexpected_keys: ['constructor', '__proto__'] });
    const partial: Record<string, torch.Tensor> = { weight: torch.zeros(2, 2) };
    throws(() => m.load_state_dict(partial), Error, /Missing key\(s\) in state_dict: "bias"/);
  });

  it("an optimizer's hyper-parameters keep their types", () => {
    const w = torch.ones(3).requires_grad_();
    const opt = new torch.optim.SGD([w], 0.1);
    const sd = opt.state_dict();
    (sd.param_groups[0] as Record<string, unknown>).lr = 'abc';
    // PyTorch fails in step() with TypeError: bad operand type for unary -: 'str'; here the load fails
    throws(() => opt.load_state_dict(sd), TypeError, "loaded state dict has an invalid value for 'lr' in parameter group 0: expected a number, got str 'abc'");
    w.sum().backward();
    opt.step();
    expect(list(w)).toEqual([0.9, 0.9, 0.9].map(Math.fround));
    const adam = new torch.optim.Adam([w]);
    const asd = adam.state_dict();
    (asd.param_groups[0] as Record<string, unknown>).betas = [0.9];
    throws(() => adam.load_state_dict(asd), TypeError, /invalid value for 'betas'/);
    (asd.param_groups[0] as Record<string, unknown>).betas = [0.8, 0.9];
    adam.load_state_dict(asd);
    expect(adam.param_groups[0].betas).toEqual([0.8, 0.9]);
  });
});
