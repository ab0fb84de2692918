/**
 * The zip container of PyTorch's checkpoints (torch.save since 1.6): one directory (the archive
 * name) holding data.pkl, one file per storage and a few version records.
 *
 * Reading validates the whole central directory before any entry is extracted, so a truncated file,
 * an entry pointing outside the file or a declared size no deflate stream could produce is an error
 * before memory is allocated for it. fflate's unzipSync would not do that: it allocates each
 * deflated entry's declared size up front (up to 4 GiB), lets the output grow past it, and cuts a
 * stored entry that runs past the file short without a word. So fflate does the inflating here
 * (in slices, stopped at the declared size) and, on writing, the zip layout.
 */
import { crc32 } from 'node:zlib';
import { Inflate, zipSync } from 'fflate';

/** Where PyTorch's writer aligns each record's bytes (and what its mmap loading relies on). */
const ALIGNMENT = 64;
/** The extra-field id PyTorch's writer puts its alignment padding under ("FB"). */
const PADDING_FIELD = 0x4246;
/** deflate cannot expand data by more than ~1032:1; a larger declared size is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** Entries are Uint8Arrays: at most what one typed array can hold (kept well below 2^32). */
const MAX_ENTRY_BYTES = 2 ** 32 - 1;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** The entry's bytes start here in the file (after its local header). */
  dataOffset: number;
}

const fail = (what: string): never => {
  throw new Error(`torch.load: not a valid PyTorch checkpoint (zip): ${what}`);
};

/** A reader over a zip file's bytes whose directory has been checked. */
export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();

  constructor(private readonly bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u16 = (at: number) => view.getUint16(at, true);
    const u32 = (at: number) => view.getUint32(at, true);
    const u64 = (at: number) => {
      const v = view.getBigUint64(at, true);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? fail('a zip64 field is out of range') : Number(v);
    };
    const inFile = (at: number, len: number) => at >= 0 && len >= 0 && at + len <= bytes.length;

    // End of central directory: the last 22 bytes, or earlier by a comment of at most 64 KiB.
    let eocd = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
      if (u32(at) === 0x06054b50) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) fail('no end-of-central-directory record (the file is truncated or not a zip)');
    let count = u16(eocd + 10);
    let cdSize = u32(eocd + 12);
    let cdOffset = u32(eocd + 16);
    if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) fail('multi-disk archives are not supported');
    // zip64 (PyTorch's writer always adds these records): a locator just before the EOCD
    if (eocd >= 20 && u32(eocd - 20) === 0x07064b50) {
      const z = u64(eocd - 12);
      if (!inFile(z, 56) || u32(z) !== 0x06064b50) fail('bad zip64 end-of-central-directory offset');
      count = u64(z + 32);
      cdSize = u64(z + 40);
      cdOffset = u64(z + 48);
    }
    if (!inFile(cdOffset, cdSize) || cdOffset + cdSize > eocd) fail('the central directory lies outside the file');
    if (count * 46 > cdSize) fail('more entries declared than the central directory holds');

    let at = cdOffset;
    const cdEnd = cdOffset + cdSize;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cdEnd || u32(at) !== 0x02014b50) fail(`central directory entry ${i} is corrupt`);
      const flags = u16(at + 8);
      const method = u16(at + 10);
      const crc = u32(at + 16);
      let compressedSize = u32(at + 20);
      let size = u32(at + 24);
      const nameLen = u16(at + 28), extraLen = u16(at + 30), commentLen = u16(at + 32);
      let localOffset = u32(at + 42);
      const next = at + 46 + nameLen + extraLen + commentLen;
      if (next > cdEnd) fail(`central directory entry ${i} runs past the directory`);
      const name = decodeName(bytes.subarray(at + 46, at + 46 + nameLen), i);
      // zip64 extra field: the 8-byte forms of whichever fields hold 0xFFFFFFFF, in this order
      const extraEnd = at + 46 + nameLen + extraLen;
      for (let e = at + 46 + nameLen; e + 4 <= extraEnd; e += 4 + u16(e + 2)) {
        if (e + 4 + u16(e + 2) > extraEnd) fail(`${name}'s extra fields are corrupt`);
        if (u16(e) !== 1) continue;
        const wanted = 8 * (Number(size === 0xffffffff) + Number(compressedSize === 0xffffffff) + Number(localOffset === 0xffffffff));
        if (u16(e + 2) < wanted) fail(`${name}'s zip64 field is too short`);
        let f = e + 4;
        if (size === 0xffffffff) (size = u64(f)), (f += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(f)), (f += 8);
        if (localOffset === 0xffffffff) localOffset = u64(f);
      }
      if (flags & 1) fail(`${name} is encrypted`);
      if (method !== 0 && method !== 8) fail(`${name} uses compression method ${method} (only stored and deflate are supported)`);
      if (method === 0 && size !== compressedSize) fail(`${name} is stored but declares ${size} bytes for ${compressedSize}`);
      if (size > MAX_ENTRY_BYTES || (method === 8 && size > compressedSize * MAX_DEFLATE_RATIO + 1024)) {
        fail(`${name} declares an uncompressed size of ${size} bytes that its ${compressedSize} compressed bytes cannot hold`);
      }
      if (!inFile(localOffset, 30) || u32(localOffset) !== 0x04034b50) fail(`${name}'s local header offset ${localOffset} is out of the file or corrupt`);
      const dataOffset = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
      if (!inFile(dataOffset, compressedSize) || dataOffset + compressedSize > cdOffset) fail(`${name}'s data lies outside the file`);
      if (this.entries.has(name)) fail(`${name} appears twice`);
      this.entries.set(name, { name, method, compressedSize, size, crc, dataOffset });
      at = next;
    }
  }

  /** An entry's bytes (a view into the file for stored entries), checked against its CRC-32. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name) ?? fail(`${name} is missing`);
    const raw = this.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    const data = e.method === 0 ? raw : inflateBounded(raw, e.size, name);
    if (crc32(data) !== e.crc) fail(`${name} fails its CRC-32 check (the file is corrupt)`);
    return data;
  }
}

function decodeName(b: Uint8Array, i: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return fail(`entry ${i}'s name is not valid UTF-8`);
  }
}

/** Inflates in slices so a stream producing more than its declared size stops early. */
function inflateBounded(raw: Uint8Array, size: number, name: string): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  const inflater = new Inflate((chunk) => {
    if (filled + chunk.length > size) fail(`${name} inflates to more than its declared ${size} bytes`);
    out.set(chunk, filled);
    filled += chunk.length;
  });
  const SLICE = 16384;
  try {
    for (let i = 0; i < raw.length; i += SLICE) inflater.push(raw.subarray(i, i + SLICE), i + SLICE >= raw.length);
    if (raw.length === 0) inflater.push(raw, true);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('torch.load')) throw err;
    fail(`${name} is not a valid deflate stream (${(err as Error).message})`);
  }
  if (filled !== size) fail(`${name} inflates to ${filled} bytes, not its declared ${size}`);
  return out;
}

/**
 * A zip of stored entries, in order, each entry's bytes starting on a 64-byte boundary as PyTorch
 * writes them (padding in the local header's extra field under PyTorch's "FB" id).
 */
export function writeZip(files: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const layout: Record<string, [Uint8Array, { level: 0; mtime: Date; extra: Record<number, Uint8Array> }]> = {};
  let offset = 0;
  // a fixed date: the same object saved twice gives the same bytes
  const mtime = new Date(1980, 0, 1);
  for (const [name, data] of files) {
    const nameLen = new TextEncoder().encode(name).length;
    const pad = (ALIGNMENT - ((offset + 30 + nameLen + 4) % ALIGNMENT)) % ALIGNMENT;
    layout[name] = [data, { level: 0, mtime, extra: { [PADDING_FIELD]: new Uint8Array(pad).fill(0x5a) } }];
    offset += 30 + nameLen + 4 + pad + data.length;
  }
  if (offset > 0xffffffff) throw new RangeError('torch.save: checkpoints above 4 GiB are not supported (no zip64 writer)');
  return zipSync(layout);
}
