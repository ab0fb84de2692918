import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { ZipReader, writeZip } from '../src/serialization/zip.js';
import { MAX_DEPTH, MAX_MEMO } from '../src/serialization/unpickler.js';
import { decode, decodeNumber, loadFixture, type Encoded } from './helpers/fixtures.js';

/** What PyTorch saw, as scripts/golden/checkpoint.py describes it. */
type Described =
  | null | boolean | number | string
  | { tensor: Encoded & { stride: number[]; offset: number; requires_grad: boolean; parameter: boolean } }
  | { int: string } | { float: number | string } | { bytes: number[] } | { set: Described[] } | { dtype: string }
  | { tuple: Described[] } | { list: Described[] }
  | { dict: [Described, Described][]; ordered: boolean; metadata?: Described };

interface Fixture {
  files: Record<string, Described>;
  trained: { X: Encoded; out: Encoded };
  hostile: string[];
  kindling: {
    'kindling.pt': { value: Described; views_share_storage: boolean; model_is_ordered_dict: boolean };
    'kindling_extras.pt': { value: Described };
  };
}

const fx = loadFixture<Fixture>('checkpoint');
/** The dtypes kindling lacks load widened, exactly: float16/bfloat16 as float32, smaller ints as int64. */
const KINDLING_DTYPE: Record<string, string> = { float16: 'float32', bfloat16: 'float32', int32: 'int64', int16: 'int64', int8: 'int64', uint8: 'int64' };
const file = (name: string) => new URL(`./fixtures/checkpoints/${name}`, import.meta.url);
const load = (name: string) => torch.load(file(name));

/** Compares a loaded value with the description of what PyTorch loaded, bit for bit. */
function expectLike(actual: unknown, want: Described, path = '$'): void {
  const at = (p: string | number) => `${path}.${p}`;
  if (want === null || typeof want !== 'object') {
    expect(actual, path).toBe(want);
    return;
  }
  if ('tensor' in want) {
    const w = want.tensor;
    expect(actual, path).toBeInstanceOf(Tensor);
    const t = actual as Tensor;
    expect({ dtype: t.dtype.name, shape: t.shape, stride: t.stride(), offset: t.storage_offset(), requires_grad: t.requires_grad, parameter: t instanceof nn.Parameter }, path)
      .toEqual({ dtype: KINDLING_DTYPE[w.dtype] ?? w.dtype, shape: w.shape, stride: w.stride, offset: w.offset, requires_grad: w.requires_grad, parameter: w.parameter });
    expect(Array.from(t.toTypedArray()), path).toEqual(w.data.map(decodeNumber));
  } else if ('int' in want) expect(actual, path).toBe(BigInt(want.int));
  else if ('float' in want) expect(actual, path).toBe(decodeNumber(want.float));
  else if ('bytes' in want) expect(actual, path).toEqual(new Uint8Array(want.bytes));
  else if ('dtype' in want) expect(actual, path).toBe((torch as unknown as Record<string, unknown>)[want.dtype]);
  else if ('set' in want) {
    expect(actual, path).toBeInstanceOf(Set);
    expect([...(actual as Set<unknown>)].sort(), path).toEqual(want.set);
  } else if ('tuple' in want || 'list' in want) {
    const items = 'tuple' in want ? want.tuple : want.list;
    expect(Array.isArray(actual) && Object.isFrozen(actual), `${path} is a ${'tuple' in want ? 'tuple' : 'list'}`).toBe('tuple' in want);
    expect((actual as unknown[]).length, path).toBe(items.length);
    items.forEach((x, i) => expectLike((actual as unknown[])[i], x, at(i)));
  } else {
    const strings = want.dict.every(([k]) => typeof k === 'string');
    expect(actual, path).toBeInstanceOf(strings ? Object : Map);
    const entries = strings ? Object.entries(actual as object) : [...(actual as Map<unknown, unknown>)];
    // a JS object lists integer-like keys first; PyTorch's order is kept for every other key
    expect(entries.map(([k]) => k).sort(), path).toEqual(want.dict.map(([k]) => k).sort());
    const lookup = new Map(entries);
    for (const [k, v] of want.dict) expectLike(lookup.get(k as string), v, at(String(k)));
    if (want.metadata !== undefined) expectLike((actual as { _metadata: unknown })._metadata, want.metadata, at('_metadata'));
  }
}

describe('torch.load of PyTorch 1.13 files', () => {
  for (const [name, want] of Object.entries(fx.files)) {
    it(name, () => expectLike(load(name), want));
  }

  it('views of one storage share one kindling storage', () => {
    const v = load('views.pt') as Record<string, Tensor>;
    for (const k of ['row', 'col', 't']) expect(v[k]._storage, k).toBe(v.base._storage);
    v.base.fill_(-1);
    expect(v.t.tolist()).toEqual(Array.from({ length: 4 }, () => [-1, -1, -1]));
  });

  it("a state dict keeps PyTorch's _metadata out of its keys and loads into a kindling model", () => {
    const sd = load('state_dict.pt') as Record<string, Tensor>;
    expect(Object.keys(sd)).not.toContain('_metadata');
    expect((sd as unknown as { _metadata: Record<string, { version: number }> })._metadata['1'].version).toBe(2);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3));
    model.load_state_dict(sd);
    const mine = model.state_dict();
    for (const [k, t] of Object.entries(sd)) expect(mine[k].tolist(), k).toEqual(t.tolist());
    expect(mine['1.num_batches_tracked'].item()).toBe(2);
  });

  it("a model trained in PyTorch gives PyTorch's outputs in kindling", () => {
    const model = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 3));
    model.load_state_dict(load('trained.pt') as Record<string, Tensor>);
    const out = torch.no_grad(() => model.forward(decode(fx.trained.X)) as Tensor);
    const want = decode(fx.trained.out);
    expect(out.shape).toEqual(want.shape);
    expect(torch.allclose(out, want, 1e-5, 1e-6)).toBe(true);
  });

  it('loads from bytes as from a path: Buffer, Uint8Array, ArrayBuffer', () => {
    const buf = readFileSync(file('tensor.pt'));
    const u8 = new Uint8Array(buf);
    for (const src of [buf, u8, u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength)]) expectLike(torch.load(src), fx.files['tensor.pt']);
  });
});

describe('what PyTorch read in files kindling wrote', () => {
  it('kindling.pt: PyTorch 1.13 loads it with weights_only=True, storage shared, state dict an OrderedDict', () => {
    const k = fx.kindling['kindling.pt'];
    expect(k.views_share_storage).toBe(true);
    expect(k.model_is_ordered_dict).toBe(true);
    expectLike(load('kindling.pt'), k.value);
  });

  it('kindling_extras.pt: floats, bytes, sets, dicts with int keys, dtypes', () => {
    expectLike(load('kindling_extras.pt'), fx.kindling['kindling_extras.pt'].value);
  });
});

describe('torch.save', () => {
  it('round-trips every PyTorch fixture through kindling', () => {
    for (const [name, want] of Object.entries(fx.files)) expectLike(torch.load(torch.save(load(name))!), want, name);
  });

  it('round-trips values, sharing and Parameters', () => {
    const base = torch.arange(6, { dtype: 'float64' });
    const obj = {
      w: new nn.Parameter(torch.tensor([[1, 2]], { dtype: 'float32' })),
      views: [base, base.view(2, 3).t(), base.narrow(0, 2, 3)],
      ints: torch.tensor([-(2 ** 53), 5, -1, 2 ** 53, 2 ** 32 + 3, -(2 ** 32) - 7], { dtype: 'int64' }),
      mask: torch.tensor([true, false]),
      nums: [0, -0, 0.5, NaN, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2n ** 70n, -(2n ** 63n)],
      tuple: Object.freeze([1, 'a', null]),
      map: new Map<unknown, unknown>([[1, 'x'], [true, null], ['k', []]]),
      set: new Set(['a', 3]),
      bytes: new Uint8Array([0, 128, 255]),
      dtype: torch.int64,
      ['__proto__']: 'an ordinary key',
    };
    const back = torch.load(torch.save(obj)!) as typeof obj;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back.w).toBeInstanceOf(nn.Parameter);
    expect(back.w.requires_grad).toBe(true);
    expect(back.w.tolist()).toEqual([[1, 2]]);
    expect(back.views.map((t) => t.tolist())).toEqual(obj.views.map((t) => t.tolist()));
    expect(back.views[1].stride()).toEqual([1, 3]);
    expect(back.views[1]._storage).toBe(back.views[0]._storage);
    expect(back.views[2]._storage).toBe(back.views[0]._storage);
    expect(back.ints.tolist()).toEqual([-(2 ** 53), 5, -1, 2 ** 53, 2 ** 32 + 3, -(2 ** 32) - 7]);
    expect(back.mask.dtype).toBe(torch.bool);
    expect(back.nums).toEqual(obj.nums);
    expect(Object.is(back.nums[1], -0)).toBe(true);
    expect(Object.isFrozen(back.tuple)).toBe(true);
    expect(back.tuple).toEqual(obj.tuple);
    expect(back.map).toEqual(obj.map);
    expect(back.set).toEqual(obj.set);
    expect(back.bytes).toEqual(obj.bytes);
    expect(back.dtype).toBe(torch.int64);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('an ordinary key');
  });

  it('keeps objects shared: a shared tensor loads as one tensor, a DAG of 2^40 paths saves in linear size', () => {
    const t = torch.ones(2);
    const back = torch.load<{ a: Tensor; b: Tensor }>(torch.save({ a: t, b: t })!);
    expect(back.a).toBe(back.b);
    let dag: unknown[] = [];
    for (let i = 0; i < 40; i++) dag = [dag, dag];
    const bytes = torch.save(dag)!;
    expect(bytes.length).toBeLessThan(4096);
    let loaded = torch.load<unknown[]>(bytes);
    for (let i = 0; i < 40; i++) {
      expect(loaded[0]).toBe(loaded[1]);
      loaded = loaded[0] as unknown[];
    }
    expect(loaded).toEqual([]);
  });

  it('saves a state dict that loads into another model', () => {
    const a = new nn.Sequential(new nn.Linear(3, 5), new nn.BatchNorm1d(5), new nn.Linear(5, 2));
    const b = new nn.Sequential(new nn.Linear(3, 5), new nn.BatchNorm1d(5), new nn.Linear(5, 2));
    b.load_state_dict(torch.load(torch.save(a.state_dict())!) as Record<string, Tensor>);
    const x = torch.randn(4, 3);
    a.eval();
    b.eval();
    expect(torch.equal(b.forward(x) as Tensor, a.forward(x) as Tensor)).toBe(true);
  });

  it('writes to a path, and every entry starts on a 64-byte boundary as in PyTorch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-'));
    try {
      const path = join(dir, 'x.pt');
      expect(torch.save({ a: torch.ones(3), b: torch.zeros(2, { dtype: 'int64' }) }, path)).toBeUndefined();
      const bytes = new Uint8Array(readFileSync(path));
      const zip = new ZipReader(bytes);
      expect([...zip.entries.keys()]).toEqual(['archive/data.pkl', 'archive/byteorder', 'archive/data/0', 'archive/data/1', 'archive/version', 'archive/.data/serialization_id']);
      for (const e of zip.entries.values()) expect(e.dataOffset % 64, e.name).toBe(0);
      expect((torch.load(path) as Record<string, Tensor>).b.dtype).toBe(torch.int64);
      // the same object gives the same bytes
      expect(torch.save({ a: torch.ones(3), b: torch.zeros(2, { dtype: 'int64' }) })).toEqual(bytes);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses what it cannot save', () => {
    expect(() => torch.save(new nn.Linear(2, 2))).toThrow(/save module.state_dict\(\)/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => torch.save(cyclic)).toThrow(/contains itself/);
    expect(() => torch.save({ f: () => 1 })).toThrow(/cannot save a function/);
    expect(() => torch.save(new Float32Array(2))).toThrow(/cannot save a Float32Array/);
    let deep: unknown[] = [];
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
    expect(() => torch.save(deep)).toThrow(/deeper than/);
  });
});

describe('torch.load refuses hostile and broken files before doing anything', () => {
  const expected: Record<string, RegExp> = {
    'evil_os_system.pt': /unsupported global os\.system/,
    'evil_posix_system.pt': /unsupported global posix\.system/,
    'evil_eval.pt': /unsupported global builtins\.eval/,
    'evil_class.pt': /unsupported global __main__\.Payload/,
    'evil_reduce_list.pt': /REDUCE on a list/,
    'evil_persistent_id.pt': /only storages can be loaded/,
    'deep_marks.pt': /nests deeper than 1000 levels/,
    'deep_lists.pt': /nests deeper than 1000 levels/,
    'truncated.pt': /no end-of-central-directory record/,
    'bad_offset.pt': /local header offset \d+ is out of the file/,
    'huge_size.pt': /declares an uncompressed size of 4294967280 bytes/,
    'missing_storage.pt': /storage 0 \(\w+\/data\/0\) is missing/,
    'short_storage.pt': /storage 0 declares 12 elements \(48 bytes\) but \S+ holds 44 bytes/,
    'corrupt_crc.pt': /fails its CRC-32 check/,
    'int64_overflow.pt': /int64 value 1152921504606846976, beyond ±2\^53/,
    'legacy.pt': /legacy format/,
  };
  it('the fixture list and this table agree', () => expect(Object.keys(expected).sort()).toEqual(fx.hostile));
  for (const [name, msg] of Object.entries(expected)) it(name, () => expect(() => load(name)).toThrow(msg));

  /** A checkpoint around a hand-written pickle. */
  const withPickle = (pkl: number[] | Uint8Array) => writeZip([['archive/data.pkl', Uint8Array.from(pkl)], ['archive/version', new TextEncoder().encode('3\n')]]);
  const str = (s: string) => [0x58, s.length, 0, 0, 0, ...new TextEncoder().encode(s)];

  it('bounds the memo', () => {
    const n = MAX_MEMO + 1;
    const pkl = new Uint8Array(3 + 5 * n + 2);
    pkl.set([0x80, 2, 0x4e]); // PROTO 2, NONE
    for (let i = 0; i < n; i++) pkl.set([0x72, i & 0xff, (i >>> 8) & 0xff, i >>> 16, 0], 3 + 5 * i); // LONG_BINPUT i
    pkl.set([0x2e], 3 + 5 * n);
    expect(() => torch.load(withPickle(pkl.subarray(0, 3 + 5 * n + 1)))).toThrow(`memoizes more than ${MAX_MEMO} objects`);
  });

  it('refuses a string longer than the pickle, opcodes outside the list, and calls on allowed non-callables', () => {
    expect(() => torch.load(withPickle([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x2e]))).toThrow(/data\.pkl is truncated/);
    expect(() => torch.load(withPickle([0x80, 2, 0x63, ...new TextEncoder().encode('torch\nfloat32\n'), 0x29, 0x52, 0x2e]))).toThrow(/torch\.float32 builds something kindling does not have/);
    expect(() => torch.load(withPickle([0x80, 2, 0x8c, 1, 0x61, 0x2e]))).toThrow(/opcode 0x8c/); // SHORT_BINUNICODE (protocol 4)
    expect(() => torch.load(withPickle([0x80, 2, 0x63, ...new TextEncoder().encode('collections\nOrderedDict\n'), 0x29, 0x52, ...str('x'), 0x62, 0x2e]))).toThrow(/BUILD on a dict|only an OrderedDict's attributes/);
  });

  it('reads deflated entries, and stops one that inflates past its declared size', () => {
    const entries = unzipSync(readFileSync(file('tensor.pt')));
    const deflated = zipSync(entries, { level: 6 });
    expectLike(torch.load(deflated), fx.files['tensor.pt']);
    // shrink the pickle's declared size in the central directory: inflating must stop there
    const cd = Buffer.from(deflated).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const lying = deflated.slice();
    const view = new DataView(lying.buffer);
    expect(new TextDecoder().decode(lying.subarray(cd + 46, cd + 46 + view.getUint16(cd + 28, true)))).toMatch(/data\.pkl$/);
    view.setUint32(cd + 24, view.getUint32(cd + 24, true) - 10, true);
    expect(() => torch.load(lying)).toThrow(/inflates to more than its declared/);
  });

  it('a mutated pickle loads or fails with a torch.load error, never anything else', () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const sources = ['state_dict.pt', 'nested.pt', 'v2.pt', 'kindling.pt'].map((name) => {
      const zip = new ZipReader(new Uint8Array(readFileSync(file(name))));
      return [...zip.entries.keys()].map((k) => [k, zip.read(k)] as const);
    });
    for (let n = 0; n < 1500; n++) {
      const entries = sources[n % sources.length].map(([k, v]) => [k, v.slice()] as [string, Uint8Array]);
      const pkl = entries[0][1];
      for (let j = 0, flips = 1 + rnd(3); j < flips; j++) pkl[rnd(pkl.length)] = rnd(256);
      try {
        torch.load(writeZip(entries));
      } catch (e) {
        expect((e as Error).message).toMatch(/^torch\.load: /);
      }
    }
  });

  it('only loads data', () => {
    expect(() => load('tensor.pt') && torch.load(file('tensor.pt'), { weights_only: false })).toThrow(/never runs pickled code/);
    expect(() => torch.load(file('tensor.pt'), { map_location: 'cuda:0' })).toThrow(/CPU only/);
    expect(() => torch.load(new Uint8Array([1, 2, 3, 4]))).toThrow(/not a PyTorch checkpoint/);
  });
});
