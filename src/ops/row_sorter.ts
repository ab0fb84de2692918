/** The stable row sort behind sort, argsort, topk, kthvalue and unique. */
import type { DataArray } from '../backend/contract.js';

/**
 * Stable argsort of rows by unsigned integer keys in value order: a float's bits with the sign
 * folded so that unsigned order is numeric order, NaN above +inf, −0 equal to +0. float32 rows make
 * one 32-bit key, float64 and int64 rows (stored as float64) a high and a low word. Long rows take
 * an LSD radix sort (a counting pass per digit, skipped where every key shares the digit), short
 * ones an insertion sort; both keep ties in their order.
 */
/** A row's keys and positions, moved together by each radix pass. */
interface Lanes { hi: Uint32Array; lo: Uint32Array | null; perm: Uint32Array }

export class RowSorter {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array | null;
  readonly perm: Uint32Array;
  private readonly spare: Lanes;
  private readonly count = new Uint32Array(1 << 16);

  constructor(readonly size: number, wide: boolean) {
    this.hi = new Uint32Array(size);
    this.lo = wide ? new Uint32Array(size) : null;
    this.perm = new Uint32Array(size);
    this.spare = { hi: new Uint32Array(size), lo: wide ? new Uint32Array(size) : null, perm: new Uint32Array(size) };
  }

  /**
   * Loads row[i] = src[base + i·stride] as keys, read as the floats' own bits (a little-endian
   * view of the same memory); descending inverts them (NaN then comes first). Bools are 0 and 1.
   */
  load(src: DataArray, base: number, stride: number, descending: boolean): void {
    const { hi, lo, size } = this;
    const flip = descending ? 0xffffffff : 0;
    if (src instanceof Float32Array) {
      const w = new Uint32Array(src.buffer, src.byteOffset, src.length);
      for (let i = 0; i < size; i++) {
        let b = w[base + i * stride];
        let h: number;
        if ((b & 0x7fffffff) > 0x7f800000) h = 0xffffffff;
        else {
          if (b === 0x80000000) b = 0; // −0 sorts with +0
          h = b & 0x80000000 ? ~b : b | 0x80000000;
        }
        hi[i] = (h ^ flip) >>> 0;
      }
    } else if (src instanceof Float64Array) {
      const w = new Uint32Array(src.buffer, src.byteOffset, src.length * 2);
      for (let i = 0; i < size; i++) {
        const at = 2 * (base + i * stride);
        let l = w[at], b = w[at + 1];
        let h: number;
        const top = b & 0x7fffffff;
        if (top > 0x7ff00000 || (top === 0x7ff00000 && l !== 0)) {
          h = 0xffffffff;
          l = 0xffffffff;
        } else {
          if (b === 0x80000000 && l === 0) b = 0;
          if (b & 0x80000000) {
            h = ~b;
            l = ~l;
          } else h = b | 0x80000000;
        }
        hi[i] = (h ^ flip) >>> 0;
        if (lo !== null) lo[i] = (l ^ flip) >>> 0;
      }
    } else {
      for (let i = 0; i < size; i++) {
        hi[i] = ((0x80000000 | src[base + i * stride]) ^ flip) >>> 0;
      }
    }
  }

  /** perm = the row's stable order. */
  sort(): Uint32Array {
    const { size: n, perm } = this;
    for (let i = 0; i < n; i++) perm[i] = i;
    if (n <= 32) return this.insertion();
    const bits = n < 4096 ? 8 : 16;
    // each pass moves the keys with their positions, so that every read is sequential
    let cur = { hi: this.hi, lo: this.lo, perm };
    let next = this.spare;
    for (const word of this.lo === null ? ['hi'] as const : ['lo', 'hi'] as const) {
      for (let shift = 0; shift < 32; shift += bits) {
        if (this.pass(cur[word]!, shift, bits, cur, next)) [cur, next] = [next, cur];
      }
    }
    if (cur.perm !== perm) perm.set(cur.perm);
    return perm;
  }

  /** One counting pass on a digit of `keys`: false (nothing moved) when every key has the same digit. */
  private pass(keys: Uint32Array, shift: number, bits: number, from: Lanes, to: Lanes): boolean {
    const n = this.size, mask = (1 << bits) - 1, count = this.count;
    count.fill(0, 0, mask + 1);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & mask]++;
    if (count[(keys[0] >>> shift) & mask] === n) return false;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    const fh = from.hi, th = to.hi, fp = from.perm, tp = to.perm, fl = from.lo, tl = to.lo;
    if (fl === null || tl === null) {
      for (let j = 0; j < n; j++) {
        const at = count[(keys[j] >>> shift) & mask]++;
        th[at] = fh[j];
        tp[at] = fp[j];
      }
    } else {
      for (let j = 0; j < n; j++) {
        const at = count[(keys[j] >>> shift) & mask]++;
        th[at] = fh[j];
        tl[at] = fl[j];
        tp[at] = fp[j];
      }
    }
    return true;
  }

  private insertion(): Uint32Array {
    const { hi, lo, perm, size: n } = this;
    for (let i = 1; i < n; i++) {
      const p = perm[i], h = hi[p], l = lo === null ? 0 : lo[p];
      let j = i - 1;
      while (j >= 0) {
        const q = perm[j];
        if (hi[q] < h || (hi[q] === h && (lo === null || lo[q] <= l))) break;
        perm[j + 1] = q;
        j--;
      }
      perm[j + 1] = p;
    }
    return perm;
  }
}
