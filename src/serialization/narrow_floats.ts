/**
 * float16 and bfloat16, which kindling has no dtype for: files that hold them (PyTorch checkpoints,
 * safetensors) load as float32, exactly (every float16 and bfloat16 value is a float32 value).
 */

/** IEEE half-precision bits to float32 values (subnormals, infinities and NaN kept). */
export function float16ToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const man = h & 0x3ff;
    if (exp === 0x1f) bits[i] = sign | 0x7f800000 | (man << 13);
    else if (exp !== 0) bits[i] = sign | ((exp + 112) << 23) | (man << 13);
    else dst[i] = (sign ? -1 : 1) * man * 2 ** -24; // zero or subnormal
  }
  return dst;
}

/** bfloat16 bits are a float32's upper half. */
export function bfloat16ToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return dst;
}
