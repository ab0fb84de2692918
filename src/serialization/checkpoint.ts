/**
 * torch.save / torch.load in PyTorch's own file format (PyTorch >= 1.6): a zip holding
 * `<archive>/data.pkl` (the object, pickled with protocol 2; tensors refer to storages by key),
 * one `<archive>/data/<key>` per storage (raw elements), `<archive>/version` and, from 2.x,
 * `<archive>/byteorder` and `<archive>/.data/serialization_id`.
 *
 * Loading builds data only (src/serialization/unpickler.ts admits the globals of PyTorch's
 * weights_only unpickler and calls nothing). Storages kindling has no dtype for are widened
 * exactly: float16/bfloat16 → float32, int32/int16/int8/uint8 → int64.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Storage, Tensor } from '../tensor.js';
import { DType, bool, float32, float64, int64 } from '../dtype.js';
import { numelOf } from '../shape.js';
import { Parameter } from '../nn/parameter.js';
import { Module } from '../nn/module.js';
import { pyfn } from '../python.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './narrow_floats.js';
import { hostLittleEndian, int64Bytes, int64InPlace } from './int64.js';
import { PyGlobal, unpickle } from './unpickler.js';
import { Pickler } from './pickler.js';
import { crc32 } from 'node:zlib';
import { ZipReader, writeZip } from './zip.js';

/** PyTorch's file format version that torch.save writes (and the highest its reader accepts). */
const FORMAT_VERSION = 3;
const MAX_FORMAT_VERSION = 10;

type Kind = 'f32' | 'f64' | 'f16' | 'bf16' | 'i64' | 'i32' | 'i16' | 'i8' | 'u8' | 'bool';
/** PyTorch's storage classes kindling reads: element size, and the kindling dtype they load as. */
const STORAGES: Record<string, { kind: Kind; itemsize: number; dtype: DType }> = {
  FloatStorage: { kind: 'f32', itemsize: 4, dtype: float32 },
  DoubleStorage: { kind: 'f64', itemsize: 8, dtype: float64 },
  HalfStorage: { kind: 'f16', itemsize: 2, dtype: float32 },
  BFloat16Storage: { kind: 'bf16', itemsize: 2, dtype: float32 },
  LongStorage: { kind: 'i64', itemsize: 8, dtype: int64 },
  IntStorage: { kind: 'i32', itemsize: 4, dtype: int64 },
  ShortStorage: { kind: 'i16', itemsize: 2, dtype: int64 },
  CharStorage: { kind: 'i8', itemsize: 1, dtype: int64 },
  ByteStorage: { kind: 'u8', itemsize: 1, dtype: int64 },
  BoolStorage: { kind: 'bool', itemsize: 1, dtype: bool },
};
const STORAGE_OF: Record<string, string> = { float32: 'FloatStorage', float64: 'DoubleStorage', int64: 'LongStorage', bool: 'BoolStorage' };
const DTYPES: Record<string, DType> = { float32, float: float32, float64, double: float64, int64, long: int64, bool };

const fail = (what: string): never => {
  throw new Error(`torch.load: ${what}`);
};

/** A storage as loaded: one kindling Storage that every tensor viewing it shares. */
class LoadedStorage {
  constructor(readonly storage: Storage, readonly kind: Kind, readonly dtype: DType, readonly numel: number, readonly key: string) {}
}

export interface LoadOptions {
  /** Where to put the tensors: kindling has only the CPU, so only 'cpu' (or nothing) is accepted. */
  map_location?: string | null;
  /** Always true in kindling: pickled code is never run. */
  weights_only?: boolean;
}

/**
 * Reads a checkpoint written by torch.save (PyTorch >= 1.6) or by kindling: from a path, or from
 * the file's bytes (Buffer, Uint8Array, ArrayBuffer).
 */
export const load = pyfn('load(Any f, *, str? map_location=None, bool weights_only=True)',
  (f: string | URL | Uint8Array | ArrayBuffer, map_location: string | null, weights_only: boolean) => loadFile(f, { map_location, weights_only })) as
  <T = unknown>(f: string | URL | Uint8Array | ArrayBuffer, opts?: LoadOptions) => T;

function loadFile(f: string | URL | Uint8Array | ArrayBuffer, opts: LoadOptions): unknown {
  if (opts.weights_only === false) fail('kindling never runs pickled code: only weights_only=True loading exists');
  if (opts.map_location !== undefined && opts.map_location !== null && opts.map_location !== 'cpu') {
    fail(`map_location=${String(opts.map_location)}: kindling runs on the CPU only (use 'cpu' or leave it out)`);
  }
  const src = typeof f === 'string' || f instanceof URL ? readFileSync(f)
    : f instanceof ArrayBuffer || f instanceof Uint8Array ? f
      : fail(`expected a path or the file's bytes (Uint8Array, Buffer, ArrayBuffer), got ${typeof f}`);
  // a plain Uint8Array view: a Buffer's slice() would share memory (and small Buffers share a pool)
  const bytes = src instanceof ArrayBuffer ? new Uint8Array(src) : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] === 0x02) fail('this file is in PyTorch\'s legacy format (before 1.6); load it in PyTorch and save it again with torch.save');
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) fail('not a PyTorch checkpoint (not a zip file)');
  const zip = new ZipReader(bytes);
  const first = zip.entries.keys().next().value ?? fail('the zip archive is empty');
  const prefix = first.slice(0, first.indexOf('/') + 1);
  if (!prefix) fail(`the archive's entries are not inside one directory (${first})`);
  if (!zip.entries.has(`${prefix}data.pkl`)) {
    if (zip.entries.has(`${prefix}constants.pkl`)) fail('this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint');
    fail(`${prefix}data.pkl is missing`);
  }
  const text = (name: string) => new TextDecoder().decode(zip.read(name)).trim();
  const versionName = [`${prefix}version`, `${prefix}.data/version`].find((n) => zip.entries.has(n)) ?? fail(`${prefix}version is missing`);
  const version = Number(text(versionName));
  if (!Number.isInteger(version) || version < 1 || version > MAX_FORMAT_VERSION) fail(`unsupported file format version ${text(versionName)}`);
  let swap = false;
  if (zip.entries.has(`${prefix}byteorder`)) {
    const order = text(`${prefix}byteorder`);
    if (order !== 'little' && order !== 'big') fail(`unknown byteorder ${order}`);
    swap = (order === 'little') !== hostLittleEndian;
  }

  const storages = new Map<string, LoadedStorage>();
  return unpickle(zip.read(`${prefix}data.pkl`), {
    persistentLoad(pid) {
      const [, type, key, , numel] = pid;
      if (pid.length !== 5 || !(type instanceof PyGlobal) || typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
        fail('a storage reference in data.pkl is malformed');
      }
      const name = (type as PyGlobal).name.replace(/^torch\./, '');
      const spec = STORAGES[name] ?? fail(`storages of type ${(type as PyGlobal).name} are not supported`);
      const cached = storages.get(key as string);
      if (cached) {
        if (cached.kind !== spec.kind || cached.numel !== numel) fail(`storage ${key as string} is declared twice with different types or sizes`);
        return cached;
      }
      const entry = `${prefix}data/${key as string}`;
      if (!zip.entries.has(entry)) fail(`storage ${key as string} (${entry}) is missing from the archive`);
      const declared = (numel as number) * spec.itemsize;
      if (zip.entries.get(entry)!.size !== declared) fail(`storage ${key as string} declares ${numel as number} elements (${declared} bytes) but ${entry} holds ${zip.entries.get(entry)!.size} bytes`);
      const raw = zip.read(entry);
      const loaded = new LoadedStorage(new Storage(convert(raw, spec.kind, spec.itemsize, swap, key as string)), spec.kind, spec.dtype, numel as number, key as string);
      storages.set(key as string, loaded);
      return loaded;
    },
    reduce: rebuild,
    value(v) {
      if (v instanceof Tensor) return v;
      if (v instanceof PyGlobal) {
        const d = DTYPES[v.name.replace(/^torch\./, '')];
        return d ?? fail(`${v.name} has no kindling equivalent (kindling's dtypes are float32, float64, int64 and bool)`);
      }
      if (v instanceof LoadedStorage) return fail('the file holds a bare storage; kindling loads tensors, not storages');
      return fail(`cannot load a ${(v as object).constructor?.name ?? 'value'}`);
    },
  });
}

/** A storage's bytes (a fresh, aligned copy) as the typed array of its kindling dtype. */
function convert(raw: Uint8Array, kind: Kind, itemsize: number, swap: boolean, key: string): Float32Array | Float64Array | Uint8Array {
  const bytes = new Uint8Array(raw); // a copy on its own, aligned ArrayBuffer
  if (swap && itemsize > 1) {
    for (let i = 0; i < bytes.length; i += itemsize) bytes.subarray(i, i + itemsize).reverse();
  }
  const buf = bytes.buffer;
  switch (kind) {
    case 'f32': return new Float32Array(buf);
    case 'f64': return new Float64Array(buf);
    case 'f16': return float16ToFloat32(new Uint16Array(buf));
    case 'bf16': return bfloat16ToFloat32(new Uint16Array(buf));
    case 'bool': return bytes.map((b) => (b !== 0 ? 1 : 0));
    case 'i32': return Float64Array.from(new Int32Array(buf));
    case 'i16': return Float64Array.from(new Int16Array(buf));
    case 'i8': return Float64Array.from(new Int8Array(buf));
    case 'u8': return Float64Array.from(bytes);
    case 'i64': {
      // kindling keeps int64 in float64: refused beyond ±2^53, where only some integers are exact
      const out = new Float64Array(buf);
      int64InPlace(out, true, (_, value) => fail(`storage ${key} holds the int64 value ${value}, beyond ±2^53: kindling stores int64 as float64 and cannot hold it exactly`), true);
      return out;
    }
  }
}

/** No Python attributes: None, an empty dict, or a tuple of those (an object's state with slots). */
const isEmpty = (v: unknown): boolean => v === undefined || v === null || (v instanceof Map && v.size === 0) || (Array.isArray(v) && v.every(isEmpty));
const isIntList = (v: unknown): v is readonly number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && x >= 0);

/** The torch.* globals as functions of their pickled arguments (never anything but data). */
function rebuild(name: string, args: readonly unknown[]): unknown {
  switch (name) {
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride, requiresGrad = false] = args;
      if (!(storage instanceof LoadedStorage)) return fail(`${name} expects a storage, got ${typeof storage}`);
      if (!Number.isSafeInteger(offset) || (offset as number) < 0 || !isIntList(size) || !isIntList(stride) || size.length !== stride.length || typeof requiresGrad !== 'boolean') {
        return fail(`${name}: malformed tensor geometry`);
      }
      const numel = numelOf(size);
      const last = numel === 0 ? (offset as number) : (offset as number) + size.reduce((s, n, i) => s + (n - 1) * stride[i], 0) + 1;
      if (last > storage.numel) fail(`a tensor of size [${size.join(', ')}], stride [${stride.join(', ')}] and offset ${offset as number} reaches past storage ${storage.key} of ${storage.numel} elements`);
      if (requiresGrad && !storage.dtype.is_floating_point) fail(`a ${storage.dtype.name} tensor cannot require gradients`);
      const t = new Tensor(storage.storage, [...size], storage.dtype, [...stride], offset as number);
      if (requiresGrad) t.requires_grad = true;
      return t;
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
    case 'torch.nn.parameter.Parameter': {
      const [data, requiresGrad = true, , state] = args;
      if (!(data instanceof Tensor) || typeof requiresGrad !== 'boolean') return fail(`${name}: expects a tensor and requires_grad`);
      if (!isEmpty(state)) fail('a Parameter with extra Python attributes (a Parameter subclass) cannot be loaded');
      return new Parameter(data as Tensor, requiresGrad as boolean);
    }
    case 'torch._tensor._rebuild_from_type_v2': {
      const [func, type, fargs, state] = args;
      if (!(func instanceof PyGlobal) || !(type instanceof PyGlobal) || !Array.isArray(fargs)) return fail(`${name}: malformed arguments`);
      if (!isEmpty(state)) fail('a tensor with extra Python attributes (a Tensor subclass) cannot be loaded');
      const t = rebuild((func as PyGlobal).name, fargs as unknown[]);
      if (!(t instanceof Tensor)) return fail(`${name}: ${(func as PyGlobal).name} does not build a tensor`);
      if ((type as PyGlobal).name === 'torch.Tensor') return t;
      if ((type as PyGlobal).name === 'torch.nn.parameter.Parameter') return new Parameter(t, t.requires_grad);
      return fail(`tensors of type ${(type as PyGlobal).name} are not supported`);
    }
    case 'torch.Size':
      if (args.length !== 1 || !isIntList(args[0])) return fail('torch.Size expects a tuple of sizes');
      return Object.freeze([...args[0]]);
    case 'torch.device': {
      const [type, index] = args;
      if (typeof type !== 'string' || (index !== undefined && index !== null && !Number.isInteger(index))) return fail('torch.device: malformed arguments');
      return index === undefined || index === null ? type : `${type}:${index as number}`;
    }
    default:
      return fail(`${name} builds something kindling does not have (sparse, quantized, meta, complex or subclassed tensors, legacy Tensor types)`);
  }
}

// ---- saving -----------------------------------------------------------------------------------

/**
 * Writes obj in PyTorch's format: to the path `f`, or, with no path, returns the file's bytes.
 * Tensors of one storage (views) share one storage in the file; Parameters are saved as
 * Parameters; a plain object whose values are all tensors (a state dict) as an OrderedDict.
 */
export function save(obj: unknown, f?: string | URL): Uint8Array | undefined {
  if (f !== undefined && typeof f !== 'string' && !(f instanceof URL)) throw new TypeError(`torch.save: expected a path (string or URL) or nothing, got ${typeof f}`);
  const keys = new Map<Storage, string>();
  const files: [string, Uint8Array][] = [];
  const p = new Pickler((p, v) => {
    if (v instanceof Tensor) return saveTensor(p, v, keys, files), true;
    if (v instanceof DType) return p.global('torch', v.name), true;
    if (v instanceof Module) throw new TypeError('torch.save: kindling saves data, not modules: save module.state_dict() and restore it with load_state_dict');
    if (isStateDict(v)) {
      p.call('collections', 'OrderedDict', () => undefined);
      p.items(Object.entries(v));
      const metadata = hiddenMetadata(v);
      if (metadata !== undefined) {
        p.op(0x7d); // EMPTY_DICT
        p.str('_metadata');
        p.save(metadata);
        p.op(0x73, 0x62); // SETITEM, BUILD
      }
      return true;
    }
    return false;
  });
  p.save(obj);
  const pkl = p.finish();
  const storageCrc = files.reduce((c, [, b]) => (c * 31 + crc32(b)) % 1e10, 0);
  const id = [crc32(pkl), storageCrc, files.length, pkl.length].map((n) => String(n).padStart(10, '0')).join('');
  const bytes = writeZip([
    ['archive/data.pkl', pkl],
    ['archive/byteorder', new TextEncoder().encode(hostLittleEndian ? 'little' : 'big')],
    ...files,
    ['archive/version', new TextEncoder().encode(`${FORMAT_VERSION}\n`)],
    ['archive/.data/serialization_id', new TextEncoder().encode(id)],
  ]);
  if (f === undefined) return bytes;
  writeFileSync(f, bytes);
  return undefined;
}

/** A state dict (kindling's state_dict() is a plain object of tensors) or a loaded OrderedDict. */
function isStateDict(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  if (hiddenMetadata(v) !== undefined) return true;
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => x instanceof Tensor);
}

/** The `_metadata` attribute torch.load attaches to a loaded OrderedDict (non-enumerable: not a key). */
function hiddenMetadata(v: object): unknown {
  const d = Object.getOwnPropertyDescriptor(v, '_metadata');
  return d && !d.enumerable ? d.value : undefined;
}

function saveTensor(p: Pickler, t: Tensor, keys: Map<Storage, string>, files: [string, Uint8Array][]): void {
  if (t instanceof Parameter) {
    // as PyTorch: _rebuild_parameter(data, requires_grad, OrderedDict())
    return p.call('torch._utils', '_rebuild_parameter', () => {
      saveTensor(p, new Tensor(t._storage, t.shape, t.dtype, t._strides, t._offset), keys, files);
      p.save(t.requires_grad);
      p.call('collections', 'OrderedDict', () => undefined);
    });
  }
  const data = t._storage.data;
  let key = keys.get(t._storage);
  if (key === undefined) {
    key = String(keys.size);
    keys.set(t._storage, key);
    files.push([`archive/data/${key}`, storageBytes(data, t.dtype)]);
  }
  p.call('torch._utils', '_rebuild_tensor_v2', () => {
    p.mark();
    p.str('storage');
    p.global('torch', STORAGE_OF[t.dtype.name]);
    p.str(key!);
    p.str('cpu');
    p.int(data.length);
    p.op(0x74, 0x51); // TUPLE, BINPERSID
    p.int(t._offset);
    p.save(Object.freeze([...t.shape]));
    p.save(Object.freeze([...t._strides]));
    p.save(t.requires_grad);
    p.call('collections', 'OrderedDict', () => undefined);
  });
}

/** A storage's elements as PyTorch stores them (int64 as 8-byte integers, bool as bytes). */
function storageBytes(data: Float32Array | Float64Array | Uint8Array, dtype: DType): Uint8Array {
  if (dtype === int64) return int64Bytes(data as Float64Array);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // zipSync copies it into the file
}
