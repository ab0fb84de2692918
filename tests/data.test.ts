import { describe, expect, it, vi } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

const { Dataset, TensorDataset, Subset, DataLoader, random_split, default_collate } = torch.utils.data;

/** Sample i is `[i, 10 * i]` as two 1-element float tensors, so batches show which samples they hold. */
class Squares extends Dataset<[Tensor, number]> {
  constructor(private n: number) {
    super();
  }
  override __getitem__(i: number): [Tensor, number] {
    return [torch.tensor([i]), 10 * i];
  }
  override __len__(): number {
    return this.n;
  }
}

const ids = (t: Tensor) => (t.tolist() as number[][]).map((r) => r[0]);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Dataset', () => {
  it('exposes __getitem__, __len__, length and iteration', () => {
    const ds = new Squares(3);
    expect(ds.length).toBe(3);
    expect(ds.__len__()).toBe(3);
    expect(ds.__getitem__(2)[1]).toBe(20);
    expect([...ds].map((s) => s[1])).toEqual([0, 10, 20]);
  });

  it('TensorDataset slices every tensor along dim 0', () => {
    const x = torch.arange(12).reshape([4, 3]);
    const y = torch.tensor([5n, 6n, 7n, 8n]);
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.__getitem__(2);
    expect(xi.tolist()).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.dtype).toBe(torch.int64);
    expect(yi.item()).toBe(7);
    expect(ds.__getitem__(-1)[1].item()).toBe(8);
  });

  it('TensorDataset rejects mismatched sizes and non-tensors', () => {
    expect(() => new TensorDataset(torch.zeros(4, 2), torch.zeros(3))).toThrow(new RangeError('Size mismatch between tensors'));
    expect(() => new TensorDataset(torch.zeros(4), [1, 2, 3, 4] as unknown as Tensor)).toThrow(TypeError);
    expect(() => new TensorDataset()).toThrow(RangeError);
    expect(() => new TensorDataset(torch.zeros(3)).__getitem__(3)).toThrow(RangeError);
  });

  it('Subset maps indices into the parent dataset, arrays included', () => {
    const sub = new Subset(['a', 'b', 'c', 'd'], [3, 1]);
    expect(sub.length).toBe(2);
    expect([...sub]).toEqual(['d', 'b']);
    expect(sub.__getitem__(-1)).toBe('b');
    expect(() => sub.__getitem__(2)).toThrow(new RangeError('list index out of range'));
    const fromTensor = new Subset(new Squares(5), torch.tensor([4n, 0n]));
    expect(fromTensor.__getitem__(0)[1]).toBe(40);
  });
});

describe('random_split', () => {
  it('splits by counts into disjoint subsets covering the dataset', () => {
    const parts = random_split(range(10), [3, 7], new torch.Generator().manual_seed(1));
    expect(parts.map((p) => p.length)).toEqual([3, 7]);
    const all = parts.flatMap((p) => [...p]);
    expect(all.slice().sort((a, b) => a - b)).toEqual(range(10));
    expect(all).not.toEqual(range(10));
  });

  it("rounds fractions as PyTorch 1.13 does (floor, remainder round-robin) and rejects what it rejects", () => {
    type Case = { n: number; lengths: number[]; sizes?: number[]; error?: string; warnings: string[] };
    const cases = loadFixture<{ random_split: Case[] }>('data').random_split;
    expect(cases.length).toBeGreaterThan(10);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      for (const c of cases) {
        warn.mockClear();
        const run = () => random_split(range(c.n), c.lengths, new torch.Generator().manual_seed(0));
        if (c.error !== undefined) {
          expect(run, JSON.stringify(c)).toThrow(new RangeError(c.error));
        } else {
          expect(run().map((p) => p.length), JSON.stringify(c)).toEqual(c.sizes);
        }
        expect(warn.mock.calls.map((call) => call[0]), JSON.stringify(c)).toEqual(c.warnings);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('is reproducible from a generator or from torch.manual_seed, and draws randperm', () => {
    const a = random_split(range(20), [0.5, 0.5], new torch.Generator().manual_seed(7)).map((s) => [...s]);
    const b = random_split(range(20), [0.5, 0.5], { generator: new torch.Generator().manual_seed(7) }).map((s) => [...s]);
    expect(a).toEqual(b);
    torch.manual_seed(3);
    const c = random_split(range(20), [5, 15]).map((s) => [...s]);
    torch.manual_seed(3);
    expect(c.flat()).toEqual(torch.randperm(20).tolist());
    torch.manual_seed(4);
    expect(random_split(range(20), [5, 15]).map((s) => [...s])).not.toEqual(c);
  });

  it('rejects lengths that are neither counts nor fractions', () => {
    expect(() => random_split(range(5), [2.5, 2.5])).toThrow(TypeError);
    expect(() => random_split(range(5), [-1, 6])).toThrow(RangeError);
    expect(() => random_split(range(5), 5 as unknown as number[])).toThrow(TypeError);
  });
});

describe('DataLoader batching', () => {
  it('batches in order, keeping the short last batch', () => {
    const loader = new DataLoader(new Squares(10), { batch_size: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([x]) => ids(x))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batches[0][0].shape).toEqual([4, 1]);
    expect(batches[0][1].dtype).toBe(torch.int64); // whole numbers collate as Python ints would
    expect(batches[2][1].tolist()).toEqual([80, 90]);
  });

  it('drop_last drops the short last batch, and len() agrees', () => {
    const loader = new DataLoader(new Squares(10), { batch_size: 4, drop_last: true });
    expect(loader.length).toBe(2);
    expect([...loader].map(([x]) => ids(x))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(new Squares(8), { batch_size: 4, drop_last: true }).length).toBe(2);
    expect(new DataLoader(new Squares(3), { batch_size: 4, drop_last: true }).length).toBe(0);
    expect([...new DataLoader(new Squares(3), { batch_size: 4, drop_last: true })]).toEqual([]);
  });

  it('defaults to batch_size 1 and takes batch_size, shuffle positionally as PyTorch', () => {
    expect(new DataLoader(new Squares(5)).length).toBe(5);
    const positional = new DataLoader(new Squares(10), 3, true);
    expect(positional.batch_size).toBe(3);
    expect(positional.shuffle).toBe(true);
    const mixed = new DataLoader(new Squares(10), 3, { drop_last: true });
    expect(mixed.length).toBe(3);
  });

  it('batch_size null yields single samples through default_convert', () => {
    const loader = new DataLoader([new Float32Array([1, 2]), new Float32Array([3, 4])], { batch_size: null });
    expect(loader.length).toBe(2);
    const items = [...loader] as unknown as Tensor[];
    expect(items[1]).toBeInstanceOf(Tensor);
    expect(items[1].tolist()).toEqual([3, 4]);
  });

  it('accepts a sampler and a batch_sampler', () => {
    const bySampler = new DataLoader(new Squares(6), { batch_size: 2, sampler: [5, 3, 1] });
    expect(bySampler.length).toBe(2);
    expect([...bySampler].map(([x]) => ids(x))).toEqual([[5, 3], [1]]);
    const byBatches = new DataLoader(new Squares(6), { batch_sampler: [[0, 2], [4, 1, 3]] });
    expect(byBatches.length).toBe(2);
    expect([...byBatches].map(([x]) => ids(x))).toEqual([[0, 2], [4, 1, 3]]);
  });

  it("raises PyTorch's errors for bad options", () => {
    const ds = new Squares(4);
    expect(() => new DataLoader(ds, { batch_size: 0 })).toThrow(new RangeError('batch_size should be a positive integer value, but got batch_size=0'));
    expect(() => new DataLoader(ds, { batch_size: 2.5 })).toThrow(RangeError);
    expect(() => new DataLoader(ds, { sampler: [0], shuffle: true })).toThrow('sampler option is mutually exclusive with shuffle');
    expect(() => new DataLoader(ds, { batch_sampler: [[0]], batch_size: 2 })).toThrow(
      'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
    );
    expect(() => new DataLoader(ds, { batch_size: null, drop_last: true })).toThrow(/mutually exclusive with drop_last/);
    expect(() => new DataLoader(ds, { num_workers: -1 })).toThrow(RangeError);
    expect(() => new DataLoader(ds, { batchSize: 2 } as never)).toThrow(new TypeError("DataLoader.__init__() got an unexpected keyword argument 'batchSize'"));
    expect(() => new DataLoader(ds, 2, { batch_size: 3 } as never)).toThrow(new TypeError("DataLoader.__init__() got multiple values for argument 'batch_size'"));
  });
});

describe('DataLoader shuffling', () => {
  const epoch = (loader: Iterable<[Tensor, Tensor]>) => [...loader].flatMap(([x]) => ids(x));

  it('visits every sample exactly once per epoch, in a new order each epoch', () => {
    torch.manual_seed(0);
    const loader = new DataLoader(new Squares(23), { batch_size: 5, shuffle: true });
    const e1 = epoch(loader);
    const e2 = epoch(loader);
    for (const e of [e1, e2]) expect(e.slice().sort((a, b) => a - b)).toEqual(range(23));
    expect(e1).not.toEqual(range(23));
    expect(e2).not.toEqual(e1);
  });

  it('is reproducible under torch.manual_seed and draws the permutation RandomSampler draws', () => {
    const loader = new DataLoader(new Squares(16), 4, true);
    torch.manual_seed(42);
    const a = [epoch(loader), epoch(loader)];
    torch.manual_seed(42);
    const b = [epoch(loader), epoch(loader)];
    expect(b).toEqual(a);
    // the iterator's base seed, then the sampler's seed for a fresh generator: two int64 random_() draws
    torch.manual_seed(42);
    const g = torch.default_generator;
    g.random64();
    const seed = g.random64() & ((1n << 63n) - 1n);
    expect(a[0]).toEqual(torch.randperm(16, { generator: new torch.Generator().manual_seed(seed) }).tolist());
  });

  it('uses its own generator when given one, leaving the global stream alone', () => {
    const run = () => epoch(new DataLoader(new Squares(16), { batch_size: 4, shuffle: true, generator: new torch.Generator().manual_seed(5) }));
    torch.manual_seed(1);
    const a = run();
    const after = torch.rand(1).item();
    torch.manual_seed(2);
    expect(run()).toEqual(a);
    torch.manual_seed(1);
    expect(torch.rand(1).item()).toBe(after);
  });
});

describe('default_collate', () => {
  it('stacks tensors along a new first dimension', () => {
    const out = default_collate([torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6])]);
    expect(out.shape).toEqual([3, 2]);
    expect(out.tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('turns numbers into float64, bigints into int64, booleans into bool; strings stay a list', () => {
    const f = default_collate([1, 2.5]);
    expect(f.dtype).toBe(torch.float64);
    expect(f.tolist()).toEqual([1, 2.5]);
    const i = default_collate([1n, 2n]);
    expect(i.dtype).toBe(torch.int64);
    expect(i.tolist()).toEqual([1, 2]);
    expect(default_collate([true, false]).dtype).toBe(torch.bool);
    expect(default_collate(['a', 'b'])).toEqual(['a', 'b']);
    expect(default_collate([new Float32Array([1, 2]), new Float32Array([3, 4])]).shape).toEqual([2, 2]);
  });

  it('collates tuples position by position and objects key by key, recursively', () => {
    const batch = [
      { x: torch.tensor([1, 2]), meta: { id: 1n, name: 'a' }, pair: [0.5, torch.tensor(1)] },
      { x: torch.tensor([3, 4]), meta: { id: 2n, name: 'b' }, pair: [1.5, torch.tensor(2)] },
    ];
    const out = default_collate(batch);
    expect(out.x.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(out.meta.id.tolist()).toEqual([1, 2]);
    expect(out.meta.name).toEqual(['a', 'b']);
    expect(out.pair[0].tolist()).toEqual([0.5, 1.5]);
    expect(out.pair[1].tolist()).toEqual([1, 2]);
    const m = default_collate([new Map([['k', 1]]), new Map([['k', 2]])]);
    expect(m.get('k')!.tolist()).toEqual([1, 2]);
  });

  it("raises PyTorch's errors for ragged and unsupported batches", () => {
    expect(() => default_collate([[1, 2], [3]])).toThrow('each element in list of batch should be of equal size');
    expect(() => default_collate([null, null])).toThrow(
      new TypeError('default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found null'),
    );
    expect(() => default_collate([torch.zeros(2), torch.zeros(3)])).toThrow(RangeError);
  });

  it('a custom collate_fn receives the list of samples', () => {
    const seen: number[] = [];
    const loader = new DataLoader(new Squares(5), {
      batch_size: 2,
      collate_fn: (batch: [Tensor, number][]) => {
        seen.push(batch.length);
        return batch.map(([, y]) => y).join(',');
      },
    });
    expect([...loader]).toEqual(['0,10', '20,30', '40']);
    expect(seen).toEqual([2, 2, 1]);
  });

  it('the TensorDataset batches equal stacking its samples one by one', () => {
    const x = torch.randn(7, 3);
    const y = torch.tensor([0n, 1n, 2n, 0n, 1n, 2n, 0n]);
    const ds = new TensorDataset(x, y);
    const fast = [...new DataLoader(ds, { batch_size: 3, sampler: [6, 0, -2, 3, 1, 2, 4] })];
    const slow = [...new DataLoader(ds, { batch_size: 3, sampler: [6, 0, -2, 3, 1, 2, 4], collate_fn: (b: Tensor[][]) => default_collate(b) })];
    expect(fast.length).toBe(3);
    fast.forEach(([fx, fy], k) => {
      expect(fx.equal(slow[k][0])).toBe(true);
      expect(fy.equal(slow[k][1])).toBe(true);
      expect(fy.dtype).toBe(torch.int64);
    });
    expect(fast[0][0].tolist()).toEqual([x.select(0, 6).tolist(), x.select(0, 0).tolist(), x.select(0, 5).tolist()]);
  });
});

describe('DataLoader async iteration', () => {
  it('for await...of yields every batch and lets the event loop run between batches', async () => {
    let turns = 0;
    let stop = false;
    const spin = () => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    const seenTurns: number[] = [];
    const got: number[][] = [];
    for await (const [x] of new DataLoader(new Squares(7), { batch_size: 2 })) {
      got.push(ids(x));
      seenTurns.push(turns);
    }
    stop = true;
    expect(got).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    for (let k = 1; k < seenTurns.length; k++) expect(seenTurns[k]).toBeGreaterThan(seenTurns[k - 1]);
  });

  it('stops cleanly on break', async () => {
    let n = 0;
    for await (const _ of new DataLoader(new Squares(100), 10)) if (++n === 2) break;
    expect(n).toBe(2);
  });
});

describe('end to end', () => {
  it('trains nn.Linear on a TensorDataset through a shuffled DataLoader', async () => {
    torch.manual_seed(0);
    const X = torch.randn(64, 3);
    const wTrue = torch.tensor([[2, -1, 0.5]]);
    const Y = X.matmul(wTrue.t()).add(0.3);
    const loader = new DataLoader(new TensorDataset(X, Y), { batch_size: 16, shuffle: true });
    const model = new nn.Linear(3, 1);
    const loss = () => model(X).sub(Y).pow(2).mean().item();
    const before = loss();
    let steps = 0;
    for (let epoch = 0; epoch < 30; epoch++) {
      for await (const [xb, yb] of loader) {
        expect(xb.shape).toEqual([16, 3]);
        expect(yb.shape).toEqual([16, 1]);
        model.zero_grad();
        model(xb).sub(yb).pow(2).mean().backward();
        torch.no_grad(() => {
          for (const p of model.parameters()) p.sub_(p.grad!.mul(0.1));
        });
        steps++;
      }
    }
    expect(steps).toBe(30 * loader.length);
    expect(loss()).toBeLessThan(before / 100);
    expect(model.weight.detach().allclose(wTrue, { atol: 1e-2 })).toBe(true);
  });
});
