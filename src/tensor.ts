/**
 * Tensor: a typed-array storage seen through shape, strides and an offset, so views are free.
 * Methods are thin: each forwards to the op of the same name in src/ops, where the forward
 * (through the backend's kernels) and the backward live side by side.
 */
import type { DataArray } from './backend/contract.js';
import { DType, DTypeLike } from './dtype.js';
import { AccumulateGrad, Node } from './autograd/node.js';
import { contiguousStrides, numelOf } from './shape.js';
import { formatTensor } from './format.js';
import * as U from './ops/unary.js';
import * as B from './ops/binary.js';
import * as R from './ops/reduce.js';
import * as L from './ops/linalg.js';
import * as V from './ops/view.js';
import * as J from './ops/join.js';
import * as I from './ops/indexing.js';
import * as P from './ops/inplace.js';
import * as C from './ops/convert.js';
import * as Act from './ops/activation.js';
import * as A from './autograd/api.js';
import { own } from './memory.js';
import type { Scalar, TensorOrScalar, DimArg } from './ops/util.js';

/** The memory behind a tensor and its views; the version counts in-place writes (shared by views). */
export class Storage {
  version = 0;
  /**
   * True once JS code outside kindling can write this memory without bumping the version
   * (frombuffer, a zero-copy toTypedArray()): caches keyed on the version (pre-packed weights)
   * then never trust it.
   */
  shared = false;
  private _data!: DataArray;
  private _length = 0;
  constructor(data: DataArray) {
    this.data = data;
  }
  /**
   * The memory. A typed array's length drops to 0 when user code detaches its buffer (postMessage
   * of toTypedArray()'s buffer) or shrinks a resizable buffer under a frombuffer tensor; reading it
   * then would give undefined and NaN, so every access checks first.
   */
  get data(): DataArray {
    const d = this._data;
    if (d.length !== this._length) throw new TypeError("the tensor's memory is no longer accessible: its ArrayBuffer was detached (transferred) or resized smaller");
    return d;
  }
  set data(d: DataArray) {
    this._data = d;
    this._length = d.length;
  }
}

export type NestedArray = number | boolean | bigint | NestedArray[];
export type ReduceResult = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

export class Tensor {
  readonly shape: readonly number[];
  readonly _strides: readonly number[];
  readonly _offset: number;
  readonly _storage: Storage;
  readonly dtype: DType;
  grad: Tensor | null = null;
  grad_fn: Node | null = null;
  /** The tensor this one is a view of (for in-place checks); null for a tensor owning its storage. */
  _base: Tensor | null = null;
  private _requires_grad = false;
  private _accum: AccumulateGrad | null = null;

  constructor(storage: Storage | DataArray, shape: readonly number[], dtype: DType, strides?: readonly number[], offset = 0) {
    this._storage = storage instanceof Storage ? storage : new Storage(storage);
    this.shape = shape;
    this.dtype = dtype;
    this._strides = strides ?? contiguousStrides(shape);
    this._offset = offset;
  }

  // ---- metadata -------------------------------------------------------------------------------

  get requires_grad(): boolean {
    return this._requires_grad;
  }
  set requires_grad(v: boolean) {
    A.setRequiresGrad(this, v);
  }
  /** Internal: sets the flag with no checks (ops and autograd use it). */
  _setRequiresGrad(v: boolean): void {
    this._requires_grad = v;
  }
  _setGradFn(node: Node | null): void {
    this.grad_fn = node;
    if (node) this._requires_grad = true;
  }
  /** Points this tensor at other's memory and geometry (Module.to(dtype) keeps Parameter identity). */
  _setData(other: Tensor): void {
    const self = this as { -readonly [K in keyof Tensor]: Tensor[K] };
    self._storage = other._storage;
    self.shape = other.shape;
    self._strides = other._strides;
    self._offset = other._offset;
    self.dtype = other.dtype;
  }
  /** The node that receives this leaf's gradient (one per leaf, kept so graphs share it). */
  _accumulator(): AccumulateGrad {
    if (!this._accum) this._accum = new AccumulateGrad(this);
    return this._accum;
  }
  get is_leaf(): boolean {
    return this.grad_fn === null;
  }
  get _version(): number {
    return this._storage.version;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get device(): string {
    return 'cpu';
  }
  get is_cuda(): boolean {
    return false;
  }
  is_floating_point(): boolean {
    return this.dtype.is_floating_point;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numelOf(this.shape);
  }
  nelement(): number {
    return this.numel();
  }
  element_size(): number {
    return this.dtype.itemsize;
  }
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    return dim === undefined ? this.shape.slice() : this.shape[V.dimOf(this, dim)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    return dim === undefined ? this._strides.slice() : this._strides[V.dimOf(this, dim)];
  }
  storage_offset(): number {
    return this._offset;
  }
  is_contiguous(): boolean {
    return V.isContiguous(this);
  }

  // ---- read-out -------------------------------------------------------------------------------

  /**
   * The value of a one-element tensor: a number, or a boolean for a bool tensor. Typed as number
   * by default; write `t.item<boolean>()` for bool tensors.
   */
  item<T extends number | boolean = number>(): T {
    return C.item(this) as T;
  }
  tolist(): NestedArray {
    return C.tolist(this);
  }
  /**
   * The elements as a contiguous typed array in row-major order: zero-copy (a view sharing this
   * tensor's memory) when the tensor is contiguous, a fresh copy otherwise.
   */
  toTypedArray(): DataArray {
    // small tensors live in shared slabs: give this one its own buffer before exposing it, so that
    // user code (transferring the buffer to a worker, say) never sees or detaches other tensors
    this._storage.data = own(this._storage.data);
    const d = C.contiguousData(this);
    if (d.buffer === this._storage.data.buffer) this._storage.shared = true;
    return d;
  }
  toString(): string {
    return formatTensor(C.contiguousData(this), this.shape, this.dtype, { requires_grad: this.requires_grad, grad_fn: this.grad_fn?.name() ?? null });
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- autograd -------------------------------------------------------------------------------

  backward(gradient?: Tensor | null | A.BackwardOptions, opts?: A.BackwardOptions): void {
    A.backward(this, gradient, opts);
  }
  requires_grad_(requires_grad = true): this {
    this.requires_grad = requires_grad;
    return this;
  }
  retain_grad(): void {
    A.retainGrad(this);
  }
  detach(): Tensor {
    return C.detach(this);
  }
  detach_(): this {
    return C.detach_(this);
  }
  /** PyTorch's `.data`: the same memory, detached from the graph. */
  get data(): Tensor {
    return C.detach(this);
  }

  // ---- conversion -----------------------------------------------------------------------------

  to(dtype: DTypeLike | { dtype?: DTypeLike }): Tensor {
    return C.to(this, dtype);
  }
  type(dtype: DTypeLike): Tensor {
    return C.to(this, dtype);
  }
  float(): Tensor {
    return C.to(this, 'float32');
  }
  double(): Tensor {
    return C.to(this, 'float64');
  }
  long(): Tensor {
    return C.to(this, 'int64');
  }
  bool(): Tensor {
    return C.to(this, 'bool');
  }
  clone(): Tensor {
    return C.clone(this);
  }
  contiguous(): Tensor {
    return V.contiguous(this);
  }
  cpu(): Tensor {
    return this;
  }

  // ---- views ----------------------------------------------------------------------------------

  view(...shape: (number | number[])[]): Tensor {
    return V.view(this, shape);
  }
  view_as(other: Tensor): Tensor {
    return V.view(this, [other.shape as number[]]);
  }
  reshape(...shape: (number | number[])[]): Tensor {
    return V.reshape(this, shape);
  }
  reshape_as(other: Tensor): Tensor {
    return V.reshape(this, [other.shape as number[]]);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  swapaxes(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return V.t(this);
  }
  get T(): Tensor {
    return V.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i));
  }
  get mT(): Tensor {
    return V.transpose(this, -2, -1);
  }
  permute(...dims: (number | number[])[]): Tensor {
    return V.permute(this, V.flatArgs(dims));
  }
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  squeeze(dim?: number | number[]): Tensor {
    return V.squeeze(this, dim);
  }
  expand(...sizes: (number | number[])[]): Tensor {
    return V.expand(this, V.flatArgs(sizes));
  }
  expand_as(other: Tensor): Tensor {
    return V.expand(this, other.shape as number[]);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  flatten(start_dim = 0, end_dim = -1): Tensor {
    return V.flatten(this, start_dim, end_dim);
  }
  unflatten(dim: number, sizes: number[]): Tensor {
    return V.unflatten(this, dim, sizes);
  }

  // ---- elementwise unary ----------------------------------------------------------------------

  neg(): Tensor { return U.neg(this); }
  negative(): Tensor { return U.neg(this); }
  abs(): Tensor { return U.abs(this); }
  sign(): Tensor { return U.sign(this); }
  exp(): Tensor { return U.exp(this); }
  log(): Tensor { return U.log(this); }
  log1p(): Tensor { return U.log1p(this); }
  expm1(): Tensor { return U.expm1(this); }
  sqrt(): Tensor { return U.sqrt(this); }
  rsqrt(): Tensor { return U.rsqrt(this); }
  sin(): Tensor { return U.sin(this); }
  cos(): Tensor { return U.cos(this); }
  tanh(): Tensor { return U.tanh(this); }
  sigmoid(): Tensor { return U.sigmoid(this); }
  relu(): Tensor { return U.relu(this); }
  reciprocal(): Tensor { return U.reciprocal(this); }
  floor(): Tensor { return U.floor(this); }
  ceil(): Tensor { return U.ceil(this); }
  round(): Tensor { return U.round(this); }
  trunc(): Tensor { return U.trunc(this); }
  square(): Tensor { return U.square(this); }
  erf(): Tensor { return U.erf(this); }
  logical_not(): Tensor { return U.logical_not(this); }
  clamp(min?: Scalar | null | { min?: Scalar | null; max?: Scalar | null }, max?: Scalar | null): Tensor { return U.clamp(this, min, max); }
  clip(min?: Scalar | null | { min?: Scalar | null; max?: Scalar | null }, max?: Scalar | null): Tensor { return U.clamp(this, min, max); }

  // ---- elementwise binary ---------------------------------------------------------------------

  add(other: TensorOrScalar, alpha?: Scalar | { alpha?: Scalar }): Tensor { return B.add(this, other, alpha); }
  sub(other: TensorOrScalar, alpha?: Scalar | { alpha?: Scalar }): Tensor { return B.sub(this, other, alpha); }
  subtract(other: TensorOrScalar, alpha?: Scalar | { alpha?: Scalar }): Tensor { return B.sub(this, other, alpha); }
  mul(other: TensorOrScalar): Tensor { return B.mul(this, other); }
  multiply(other: TensorOrScalar): Tensor { return B.mul(this, other); }
  div(other: TensorOrScalar, rounding_mode?: B.RoundingMode | { rounding_mode?: B.RoundingMode }): Tensor { return B.div(this, other, rounding_mode); }
  divide(other: TensorOrScalar, rounding_mode?: B.RoundingMode | { rounding_mode?: B.RoundingMode }): Tensor { return B.div(this, other, rounding_mode); }
  true_divide(other: TensorOrScalar): Tensor { return B.div(this, other); }
  pow(exponent: TensorOrScalar): Tensor { return B.pow(this, exponent); }
  maximum(other: Tensor): Tensor { return B.maximum(this, other); }
  minimum(other: Tensor): Tensor { return B.minimum(this, other); }
  eq(other: TensorOrScalar): Tensor { return B.eq(this, other); }
  ne(other: TensorOrScalar): Tensor { return B.ne(this, other); }
  lt(other: TensorOrScalar): Tensor { return B.lt(this, other); }
  le(other: TensorOrScalar): Tensor { return B.le(this, other); }
  gt(other: TensorOrScalar): Tensor { return B.gt(this, other); }
  ge(other: TensorOrScalar): Tensor { return B.ge(this, other); }
  logical_and(other: Tensor): Tensor { return B.logical_and(this, other); }
  logical_or(other: Tensor): Tensor { return B.logical_or(this, other); }
  logical_xor(other: Tensor): Tensor { return B.logical_xor(this, other); }
  where(condition: Tensor, other: TensorOrScalar): Tensor { return B.where(condition, this, other); }
  masked_fill(mask: Tensor, value: TensorOrScalar): Tensor { return B.masked_fill(this, mask, value); }
  equal(other: Tensor): boolean { return B.equal(this, other); }
  allclose(other: Tensor, rtol?: number | { rtol?: number; atol?: number; equal_nan?: boolean }, atol?: number, equal_nan?: boolean): boolean {
    return B.allclose(this, other, rtol, atol, equal_nan);
  }

  // ---- linear algebra -------------------------------------------------------------------------

  matmul(other: Tensor): Tensor { return L.matmul(this, other); }
  mm(mat2: Tensor): Tensor { return L.mm(this, mat2); }
  bmm(mat2: Tensor): Tensor { return L.bmm(this, mat2); }
  mv(vec: Tensor): Tensor { return L.mv(this, vec); }
  dot(other: Tensor): Tensor { return L.dot(this, other); }
  outer(vec2: Tensor): Tensor { return L.outer(this, vec2); }
  addmm(mat1: Tensor, mat2: Tensor, opts?: { beta?: Scalar; alpha?: Scalar }): Tensor { return L.addmm(this, mat1, mat2, opts); }

  // ---- reductions -----------------------------------------------------------------------------

  sum(dim?: DimArg | R.ReduceOpts, keepdim?: boolean | R.ReduceOpts, opts?: R.ReduceOpts): Tensor { return R.sum(this, dim, keepdim, opts); }
  mean(dim?: DimArg | R.ReduceOpts, keepdim?: boolean | R.ReduceOpts, opts?: R.ReduceOpts): Tensor { return R.mean(this, dim, keepdim, opts); }
  prod(dim?: number | R.ReduceOpts, keepdim?: boolean | R.ReduceOpts, opts?: R.ReduceOpts): Tensor { return R.prod(this, dim, keepdim, opts); }
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): ReduceResult;
  max(dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean): Tensor | ReduceResult { return R.max(this, dim, keepdim); }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): ReduceResult;
  min(dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean): Tensor | ReduceResult { return R.min(this, dim, keepdim); }
  amax(dim?: DimArg | R.ReduceOpts, keepdim?: boolean): Tensor { return R.amax(this, dim, keepdim); }
  amin(dim?: DimArg | R.ReduceOpts, keepdim?: boolean): Tensor { return R.amin(this, dim, keepdim); }
  argmax(dim?: number | null | R.ReduceOpts, keepdim?: boolean): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number | null | R.ReduceOpts, keepdim?: boolean): Tensor { return R.argmin(this, dim, keepdim); }
  var(dim?: DimArg | boolean | R.VarOpts, unbiased?: boolean | R.VarOpts, keepdim?: boolean | R.VarOpts): Tensor { return R.var_(this, dim, unbiased, keepdim); }
  std(dim?: DimArg | boolean | R.VarOpts, unbiased?: boolean | R.VarOpts, keepdim?: boolean | R.VarOpts): Tensor { return R.std(this, dim, unbiased, keepdim); }
  logsumexp(dim: DimArg | R.ReduceOpts, keepdim?: boolean): Tensor { return R.logsumexp(this, dim, keepdim); }
  norm(p?: number | 'fro' | R.NormOpts | null, dim?: DimArg | R.NormOpts, keepdim?: boolean): Tensor { return R.norm(this, p, dim, keepdim); }
  any(dim?: number | R.ReduceOpts, keepdim?: boolean): Tensor { return R.any(this, dim, keepdim); }
  all(dim?: number | R.ReduceOpts, keepdim?: boolean): Tensor { return R.all(this, dim, keepdim); }
  softmax(dim: number | { dim: number }): Tensor { return R.softmax(this, dim); }
  prelu(weight: Tensor): Tensor { return Act.prelu(this, weight); }
  hardshrink(lambd: number | { lambd?: number } = 0.5): Tensor { return Act.hardshrink(this, lambd); }
  log_softmax(dim: number | { dim: number }): Tensor { return R.log_softmax(this, dim); }

  // ---- joining and indexing -------------------------------------------------------------------

  split(split_size_or_sections: number | number[], dim = 0): Tensor[] { return J.split(this, split_size_or_sections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return J.chunk(this, chunks, dim); }
  repeat(...sizes: (number | number[])[]): Tensor { return J.repeat(this, V.flatArgs(sizes)); }
  index_select(dim: number, index: Tensor): Tensor { return I.index_select(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }

  // ---- in place -------------------------------------------------------------------------------

  add_(other: TensorOrScalar, alpha?: Scalar | { alpha?: Scalar }): this { return P.binary_(this, 'add', other, alpha); }
  sub_(other: TensorOrScalar, alpha?: Scalar | { alpha?: Scalar }): this { return P.binary_(this, 'sub', other, alpha); }
  mul_(other: TensorOrScalar): this { return P.binary_(this, 'mul', other); }
  div_(other: TensorOrScalar): this { return P.binary_(this, 'div', other); }
  pow_(exponent: TensorOrScalar): this { return P.binary_(this, 'pow', exponent); }
  addcmul_(tensor1: Tensor, tensor2: Tensor, value?: Scalar | { value?: Scalar }): this { return P.addcmul_(this, tensor1, tensor2, value); }
  addcdiv_(tensor1: Tensor, tensor2: Tensor, value?: Scalar | { value?: Scalar }): this { return P.addcdiv_(this, tensor1, tensor2, value); }
  clamp_(min?: Scalar | null | { min?: Scalar | null; max?: Scalar | null }, max?: Scalar | null): this { return P.inplace(this, (s) => U.clamp(s, min, max)); }
  neg_(): this { return P.unary_(this, 'neg', U.neg); }
  exp_(): this { return P.unary_(this, 'exp', U.exp); }
  log_(): this { return P.unary_(this, 'log', U.log); }
  sqrt_(): this { return P.unary_(this, 'sqrt', U.sqrt); }
  abs_(): this { return P.unary_(this, 'abs', U.abs); }
  relu_(): this { return P.unary_(this, 'relu', U.relu); }
  sigmoid_(): this { return P.unary_(this, 'sigmoid', U.sigmoid); }
  tanh_(): this { return P.unary_(this, 'tanh', U.tanh); }
  masked_fill_(mask: Tensor, value: TensorOrScalar): this { return P.inplace(this, (s) => B.masked_fill(s, mask, value)); }
  zero_(): this { return P.fill_(this, 0); }
  fill_(value: Scalar | Tensor): this { return P.fill_(this, value); }
  copy_(src: Tensor): this { return P.copy_(this, src); }
  uniform_(from = 0, to = 1): this { return P.uniform_(this, from, to); }
  normal_(mean = 0, std = 1): this { return P.normal_(this, mean, std); }
}
