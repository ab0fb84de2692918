/**
 * The backend contract: the closed set of kernels every backend implements.
 *
 * Kernels see typed arrays, shapes and strides, never Tensors. Outputs are allocated by the caller
 * (in JS, so V8 owns every buffer). The JS backend implements all of it and is the reference; a
 * native backend may implement any subset, the rest falls back to JS kernel by kernel.
 * Adding a kernel: one line here, one JS implementation, optionally a native one.
 */

import type { UnaryGradOpName, UnaryOpName } from './js/unary_kernels.js';

export type FloatArray = Float32Array | Float64Array;
export type DataArray = Float32Array | Float64Array | Uint8Array;

/** The unary ops: the keys of the JS backend's kernel table (src/backend/js/unary_kernels.ts). */
export type UnaryOp = UnaryOpName;
/** The unary ops with a gradient kernel (unaryGrad). */
export type UnaryGradOp = UnaryGradOpName;

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logical_and' | 'logical_or' | 'logical_xor';

export type Cast = 'none' | 'trunc' | 'bool';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'any' | 'all';

/** A strided read-only view of an array: element i0..in at data[offset + Σ ik*strides[k]]. */
export interface Strided {
  data: DataArray;
  offset: number;
  strides: readonly number[];
}

export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  A: FloatArray;
  aOffset: number;
  lda: number;
  B: FloatArray;
  bOffset: number;
  ldb: number;
  C: FloatArray;
  cOffset: number;
  ldc: number;
  /** Batched GEMM: `batch` products; matrix b starts at offset + b*stride (stride 0 broadcasts). */
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  /** C = epilogue(alpha·op(A)·op(B) + beta·C + bias): the unary op (no parameter) over the result. */
  epilogue?: UnaryOp;
  /** N values from index 0, added to every row of every product before the epilogue. */
  bias?: FloatArray | null;
  /**
   * B is a layer's weight that will be multiplied again: `key` identifies its memory and `version`
   * changes whenever that memory is written, so a backend may keep B pre-packed in between.
   */
  bCache?: { key: object; version: number };
}

/**
 * Where a 2-D convolution reads (1-d ones are 2-d over a height of 1): image C×H×W, kernel kh×kw,
 * stride, leading padding, dilation and output size oh×ow. Windows past any edge read zeros.
 */
export interface ConvGeom {
  C: number; H: number; W: number;
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  oh: number; ow: number;
}

/**
 * A convolution's columns, row r = (c·kh + i)·kw + j, column l = y·ow + x: 'rows' is
 * [C·kh·kw, N, oh·ow] (one GEMM operand per group across the batch), 'batch' is [N, C·kh·kw, oh·ow] (F.unfold's).
 */
export type ColumnsLayout = 'rows' | 'batch';

/** A pooling window over the last two dims: kernel, stride, leading padding, dilation, output size. */
export interface PoolGeom {
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  oh: number; ow: number;
}

/** SGD's options (PyTorch 1.13's _single_tensor_sgd). */
export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** Adam's and AdamW's options and the step count (PyTorch 1.13's _single_tensor_adam / _single_tensor_adamw). */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weight_decay: number;
  /** The step being taken, from 1. */
  step: number;
  maximize: boolean;
  /** AdamW: param *= 1 − lr·weight_decay, where Adam adds weight_decay·param to the gradient. */
  decoupled: boolean;
}

export interface Backend {
  readonly name: 'js' | 'native';

  /** out[i] = op(x[i]) over n contiguous elements; `param` is the op's parameter where it has one. */
  unary(op: UnaryOp, x: DataArray, out: DataArray, n: number, param?: number): void;
  /**
   * out[i] = grad[i]·op'(·) over n contiguous elements, where `saved` holds the forward output or
   * the forward input (UNARY_KERNELS[op].saved); `param` is the op's parameter where it has one.
   */
  unaryGrad(op: UnaryGradOp, saved: DataArray, grad: DataArray, out: DataArray, n: number, param?: number): void;
  /** out[i] = min(max(x[i], lo), hi); NaN stays NaN. */
  clamp(x: DataArray, out: DataArray, n: number, lo: number, hi: number): void;
  /** out = op(a, b) with a and b already broadcast to `shape` through their strides; out contiguous. */
  binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[], param?: number): void;
  /** out = cond ? a : b, all three broadcast to `shape` through their strides; out contiguous. */
  where(cond: Strided, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void;
  /** Copy a strided view into a strided `out` of the same shape, converting: 'trunc' to int64, 'bool' to 0/1. */
  copy(x: Strided, out: Strided, shape: readonly number[], cast: Cast): void;
  /** Reduce a contiguous [outer, size, inner] array over its middle dim into out [outer, inner]. */
  reduce(op: ReduceOp, x: DataArray, out: DataArray, outer: number, size: number, inner: number): void;
  /** softmax / log_softmax of a contiguous [outer, size, inner] array along its middle dim. */
  softmax(x: FloatArray, out: FloatArray, outer: number, size: number, inner: number, log: boolean): void;
  /** Gradient of softmax / log_softmax given its output y and the upstream gradient g. */
  softmaxBackward(y: FloatArray, g: FloatArray, out: FloatArray, outer: number, size: number, inner: number, log: boolean): void;
  /** C = alpha·op(A)·op(B) + beta·C, row-major, batched (see GemmArgs). beta = 0 ignores C's contents. */
  gemm(args: GemmArgs): void;
  /**
   * Gather along the middle dim: x is contiguous [outer, size, inner], index is [outer, k, inner]
   * (or [k] when `indexIs1d`) with values in [0, size); out is [outer, k, inner].
   */
  gather(x: DataArray, index: Float64Array, out: DataArray, outer: number, size: number, inner: number, k: number, indexIs1d: boolean): void;
  /** The adjoint of gather: out[outer, index, inner] += src[outer, k, inner]; out pre-zeroed by the caller. */
  scatterAdd(src: FloatArray, index: Float64Array, out: FloatArray, outer: number, size: number, inner: number, k: number, indexIs1d: boolean): void;
  /** cols = the columns of the N images in x [N, C, H, W] (contiguous), laid out as `layout`; every entry written. */
  im2col(x: FloatArray, cols: FloatArray, N: number, g: ConvGeom, layout: ColumnsLayout): void;
  /** The adjoint of im2col: img [N, C, H, W] += each column entry at the pixel it was read from. */
  col2im(cols: FloatArray, img: FloatArray, N: number, g: ConvGeom, layout: ColumnsLayout): void;
  /**
   * Max pooling of P contiguous H×W planes into out [P, oh, ow]: a value wins when greater or NaN
   * (ties keep the first); ind, unless null, gets each window's argmax as y·W + x.
   */
  maxPool2d(x: FloatArray, out: FloatArray, ind: Float64Array | null, P: number, H: number, W: number, g: PoolGeom): void;
  /**
   * One SGD step over n contiguous elements, in place: param and `buf` (the momentum buffer, null
   * when momentum is 0) are updated; `init` fills buf with the first update direction instead of
   * reading it. All arrays have one type (Float32Array or Float64Array).
   */
  sgdStep(param: FloatArray, grad: FloatArray, buf: FloatArray | null, n: number, h: SgdHyper, init: boolean): void;
  /** One Adam/AdamW step over n contiguous elements, in place; max_exp_avg_sq is null unless amsgrad. */
  adamStep(param: FloatArray, grad: FloatArray, exp_avg: FloatArray, exp_avg_sq: FloatArray, max_exp_avg_sq: FloatArray | null, n: number, h: AdamHyper): void;
}
