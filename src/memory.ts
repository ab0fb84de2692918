/**
 * Memory for small tensors. A typed array over a fresh ArrayBuffer costs ~2-3 µs in V8 once it is
 * larger than 64 bytes (a backing store, its accounting and its finaliser), more than the math of
 * a small layer or a 32×32 product; a view into a shared slab costs ~0.15 µs. So results of 65
 * bytes to 16 KiB are carved from slabs by bumping an offset (fresh slab memory is zeroed; nothing
 * is reused). Two size classes, each with its own slab, bound what a surviving tensor can pin: up
 * to 2 KiB from 64 KiB slabs, up to 16 KiB from 256 KiB slabs (16 or more tensors per slab).
 * A slab lives while any tensor in it does. No slab buffer ever reaches user code:
 * Tensor.toTypedArray() first moves a slab-backed storage into a buffer of its own (see own()).
 * Larger results get a buffer of their own, taken first from the buffers the engine gave back
 * (reclaim, below): docs/memory.md measures why.
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
  if (bytes <= IN_HEAP) return new dtype.Array(n);
  if (bytes > MAX_SLAB) return large(dtype, n, bytes).fill(0);
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
 * A buffer of the same size that the engine gave back (reclaim) comes first: it is still mapped
 * and likely in cache, where a fresh one is neither (docs/memory.md).
 */
export function newArrayForOverwrite(dtype: DType, n: number): DataArray {
  const bytes = n * dtype.itemsize;
  if (bytes <= MAX_SLAB) return newArray(dtype, n);
  return large(dtype, n, bytes);
}

function large(dtype: DType, n: number, bytes: number): DataArray {
  const kept = pool.get(bytes);
  let buf: ArrayBuffer;
  if (kept !== undefined && kept.length > 0) {
    buf = kept.pop()!;
    pooledBytes -= bytes;
    counts.reused += bytes;
  } else {
    buf = fresh(bytes);
    counts.fresh += bytes;
  }
  const a = new dtype.Array(buf, 0, n);
  if (scope !== null) scope.push(a);
  return a;
}

function fresh(bytes: number): ArrayBuffer {
  const buf = Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
  (buf as Marked)[OURS] = true;
  return buf;
}

// ---- buffers the engine knows are dead ----------------------------------------------------------
//
// JavaScript cannot tell kindling when user code drops a tensor: its memory comes back only when
// V8 collects it. But inside an operation kindling can know it: a backward pass's temporaries and
// the gradients it has consumed are seen by nothing but the engine. Those buffers come back here
// and serve the next request of the same size, most recently freed first (the warmest). Only
// whole buffers this module made are taken: never a slab, a user's buffer (frombuffer) or a view.

/**
 * Marks buffers made here (Buffer.allocUnsafeSlow), the only ones reclaim accepts: a property on
 * the buffer costs nothing measurable, where adding each to a WeakSet cost ~1 µs per result.
 */
const OURS = Symbol('kindling.pooled');
type Marked = ArrayBufferLike & { [OURS]?: true };
/** Reclaimed buffers by byte length, each list a stack. */
const pool = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;
/** Beyond this the pool lets buffers go to the garbage collector instead of keeping them. */
const POOL_LIMIT = 64 * 1024 * 1024;
/** Tests set this: a reclaimed buffer is filled with NaN, so a tensor still using one shows it. */
const poison = process.env.KINDLING_POISON_RECLAIMED === '1';

/** Whether `a` is a whole buffer this module made (so reclaim would take it). */
export function reclaimable(a: DataArray): boolean {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && (a.buffer as Marked)[OURS] === true;
}

/**
 * Gives `a`'s buffer back for reuse. The caller guarantees that no tensor, view or user reference
 * will read or write it again: the next result of its size gets this memory.
 */
export function reclaim(a: DataArray): void {
  if (!reclaimable(a)) return;
  const bytes = a.byteLength;
  if (pooledBytes + bytes > POOL_LIMIT) return;
  if (poison) new Float32Array(a.buffer).fill(NaN);
  const kept = pool.get(bytes);
  if (kept === undefined) pool.set(bytes, [a.buffer as ArrayBuffer]);
  else kept.push(a.buffer as ArrayBuffer);
  pooledBytes += bytes;
}

/** Bytes of results above the slab sizes so far: from fresh buffers, and from the pool. */
const counts = { fresh: 0, reused: 0 };
export function allocationCounts(): { fresh: number; reused: number } {
  return { ...counts };
}

/** Bytes the pool holds now (tests and docs/memory.md's measurements read it). */
export function pooledByteCount(): number {
  return pooledBytes;
}

/** Drops every kept buffer (tests start from an empty pool with it). */
export function emptyPool(): void {
  pool.clear();
  pooledBytes = 0;
}

let scope: DataArray[] | null = null;

/**
 * Runs fn, collecting every pooled-size array made meanwhile (nested scopes collect into their
 * own list only). The caller decides which of them are dead.
 */
export function collectAllocations<T>(fn: () => T): [T, DataArray[]] {
  const outer = scope;
  const made: DataArray[] = [];
  scope = made;
  try {
    return [fn(), made];
  } finally {
    scope = outer;
  }
}

/** The array itself if it owns its buffer's memory alone, else a copy that does. */
export function own<T extends DataArray>(a: T): T {
  return slabs.has(a.buffer) ? (a.slice() as T) : a;
}
