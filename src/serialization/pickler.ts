/**
 * A pickle writer (protocol 2) for data: only opcodes PyTorch's weights_only unpickler reads, so a
 * file written here loads with `torch.load(f, weights_only=True)` (floats use BINFLOAT, which
 * 1.13's restricted unpickler lacks and 2.x has; state dicts hold none).
 *
 * JS values become: null/undefined → None, boolean → bool, integer number or bigint → int, other
 * number → float, string → str, Uint8Array → bytes, array → list (a frozen array → tuple),
 * Set → set, Map and plain objects → dict. The caller handles tensors, dtypes and OrderedDicts.
 */
import { MAX_DEPTH, MAX_MEMO } from './unpickler.js';

const enc = new TextEncoder();

export class Pickler {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(1 << 16);
  private len = 0;
  private readonly onPath = new Set<object>();
  /** Objects written so far: a second reference is a memo lookup, so sharing survives and a DAG stays linear. */
  private readonly memo = new Map<object, number>();

  /**
   * `custom` writes a value the generic rules do not cover and returns true, or returns false.
   */
  constructor(private readonly custom: (p: Pickler, v: object) => boolean) {
    this.op(0x80, 2); // PROTO 2
  }

  finish(): Uint8Array {
    this.op(0x2e); // STOP
    this.chunks.push(this.cur.subarray(0, this.len));
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) out.set(c, at), (at += c.length);
    return out;
  }

  private room(n: number): void {
    if (this.len + n <= this.cur.length) return;
    this.chunks.push(this.cur.subarray(0, this.len));
    this.cur = new Uint8Array(Math.max(1 << 16, n));
    this.len = 0;
  }

  op(...bytes: number[]): void {
    this.room(bytes.length);
    for (const b of bytes) this.cur[this.len++] = b;
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.cur.set(b, this.len);
    this.len += b.length;
  }

  private u32(v: number): void {
    this.op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  mark(): void {
    this.op(0x28);
  }

  global(module: string, name: string): void {
    this.op(0x63);
    this.raw(enc.encode(`${module}\n${name}\n`));
  }

  /** Calls the global on the tuple of values `args` writes (MARK ... TUPLE REDUCE). */
  call(module: string, name: string, args: () => void): void {
    this.global(module, name);
    this.mark();
    args();
    this.op(0x74, 0x52); // TUPLE, REDUCE
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) this.op(0x4b, v); // BININT1
    else if (typeof v === 'number' && v >= 0 && v < 65536) this.op(0x4d, v & 0xff, v >>> 8); // BININT2
    else if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) this.op(0x4a), this.u32(v >>> 0); // BININT
    else {
      // LONG1: little-endian two's complement, shortest form with the sign bit right
      let b = BigInt(v);
      const out: number[] = [];
      for (;;) {
        out.push(Number(b & 0xffn));
        b >>= 8n;
        const sign = out[out.length - 1] & 0x80;
        if ((b === 0n && !sign) || (b === -1n && sign)) break;
      }
      if (out.length > 255) throw new RangeError('torch.save: an integer too large to pickle');
      this.op(0x8a, out.length, ...out);
    }
  }

  float(v: number): void {
    this.op(0x47); // BINFLOAT, big-endian
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.raw(b);
  }

  str(s: string): void {
    const b = enc.encode(s);
    this.op(0x58); // BINUNICODE
    this.u32(b.length);
    this.raw(b);
  }

  /** A dict's items: MARK k v ... SETITEMS (an empty dict needs none). */
  items(entries: Iterable<readonly [unknown, unknown]>): void {
    let n = 0;
    for (const [k, v] of entries) {
      if (n % 1000 === 0) {
        if (n > 0) this.op(0x75);
        this.mark();
      }
      this.save(k);
      this.save(v);
      n++;
    }
    if (n > 0) this.op(0x75); // SETITEMS
  }

  save(v: unknown): void {
    if (v === null || v === undefined) return this.op(0x4e);
    if (typeof v === 'boolean') return this.op(v ? 0x88 : 0x89);
    if (typeof v === 'bigint') return this.int(v);
    if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? this.int(v) : this.float(v);
    if (typeof v === 'string') return this.str(v);
    if (typeof v !== 'object' && typeof v !== 'function') throw new TypeError(`torch.save: cannot save a ${typeof v}`);
    const seen = this.memo.get(v);
    if (seen !== undefined) return seen < 256 ? this.op(0x68, seen) : (this.op(0x6a), this.u32(seen)); // BINGET, LONG_BINGET
    if (this.onPath.has(v)) throw new TypeError('torch.save: the object contains itself');
    if (this.onPath.size >= MAX_DEPTH) throw new RangeError(`torch.save: the object nests deeper than ${MAX_DEPTH} levels`);
    this.onPath.add(v);
    try {
      this.container(v);
    } finally {
      this.onPath.delete(v);
    }
    const i = this.memo.size;
    if (i < MAX_MEMO) {
      this.memo.set(v, i);
      if (i < 256) this.op(0x71, i); // BINPUT
      else this.op(0x72), this.u32(i); // LONG_BINPUT
    }
  }

  private container(v: object): void {
    if (this.custom(this, v)) return;
    if (typeof v === 'function') throw new TypeError('torch.save: cannot save a function');
    if (v instanceof Uint8Array) {
      // bytes as protocol 2 writes them: _codecs.encode(latin1 text, 'latin1')
      let s = '';
      for (let i = 0; i < v.length; i += 8192) s += String.fromCharCode(...v.subarray(i, i + 8192));
      return this.call('_codecs', 'encode', () => (this.str(s), this.str('latin1')));
    }
    if (Array.isArray(v)) {
      if (Object.isFrozen(v)) {
        this.mark();
        for (const x of v) this.save(x);
        return this.op(0x74); // TUPLE
      }
      this.op(0x5d); // EMPTY_LIST
      for (let i = 0; i < v.length; i += 1000) {
        this.mark();
        for (const x of v.slice(i, i + 1000)) this.save(x);
        this.op(0x65); // APPENDS
      }
      return;
    }
    if (v instanceof Set) {
      return this.call('builtins', 'set', () => this.save([...v]));
    }
    if (v instanceof Map) {
      for (const k of v.keys()) {
        if (k !== null && !['string', 'number', 'bigint', 'boolean'].includes(typeof k)) throw new TypeError(`torch.save: dict keys must be str, int, float, bool or None, not ${typeof k}`);
      }
      this.op(0x7d); // EMPTY_DICT
      return this.items(v);
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      this.op(0x7d);
      return this.items(Object.entries(v));
    }
    throw new TypeError(`torch.save: cannot save a ${proto?.constructor?.name ?? 'object'} (tensors, numbers, strings, arrays, Maps and plain objects can be saved)`);
  }
}
