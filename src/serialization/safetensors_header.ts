/**
 * The safetensors header: 8 bytes of little-endian length N, then N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`, then the data.
 * The header is hostile input: everything it claims is checked against the file's real size before
 * a byte of tensor memory is allocated. The checks and their names are the Rust crate's
 * (safetensors/src/tensor.rs, read_metadata and Metadata::validate), so a file kindling accepts is
 * one the reference accepts, and the messages name the same error; each adds what was wrong.
 */

/** The Rust crate's limit: a longer header is refused before it is read. */
export const MAX_HEADER_SIZE = 100_000_000;

/** The reference's error type (Python: `safetensors.SafetensorError`). */
export class SafetensorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorError';
  }
}

/**
 * Element sizes in bytes of the byte-sized dtypes the Rust crate knows, in the order of its `Dtype`
 * enum (its writer orders tensors by this rank, descending). The sub-byte types it also knows
 * (F4, F6_*) are refused as unsupported.
 */
export const DTYPE_SIZE: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, C64: 8, F64: 8, I64: 8, U64: 8,
};

export interface TensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Offsets into the data buffer (after the header), begin inclusive, end exclusive. */
  readonly begin: number;
  readonly end: number;
}

export interface Header {
  /** Entries ordered by their offsets in the file. */
  readonly tensors: readonly TensorInfo[];
  /** `__metadata__`, or null when the file has none. */
  readonly metadata: Readonly<Record<string, string>> | null;
  /** Where the data buffer starts in the file: 8 + N. */
  readonly dataStart: number;
}

const fail = (what: string, why: string) => new SafetensorError(`Error while deserializing header: ${what}: ${why}`);

/**
 * The header length from a file's first 8 bytes, checked against the file size: the first check
 * on a file, before the header itself is read.
 */
export function headerLength(prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8) throw fail('HeaderTooSmall', `the file is ${fileSize} bytes, too short for the 8-byte header length`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + view.getUint32(0, true);  // inexact beyond 2^53, but then far above the limit
  if (hi !== 0 || n > MAX_HEADER_SIZE) throw fail('HeaderTooLarge', `the header claims ${hi !== 0 ? 'more than 2^32' : n} bytes; the limit is ${MAX_HEADER_SIZE}`);
  if (n + 8 > fileSize) throw fail('InvalidHeaderLength', `the header claims ${n} bytes but only ${fileSize - 8} follow the length`);
  return n;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates the header's N bytes for a file of fileSize bytes: every entry well-typed,
 * a dtype the reference knows, a shape whose size matches its offsets without overflow, and the
 * entries covering the data buffer exactly, in order, with no hole or overlap.
 */
export function parseHeader(bytes: Uint8Array, fileSize: number): Header {
  const n = bytes.length;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw fail('InvalidHeader', 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw fail('InvalidHeaderStart', 'the header does not start with "{"');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fail('InvalidHeaderDeserialization', `the header is not valid JSON (${(e as Error).message})`);
  }
  const bad = (why: string) => fail('InvalidHeaderDeserialization', why);
  if (!isObject(json)) throw bad('the header is not a JSON object');
  // JSON.parse keeps the last of repeated keys (and the crate's HashMap of tensors could hold only
  // one): such a file says two things at once, so it is refused
  const dup = duplicateKey(text);
  if (dup !== null) throw bad(`the key ${JSON.stringify(dup)} appears twice in one object`);

  let metadata: Record<string, string> | null = null;
  const tensors: TensorInfo[] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (entry === null) continue;
      if (!isObject(entry)) throw bad('"__metadata__" must map strings to strings');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw bad(`"__metadata__" must map strings to strings, but ${JSON.stringify(k)} holds ${JSON.stringify(v)}`);
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (!isObject(entry)) throw bad(`${where} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') throw bad(`${where} has no "dtype" string`);
    if (!Object.hasOwn(DTYPE_SIZE, dtype)) throw bad(`${where} has the unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_SIZE).join(', ')})`);
    if (!isCounts(shape)) throw bad(`${where}: "shape" must be a list of non-negative integers`);
    if (!isCounts(offsets) || offsets.length !== 2) throw bad(`${where}: "data_offsets" must be two non-negative integers`);
    const huge = [...shape, ...offsets].find((v) => !Number.isSafeInteger(v));
    if (huge !== undefined) throw fail('ValidationOverflow', `${where} holds ${huge}, beyond 2^53 (no file kindling can read is that large)`);
    tensors.push({ name, dtype, shape, begin: offsets[0], end: offsets[1] });
  }
  // the reference sorts by offsets: writers order entries differently (by name, by alignment, any)
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let start = 0;
  for (const t of tensors) {
    if (t.begin !== start || t.end < t.begin) {
      throw fail(`InvalidOffset(${JSON.stringify(t.name)})`, `data_offsets [${t.begin}, ${t.end}] where [${start}, ...] was expected: the tensors must cover the data buffer in order, with no hole or overlap`);
    }
    start = t.end;
    let count = 1;
    for (const d of t.shape) {
      count *= d;
      if (!Number.isSafeInteger(count)) throw fail('ValidationOverflow', `the shape [${t.shape.join(', ')}] of tensor ${JSON.stringify(t.name)} overflows`);
    }
    const nbytes = count * DTYPE_SIZE[t.dtype];
    if (!Number.isSafeInteger(nbytes)) throw fail('ValidationOverflow', `the shape [${t.shape.join(', ')}] of tensor ${JSON.stringify(t.name)} overflows`);
    if (t.end - t.begin !== nbytes) {
      throw fail('TensorInvalidInfo', `tensor ${JSON.stringify(t.name)} of dtype ${t.dtype} and shape [${t.shape.join(', ')}] needs ${nbytes} bytes but its data_offsets [${t.begin}, ${t.end}] span ${t.end - t.begin}`);
    }
  }
  if (start + 8 + n !== fileSize) {
    throw fail('MetadataIncompleteBuffer', `the tensors cover ${start} bytes of data but the file holds ${fileSize - 8 - n} after the header`);
  }
  return { tensors, metadata, dataStart: 8 + n };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A list of JSON numbers the reference reads as usize. */
function isCounts(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0);
}

/**
 * The first key repeated within one object of a text JSON.parse has accepted (so the scan can
 * trust its structure): objects push a set of their keys, arrays a null.
 */
function duplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {  // "
      let j = i + 1, escaped = false;
      for (let q = text.charCodeAt(j); q !== 0x22; q = text.charCodeAt(j)) {
        if (q === 0x5c) {
          escaped = true;
          j += 2;
        } else j++;
      }
      const keys = stack[stack.length - 1];
      if (keys) {
        let k = j + 1;
        while (text.charCodeAt(k) <= 0x20) k++;  // JSON's whitespace is all below 0x21
        if (text.charCodeAt(k) === 0x3a) {  // : — the string was a key
          const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
          if (keys.has(key)) return key;
          keys.add(key);
        }
      }
      i = j;
    } else if (c === 0x7b) stack.push(new Set());
    else if (c === 0x5b) stack.push(null);
    else if (c === 0x7d || c === 0x5d) stack.pop();
  }
  return null;
}
