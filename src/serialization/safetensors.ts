/**
 * safetensors, as Python's `safetensors.torch`: load_file, save_file, load, save and safe_open
 * (`import { safetensors } from 'kindling'`; docs/safetensors.md). Files are read with one read
 * per tensor straight into that tensor's own memory: no copy besides the kernel's, no buffer shared
 * between tensors, nothing the memory pool could take back. Written files are byte for byte what
 * the Rust writer makes of the same tensors.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync, type PathLike } from 'node:fs';
import type { DataArray } from '../backend/contract.js';
import { Tensor } from '../tensor.js';
import { DType, bool, float32, float64, int64 } from '../dtype.js';
import { numelOf } from '../shape.js';
import { data as contiguousData } from '../ops/util.js';
import { pyType } from '../python.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './narrow_floats.js';
import { int64Bytes, int64InPlace } from './int64.js';
import { DTYPE_SIZE, SafetensorError, headerLength, parseHeader, type Header, type TensorInfo } from './safetensors_header.js';

export { SafetensorError };

export type TensorDict = Record<string, Tensor> | Map<string, Tensor>;
export type Metadata = Record<string, string>;

// ---- loading ------------------------------------------------------------------------------------

/** Every tensor of a safetensors file (its `__metadata__` is left out, as in Python: see safe_open). */
export function load_file(filename: PathLike, device = 'cpu'): Record<string, Tensor> {
  checkDevice(device, 'load_file');
  const fd = openSync(filename, 'r');
  try {
    const { header } = readHeader(fd);
    return loadAll(header, fileSource(fd, header));
  } finally {
    closeSync(fd);
  }
}

/**
 * Every tensor of a safetensors file held in memory (what `save` returns). The tensors get copies:
 * the caller may reuse or change `bytes` afterwards.
 */
export function load(data: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`load(): argument 'data' must be bytes (a Buffer, Uint8Array or ArrayBuffer), not ${pyType(data)}`);
  const n = headerLength(bytes, bytes.length);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length);
  return loadAll(header, (dst, begin) => {
    const at = header.dataStart + begin;
    dst.set(bytes.subarray(at, at + dst.length));
  });
}

/**
 * A safetensors file's header, read and checked once; tensors are read one at a time on request
 * (Python's `with safe_open(path, framework="pt") as f`). No file stays open between calls.
 */
export function safe_open(filename: PathLike, framework = 'pt', device = 'cpu'): SafeOpen {
  if (framework !== 'pt' && framework !== 'torch') throw new TypeError(`safe_open(): framework must be "pt" (kindling gives kindling tensors), not ${JSON.stringify(framework)}`);
  checkDevice(device, 'safe_open');
  return new SafeOpen(filename);
}

export class SafeOpen {
  private readonly header: Header;
  private readonly size: number;
  private readonly byName = new Map<string, TensorInfo>();

  /** Use safe_open(filename). */
  constructor(private readonly filename: PathLike) {
    const fd = openSync(filename, 'r');
    try {
      ({ header: this.header, size: this.size } = readHeader(fd));
    } finally {
      closeSync(fd);
    }
    for (const t of this.header.tensors) this.byName.set(t.name, t);
  }

  /** The tensors' names, sorted (as Python's). */
  keys(): string[] {
    return [...this.byName.keys()].sort(byteOrder);
  }

  /** The tensors' names in the order of their data in the file. */
  offset_keys(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  /** The header's `__metadata__` (a copy), or null when it has none. */
  metadata(): Metadata | null {
    const m = this.header.metadata;
    return m === null ? null : ownProperties(Object.entries(m));
  }

  get_tensor(name: string): Tensor {
    const info = this.byName.get(name);
    if (info === undefined) throw new SafetensorError(`File does not contain tensor ${name}`);
    const fd = openSync(this.filename, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size !== this.size) throw new SafetensorError(`the file changed since safe_open read its header (${this.size} bytes then, ${size} now)`);
      return materialise(info, fileSource(fd, this.header));
    } finally {
      closeSync(fd);
    }
  }
}

/** Copies the data buffer's bytes [begin, begin + dst.length) into dst. */
type Source = (dst: Uint8Array, begin: number) => void;

function fileSource(fd: number, header: Header): Source {
  return (dst, begin) => readFully(fd, dst, header.dataStart + begin);
}

/** The header of an open file, checked against its size: nothing is allocated before the checks. */
function readHeader(fd: number): { header: Header; size: number } {
  const size = fstatSync(fd).size;
  const prefix = Buffer.alloc(8);
  if (size >= 8) readFully(fd, prefix, 0);
  const n = headerLength(prefix, size);
  const bytes = Buffer.allocUnsafe(n);
  readFully(fd, bytes, 8);
  return { header: parseHeader(bytes, size), size };
}

function readFully(fd: number, dst: Uint8Array, position: number): void {
  for (let done = 0; done < dst.length;) {
    // one read returns at most ~2 GiB on Linux
    const got = readSync(fd, dst, done, Math.min(dst.length - done, 1 << 30), position + done);
    if (got === 0) throw new SafetensorError(`the file ends at byte ${position + done}, before the ${dst.length} bytes at ${position} that its header promised (did it change while being read?)`);
    done += got;
  }
}

/** Reads in file order (sequential I/O); returns the tensors by sorted name, as Python's dict. */
function loadAll(header: Header, source: Source): Record<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  for (const info of header.tensors) tensors.set(info.name, materialise(info, source));
  return ownProperties([...tensors.keys()].sort(byteOrder).map((name) => [name, tensors.get(name)!]));
}

/** A plain object of these entries, defined rather than assigned: a file may use "__proto__" as a name. */
function ownProperties<T>(entries: readonly [string, T][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, value] of entries) Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * A buffer of the tensor's own: a file's tensors do not keep one another alive, and memory.ts's
 * pool never reclaims it (reclaimable() accepts only buffers memory.ts made), as for frombuffer.
 */
function allocate(dtype: DType, n: number): DataArray {
  const bytes = n * dtype.itemsize;
  return bytes <= 64 ? new dtype.Array(n) : new dtype.Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, n);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const INTEGERS: Record<string, Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor> = {
  I8: Int8Array, U8: Uint8Array, I16: Int16Array, U16: Uint16Array, I32: Int32Array, U32: Uint32Array,
};

/** One tensor in kindling's dtypes: F16/BF16 widen to float32, every integer type to int64. */
function materialise(info: TensorInfo, source: Source): Tensor {
  const shape = [...info.shape];
  const n = numelOf(shape);
  const read = (a: ArrayBufferView) => {
    if (n > 0) source(bytesOf(a), info.begin);
  };
  switch (info.dtype) {
    case 'F32':
    case 'F64': {
      const dtype = info.dtype === 'F32' ? float32 : float64;
      const a = allocate(dtype, n);
      read(a);
      return new Tensor(a, shape, dtype);
    }
    case 'F16':
    case 'BF16': {
      const bits = new Uint16Array(n);
      read(bits);
      const a = allocate(float32, n) as Float32Array;
      if (info.dtype === 'F16') float16ToFloat32(bits, a);
      else bfloat16ToFloat32(bits, a);
      return new Tensor(a, shape, float32);
    }
    case 'I64':
    case 'U64': {
      const a = allocate(int64, n) as Float64Array;
      read(a);
      int64InPlace(a, info.dtype === 'I64', (i, exact) => {
        const why = exact >= 2n ** 63n ? 'beyond int64' : 'which float64 (kindling\'s int64 storage) cannot hold exactly: beyond ±2^53 only some integers can be';
        throw new SafetensorError(`tensor ${JSON.stringify(info.name)} holds ${exact} at index ${i}, ${why}`);
      });
      return new Tensor(a, shape, int64);
    }
    case 'BOOL': {
      const a = allocate(bool, n);
      read(a);
      // kindling's bool tensors hold only 0 and 1; any other byte is true, as a C++ bool cast
      for (let i = 0; i < n; i++) if (a[i] > 1) a[i] = 1;
      return new Tensor(a, shape, bool);
    }
    default: {
      const Src = INTEGERS[info.dtype];
      if (Src === undefined) {
        throw new SafetensorError(`tensor ${JSON.stringify(info.name)} has dtype ${info.dtype}, which kindling cannot load (it loads F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)`);
      }
      const src = new Src(n);
      read(src);
      const a = allocate(int64, n);
      a.set(src);  // widened by the typed array itself, no JS loop
      return new Tensor(a, shape, int64);
    }
  }
}

function checkDevice(device: unknown, fn: string): void {
  if (device !== 'cpu') throw new TypeError(`${fn}(): kindling has only the "cpu" device, not ${JSON.stringify(device)}`);
}

/** Rust's string order (UTF-8 bytes, i.e. code points), which the reference sorts names by. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---- saving -------------------------------------------------------------------------------------

/** The file's bytes (Python returns bytes; here a Buffer). */
export function save(tensors: TensorDict, metadata: Metadata | null = null): Buffer {
  const { header, parts } = prepare(tensors, metadata);
  const total = parts.reduce((s, p) => s + p.bytes.length, header.length);
  const out = Buffer.allocUnsafe(total);  // every byte is written below
  out.set(header, 0);
  let at = header.length;
  for (const p of parts) {
    out.set(p.bytes, at);
    at += p.bytes.length;
  }
  return out;
}

/** Writes the tensors (and the optional string metadata) to filename. */
export function save_file(tensors: TensorDict, filename: PathLike, metadata: Metadata | null = null): void {
  const { header, parts } = prepare(tensors, metadata);
  const fd = openSync(filename, 'w');
  try {
    writeFully(fd, header);
    for (const p of parts) writeFully(fd, p.bytes);
  } finally {
    closeSync(fd);
  }
}

function writeFully(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30));
}

const CODE: ReadonlyMap<DType, string> = new Map([[float32, 'F32'], [float64, 'F64'], [int64, 'I64'], [bool, 'BOOL']]);
const RANK: Readonly<Record<string, number>> = Object.fromEntries(Object.keys(DTYPE_SIZE).map((k, i) => [k, i]));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Part {
  readonly name: string;
  readonly code: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/**
 * The header (length included) and the tensors' bytes in the Rust writer's order: by dtype
 * alignment, largest first, then by name; the JSON as serde_json prints it, padded with spaces to
 * a multiple of 8 so that every tensor's data is aligned in the file.
 */
function prepare(tensors: unknown, metadata: unknown): { header: Buffer; parts: Part[] } {
  const entries = dictEntries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new TypeError(`Expected a dict of [str, torch.Tensor] but a key is ${pyType(name)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`Key \`${name}\` is invalid, expected torch.Tensor but received ${pyType(t)}`);
    if (name === '__metadata__') throw new TypeError('the name "__metadata__" is the header\'s metadata entry; a tensor cannot have it');
    checkText(name, 'a tensor name');
  }
  const shared = sharedGroups(entries as [string, Tensor][]);
  if (shared.length > 0) {
    const sets = shared.map((g) => `{${g.map((n) => `'${n}'`).join(', ')}}`).join(', ');
    throw new Error(`Some tensors share memory, this will lead to duplicate memory on disk and potential differences when loading them again: [${sets}]. Save each shared tensor once, or .clone() those meant to be separate copies. More information at https://huggingface.co/docs/safetensors/torch_shared_tensors`);
  }
  const parts = (entries as [string, Tensor][]).map(([name, t]): Part => {
    const code = CODE.get(t.dtype)!;
    const d = contiguousData(t);  // contiguous: a view when t already is, else a packed copy
    return { name, code, shape: t.shape, bytes: code === 'I64' ? int64Bytes(d as Float64Array) : bytesOf(d) };
  });
  parts.sort((a, b) => RANK[b.code] - RANK[a.code] || byteOrder(a.name, b.name));

  const fields: string[] = [];
  if (metadata !== null && metadata !== undefined) fields.push(`"__metadata__":${metadataJson(metadata)}`);
  let offset = 0;
  for (const p of parts) {
    fields.push(`${JSON.stringify(p.name)}:{"dtype":"${p.code}","shape":[${p.shape.join(',')}],"data_offsets":[${offset},${offset + p.bytes.length}]}`);
    offset += p.bytes.length;
  }
  const json = Buffer.from(`{${fields.join(',')}}`, 'utf8');
  const n = Math.ceil(json.length / 8) * 8;
  const header = Buffer.alloc(8 + n, 0x20);  // the padding is spaces
  header.writeBigUInt64LE(BigInt(n), 0);
  header.set(json, 8);
  return { header, parts };
}

function dictEntries(tensors: unknown): [unknown, unknown][] {
  if (tensors instanceof Map) return [...tensors.entries()];
  if (typeof tensors === 'object' && tensors !== null && !Array.isArray(tensors) && !(tensors instanceof Tensor)) {
    const proto = Object.getPrototypeOf(tensors);
    if (proto === Object.prototype || proto === null) return Object.entries(tensors);
  }
  throw new TypeError(`Expected a dict of [str, torch.Tensor] but received ${pyType(tensors)}`);
}

/** serde_json's text of a str → str map, in the caller's key order. */
function metadataJson(metadata: unknown): string {
  const entries = metadata instanceof Map ? [...metadata.entries()] : isPlainObject(metadata) ? Object.entries(metadata) : null;
  if (entries === null) throw new TypeError(`argument 'metadata' must be a dict of str to str, not ${pyType(metadata)}`);
  return `{${entries.map(([k, v]) => {
    if (typeof k !== 'string' || typeof v !== 'string') throw new TypeError(`argument 'metadata' must be a dict of str to str, but it maps ${pyType(k)} ${JSON.stringify(String(k))} to ${pyType(v)}`);
    checkText(k, 'a metadata key');
    checkText(v, 'a metadata value');
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  }).join(',')}}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A string UTF-8 can hold: a lone surrogate cannot be written, so the name would not survive. */
function checkText(s: string, what: string): void {
  if (LONE_SURROGATE.test(s)) throw new TypeError(`${what} holds a lone UTF-16 surrogate, which UTF-8 cannot encode: ${JSON.stringify(s)}`);
}

/**
 * Names of tensors whose memory overlaps, grouped (Python's _find_shared_tensors): each tensor
 * covers the bytes from its first to its last element in its buffer; empty tensors cover nothing.
 */
function sharedGroups(entries: readonly [string, Tensor][]): string[][] {
  const byBuffer = new Map<ArrayBufferLike, { name: string; start: number; stop: number }[]>();
  for (const [name, t] of entries) {
    if (t.numel() === 0) continue;
    const d = t._storage.data, size = t.dtype.itemsize;
    let first = t._offset, last = t._offset;
    t.shape.forEach((n, i) => {
      const step = (n - 1) * t._strides[i];
      if (step < 0) first += step;
      else last += step;
    });
    const area = { name, start: d.byteOffset + first * size, stop: d.byteOffset + (last + 1) * size };
    const list = byBuffer.get(d.buffer);
    if (list === undefined) byBuffer.set(d.buffer, [area]);
    else list.push(area);
  }
  const groups: string[][] = [];
  for (const areas of byBuffer.values()) {
    areas.sort((a, b) => a.start - b.start);
    let group: string[] = [], stop = -1;
    for (const a of areas) {
      if (a.start < stop) group.push(a.name);
      else {
        if (group.length > 1) groups.push(group);
        group = [a.name];
      }
      stop = Math.max(stop, a.stop);
    }
    if (group.length > 1) groups.push(group);
  }
  return groups.map((g) => g.sort(byteOrder));
}
