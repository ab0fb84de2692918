/**
 * The random functions against PyTorch 1.13's own streams (scripts/golden/random.py), bit for bit:
 * every value is compared with Object.is, never with a tolerance, and the three float64 normals
 * where glibc's sin or cos is not correctly rounded are listed by name (GLIBC_MISROUNDED).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { decodeNumber, loadFixture, type Encoded } from './helpers/fixtures.js';

type Seeded = Record<'rand32' | 'rand64' | 'randn32' | 'randn64' | 'randn_mixed' | 'randint' | 'randperm', Encoded[]> & { seed: string; initial_seed: string };
interface State { seed: string; state: number[]; next: Encoded[] }
const fx = loadFixture<{
  seeded: Seeded[];
  long: Encoded[];
  normal_args: Encoded[];
  randint_wide: Encoded[];
  strided: Encoded[];
  bernoulli: Encoded[];
  dropout: Encoded[];
  normal_fn: Encoded[];
  like: Encoded[];
  linear: Encoded[];
  init: Record<string, Encoded>;
  dataloader: { epochs: number[][]; after: Encoded; generator_epochs: number[][]; unshuffled_then_rand: [number[], Encoded] };
  random_split: { default: number[][]; generator: number[][] };
  generator: { draws: Encoded[]; default_after: Encoded; state: number[] };
  states: State[];
  errors: Record<string, string>;
  negative_seed: string;
}>('random');

const F = nn.functional;
const { DataLoader, TensorDataset, random_split } = torch.utils.data;
const SIZES = [...Array.from({ length: 20 }, (_, i) => i + 1), 33, 100];
const seedOf = (s: string): number | bigint => (BigInt(s) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : BigInt(s));

/**
 * The float64 normals whose angle is one where glibc's sin or cos (PyTorch's) is not correctly
 * rounded and kindling's is (about 0.14% of angles: docs/random.md), by label and index: there the
 * two are one ulp apart. The angles, found by redrawing the uniforms with PyTorch, are edge cases
 * of tests/fixtures/random_trig.json, whose test checks glibc's values at them.
 */
const GLIBC_MISROUNDED: Record<string, number[]> = {
  'randn float64 #9 (numel 10), seed 42': [7], // cos(0x1.2dd7292900d21p-1)
  'long randn float64': [479, 986], // sin(0x1.54cc46f4b64f9p+2), and cos(0x1.61c7fd66f4841p-1) in the redrawn tail
};

/** Same dtype, shape and bits as PyTorch's; on failure, the first differing positions. */
function exact(t: Tensor, e: Encoded, label = ''): void {
  expect([t.dtype.name, t.shape], label).toEqual([e.dtype, e.shape]);
  const got = Array.from(t.contiguous().toTypedArray() as ArrayLike<number>);
  const misrounded = GLIBC_MISROUNDED[label] ?? [];
  const bad: string[] = [];
  e.data.forEach((v, i) => {
    const want = decodeNumber(v);
    const ok = misrounded.includes(i) ? Math.abs(got[i] - want) === ulp(want) : Object.is(got[i], want);
    if (!ok && bad.length < 5) bad.push(`[${i}] ${got[i]} != ${v}`);
  });
  expect(bad, label).toEqual([]);
}

/** The spacing of doubles at x (x normal, not a power of two). */
function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

function stream(seed: number | bigint, draws: Encoded[], draw: (n: number) => Tensor, label: string): void {
  torch.manual_seed(seed);
  SIZES.forEach((n, i) => exact(draw(n), draws[i], `${label} #${i} (numel ${n}), seed ${seed}`));
}

describe('random streams match PyTorch 1.13 bit for bit', () => {
  for (const c of fx.seeded) {
    const seed = seedOf(c.seed);
    it(`seed ${c.seed}: rand, randn (both normal paths, both dtypes, the cache between calls), randint, randperm`, () => {
      expect(String(torch.manual_seed(seed).initial_seed())).toBe(c.initial_seed);
      expect(String(torch.initial_seed())).toBe(c.initial_seed);
      stream(seed, c.rand32, (n) => torch.rand(n), 'rand float32');
      stream(seed, c.rand64, (n) => torch.rand(n, { dtype: torch.float64 }), 'rand float64');
      stream(seed, c.randn32, (n) => torch.randn(n), 'randn float32');
      stream(seed, c.randn64, (n) => torch.randn(n, { dtype: torch.float64 }), 'randn float64');
      stream(seed, c.randn_mixed, (n) => torch.randn(n, { dtype: n % 2 ? torch.float64 : torch.float32 }), 'randn mixed dtypes');
      stream(seed, c.randint, (n) => torch.randint(-3, 10 + n, [n]), 'randint');
      stream(seed, c.randperm, (n) => torch.randperm(n), 'randperm');
    });
  }

  it('long draws: 1000 and 1001 normals (a redrawn tail), 1000 doubles, 1000 uniforms', () => {
    torch.manual_seed(6);
    exact(torch.randn(1000), fx.long[0]);
    exact(torch.randn(1000, { dtype: torch.float64 }), fx.long[1], 'long randn float64');
    exact(torch.rand(1000), fx.long[2]);
    exact(torch.randn(1001), fx.long[3]);
  });

  it('normal_ and uniform_ with a mean/std or a range (the fused multiply-adds of each path)', () => {
    torch.manual_seed(7);
    const got = [
      torch.empty(1000).normal_(0.5, 2.0),
      torch.empty(1000).normal_(-1.25, 0.3),
      torch.empty(37, { dtype: torch.float64 }).normal_(3.0, 0.1),
      torch.empty(5).normal_(-1.25, 0.3),
      torch.empty(5, { dtype: torch.float64 }).normal_(0.1, 7.0),
      torch.empty(40).uniform_(-0.3, 0.7),
      torch.empty(40, { dtype: torch.float64 }).uniform_(-0.3, 0.7),
      torch.empty(6).uniform_(-1e-3, 5.0),
    ];
    got.forEach((t, i) => exact(t, fx.normal_args[i], `#${i}`));
  });

  it('randint over ranges of 2^32 and more (64-bit draws), and into float32', () => {
    torch.manual_seed(8);
    exact(torch.randint(0, 2 ** 32 - 1, [8]), fx.randint_wide[0]);
    exact(torch.randint(0, 2 ** 32, [8]), fx.randint_wide[1]);
    exact(torch.randint(-(2 ** 40), 2 ** 45, [8]), fx.randint_wide[2]);
    exact(torch.randint(5, [8], { dtype: torch.float32 }), fx.randint_wide[3]);
  });

  it('strided tensors are filled in memory order, normal_ taking the scalar path', () => {
    torch.manual_seed(9);
    exact(torch.empty(5, 4).t().uniform_(), fx.strided[0]);
    exact(torch.empty(6, 5).t().normal_(), fx.strided[1]);
    exact(torch.empty(4, 8).narrow(1, 2, 5).normal_(), fx.strided[2]);
  });

  it('bernoulli with a scalar p (double uniforms) and tensor p (float or double uniforms)', () => {
    torch.manual_seed(10);
    const p32 = torch.rand(30);
    const p64 = torch.rand(30, { dtype: torch.float64 });
    exact(torch.empty(50).bernoulli_(0.3), fx.bernoulli[0]);
    exact(torch.bernoulli(p32), fx.bernoulli[1]);
    exact(torch.bernoulli(p64), fx.bernoulli[2]);
    exact(torch.bernoulli(torch.ones(12), 0.75), fx.bernoulli[3]);
    exact(torch.empty(4, { dtype: torch.float64 }).bernoulli_(p64.narrow(0, 0, 4)), fx.bernoulli[4]);
  });

  it('dropout masks in training mode (F.dropout and nn.Dropout)', () => {
    torch.manual_seed(11);
    exact(F.dropout(torch.ones(40), 0.3, true), fx.dropout[0]);
    exact(new nn.Dropout(0.5).train().forward(torch.ones(4, 5)), fx.dropout[1]);
    exact(F.dropout(torch.ones(40, { dtype: torch.float64 }), 0.1, true), fx.dropout[2]);
  });

  it('torch.normal in its four forms and the *_like creators', () => {
    torch.manual_seed(12);
    exact(torch.normal(2.0, 3.0, [20]), fx.normal_fn[0]);
    const f32 = { dtype: torch.float32 };
    // stds of exact float values (kindling's float32 linspace rounds differently from PyTorch's)
    exact(torch.normal(torch.arange(6, f32), torch.arange(6, f32).mul(0.125).add(0.5)), fx.normal_fn[1]);
    exact(torch.normal(torch.arange(4, f32), 2.0), fx.normal_fn[2]);
    exact(torch.normal(1.5, torch.arange(1, 18, f32).mul(0.125)), fx.normal_fn[3]);
    torch.manual_seed(13);
    const like = torch.zeros(3, 7);
    exact(torch.rand_like(like), fx.like[0]);
    exact(torch.randn_like(like), fx.like[1]);
    exact(torch.randint_like(like, 2, 9), fx.like[2]);
  });

  it("nn.Linear's default initialisation and nn.init's random initialisers", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(20, 30);
    exact(lin.weight, fx.linear[0]);
    exact(lin.bias!, fx.linear[1]);
    torch.manual_seed(1);
    const w = torch.empty(30, 20), small = torch.empty(3, 4);
    const init = nn.init;
    exact(init.xavier_uniform_(w.clone()), fx.init.xavier_uniform);
    exact(init.xavier_normal_(w.clone()), fx.init.xavier_normal);
    exact(init.kaiming_uniform_(w.clone(), 0.1), fx.init.kaiming_uniform);
    exact(init.kaiming_normal_(w.clone(), { mode: 'fan_out', nonlinearity: 'relu' }), fx.init.kaiming_normal);
    exact(init.normal_(w.clone(), 0.2, 0.05), fx.init.normal);
    exact(init.uniform_(w.clone(), -2.0, 3.0), fx.init.uniform);
    exact(init.kaiming_normal_(small.clone()), fx.init.kaiming_normal_small);
    exact(init.normal_(small.clone().double(), 1.0, 2.0), fx.init.normal_small64);
  });

  it("DataLoader(shuffle=True)'s order over epochs, with and without its own generator, and the stream after", () => {
    const ds = new TensorDataset(torch.arange(23));
    const epoch = (loader: Iterable<Tensor[]>) => [...loader].flatMap(([b]) => b.tolist() as number[]);
    torch.manual_seed(14);
    const loader = new DataLoader(ds, { batch_size: 5, shuffle: true });
    expect([epoch(loader), epoch(loader), epoch(loader)]).toEqual(fx.dataloader.epochs);
    exact(torch.randn(3), fx.dataloader.after);
    const own = new DataLoader(ds, { batch_size: 4, shuffle: true, generator: new torch.Generator().manual_seed(15) });
    expect([epoch(own), epoch(own), epoch(own)]).toEqual(fx.dataloader.generator_epochs);
    torch.manual_seed(16);
    expect(epoch(new DataLoader(ds, { batch_size: 6 }))).toEqual(fx.dataloader.unshuffled_then_rand[0]);
    exact(torch.rand(2), fx.dataloader.unshuffled_then_rand[1]);
  });

  it('random_split draws randperm from the default generator or the given one', () => {
    torch.manual_seed(17);
    expect(random_split(new TensorDataset(torch.arange(10)), [3, 7]).map((s) => s.indices)).toEqual(fx.random_split.default);
    const twelve = new TensorDataset(torch.arange(12));
    expect(random_split(twelve, [0.5, 0.25, 0.25], new torch.Generator().manual_seed(18)).map((s) => s.indices)).toEqual(fx.random_split.generator);
  });

  it('a torch.Generator passed as generator= serves the draws and leaves the default stream alone', () => {
    const g = new torch.Generator().manual_seed(123);
    torch.manual_seed(19);
    const got = [
      torch.randn(5, { generator: g }), torch.rand(5, { generator: g }), torch.randint(0, 100, [5], { generator: g }),
      torch.randperm(10, { generator: g }), torch.randn(20, { generator: g }), torch.empty(3).uniform_({ generator: g }),
      torch.empty(20).normal_({ generator: g }), torch.empty(6).bernoulli_(0.5, { generator: g }),
    ];
    got.forEach((t, i) => exact(t, fx.generator.draws[i], `#${i}`));
    exact(torch.randn(4), fx.generator.default_after);
    expect(Array.from(g.get_state().toTypedArray())).toEqual(fx.generator.state);
  });
});

describe('generator state', () => {
  it("get_rng_state gives PyTorch's 5056 bytes (seed, position, words, cached normal)", () => {
    for (const s of fx.states) {
      torch.manual_seed(seedOf(s.seed));
      if (s.seed === '42') torch.randn(1);
      else if (s.seed === '18446744073709551615') torch.randn(3);
      else if (s.seed === '5') torch.rand(700);
      const state = torch.get_rng_state();
      expect([state.dtype.name, state.shape], s.seed).toEqual(['int64', [5056]]);
      expect(Array.from(state.toTypedArray()), s.seed).toEqual(s.state);
    }
  });

  it("set_rng_state restores a state saved by PyTorch, cached normal included, and continues its stream", () => {
    for (const s of fx.states) {
      torch.manual_seed(99);
      torch.set_rng_state(torch.tensor(s.state, { dtype: torch.int64 }));
      exact(torch.randn(3), s.next[0], `${s.seed} randn`);
      exact(torch.rand(20), s.next[1], `${s.seed} rand`);
    }
  });

  it('a state round-trips through get_state/set_state of another generator', () => {
    const a = new torch.Generator().manual_seed(2024);
    torch.randn(7, { generator: a });
    const b = new torch.Generator().set_state(a.get_state());
    expect(b.initial_seed()).toBe(2024);
    exact(torch.randn(9, { generator: b }), { dtype: 'float32', shape: [9], data: Array.from(torch.randn(9, { generator: a }).toTypedArray()) });
  });

  it('manual_seed resets the cached normal; seeds wrap like PyTorch and huge ones stay exact', () => {
    torch.manual_seed(3);
    const first = torch.randn(1).item();
    torch.randn(1); // leaves nothing cached; a third draw would take a fresh pair
    torch.manual_seed(3);
    expect(Object.is(torch.randn(1).item(), first)).toBe(true);
    torch.manual_seed(-1);
    expect(torch.initial_seed()).toBe(BigInt(fx.negative_seed));
    torch.manual_seed(2n ** 63n + 1n);
    expect(torch.initial_seed()).toBe(2n ** 63n + 1n);
    const s = torch.seed();
    expect(torch.initial_seed()).toBe(s);
  });

  it("errors carry PyTorch's messages", () => {
    expect(() => torch.manual_seed(2n ** 64n)).toThrow(fx.errors.seed_overflow);
    expect(() => torch.manual_seed(-(2n ** 63n) - 1n)).toThrow(fx.errors.seed_negative_overflow);
    expect(() => torch.set_rng_state(torch.zeros(10, { dtype: torch.int64 }))).toThrow(fx.errors.state_size);
    expect(() => torch.set_rng_state(torch.zeros(5056, { dtype: torch.int64 }))).toThrow(fx.errors.state_invalid);
    expect(() => torch.set_rng_state(torch.zeros(5056))).toThrow(new TypeError('RNG state must be a torch.ByteTensor'));
    expect(() => torch.set_rng_state(torch.full([5056], 256, { dtype: torch.int64 }))).toThrow(RangeError);
    expect(() => torch.empty(3).uniform_(2, 1)).toThrow(fx.errors.uniform_range);
    expect(() => torch.empty(3).normal_(0, -1)).toThrow(fx.errors.normal_std);
    expect(() => torch.randint(5, 5, [3])).toThrow(fx.errors.randint_range);
    expect(() => new torch.Generator('cuda')).toThrow(RangeError);
  });
});
