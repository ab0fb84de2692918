/**
 * Memory for small tensors. A typed array over a fresh ArrayBuffer costs ~2-3 µs in V8 once it is
 * larger than 64 bytes (a backing store, its accounting and its finaliser), more than the math of
 * a small layer or a 32×32 product; a view into a shared slab costs ~0.15 µs. So results of 65
 * bytes to 16 KiB are carved from slabs by bumping an offset (fresh slab memory is zeroed; nothing
 * is reused). Two size classes, each with its own slab, bound what a surviving tensor can pin: up
 * to 2 KiB from 64 KiB slabs, up to 16 KiB from 256 KiB slabs (16 or more tensors per slab).
 * A slab lives while any tensor in it does. No slab buffer ever reaches user code:
 * Tensor.toTypedArray() first moves a slab-backed storage into a buffer of its own (see own()).
 */
import type { DataArray } from './backend/contract.js';
import type { DType } from './dtype.js';

// V8 keeps typed arrays up to this size inside the object itself: already cheap
const IN_HEAP = 64;

interface SizeClass {
  readonly maxBytes: number;
  readonly slabBytes: number;
  slab: ArrayBuffer | null;
  used: number;
}
const small: SizeClass = { maxBytes: 2048, slabBytes: 64 * 1024, slab: null, used: 0 };
const medium: SizeClass = { maxBytes: 16 * 1024, slabBytes: 256 * 1024, slab: null, used: 0 };
const MAX_SLAB = medium.maxBytes;

const slabs = new WeakSet<ArrayBufferLike>();

/** A zero-filled array of n elements of dtype. */
export function newArray(dtype: DType, n: number): DataArray {
  const bytes = n * dtype.itemsize;
  if (bytes <= IN_HEAP || bytes > MAX_SLAB) return new dtype.Array(n);
  const c = bytes <= small.maxBytes ? small : medium;
  if (c.slab === null || c.used + bytes > c.slabBytes) {
    c.slab = new ArrayBuffer(c.slabBytes);
    slabs.add(c.slab);
    c.used = 0;
  }
  const a = new dtype.Array(c.slab, c.used, n);
  c.used += (bytes + 15) & ~15;  // 16-byte alignment, as V8's own buffers
  return a;
}

/**
 * An array of n elements whose contents are unspecified, for results a kernel overwrites entirely.
 * Above the slab sizes V8's zero-filled allocation costs far more than the kernels it feeds (a
 * fresh 400 KB Float32Array ~70 µs, uninitialised ~16 µs); Node hands out uninitialised memory.
 */
export function newArrayForOverwrite(dtype: DType, n: number): DataArray {
  const bytes = n * dtype.itemsize;
  if (bytes <= MAX_SLAB) return newArray(dtype, n);
  return new dtype.Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, n);
}

/** The array itself if it owns its buffer's memory alone, else a copy that does. */
export function own<T extends DataArray>(a: T): T {
  return slabs.has(a.buffer) ? (a.slice() as T) : a;
}
