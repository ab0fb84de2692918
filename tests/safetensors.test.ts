import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/index.js';
import { pooledByteCount, reclaim } from '../src/memory.js';
import { decode, decodeNumber, loadFixture, type Encoded } from './helpers/fixtures.js';
import { throws } from './helpers/throws.js';

const { safetensors } = torch;
// throws() takes an ErrorConstructor, whose call signature an Error subclass lacks
const SafetensorError = safetensors.SafetensorError as unknown as ErrorConstructor;

interface Golden {
  dtypes: Record<string, Encoded> & { unaligned: Record<string, number[]> };
  metadata: Record<string, string>;
  writer: { inputs: Record<string, Encoded>; files: { file: string; metadata: Record<string, string> | null }[] };
}
const golden = loadFixture<Golden>('safetensors');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/safetensors/${name}.safetensors`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kindling-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Same dtype, shape and elements, bit for bit (NaN is NaN, -0 is not 0). */
function expectExact(t: torch.Tensor, e: Encoded): void {
  expect(t.dtype.name).toBe(e.dtype);
  expect(t.shape).toEqual(e.shape);
  const got = Array.from(t.contiguous().toTypedArray());
  const want = e.data.map(decodeNumber);
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Object.is(v, want[i]), `element ${i}: ${v} vs ${want[i]}`).toBe(true));
}

const inputs = () => Object.fromEntries(Object.entries(golden.writer.inputs).map(([k, e]) => [k, decode(e)]));

describe('loading', () => {
  const { unaligned, ...dtypes } = golden.dtypes;

  it('loads every dtype with exact values: F16/BF16 as float32, every integer type as int64', () => {
    const out = safetensors.load_file(fixture('dtypes'));
    expect(Object.keys(out)).toEqual(Object.keys(dtypes).sort());
    for (const [name, e] of Object.entries(dtypes)) expectExact(out[name], e);
  });

  it('load(bytes) gives the same tensors, copied out of the bytes', () => {
    const bytes = readFileSync(fixture('dtypes'));
    const out = safetensors.load(bytes);
    bytes.fill(0);
    for (const [name, e] of Object.entries(dtypes)) expectExact(out[name], e);
    const ab = readFileSync(fixture('dtypes'));
    expectExact(safetensors.load(ab.buffer.slice(ab.byteOffset, ab.byteOffset + ab.length)).f16, dtypes.f16);
  });

  it('reads a file of no writer\'s layout: unpadded header, misaligned F64, name order, BOOL bytes above 1', () => {
    const out = safetensors.load_file(fixture('unaligned'));
    for (const [name, values] of Object.entries(unaligned)) {
      expect(Array.from(out[name].toTypedArray()), name).toEqual(values);
    }
    expect(out.b_f64.dtype).toBe(torch.float64);
    expect(out.c_bool.dtype).toBe(torch.bool);
    expect(out.c_bool.tolist()).toEqual([false, true, true, true]);
  });

  it('gives every tensor memory of its own that the pool never takes', () => {
    const t = torch.randn(64, 128);
    const file = join(dir, 'own.safetensors');
    safetensors.save_file({ a: t, b: t.mul(2) }, file);
    const { a, b } = safetensors.load_file(file);
    expect(a._storage.data.buffer).not.toBe(b._storage.data.buffer);
    const before = pooledByteCount();
    reclaim(a._storage.data);
    expect(pooledByteCount()).toBe(before);
    expect(torch.equal(a, t)).toBe(true);
  });

  it('safe_open: sorted keys, metadata, one tensor at a time', () => {
    const f = safetensors.safe_open(fixture('dtypes'));
    expect(f.keys()).toEqual(Object.keys(dtypes).sort());
    expect(safetensors.safe_open(fixture('unaligned')).offset_keys()).toEqual(['a_u8', 'b_f64', 'c_bool', 'd_f32']);
    expect(safetensors.safe_open(fixture('writer0')).offset_keys()).toEqual(['10', 'Z', 'b', 'bias', 'layer.0.weight', 'quote"d\\', 'weight', 'é', '2']);
    expect(f.metadata()).toBe(null);
    expectExact(f.get_tensor('bf16'), dtypes.bf16);
    throws(() => f.get_tensor('nope'), SafetensorError, 'File does not contain tensor nope');
    const m = safetensors.safe_open(fixture('metadata'), 'pt');
    expect({ ...m.metadata() }).toEqual(golden.metadata);
    expect(m.get_tensor('w').tolist()).toEqual([1, 1]);
    // load_file leaves the metadata out, as Python's does
    expect(Object.keys(safetensors.load_file(fixture('metadata')))).toEqual(['w']);
  });

  it('safe_open notices a file that changed after its header was read', () => {
    const file = join(dir, 'changing.safetensors');
    safetensors.save_file({ a: torch.ones(3) }, file);
    const f = safetensors.safe_open(file);
    appendFileSync(file, Buffer.from([0]));
    throws(() => f.get_tensor('a'), SafetensorError, /the file changed since safe_open read its header \(\d+ bytes then, \d+ now\)/);
  });

  it('refuses int64 values float64 cannot hold exactly, and uint64 beyond int64', () => {
    throws(() => safetensors.load_file(fixture('i64_beyond')), SafetensorError,
      'tensor "a" holds 9007199254740993 at index 1, which float64 (kindling\'s int64 storage) cannot hold exactly: beyond ±2^53 only some integers can be');
    throws(() => safetensors.load_file(fixture('i64_below')), SafetensorError, /holds -9007199254740993 at index 0, which float64/);
    throws(() => safetensors.load_file(fixture('i64_max')), SafetensorError, /holds 9223372036854775807 at index 0, which float64/);
    throws(() => safetensors.load_file(fixture('u64_beyond')), SafetensorError, 'tensor "a" holds 9223372036854775808 at index 0, beyond int64');
  });

  it('names dtypes it knows but cannot load', () => {
    throws(() => safetensors.load_file(fixture('unsupported_dtype')), SafetensorError, /^tensor "a" has dtype F8_E4M3, which kindling cannot load \(it loads F64, F32, F16/);
  });

  it('checks its arguments', () => {
    throws(() => safetensors.load_file(fixture('dtypes'), 'cuda'), TypeError, 'load_file(): kindling has only the "cpu" device, not "cuda"');
    throws(() => safetensors.safe_open(fixture('dtypes'), 'np'), TypeError, 'safe_open(): framework must be "pt" (kindling gives kindling tensors), not "np"');
    throws(() => safetensors.load('abc' as never), TypeError, "load(): argument 'data' must be bytes (a Buffer, Uint8Array or ArrayBuffer), not str");
    expect(() => safetensors.load_file(join(dir, 'missing.safetensors'))).toThrow(/ENOENT/);
  });
});

describe('hostile files', () => {
  const cases: [string, RegExp][] = [
    ['too_small', /^Error while deserializing header: HeaderTooSmall: the file is 5 bytes/],
    ['header_too_large', /^Error while deserializing header: HeaderTooLarge: the header claims 1000000000 bytes; the limit is 100000000$/],
    ['header_past_eof', /^Error while deserializing header: InvalidHeaderLength: the header claims 100 bytes but only 7 follow the length$/],
    ['not_utf8', /^Error while deserializing header: InvalidHeader: the header is not valid UTF-8$/],
    ['not_object', /^Error while deserializing header: InvalidHeaderStart: /],
    ['bad_json', /^Error while deserializing header: InvalidHeaderDeserialization: the header is not valid JSON \(/],
    ['unknown_dtype', /^Error while deserializing header: InvalidHeaderDeserialization: tensor "a" has the unknown dtype "Q4" \(known: BOOL, U8/],
    ['negative_shape', /^Error while deserializing header: InvalidHeaderDeserialization: tensor "a": "shape" must be a list of non-negative integers$/],
    ['missing_offsets', /^Error while deserializing header: InvalidHeaderDeserialization: tensor "a": "data_offsets" must be two non-negative integers$/],
    ['metadata_not_str', /^Error while deserializing header: InvalidHeaderDeserialization: "__metadata__" must map strings to strings, but "epoch" holds 3$/],
    ['duplicate_key', /^Error while deserializing header: InvalidHeaderDeserialization: the key "a" appears twice in one object$/],
    ['offsets_outside', /^Error while deserializing header: MetadataIncompleteBuffer: the tensors cover 16 bytes of data but the file holds 8 after the header$/],
    ['truncated', /^Error while deserializing header: MetadataIncompleteBuffer: the tensors cover 16 bytes of data but the file holds 13 after the header$/],
    ['overlap', /^Error while deserializing header: InvalidOffset\("b"\): data_offsets \[4, 12\] where \[8, \.\.\.\] was expected: the tensors must cover the data buffer in order, with no hole or overlap$/],
    ['hole', /^Error while deserializing header: InvalidOffset\("b"\): data_offsets \[8, 16\] where \[4, \.\.\.\] was expected/],
    ['shape_overflow', /^Error while deserializing header: ValidationOverflow: the shape \[1099511627776, 1099511627776\] of tensor "a" overflows$/],
    ['offset_huge', /^Error while deserializing header: ValidationOverflow: tensor "a" holds 100000000000000000000, beyond 2\^53 \(no file kindling can read is that large\)$/],
    ['shape_mismatch', /^Error while deserializing header: TensorInvalidInfo: tensor "a" of dtype F32 and shape \[3\] needs 12 bytes but its data_offsets \[0, 16\] span 16$/],
  ];
  for (const [name, message] of cases) {
    it(`${name}: a clear error from load_file, load and safe_open`, () => {
      throws(() => safetensors.load_file(fixture(name)), SafetensorError, message);
      throws(() => safetensors.load(readFileSync(fixture(name))), SafetensorError, message);
      throws(() => safetensors.safe_open(fixture(name)), SafetensorError, message);
    });
  }

  it('a valid file with bytes changed, cut or extended loads or gives a SafetensorError, nothing else', () => {
    const file = readFileSync(fixture('writer1'));
    const headerEnd = 8 + Number(file.readBigUInt64LE(0));
    const edit = fc.record({
      // mostly the header, where the structure is; sometimes the data (an I64 that float64 cannot hold)
      at: fc.oneof(fc.integer({ min: 0, max: headerEnd - 1 }), fc.integer({ min: 0, max: file.length - 1 })),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
      length: fc.oneof(fc.constant(file.length), fc.integer({ min: 0, max: file.length + 16 })),
    });
    let loaded = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      let bytes = Buffer.from(file);
      for (const e of edits) {
        if (e.at < bytes.length) bytes.set(e.bytes.subarray(0, bytes.length - e.at), e.at);
        bytes = Buffer.concat([bytes, Buffer.alloc(16)]).subarray(0, e.length);
      }
      try {
        safetensors.load(bytes);
        loaded++;
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(SafetensorError);
      }
    }), { seed: 16, numRuns: 3000 });
    expect(loaded).toBeGreaterThan(0);  // some edits (a name's letter, a data byte) keep the file valid
  });

  it('finds repeated keys however they are spelled, at any depth', () => {
    const file = (header: string) => {
      const text = Buffer.from(header.padEnd(Math.ceil(header.length / 8) * 8));
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(BigInt(text.length));
      return Buffer.concat([prefix, text, Buffer.alloc(8)]);
    };
    const entry = '{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';
    throws(() => safetensors.load(file(`{"a\\u0062":${entry},"ab":${entry}}`)), SafetensorError, /the key "ab" appears twice in one object$/);
    throws(() => safetensors.load(file('{"a":{"dtype":"F32","dtype":"F64","shape":[2],"data_offsets":[0,8]}}')), SafetensorError, /the key "dtype" appears twice/);
    // the same key in different objects, and in strings that are values, is fine
    const ok = safetensors.load(file(`{"__metadata__":{"dtype":"shape","a":"a"},"a":${entry}}`));
    expect(ok.a.shape).toEqual([2]);
  });
});

describe('saving', () => {
  it('writes the same bytes as the reference writer', () => {
    for (const { file, metadata } of golden.writer.files) {
      const want = readFileSync(fixture(file));
      expect(Buffer.compare(safetensors.save(inputs(), metadata), want), file).toBe(0);
      const path = join(dir, `${file}.safetensors`);
      safetensors.save_file(inputs(), path, metadata);
      expect(Buffer.compare(readFileSync(path), want), file).toBe(0);
    }
  });

  it('loads the reference writer\'s files', () => {
    const out = safetensors.load_file(fixture('writer1'));
    for (const [name, e] of Object.entries(golden.writer.inputs)) expectExact(out[name], e);
    expect(safetensors.safe_open(fixture('writer1')).metadata()).toEqual({ format: 'pt', epoch: '3' });
  });

  it('round-trips every dtype, views saved contiguous', () => {
    const base = torch.randn(4, 6, { dtype: 'float64' });
    const sd: Record<string, torch.Tensor> = {
      f32: torch.randn(3, 5),
      f64: base,
      transposed: torch.randn(5, 3).t(),
      expanded: torch.tensor([1, 2, 3]).expand(2, 3),
      strided: torch.arange(20).reshape(4, 5).narrow(1, 1, 3),
      i64: torch.tensor([-(2 ** 63), -(2 ** 53), -1, 0, 2 ** 53, 2 ** 62], { dtype: 'int64' }),
      b: torch.tensor([true, false, true]),
      scalar: torch.tensor(7),
      empty: torch.zeros(2, 0, 3),
    };
    for (const out of [safetensors.load(safetensors.save(sd)), (safetensors.save_file(sd, join(dir, 'rt.safetensors')), safetensors.load_file(join(dir, 'rt.safetensors')))]) {
      expect(Object.keys(out)).toEqual(Object.keys(sd).sort());
      for (const [k, t] of Object.entries(sd)) {
        expect(out[k].dtype, k).toBe(t.dtype);
        expect(out[k].shape, k).toEqual(t.shape);
        expect(out[k].is_contiguous(), k).toBe(true);
        expect(Array.from(out[k].toTypedArray()), k).toEqual(Array.from(t.contiguous().toTypedArray()));
      }
    }
  });

  it('keeps names JavaScript objects treat specially, and the metadata\'s text', () => {
    const meta = JSON.parse('{"ünï": "line\\nbreak \\"quoted\\" \\\\ \\u0001", "": "", "__proto__": "p"}') as Record<string, string>;
    const bytes = safetensors.save(new Map([['__proto__', torch.ones(1)], ['constructor', torch.zeros(2)], ['7', torch.ones(3)]]), meta);
    const out = safetensors.load(bytes);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out['__proto__'].shape).toEqual([1]);
    const ctor: string = 'constructor';
    expect(out[ctor].shape).toEqual([2]);
    const file = join(dir, 'meta.safetensors');
    writeFileSync(file, bytes);
    const back = safetensors.safe_open(file).metadata()!;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.entries(back)).toEqual(Object.entries(meta));
  });

  it('refuses tensors that share memory, with Python\'s message', () => {
    const w = torch.randn(4, 4);
    throws(() => safetensors.save({ a: w, b: w }), Error,
      "Some tensors share memory, this will lead to duplicate memory on disk and potential differences when loading them again: [{'a', 'b'}]. Save each shared tensor once, or .clone() those meant to be separate copies. More information at https://huggingface.co/docs/safetensors/torch_shared_tensors");
    throws(() => safetensors.save({ t: w.t(), row: w.select(0, 3), other: torch.ones(2) }), Error, /loading them again: \[\{'row', 't'\}\]/);
    // disjoint parts of one buffer are separate tensors
    const parts = safetensors.load(safetensors.save({ top: w.narrow(0, 0, 2), bottom: w.narrow(0, 2, 2) }));
    expect(torch.equal(torch.cat([parts.top, parts.bottom]), w)).toBe(true);
  });

  it('checks its arguments with Python\'s messages', () => {
    throws(() => safetensors.save([torch.ones(1)] as never), TypeError, 'Expected a dict of [str, torch.Tensor] but received list');
    throws(() => safetensors.save({ a: [1, 2] } as never), TypeError, 'Key `a` is invalid, expected torch.Tensor but received list');
    throws(() => safetensors.save({ a: torch.ones(1) }, { epoch: 3 } as never), TypeError, 'argument \'metadata\' must be a dict of str to str, but it maps str "epoch" to int');
    throws(() => safetensors.save({ a: torch.ones(1) }, 'x' as never), TypeError, "argument 'metadata' must be a dict of str to str, not str");
    throws(() => safetensors.save({ __metadata__: torch.ones(1) }), TypeError, /the name "__metadata__" is the header's metadata entry/);
    throws(() => safetensors.save({ ['a\uD800']: torch.ones(1) }), TypeError, /a tensor name holds a lone UTF-16 surrogate/);
  });
});

describe('with nn', () => {
  it('a state dict saved by kindling loads into Module.load_state_dict', () => {
    torch.manual_seed(3);
    const make = () => new torch.nn.Sequential(new torch.nn.Linear(5, 8), new torch.nn.BatchNorm1d(8), new torch.nn.ReLU(), new torch.nn.Linear(8, 2));
    const model = make();
    model.train();
    model.forward(torch.randn(16, 5));  // moves the batch norm's running statistics off their start
    model.eval();
    const file = join(dir, 'model.safetensors');
    safetensors.save_file(model.state_dict(), file, { format: 'pt' });
    const copy = make();
    copy.eval();
    const loaded = safetensors.load_file(file);
    expect(loaded['1.num_batches_tracked'].dtype).toBe(torch.int64);
    expect(copy.load_state_dict(loaded)).toEqual({ missing_keys: [], unexpected_keys: [] });
    const x = torch.randn(4, 5);
    expect(torch.equal(copy.forward(x), model.forward(x))).toBe(true);
  });
});
