import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

describe('creation', () => {
  it('tensor() infers shape and dtype from nested arrays, typed arrays, booleans and BigInts', () => {
    const t = torch.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe(torch.float32);
    expect(torch.tensor([true, false]).dtype).toBe(torch.bool);
    expect(torch.tensor([1n, 2n]).dtype).toBe(torch.int64);
    expect(torch.tensor(new Float64Array([1, 2])).dtype).toBe(torch.float64);
    expect(torch.tensor(new Int32Array([1, 2])).dtype).toBe(torch.int64);
    expect(torch.tensor([1.7, -1.7], { dtype: torch.int64 }).tolist()).toEqual([1, -1]);
    expect(torch.tensor(3.5).shape).toEqual([]);
    expect(torch.tensor([]).shape).toEqual([0]);
    expect(() => torch.tensor([[1, 2], [3]])).toThrow('expected sequence of length 2 at dim 1 (got 1)');
  });

  it('int64 is exact up to 2^53', () => {
    const big = 2 ** 53 - 1;
    const t = torch.tensor([big, -big], { dtype: torch.int64 });
    expect(t.tolist()).toEqual([big, -big]);
    expect(t.sub(1).tolist()).toEqual([big - 1, -big - 1]);
  });

  it('filled tensors take sizes as varargs or an array, with options', () => {
    expect(torch.zeros(2, 3).shape).toEqual([2, 3]);
    expect(torch.ones([2, 3], { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(torch.full([2], 7).tolist()).toEqual([7, 7]);
    expect(torch.full([2], true).dtype).toBe(torch.bool);
    expect(torch.eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(torch.empty(0, 4).shape).toEqual([0, 4]);
    expect(torch.zeros_like(torch.ones(2, 2, { dtype: torch.float64 })).dtype).toBe(torch.float64);
    expect(torch.full_like(torch.ones(2), 3).tolist()).toEqual([3, 3]);
    expect(() => torch.zeros(2, -1)).toThrow('Trying to create tensor with negative dimension -1: [2, -1]');
    expect(() => torch.zeros(2.5)).toThrow("zeros(): argument 'size' (position 1) must be tuple of SymInts, not float");
  });

  it('keeps −0 where PyTorch 1.13 does: full, full_like, fill_, tensor (floats only; zeros are +0)', () => {
    // Object.is tells −0 from +0; toEqual does too
    const bits = (t: torch.Tensor) => Array.from(t.toTypedArray()).map((v) => (Object.is(v, -0) ? '-0' : String(v)));
    expect(bits(torch.full([3], -0))).toEqual(['-0', '-0', '-0']);
    expect(bits(torch.full([300], -0, { dtype: torch.float64 })).every((v) => v === '-0')).toBe(true);
    expect(bits(torch.full_like(torch.ones(2), -0))).toEqual(['-0', '-0']);
    expect(bits(torch.ones(300).fill_(-0)).every((v) => v === '-0')).toBe(true);
    expect(bits(torch.ones(2).fill_(torch.tensor(-0)))).toEqual(['-0', '-0']);
    expect(bits(torch.tensor([-0, 0]))).toEqual(['-0', '0']);
    expect(bits(torch.tensor(-0, { dtype: torch.float64 }))).toEqual(['-0']);
    expect(torch.full([2], -0).toString()).toBe('tensor([-0., -0.])');
    // integers and booleans have no −0; zeros are +0
    expect(bits(torch.full([2], -0, { dtype: torch.int64 }))).toEqual(['0', '0']);
    expect(bits(torch.ones(2, { dtype: torch.int64 }).fill_(-0))).toEqual(['0', '0']);
    expect(bits(torch.full([2], -0, { dtype: torch.bool }))).toEqual(['0', '0']);
    expect(bits(torch.zeros(2))).toEqual(['0', '0']);
    expect(bits(torch.ones(2).mul(0))).toEqual(['0', '0']);
  });

  it('arange and linspace follow PyTorch', () => {
    expect(torch.arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(torch.arange(5).dtype).toBe(torch.int64);
    expect(torch.arange(1, 2, 0.25).tolist()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(torch.arange(1, 2, 0.25).dtype).toBe(torch.float32);
    expect(torch.arange(5, 0, -2).tolist()).toEqual([5, 3, 1]);
    expect(() => torch.arange(0, 5, 0)).toThrow('step must be nonzero');
    expect(() => torch.arange(5, 0, 1)).toThrow('upper bound and larger bound inconsistent with step sign');
    expect(torch.linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('manual_seed makes every random function deterministic', () => {
    torch.manual_seed(42);
    const a = [torch.rand(5), torch.randn(5), torch.randint(0, 10, [5]), torch.randperm(5), torch.empty(5).uniform_(-1, 1), torch.empty(5).normal_()];
    torch.manual_seed(42);
    const b = [torch.rand(5), torch.randn(5), torch.randint(0, 10, [5]), torch.randperm(5), torch.empty(5).uniform_(-1, 1), torch.empty(5).normal_()];
    a.forEach((t, i) => expect(t.tolist()).toEqual(b[i].tolist()));
    const r = torch.rand(10000).toTypedArray();
    expect(Math.min(...r)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r)).toBeLessThan(1);
    const n = torch.randn(20000);
    expect(Math.abs(n.mean().item())).toBeLessThan(0.05);
    expect(Math.abs((n.std().item()) - 1)).toBeLessThan(0.05);
    const ri = torch.randint(3, [1000]).toTypedArray();
    expect([...new Set(ri)].sort()).toEqual([0, 1, 2]);
  });

  it('frombuffer shares memory with the buffer', () => {
    const buf = new Float32Array([1, 2, 3, 4]);
    const t = torch.frombuffer(buf);
    t.mul_(2);
    expect(Array.from(buf)).toEqual([2, 4, 6, 8]);
    const u = torch.frombuffer(buf.buffer, { dtype: torch.float32, offset: 4, count: 2 });
    expect(u.tolist()).toEqual([4, 6]);
    expect(() => torch.frombuffer(buf.buffer, { dtype: torch.float32, offset: 2 })).toThrow(/multiple of the element size/);
  });
});

describe('read-out', () => {
  it('item, tolist, size, dim, numel', () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    expect(t.size()).toEqual([2, 2]);
    expect(t.size(-1)).toBe(2);
    expect(t.dim()).toBe(2);
    expect(t.numel()).toBe(4);
    expect(t.sum().item()).toBe(10);
    expect(torch.tensor([true]).item()).toBe(true);
    expect(() => t.item()).toThrow('only one element tensors can be converted to Python scalars');
    expect(t.t().tolist()).toEqual([[1, 3], [2, 4]]);
  });

  it('toTypedArray is zero-copy for contiguous tensors', () => {
    const t = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    const arr = t.toTypedArray();
    arr[0] = 42;
    expect(t.tolist()).toEqual([[42, 1, 2], [3, 4, 5]]);
    const tt = t.t().toTypedArray();
    expect(Array.from(tt)).toEqual([42, 3, 1, 4, 2, 5]);
  });
});

describe('views share storage', () => {
  it('view, transpose, narrow, select, expand write through to the base', () => {
    const base = torch.zeros(3, 4);
    base.narrow(1, 1, 2).fill_(1);
    base.select(0, 2).fill_(2);
    base.t().select(0, 0).add_(5);
    expect(base.tolist()).toEqual([[5, 1, 1, 0], [5, 1, 1, 0], [7, 2, 2, 2]]);
    const e = torch.tensor([1, 2, 3]).expand(2, 3);
    expect(e.stride()).toEqual([0, 1]);
    expect(e.is_contiguous()).toBe(false);
    expect(e.contiguous().tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });

  it('the legacy constructors given a tensor alias its memory, in its layout', () => {
    const base = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    const a = new torch.Tensor(base.t()), b = torch.FloatTensor(base.narrow(1, 1, 2));
    expect([a.shape, a.stride(), b.shape, b.stride()]).toEqual([[3, 2], [1, 3], [2, 2], [3, 1]]);
    base.fill_(7);
    expect([a.tolist(), b.tolist()]).toEqual([[[7, 7], [7, 7], [7, 7]], [[7, 7], [7, 7]]]);
  });

  it('view needs compatible strides; reshape copies when it must', () => {
    const t = torch.arange(6).reshape(2, 3).t();
    expect(() => t.view(6)).toThrow(/view size is not compatible with input tensor's size and stride/);
    expect(t.reshape(6).tolist()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => torch.arange(6).view(4, -1)).toThrow("shape '[4, -1]' is invalid for input of size 6");
    expect(torch.arange(6).view(-1, 2).shape).toEqual([3, 2]);
  });

  it('squeeze, unsqueeze, permute, flatten, unflatten', () => {
    const t = torch.zeros(2, 1, 3, 1);
    expect(t.squeeze().shape).toEqual([2, 3]);
    expect(t.squeeze(1).shape).toEqual([2, 3, 1]);
    expect(t.unsqueeze(-1).shape).toEqual([2, 1, 3, 1, 1]);
    expect(t.permute(3, 2, 1, 0).shape).toEqual([1, 3, 1, 2]);
    expect(t.flatten().shape).toEqual([6]);
    expect(t.flatten(1, 2).shape).toEqual([2, 3, 1]);
    expect(torch.zeros(2, 6).unflatten(1, [2, 3]).shape).toEqual([2, 2, 3]);
  });
});

describe('dtype promotion', () => {
  it('follows PyTorch for tensors and scalars', () => {
    const f = torch.ones(2), d = torch.ones(2, { dtype: torch.float64 }), l = torch.arange(2), b = torch.tensor([true, false]);
    expect(f.add(d).dtype).toBe(torch.float64);
    expect(l.add(f).dtype).toBe(torch.float32);
    expect(l.add(2).dtype).toBe(torch.int64);
    expect(l.add(2.5).dtype).toBe(torch.float32);
    expect(l.div(2).dtype).toBe(torch.float32);
    expect(b.add(b).dtype).toBe(torch.bool);
    expect(b.add(1).dtype).toBe(torch.int64);
    expect(f.add(torch.tensor(1, { dtype: torch.float64 })).dtype).toBe(torch.float32);
    expect(f.gt(0).dtype).toBe(torch.bool);
    expect(l.sum().dtype).toBe(torch.int64);
    expect(torch.tensor([7, -7], { dtype: torch.int64 }).div(2, { rounding_mode: 'floor' }).tolist()).toEqual([3, -4]);
    expect(torch.tensor([7, -7], { dtype: torch.int64 }).div(2, 'trunc').tolist()).toEqual([3, -3]);
  });
});

describe('reductions return PyTorch shapes', () => {
  it('max/min with dim return values and indices, named and destructurable', () => {
    const t = torch.tensor([[1, 5, 3], [4, 2, 6]]);
    const [v, i] = t.max(1);
    expect(v.tolist()).toEqual([5, 6]);
    expect(i.tolist()).toEqual([1, 2]);
    expect(t.min(0).indices.tolist()).toEqual([0, 1, 0]);
    expect(t.argmax().item()).toBe(5);
    expect(t.argmin(1, true).shape).toEqual([2, 1]);
    expect(torch.tensor([1, NaN, 3]).max().item()).toBeNaN();
  });
  it('softmax is stable for large logits', () => {
    const t = torch.tensor([1000, 1000, -1000]);
    expect(t.softmax(0).tolist()).toEqual([0.5, 0.5, 0]);
    const ls = t.log_softmax(0).tolist() as number[];
    expect(ls[0]).toBeCloseTo(-Math.LN2, 6);
    expect(ls[2]).toBeCloseTo(-2000 - Math.LN2, 2);
    expect(torch.tensor([1000, 1000]).logsumexp(0).item()).toBeCloseTo(1000 + Math.LN2, 3);
  });
});

describe('unary ops in place', () => {
  const ops = ['relu', 'sigmoid', 'tanh', 'exp', 'log', 'sqrt', 'abs', 'neg'] as const;
  for (const n of [7, 5000]) {
    it(`write the tensor's own memory, views included (${n} elements)`, () => {
      torch.manual_seed(n);
      for (const op of ops) {
        const base = torch.randn(2, n).mul(3);
        const want = (base as unknown as Record<string, () => torch.Tensor>)[op]();
        const row = base.select(0, 1); // a contiguous view at an offset
        const row0 = base.select(0, 0).clone();
        const v0 = base._version;
        (row as unknown as Record<string, () => torch.Tensor>)[`${op}_`]();
        expect(base._version, op).toBe(v0 + 1);
        const got = base.select(0, 1).toTypedArray() as Float32Array;
        const exp = want.select(0, 1).toTypedArray() as Float32Array;
        for (let i = 0; i < n; i++) expect(Object.is(got[i], exp[i]) || Math.abs(got[i] - exp[i]) <= 1e-6 * Math.abs(exp[i]), `${op}_[${i}]`).toBe(true);
        expect(base.select(0, 0).equal(row0), `${op}_ leaves the rest of the storage alone`).toBe(true);
        // a transposed (strided) tensor goes through the general path and gives the same values
        const t = base.clone().t();
        (t as unknown as Record<string, () => torch.Tensor>)[`${op}_`]();
        expect(t.t().select(0, 0).allclose((base.select(0, 0) as unknown as Record<string, () => torch.Tensor>)[op](), { equal_nan: true }), op).toBe(true);
      }
      const r = torch.randn(n);
      torch.nn.functional.relu(r, true);
      expect(r.min().item()).toBeGreaterThanOrEqual(0);
    });
  }
});
