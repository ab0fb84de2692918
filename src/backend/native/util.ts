/** Helpers shared by the native backend's kernel files. */

/** Elements below which an elementwise op stays in JS (a call costs ~60-100 ns; JS does ~1 ns/element). */
export const MIN_ELEMENTWISE = 256;

/** Multiply-adds below which GEMM stays in JS. */
export const MIN_GEMM_MACS = 4096;

export const isF32 = (a: unknown): a is Float32Array => a instanceof Float32Array;
export const exact = (a: Float32Array, n: number) => (a.length === n ? a : a.subarray(0, n));

export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Whether two arrays' bytes overlap (small tensors share slab buffers without overlapping). */
export function overlaps(x: ArrayBufferView, y: ArrayBufferView): boolean {
  return x.buffer === y.buffer && x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}
