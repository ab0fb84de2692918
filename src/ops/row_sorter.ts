/** The stable row sort behind sort, argsort, topk, kthvalue and unique. */
import type { FloatArray } from '../backend/contract.js';

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
  private readonly f64 = new Float64Array(1);
  private readonly w64 = new Uint32Array(this.f64.buffer);
  private readonly f32 = new Float32Array(1);
  private readonly w32 = new Uint32Array(this.f32.buffer);

  constructor(readonly size: number, wide: boolean) {
    this.hi = new Uint32Array(size);
    this.lo = wide ? new Uint32Array(size) : null;
    this.perm = new Uint32Array(size);
    this.spare = { hi: new Uint32Array(size), lo: wide ? new Uint32Array(size) : null, perm: new Uint32Array(size) };
  }

  /** Loads row[i] = src[base + i·stride] as keys; descending inverts them (NaN then comes first). */
  load(src: FloatArray, base: number, stride: number, descending: boolean): void {
    const { hi, lo, size } = this;
    const flip = descending ? 0xffffffff : 0;
    for (let i = 0; i < size; i++) {
      const v = src[base + i * stride];
      let h: number, l = 0;
      if (v !== v) {
        h = 0xffffffff;
        l = 0xffffffff;
      } else if (lo === null) {
        this.f32[0] = v === 0 ? 0 : v;
        const b = this.w32[0];
        h = b & 0x80000000 ? ~b : b | 0x80000000;
      } else {
        this.f64[0] = v === 0 ? 0 : v;
        const b = this.w64[1];
        if (b & 0x80000000) {
          h = ~b;
          l = ~this.w64[0];
        } else {
          h = b | 0x80000000;
          l = this.w64[0];
        }
      }
      hi[i] = (h ^ flip) >>> 0;
      if (lo !== null) lo[i] = (l ^ flip) >>> 0;
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
