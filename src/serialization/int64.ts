/**
 * int64 between kindling's storage (float64, exact to ±2^53) and 8-byte integers in host byte
 * order, in bulk over 32-bit halves: no BigInt per element (torch.save and safetensors share it).
 */

export const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [LO, HI] = hostLittleEndian ? [0, 1] : [1, 0];

/** int64 values (stored as float64) as 8-byte integers. */
export function int64Bytes(src: Float64Array): Uint8Array {
  const words = new Int32Array(src.length * 2);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    const hi = Math.floor(v / 0x100000000);  // exact: the division by a power of two and the floor
    words[2 * i + LO] = v - hi * 0x100000000;  // 0 .. 2^32 - 1, wrapped to int32 by the store
    words[2 * i + HI] = hi;
  }
  return new Uint8Array(words.buffer);
}

/**
 * 64-bit integers read into a Float64Array's memory, turned into their float64 values in place.
 * Every integer up to ±2^53 is exact; beyond, only some are (2^60 is, 2^53 + 1 is not): a value
 * float64 cannot hold exactly (or, with `within53`, any beyond ±2^53) goes to `refuse` with its
 * exact value, never rounded.
 */
export function int64InPlace(a: Float64Array, signed: boolean, refuse: (index: number, exact: bigint) => never, within53 = false): void {
  const lows = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const highs = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
  for (let i = 0; i < a.length; i++) {
    const lo = lows[2 * i + LO], hi = highs[2 * i + HI];
    const v = hi * 0x100000000 + lo;  // rounded if inexact: checked below
    // within ±2^53 (the high word in [-2^21, 2^21)) every integer is exact: one compare
    if ((hi + 0x200000) >>> 0 >= 0x400000) {
      const h = Math.floor(v / 0x100000000);
      if ((hi < 0 && !signed) || h !== hi || v - h * 0x100000000 !== lo || (within53 && v !== 2 ** 53)) {
        refuse(i, (signed ? BigInt(hi) : BigInt(hi >>> 0)) * 0x100000000n + BigInt(lo));
      }
    }
    a[i] = v;
  }
}
