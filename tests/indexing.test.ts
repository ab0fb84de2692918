/**
 * Python indexing as x.index(...) and x.setitem(..., value), against PyTorch 1.13
 * (scripts/golden/indexing.py): results, gradients, assignments and IndexError messages.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import type { IndexItem } from '../src/ops/index_items.js';

type Spec = number | boolean | string | null | { t: unknown; dtype: 'int64' | 'bool' } | { list: number[] };
interface Failure { error: string; message: string }
interface GetCase { items: Spec[]; out?: Encoded; grad?: Encoded; error?: string; message?: string }
interface SetCase { items: Spec[]; value: number | { t: unknown }; accumulate: boolean; out?: Encoded; error?: string; message?: string }

const golden = loadFixture<{ get: GetCase[]; set: SetCase[] }>('indexing');

function item(s: Spec): IndexItem {
  if (s === null || typeof s === 'number' || typeof s === 'boolean' || typeof s === 'string') return s;
  if ('list' in s) return s.list;
  return torch.tensor(s.t as number[], { dtype: s.dtype === 'bool' ? torch.bool : torch.int64 });
}

const base = () => torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4);
const label = (items: Spec[]) => `x[${items.map((s) => JSON.stringify(s)).join(', ')}]`;

/** Python's exception classes as kindling throws them. */
const CLASS: Record<string, ErrorConstructor> = { IndexError: RangeError, ValueError: RangeError, RuntimeError: Error };

function expectFailure(run: () => unknown, want: Failure): void {
  let caught: unknown = null;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CLASS[want.error]);
  if (want.error === 'IndexError') expect((caught as Error).name).toBe('IndexError');
  expect((caught as Error).message).toBe(want.message);
}

const same = (got: Tensor, want: Encoded) => {
  const w = decode(want);
  expect([got.dtype.name, [...got.shape], got.tolist()]).toEqual([w.dtype.name, [...w.shape], w.tolist()]);
};

describe('x.index(...) is x[...]: values and gradients', () => {
  for (const c of golden.get) {
    it(label(c.items), () => {
      const x = base().requires_grad_();
      if (c.error) return expectFailure(() => x.index(...c.items.map(item)), c as Failure);
      const y = x.index(...c.items.map(item));
      same(y, c.out!);
      y.mul(torch.arange(y.numel(), { dtype: torch.float32 }).reshape(y.shape)).sum().backward();
      same(x.grad!, c.grad!);
    });
  }
});

describe('x.setitem(..., v) is x[...] = v, and index_put_ with accumulate', () => {
  for (const c of golden.set) {
    it(`${label(c.items)} ${c.accumulate ? '+=' : '='} ${JSON.stringify(c.value)}`, () => {
      const x = base();
      const v = typeof c.value === 'number' ? c.value : torch.tensor(c.value.t as number[]);
      const run = () => (c.accumulate
        ? x.index_put_(c.items.map(item) as Tensor[], v instanceof Tensor ? v : torch.tensor(v), true)
        : x.setitem(...c.items.map(item), v));
      if (c.error) return expectFailure(run, c as Failure);
      run();
      same(x, c.out!);
    });
  }
});

describe('indexing forms and memory', () => {
  it('one string holds the whole Python index; slices, ints and None give views of the same memory', () => {
    const x = base();
    const v = x.index(':, 1:3, ::2');
    expect([...v.shape]).toEqual([2, 2, 2]);
    expect(v.tolist()).toEqual(x.index(':', '1:3', '::2').tolist());
    x.setitem(0, 1, 0, 100);
    expect(v.index(0, 0, 0).item()).toBe(100);
  });

  it('tensor indices copy; the result does not see later writes', () => {
    const x = base();
    const y = x.index([0, 1]);
    x.fill_(0);
    expect(y.sum().item()).toBe(276);
  });

  it('an assignment through a mask on a tensor in the graph flows to the value and what is kept', () => {
    const a = torch.tensor([1, 5, 2, 7], { requires_grad: true });
    const v = torch.tensor(10, { requires_grad: true });
    const b = a.mul(2);
    b.setitem(b.gt(5), v);
    b.sum().backward();
    expect(a.grad!.tolist()).toEqual([2, 0, 2, 0]);
    expect(v.grad!.item()).toBe(2);
  });

  it('second derivatives through a gather', () => {
    const x = torch.tensor([1, 2, 3], { requires_grad: true });
    const y = x.index([0, 0, 2]).pow(2).sum();
    const [g] = torch.autograd.grad([y], [x], { create_graph: true });
    expect(g!.tolist()).toEqual([4, 0, 6]);
    g!.sum().backward();
    expect(x.grad!.tolist()).toEqual([4, 0, 2]);
  });

  it("Python's `for row in x` is `for (const row of x.unbind())`; unbind splits any dim into views", () => {
    const x = base();
    expect(x.unbind().map((r) => [...r.shape])).toEqual([[3, 4], [3, 4]]);
    expect(torch.unbind(x, 2).map((t) => t.index(0, 0).item())).toEqual([0, 1, 2, 3]);
    x.unbind()[1].fill_(0);
    expect(x.index(1).sum().item()).toBe(0);
    expect(() => torch.tensor(1).unbind()).toThrow('Dimension specified as 0 but tensor has no dimensions');
  });

  it('masked_select broadcasts and gives a 1-D tensor', () => {
    const x = torch.tensor([[1, 2], [3, 4]]);
    expect(torch.masked_select(x, torch.tensor([true, false])).tolist()).toEqual([1, 3]);
    expect(x.masked_select(x.gt(2)).tolist()).toEqual([3, 4]);
  });

  it('bad items are clear errors', () => {
    const x = base();
    expect(() => x.index(1.5)).toThrow(TypeError);
    expect(() => x.index('1:b')).toThrow("invalid index '1:b'");
    expect(() => x.index(torch.tensor([0.5]))).toThrow('tensors used as indices must be long, byte or bool tensors');
    expect(() => x.setitem(0)).toThrow('setitem() expects the index items, then the value');
  });
});
