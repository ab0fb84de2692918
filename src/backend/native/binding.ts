/**
 * The native addon's surface, and the only place that loads the binary. Nothing else touches the
 * raw binding. Loading never throws: it returns the binding or the reasons it could not load.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Must equal kAbiVersion in native/binding/addon.cpp; a binary with another value is stale. */
export const ABI_VERSION = 9;

export interface NativeInfo {
  abi: number;
  isa: 'avx512' | 'avx2' | 'neon' | 'scalar';
  available: string;
  isaError: string | null;
}

/**
 * Pre-packed GEMM operand: an opaque object owning native memory. Repacked in place through
 * packB's `reuse`; each environment keeps at most 512 MiB of them (KINDLING_PACKED_BUDGET_MB; the
 * least recently used are emptied, and gemm reports it); the garbage collector frees the rest.
 */
export interface PackedB {
  readonly __packedB: unique symbol;
}

/**
 * A compiled forward (planCreate's result): an opaque object owning the plan's code, its packed
 * weights and bias copies (native memory, reported to V8; freed by the garbage collector, while
 * runs in flight keep what they read). Its arena slots live per OS thread, grown to the largest
 * batch seen and kept.
 */
export interface NativePlan {
  readonly __nativePlan: unique symbol;
}

export interface NativeBinding {
  abiVersion: number;
  info(): NativeInfo;
  /**
   * dims: [transA, transB, M, N, K, lda, ldb, ldc, aOffset, bOffset, cOffset, alpha, beta, epilogue, batch, strideA, strideB, strideC].
   * Returns whether `packed` was used (false when none was given, or it was evicted).
   */
  gemm(A: Float32Array, B: Float32Array, C: Float32Array, bias: Float32Array | null, dims: Float64Array, packed?: PackedB | null): boolean;
  /**
   * Packs op(B) as `dims` describes it (transB, N, K, ldb, bOffset; batch 1) for later gemm calls with the same layout.
   * With `reuse` (an earlier result), packs into it (in its buffer when the size matches) and returns it.
   */
  packB(B: Float32Array, dims: Float64Array, reuse?: PackedB | null): PackedB;
  /** The op table of native/kernels/activation/unary_ops.def: each native unary op's name (a JS UnaryOp) and code. */
  unaryOps: Readonly<Record<string, number>>;
  /** The ops a GEMM applies as its epilogue (dims[13] = the op's code, -1 for none). */
  epilogueOps: readonly string[];
  /** The ops with a gradient kernel, and the saved tensor it reads. */
  unaryGradOps: Readonly<Record<string, 'input' | 'output'>>;
  unary(op: number, x: Float32Array, out: Float32Array, param: number): void;
  unaryGrad(op: number, x: Float32Array, g: Float32Array, out: Float32Array, param: number): void;
  clamp(x: Float32Array, out: Float32Array, lo: number, hi: number): void;
  /**
   * out = a op b over a broadcast shape, out contiguous (op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum).
   * dims: [nd, aOffset, bOffset, shape[nd], aStrides[nd], bStrides[nd]] in elements, nd <= 6, strides >= 0.
   */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Float64Array): void;
  /**
   * Reduces contiguous x [outer, size, inner] over its middle dim into out [outer, inner] (op: 0 sum, 1 max, 2 min;
   * 3 argmax, 4 argmin into a Float64Array of indices).
   */
  reduce(op: number, x: Float32Array, out: Float32Array | Float64Array, outer: number, size: number, inner: number): void;
  /**
   * A convolution's columns from x [N, C, H, W] (im2col), or added back into img (col2im).
   * dims: [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, layout (1: [C·kh·kw, N, oh·ow], 0: [N, C·kh·kw, oh·ow])].
   */
  im2col(x: Float32Array, cols: Float32Array, dims: Float64Array): void;
  col2im(cols: Float32Array, img: Float32Array, dims: Float64Array): void;
  /** Max pooling of x [P, H, W] into out [P, oh, ow], argmax indices into ind (empty: none). dims: [P, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow]. */
  maxPool2d(x: Float32Array, out: Float32Array, ind: Float64Array, dims: Float64Array): void;
  /** hyper: [lr, momentum, dampening, weight_decay, nesterov, maximize, init] */
  sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, hyper: Float64Array): void;
  /** hyper: [lr, beta1, beta2, eps, weight_decay, step_size, bias_correction2_sqrt, maximize, decoupled] */
  adamStep(param: Float32Array, grad: Float32Array, exp_avg: Float32Array, exp_avg_sq: Float32Array, max_exp_avg_sq: Float32Array | null, hyper: Float64Array): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  softmaxGrad(y: Float32Array, g: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  /**
   * Compiles a plan over slots; slot s holds batch × slots[s] floats (slots[s] >= 1), slots 0 .. externals-1 are
   * the caller's arrays (an external slot some instruction writes is an output, the others inputs), the rest arena.
   * code: instructions of 8 numbers, run in order (unused fields 0):
   * [1, in, out, w, rowsPer, K, N, epilogue] LINEAR: out = epilogue(in·Wᵀ + bias) over batch·rowsPer rows, W [N, K]
   * (weight index w), epilogue an op in epilogueOps or -1; [2, in, out, op, param, n, 0, 0] UNARY (unaryOps code);
   * [3, in, out, log, rowsPer, cols, 0, 0] SOFTMAX over rows of cols (log 0/1); [4, a, b, out, binop, n, 0, 0] BINARY
   * (0 add, 1 sub, 2 mul, 3 div); [5, in, out, n, 0, 0, 0, 0] COPY. n, rowsPer·K, ... must equal the slots' perRow.
   * in == out is allowed for UNARY, BINARY and COPY, never for LINEAR and SOFTMAX. Outputs and arena slots must be
   * written before they are read. Every check happens here (TypeError/RangeError naming the instruction and field).
   */
  planCreate(code: Float64Array, slots: Float64Array, externals: number, weights: number): NativePlan;
  /**
   * Copies W [N, K] (K, N from the LINEAR instructions using `index`) and bias [N] (or none) into the plan and packs W
   * for the GEMM. A run in flight keeps the weights it started with; otherwise they are repacked in place.
   */
  planSetWeight(plan: NativePlan, index: number, W: Float32Array, bias: Float32Array | null): void;
  /**
   * Runs the plan on this thread: arrays[s] is external slot s, exactly batch × perRow floats; outputs must not
   * share memory with any other external array. Every weight a LINEAR uses must have been set.
   */
  planRun(plan: NativePlan, arrays: Float32Array[], batch: number): void;
  /**
   * Runs the plan off the JS thread (one runner thread, FIFO; its GEMMs use the pool): inputs are copied before it
   * returns, output slots are passed as null. Resolves to the output slots' arrays in slot order (fresh memory);
   * rejects with planRun's messages when the run fails. A pending call keeps the process alive.
   */
  planRunAsync(plan: NativePlan, inputs: (Float32Array | null)[], batch: number): Promise<Float32Array[]>;
  /** Starts or stops pool threads; returns the count now in use (fewer than n when the system refuses threads). */
  setNumThreads(n: number): number;
  getNumThreads(): number;
}

export type LoadResult = { binding: NativeBinding; path: string } | { binding: null; reason: string };

/** The package root: three levels up from src/backend/native or dist/backend/native. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function loadBinding(): LoadResult {
  if (process.env.KINDLING_NATIVE_PATH === '') return { binding: null, reason: 'loading the native binary was disabled (KINDLING_NATIVE_PATH is empty)' };
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    // an explicit path (tests use it to simulate a missing or stale binary), else node-gyp-build's
    // search: build/Release in a development clone, then prebuilds/<platform>-<arch>/
    path = process.env.KINDLING_NATIVE_PATH ?? (require('node-gyp-build') as { path(dir: string): string }).path(packageRoot);
  } catch (e) {
    return { binding: null, reason: `no native binary for ${process.platform}-${process.arch} (${firstLine(e)})` };
  }
  let binding: NativeBinding;
  try {
    binding = require(path) as NativeBinding;
  } catch (e) {
    return { binding: null, reason: `the native binary at ${path} failed to load (${firstLine(e)})` };
  }
  if (binding.abiVersion !== ABI_VERSION) {
    return { binding: null, reason: `the native binary at ${path} is stale (ABI ${String(binding.abiVersion)}, this kindling needs ${ABI_VERSION}); rebuild it with npm run build:native` };
  }
  return { binding, path };
}

/**
 * Counts calls into the binary per binding function from now on, by wrapping the binding's
 * functions in place (the native backend calls them through the same object). Tests use it to
 * prove that a native run reached the native kernels; nothing calls it otherwise, so users pay
 * nothing. Returns the live counts; a second call returns the same object.
 */
export function countCalls(binding: NativeBinding): Readonly<Record<string, number>> {
  const counted = binding as unknown as Record<string, unknown> & { [callCounts]?: Record<string, number> };
  const existing = counted[callCounts];
  if (existing) return existing;
  const counts: Record<string, number> = {};
  for (const [name, f] of Object.entries(counted)) {
    // queries of the binary's state are not kernel calls
    if (typeof f !== 'function' || name === 'info' || name === 'getNumThreads' || name === 'setNumThreads') continue;
    counts[name] = 0;
    counted[name] = (...args: unknown[]): unknown => {
      counts[name]++;
      return (f as (...a: unknown[]) => unknown).apply(binding, args);
    };
  }
  counted[callCounts] = counts;
  return counts;
}
const callCounts = Symbol('callCounts');

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
