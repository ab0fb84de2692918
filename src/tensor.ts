/**
 * Tensor: a typed-array storage seen through shape, strides and an offset, so views are free.
 * Methods are thin: each forwards to the op of the same name in src/ops, where the forward
 * (through the backend's kernels) and the backward live side by side.
 */
import type { DataArray } from './backend/contract.js';
import { DType, DTypeLike, get_default_dtype } from './dtype.js';
import { legacyParts } from './ops/creation.js';
import { AccumulateGrad, Node } from './autograd/node.js';
import { contiguousStrides, numelOf, toSize } from './shape.js';
import { formatTensor } from './format.js';
import * as U from './ops/unary.js';
import * as V from './ops/view.js';
import * as P from './ops/inplace.js';
import * as C from './ops/convert.js';
import * as A from './autograd/api.js';
import * as T from './torch_functions.js';
import * as M from './tensor_methods.js';
import { METHOD, pyType, type MethodArgs } from './python.js';
import { checkDevice, cpu as cpuDevice, type Device, type DeviceLike } from './device.js';
import { own, reclaim } from './memory.js';
import { traceHook } from './inference/hook.js';
import type { DimArg, TensorOrScalar } from './ops/util.js';
import * as AI from './ops/advanced_index.js';
import type { IndexItem } from './ops/index_items.js';

/** Methods hand self and their arguments, call form and all, to the signature-checked function's method form. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = (f: unknown) => (f as { [METHOD]: (...args: unknown[]) => any })[METHOD];

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
  grad_fn: Node | null = null;
  private _gradValue: Tensor | null = null;
  /**
   * Whether code outside the engine and the fused optimizers may hold .grad's tensor: set by
   * reading or assigning `.grad`. An unseen gradient goes back to the memory pool when zero_grad
   * drops it (_dropGrad), so the next backward writes warm memory (docs/memory.md).
   */
  private _gradSeen = false;
  /** zero_grad() marked the unseen gradient as zeros without writing them (_zeroGrad). */
  private _gradZerosPending = false;
  /** The tensor this one is a view of (for in-place checks); null for a tensor owning its storage. */
  _base: Tensor | null = null;
  /** Made by detach(): a view autograd does not follow, so writing through it is allowed. */
  _detached = false;
  private _requires_grad = false;
  private _accum: AccumulateGrad | null = null;

  /** PyTorch's legacy constructor: `new torch.Tensor([-4.0])` (data), `new torch.Tensor(2, 3)` (sizes). */
  constructor(...sizes: number[]);
  constructor(data: NestedArray | ArrayLike<number> | Tensor);
  /** @internal ops make tensors over their storage this way */
  constructor(storage: Storage | DataArray, shape: readonly number[], dtype: DType, strides?: readonly number[], offset?: number);
  constructor(storage?: unknown, shape?: unknown, dtype?: unknown, strides?: unknown, offset: unknown = 0) {
    if (typeof dtype !== 'object' || dtype === null) {
      // eslint-disable-next-line prefer-rest-params -- the hot internal form must not pay for a rest array
      const p = legacyParts(get_default_dtype(), Array.from(arguments));
      ({ data: storage, shape, dtype, strides } = p);
      offset = p.offset ?? 0;
    }
    this._storage = storage instanceof Storage ? storage : new Storage(storage as DataArray);
    this.shape = toSize(shape as readonly number[]);
    this.dtype = dtype as DType;
    this._strides = (strides as readonly number[] | undefined) ?? contiguousStrides(this.shape);
    this._offset = offset as number;
    if (traceHook.active !== null) traceHook.active.created(this);
  }

  // ---- metadata ------------------------------------------------------------------------------

  get grad(): Tensor | null {
    const g = this._gradValue;
    if (g !== null) {
      this._materializeZeros();
      this._gradSeen = true;
    }
    return g;
  }
  set grad(g: Tensor | null) {
    this._gradValue = g;
    this._gradSeen = true;
    this._gradZerosPending = false;
  }
  /** Internal: .grad for the engine and the fused optimizers, which keep no reference to it. */
  _gradUnseen(): Tensor | null {
    this._materializeZeros();
    return this._gradValue;
  }
  /** Internal: the engine sets a gradient only it has made (adopted or a fresh copy). */
  _setGradUnseen(g: Tensor): void {
    this._gradValue = g;
    this._gradSeen = false;
    this._gradZerosPending = false;
  }
  /** Internal: zero_grad(set_to_none): .grad becomes null, its memory reused if nothing saw it. */
  _dropGrad(): void {
    const g = this._gradValue;
    this._gradValue = null;
    this._gradZerosPending = false;
    if (g !== null && !this._gradSeen && !g._storage.shared) reclaim(g._storage.data);
  }
  /**
   * Internal: zero_grad() with set_to_none=false, PyTorch 1.13's in-place zeroing (the gradient is
   * detached, or stops requiring grad, then zeroed). A gradient nothing outside the engine and the
   * fused optimizers has seen is only marked: the zeros are written when something reads it, and
   * the next backward, whose sum is then its own gradient, drops it instead (_gradZerosPending).
   * That saves a fill and the read half of an accumulate over every parameter, each step.
   */
  _zeroGrad(): void {
    const g = this._gradValue;
    if (g === null) return;
    if (!this._gradSeen && !g._storage.shared && g._base === null && g.grad_fn === null && !g.requires_grad) {
      this._gradZerosPending = true;
      return;
    }
    if (g.grad_fn !== null) g.detach_();
    else g.requires_grad_(false);
    g.zero_();
  }
  /** Internal, for the engine: .grad holds zeros not yet written (see _zeroGrad). */
  _gradZerosArePending(): boolean {
    return this._gradZerosPending;
  }
  private _materializeZeros(): void {
    if (!this._gradZerosPending) return;
    this._gradZerosPending = false;
    this._gradValue!.zero_();
  }

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
  get device(): Device {
    return cpuDevice;
  }
  get is_cuda(): boolean {
    return false;
  }
  /** PyTorch's device ordinal: -1 for the CPU. */
  get_device(): number {
    return -1;
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
  size(dim: number | { dim: number }): number;
  size(...a: unknown[]): number[] | number {
    return call(M.size)(this, ...a);
  }
  stride(): number[];
  stride(dim: number | { dim: number }): number;
  stride(...a: unknown[]): number[] | number {
    return call(M.stride)(this, ...a);
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

  // ---- autograd ------------------------------------------------------------------------------

  backward(...a: MethodArgs<typeof M.backward>): void {
    call(M.backward)(this, ...a);
  }
  requires_grad_(...a: MethodArgs<typeof M.requires_grad_>): this {
    return call(M.requires_grad_)(this, ...a);
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
  /** `p.data = t`: this tensor (a Parameter keeps its identity) now holds t's memory, shape and dtype. */
  set data(t: Tensor) {
    if (!(t instanceof Tensor)) throw new TypeError(`Variable data has to be a tensor, but got ${pyType(t)}`);
    this._setData(t);
  }

  // ---- conversion ----------------------------------------------------------------------------

  /** PyTorch's forms: to(dtype), to(device, dtype), to(other); the device can only be the CPU. */
  to(dtype: DTypeLike, non_blocking?: boolean, copy?: boolean): Tensor;
  to(other: Tensor, non_blocking?: boolean, copy?: boolean): Tensor;
  to(device?: DeviceLike | null, dtype?: DTypeLike | null, non_blocking?: boolean, copy?: boolean): Tensor;
  to(opts: { device?: DeviceLike | null; dtype?: DTypeLike | null; non_blocking?: boolean; copy?: boolean }): Tensor;
  to(...a: unknown[]): Tensor {
    return (call(M.to) as (self: Tensor, ...a: unknown[]) => Tensor)(this, ...a);
  }
  /** `x.type()` names the tensor type ('torch.FloatTensor'); `x.type(dtype)` converts. */
  type(): string;
  type(dtype: DTypeLike | string | { dtype: DTypeLike | string }, non_blocking?: boolean): Tensor;
  type(...a: unknown[]): Tensor | string {
    return (call(M.type) as (self: Tensor, ...a: unknown[]) => Tensor | string)(this, ...a);
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
  /** There is no CUDA: PyTorch's error for a CPU-only build. */
  cuda(): Tensor {
    return checkDevice('cuda') as never;
  }

  // ---- views ---------------------------------------------------------------------------------

  view(...a: (number | readonly number[])[]): Tensor { return call(M.view)(this, ...a); }
  view_as(...a: MethodArgs<typeof M.view_as>): Tensor { return call(M.view_as)(this, ...a); }
  reshape(...a: (number | readonly number[])[]): Tensor { return call(M.reshape)(this, ...a); }
  reshape_as(...a: MethodArgs<typeof M.reshape_as>): Tensor { return call(M.reshape_as)(this, ...a); }
  transpose(...a: MethodArgs<typeof T.transpose>): Tensor { return call(T.transpose)(this, ...a); }
  swapaxes(...a: MethodArgs<typeof T.swapaxes>): Tensor { return call(T.swapaxes)(this, ...a); }
  t(...a: MethodArgs<typeof T.t>): Tensor { return call(T.t)(this, ...a); }
  permute(...a: (number | readonly number[])[]): Tensor { return call(M.permute)(this, ...a); }
  unsqueeze(...a: MethodArgs<typeof T.unsqueeze>): Tensor { return call(T.unsqueeze)(this, ...a); }
  squeeze(...a: MethodArgs<typeof T.squeeze>): Tensor { return call(T.squeeze)(this, ...a); }
  expand(...a: (number | readonly number[])[]): Tensor { return call(M.expand)(this, ...a); }
  expand_as(...a: MethodArgs<typeof M.expand_as>): Tensor { return call(M.expand_as)(this, ...a); }
  narrow(...a: MethodArgs<typeof T.narrow>): Tensor { return call(T.narrow)(this, ...a); }
  select(...a: MethodArgs<typeof T.select>): Tensor { return call(T.select)(this, ...a); }
  flatten(...a: MethodArgs<typeof T.flatten>): Tensor { return call(T.flatten)(this, ...a); }
  unflatten(...a: MethodArgs<typeof T.unflatten>): Tensor { return call(T.unflatten)(this, ...a); }

  // ---- elementwise unary ---------------------------------------------------------------------

  neg(...a: MethodArgs<typeof T.neg>): Tensor { return call(T.neg)(this, ...a); }
  negative(...a: MethodArgs<typeof T.negative>): Tensor { return call(T.negative)(this, ...a); }
  abs(...a: MethodArgs<typeof T.abs>): Tensor { return call(T.abs)(this, ...a); }
  sign(...a: MethodArgs<typeof T.sign>): Tensor { return call(T.sign)(this, ...a); }
  exp(...a: MethodArgs<typeof T.exp>): Tensor { return call(T.exp)(this, ...a); }
  log(...a: MethodArgs<typeof T.log>): Tensor { return call(T.log)(this, ...a); }
  log1p(...a: MethodArgs<typeof T.log1p>): Tensor { return call(T.log1p)(this, ...a); }
  expm1(...a: MethodArgs<typeof T.expm1>): Tensor { return call(T.expm1)(this, ...a); }
  sqrt(...a: MethodArgs<typeof T.sqrt>): Tensor { return call(T.sqrt)(this, ...a); }
  rsqrt(...a: MethodArgs<typeof T.rsqrt>): Tensor { return call(T.rsqrt)(this, ...a); }
  sin(...a: MethodArgs<typeof T.sin>): Tensor { return call(T.sin)(this, ...a); }
  cos(...a: MethodArgs<typeof T.cos>): Tensor { return call(T.cos)(this, ...a); }
  tanh(...a: MethodArgs<typeof T.tanh>): Tensor { return call(T.tanh)(this, ...a); }
  sigmoid(...a: MethodArgs<typeof T.sigmoid>): Tensor { return call(T.sigmoid)(this, ...a); }
  relu(...a: MethodArgs<typeof T.relu>): Tensor { return call(T.relu)(this, ...a); }
  reciprocal(...a: MethodArgs<typeof T.reciprocal>): Tensor { return call(T.reciprocal)(this, ...a); }
  floor(...a: MethodArgs<typeof T.floor>): Tensor { return call(T.floor)(this, ...a); }
  ceil(...a: MethodArgs<typeof T.ceil>): Tensor { return call(T.ceil)(this, ...a); }
  round(...a: MethodArgs<typeof T.round>): Tensor { return call(T.round)(this, ...a); }
  trunc(...a: MethodArgs<typeof T.trunc>): Tensor { return call(T.trunc)(this, ...a); }
  square(...a: MethodArgs<typeof T.square>): Tensor { return call(T.square)(this, ...a); }
  erf(...a: MethodArgs<typeof T.erf>): Tensor { return call(T.erf)(this, ...a); }
  logical_not(...a: MethodArgs<typeof T.logical_not>): Tensor { return call(T.logical_not)(this, ...a); }
  clamp(...a: MethodArgs<typeof T.clamp>): Tensor { return call(T.clamp)(this, ...a); }
  clip(...a: MethodArgs<typeof T.clip>): Tensor { return call(T.clip)(this, ...a); }

  // ---- elementwise binary --------------------------------------------------------------------

  add(...a: MethodArgs<typeof T.add>): Tensor { return call(T.add)(this, ...a); }
  sub(...a: MethodArgs<typeof T.sub>): Tensor { return call(T.sub)(this, ...a); }
  subtract(...a: MethodArgs<typeof T.subtract>): Tensor { return call(T.subtract)(this, ...a); }
  mul(...a: MethodArgs<typeof T.mul>): Tensor { return call(T.mul)(this, ...a); }
  multiply(...a: MethodArgs<typeof T.multiply>): Tensor { return call(T.multiply)(this, ...a); }
  div(...a: MethodArgs<typeof T.div>): Tensor { return call(T.div)(this, ...a); }
  divide(...a: MethodArgs<typeof T.divide>): Tensor { return call(T.divide)(this, ...a); }
  true_divide(...a: MethodArgs<typeof T.true_divide>): Tensor { return call(T.true_divide)(this, ...a); }
  pow(...a: MethodArgs<typeof T.pow>): Tensor { return call(T.pow)(this, ...a); }
  maximum(...a: MethodArgs<typeof T.maximum>): Tensor { return call(T.maximum)(this, ...a); }
  minimum(...a: MethodArgs<typeof T.minimum>): Tensor { return call(T.minimum)(this, ...a); }
  eq(...a: MethodArgs<typeof T.eq>): Tensor { return call(T.eq)(this, ...a); }
  ne(...a: MethodArgs<typeof T.ne>): Tensor { return call(T.ne)(this, ...a); }
  lt(...a: MethodArgs<typeof T.lt>): Tensor { return call(T.lt)(this, ...a); }
  le(...a: MethodArgs<typeof T.le>): Tensor { return call(T.le)(this, ...a); }
  gt(...a: MethodArgs<typeof T.gt>): Tensor { return call(T.gt)(this, ...a); }
  ge(...a: MethodArgs<typeof T.ge>): Tensor { return call(T.ge)(this, ...a); }
  logical_and(...a: MethodArgs<typeof T.logical_and>): Tensor { return call(T.logical_and)(this, ...a); }
  logical_or(...a: MethodArgs<typeof T.logical_or>): Tensor { return call(T.logical_or)(this, ...a); }
  logical_xor(...a: MethodArgs<typeof T.logical_xor>): Tensor { return call(T.logical_xor)(this, ...a); }
  where(...a: MethodArgs<typeof M.where>): Tensor { return call(M.where)(this, ...a); }
  masked_fill(...a: MethodArgs<typeof T.masked_fill>): Tensor { return call(T.masked_fill)(this, ...a); }
  equal(...a: MethodArgs<typeof T.equal>): boolean { return call(T.equal)(this, ...a); }
  allclose(...a: MethodArgs<typeof T.allclose>): boolean { return call(T.allclose)(this, ...a); }

  // ---- masks, rounding division and reordering -----------------------------------------------

  isnan(...a: MethodArgs<typeof T.isnan>): Tensor { return call(T.isnan)(this, ...a); }
  isinf(...a: MethodArgs<typeof T.isinf>): Tensor { return call(T.isinf)(this, ...a); }
  isfinite(...a: MethodArgs<typeof T.isfinite>): Tensor { return call(T.isfinite)(this, ...a); }
  isposinf(...a: MethodArgs<typeof T.isposinf>): Tensor { return call(T.isposinf)(this, ...a); }
  isneginf(...a: MethodArgs<typeof T.isneginf>): Tensor { return call(T.isneginf)(this, ...a); }
  nan_to_num(...a: MethodArgs<typeof T.nan_to_num>): Tensor { return call(T.nan_to_num)(this, ...a); }
  nan_to_num_(...a: MethodArgs<typeof T.nan_to_num_>): this { return call(T.nan_to_num_)(this, ...a); }
  floor_divide(...a: MethodArgs<typeof T.floor_divide>): Tensor { return call(T.floor_divide)(this, ...a); }
  floor_divide_(...a: MethodArgs<typeof M.floor_divide_>): this { return call(M.floor_divide_)(this, ...a); }
  remainder(...a: MethodArgs<typeof T.remainder>): Tensor { return call(T.remainder)(this, ...a); }
  remainder_(...a: MethodArgs<typeof M.remainder_>): this { return call(M.remainder_)(this, ...a); }
  fmod(...a: MethodArgs<typeof T.fmod>): Tensor { return call(T.fmod)(this, ...a); }
  fmod_(...a: MethodArgs<typeof M.fmod_>): this { return call(M.fmod_)(this, ...a); }
  flip(...a: (number | readonly number[])[]): Tensor { return call(M.flip)(this, ...a); }
  fliplr(...a: MethodArgs<typeof T.fliplr>): Tensor { return call(T.fliplr)(this, ...a); }
  flipud(...a: MethodArgs<typeof T.flipud>): Tensor { return call(T.flipud)(this, ...a); }
  roll(...a: MethodArgs<typeof T.roll>): Tensor { return call(T.roll)(this, ...a); }
  repeat_interleave(repeats: Tensor | number, dim?: number | null, opts?: { output_size?: number | null }): Tensor;
  repeat_interleave(repeats: Tensor | number, opts: { dim?: number | null; output_size?: number | null }): Tensor;
  repeat_interleave(opts: { repeats: Tensor | number; dim?: number | null; output_size?: number | null }): Tensor;
  repeat_interleave(...a: unknown[]): Tensor { return call(T.repeat_interleave)(this, ...a); }
  tile(...a: (number | readonly number[])[]): Tensor { return call(M.tile)(this, ...a); }

  // ---- linear algebra ------------------------------------------------------------------------

  matmul(...a: MethodArgs<typeof T.matmul>): Tensor { return call(T.matmul)(this, ...a); }
  mm(...a: MethodArgs<typeof T.mm>): Tensor { return call(T.mm)(this, ...a); }
  bmm(...a: MethodArgs<typeof T.bmm>): Tensor { return call(T.bmm)(this, ...a); }
  mv(...a: MethodArgs<typeof T.mv>): Tensor { return call(T.mv)(this, ...a); }
  dot(...a: MethodArgs<typeof T.dot>): Tensor { return call(T.dot)(this, ...a); }
  outer(...a: MethodArgs<typeof T.outer>): Tensor { return call(T.outer)(this, ...a); }
  addmm(...a: MethodArgs<typeof T.addmm>): Tensor { return call(T.addmm)(this, ...a); }

  // ---- reductions ----------------------------------------------------------------------------

  sum(...a: MethodArgs<typeof T.sum>): Tensor { return call(T.sum)(this, ...a); }
  mean(...a: MethodArgs<typeof T.mean>): Tensor { return call(T.mean)(this, ...a); }
  prod(...a: MethodArgs<typeof T.prod>): Tensor { return call(T.prod)(this, ...a); }
  max(): Tensor;
  max(other: Tensor | { other: Tensor }): Tensor;
  max(dim: number, keepdim?: boolean | { keepdim?: boolean }): ReduceResult;
  max(opts: { dim: number; keepdim?: boolean }): ReduceResult;
  max(...a: unknown[]): Tensor | ReduceResult { return call(T.max)(this, ...a); }
  min(): Tensor;
  min(other: Tensor | { other: Tensor }): Tensor;
  min(dim: number, keepdim?: boolean | { keepdim?: boolean }): ReduceResult;
  min(opts: { dim: number; keepdim?: boolean }): ReduceResult;
  min(...a: unknown[]): Tensor | ReduceResult { return call(T.min)(this, ...a); }
  amax(...a: MethodArgs<typeof T.amax>): Tensor { return call(T.amax)(this, ...a); }
  amin(...a: MethodArgs<typeof T.amin>): Tensor { return call(T.amin)(this, ...a); }
  argmax(...a: MethodArgs<typeof T.argmax>): Tensor { return call(T.argmax)(this, ...a); }
  argmin(...a: MethodArgs<typeof T.argmin>): Tensor { return call(T.argmin)(this, ...a); }
  var(unbiased?: boolean): Tensor;
  var(dim: DimArg | null, unbiased?: boolean, keepdim?: boolean | { keepdim?: boolean }): Tensor;
  var(dim: DimArg | null, opts: { unbiased?: boolean; keepdim?: boolean } | { correction?: number | null; keepdim?: boolean }): Tensor;
  var(opts: { dim?: DimArg | null; unbiased?: boolean; keepdim?: boolean } | { dim?: DimArg | null; correction?: number | null; keepdim?: boolean }): Tensor;
  var(...a: unknown[]): Tensor { return call(T.var_)(this, ...a); }
  std(unbiased?: boolean): Tensor;
  std(dim: DimArg | null, unbiased?: boolean, keepdim?: boolean | { keepdim?: boolean }): Tensor;
  std(dim: DimArg | null, opts: { unbiased?: boolean; keepdim?: boolean } | { correction?: number | null; keepdim?: boolean }): Tensor;
  std(opts: { dim?: DimArg | null; unbiased?: boolean; keepdim?: boolean } | { dim?: DimArg | null; correction?: number | null; keepdim?: boolean }): Tensor;
  std(...a: unknown[]): Tensor { return call(T.std)(this, ...a); }
  logsumexp(...a: MethodArgs<typeof T.logsumexp>): Tensor { return call(T.logsumexp)(this, ...a); }
  norm(...a: MethodArgs<typeof T.norm>): Tensor { return call(T.norm)(this, ...a); }
  any(...a: MethodArgs<typeof T.any>): Tensor { return call(T.any)(this, ...a); }
  all(...a: MethodArgs<typeof T.all>): Tensor { return call(T.all)(this, ...a); }
  softmax(...a: MethodArgs<typeof T.softmax>): Tensor { return call(T.softmax)(this, ...a); }
  log_softmax(...a: MethodArgs<typeof T.log_softmax>): Tensor { return call(T.log_softmax)(this, ...a); }
  prelu(...a: MethodArgs<typeof T.prelu>): Tensor { return call(T.prelu)(this, ...a); }
  hardshrink(...a: MethodArgs<typeof T.hardshrink>): Tensor { return call(T.hardshrink)(this, ...a); }

  // ---- joining and indexing ------------------------------------------------------------------

  split(...a: MethodArgs<typeof M.split>): Tensor[] { return call(M.split)(this, ...a); }
  chunk(...a: MethodArgs<typeof T.chunk>): Tensor[] { return call(T.chunk)(this, ...a); }
  repeat(...a: (number | readonly number[])[]): Tensor { return call(M.repeat)(this, ...a); }
  index_select(...a: MethodArgs<typeof T.index_select>): Tensor { return call(T.index_select)(this, ...a); }
  gather(...a: MethodArgs<typeof T.gather>): Tensor { return call(T.gather)(this, ...a); }
  masked_select(...a: MethodArgs<typeof T.masked_select>): Tensor { return call(T.masked_select)(this, ...a); }
  index_put_(...a: MethodArgs<typeof M.index_put_>): this { return call(M.index_put_)(this, ...a) as this; }
  index_put(...a: MethodArgs<typeof T.index_put>): Tensor { return call(T.index_put)(this, ...a); }
  unbind(...a: MethodArgs<typeof T.unbind>): Tensor[] { return call(T.unbind)(this, ...a); }
  /**
   * Python's `x[items]`: `x.index(0)` is `x[0]`, `x.index(':, 1:3')` is `x[:, 1:3]`, `x.index('::2')`
   * is `x[::2]`, `x.index(null)` is `x[None]`, `x.index(mask)` is `x[mask]`, `x.index(rows, cols)` is
   * `x[rows, cols]` (int64 tensors or arrays of ints). Slices, integers and None give views; tensor
   * indices a new tensor. Gradients flow through every form.
   */
  index(...items: IndexItem[]): Tensor { return AI.getitem(this, items); }
  /** Python's `x[items] = value`, value last: `x.setitem(mask, 0)` is `x[mask] = 0`, `x.setitem(':', 1, v)` is `x[:, 1] = v`. */
  setitem(...args: [...IndexItem[], TensorOrScalar]): this {
    if (args.length < 2) throw new TypeError('setitem() expects the index items, then the value');
    AI.setitem(this, args.slice(0, -1) as IndexItem[], args[args.length - 1] as TensorOrScalar);
    return this;
  }


  // ---- sorting, selection, scatter/index and cumulative ops -------------------------------------

  sort(dim?: number, descending?: boolean): ReduceResult;
  sort(dim: number, opts: { descending?: boolean }): ReduceResult;
  sort(opts: { stable?: boolean | null; dim?: number; descending?: boolean }): ReduceResult;
  sort(...a: unknown[]): ReduceResult { return call(T.sort)(this, ...a); }
  argsort(dim?: number, descending?: boolean): Tensor;
  argsort(dim: number, opts: { descending?: boolean }): Tensor;
  argsort(opts: { stable?: boolean; dim?: number; descending?: boolean }): Tensor;
  argsort(...a: unknown[]): Tensor { return call(T.argsort)(this, ...a); }
  msort(...a: MethodArgs<typeof T.msort>): Tensor { return call(T.msort)(this, ...a); }
  topk(...a: MethodArgs<typeof T.topk>): ReduceResult { return call(T.topk)(this, ...a); }
  kthvalue(...a: MethodArgs<typeof T.kthvalue>): ReduceResult { return call(T.kthvalue)(this, ...a); }
  unique(sorted?: boolean): Tensor;
  unique(sorted: boolean, return_inverse: boolean, return_counts?: boolean, dim?: number | null): Tensor | Tensor[];
  unique(opts: { sorted?: boolean; return_inverse?: boolean; return_counts?: boolean; dim?: number | null }): Tensor | Tensor[];
  unique(...a: unknown[]): Tensor | Tensor[] { return call(T.unique)(this, ...a); }
  nonzero(opts?: { as_tuple?: false }): Tensor;
  nonzero(opts: { as_tuple: true }): Tensor[];
  nonzero(opts: { as_tuple?: boolean }): Tensor | Tensor[];
  nonzero(...a: unknown[]): Tensor | Tensor[] { return call(T.nonzero)(this, ...a); }
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: { reduce?: string | null }): Tensor;
  scatter(dim: number, index: Tensor, opts: ({ src: Tensor } | { value: number }) & { reduce?: string | null }): Tensor;
  scatter(...a: unknown[]): Tensor { return call(T.scatter)(this, ...a); }
  scatter_(dim: number, index: Tensor, src: Tensor | number, opts?: { reduce?: string | null }): this;
  scatter_(dim: number, index: Tensor, opts: ({ src: Tensor } | { value: number }) & { reduce?: string | null }): this;
  scatter_(...a: unknown[]): this { return call(M.scatter_)(this, ...a); }
  scatter_add(...a: MethodArgs<typeof T.scatter_add>): Tensor { return call(T.scatter_add)(this, ...a); }
  scatter_add_(...a: MethodArgs<typeof M.scatter_add_>): this { return call(M.scatter_add_)(this, ...a); }
  index_add(...a: MethodArgs<typeof T.index_add>): Tensor { return call(T.index_add)(this, ...a); }
  index_add_(...a: MethodArgs<typeof M.index_add_>): this { return call(M.index_add_)(this, ...a); }
  index_copy(...a: MethodArgs<typeof T.index_copy>): Tensor { return call(T.index_copy)(this, ...a); }
  index_copy_(...a: MethodArgs<typeof M.index_copy_>): this { return call(M.index_copy_)(this, ...a); }
  index_fill(...a: MethodArgs<typeof T.index_fill>): Tensor { return call(T.index_fill)(this, ...a); }
  index_fill_(...a: MethodArgs<typeof M.index_fill_>): this { return call(M.index_fill_)(this, ...a); }
  masked_scatter(...a: MethodArgs<typeof T.masked_scatter>): Tensor { return call(T.masked_scatter)(this, ...a); }
  masked_scatter_(...a: MethodArgs<typeof M.masked_scatter_>): this { return call(M.masked_scatter_)(this, ...a); }
  take_along_dim(...a: MethodArgs<typeof T.take_along_dim>): Tensor { return call(T.take_along_dim)(this, ...a); }
  cumsum(...a: MethodArgs<typeof T.cumsum>): Tensor { return call(T.cumsum)(this, ...a); }
  cumsum_(...a: MethodArgs<typeof M.cumsum_>): this { return call(M.cumsum_)(this, ...a); }
  cumprod(...a: MethodArgs<typeof T.cumprod>): Tensor { return call(T.cumprod)(this, ...a); }
  cumprod_(...a: MethodArgs<typeof M.cumprod_>): this { return call(M.cumprod_)(this, ...a); }
  diff(...a: MethodArgs<typeof T.diff>): Tensor { return call(T.diff)(this, ...a); }
  tril(...a: MethodArgs<typeof T.tril>): Tensor { return call(T.tril)(this, ...a); }
  tril_(...a: MethodArgs<typeof M.tril_>): this { return call(M.tril_)(this, ...a); }
  triu(...a: MethodArgs<typeof T.triu>): Tensor { return call(T.triu)(this, ...a); }
  triu_(...a: MethodArgs<typeof M.triu_>): this { return call(M.triu_)(this, ...a); }

  // ---- in place ------------------------------------------------------------------------------

  add_(...a: MethodArgs<typeof M.add_>): this { return call(M.add_)(this, ...a); }
  sub_(...a: MethodArgs<typeof M.sub_>): this { return call(M.sub_)(this, ...a); }
  mul_(...a: MethodArgs<typeof M.mul_>): this { return call(M.mul_)(this, ...a); }
  div_(...a: MethodArgs<typeof M.div_>): this { return call(M.div_)(this, ...a); }
  pow_(...a: MethodArgs<typeof M.pow_>): this { return call(M.pow_)(this, ...a); }
  addcmul_(...a: MethodArgs<typeof M.addcmul_>): this { return call(M.addcmul_)(this, ...a); }
  addcdiv_(...a: MethodArgs<typeof M.addcdiv_>): this { return call(M.addcdiv_)(this, ...a); }
  clamp_(...a: MethodArgs<typeof M.clamp_>): this { return call(M.clamp_)(this, ...a); }
  masked_fill_(...a: MethodArgs<typeof M.masked_fill_>): this { return call(M.masked_fill_)(this, ...a); }
  fill_(...a: MethodArgs<typeof M.fill_>): this { return call(M.fill_)(this, ...a); }
  copy_(...a: MethodArgs<typeof M.copy_>): this { return call(M.copy_)(this, ...a); }
  uniform_(...a: MethodArgs<typeof M.uniform_>): this { return call(M.uniform_)(this, ...a); }
  normal_(...a: MethodArgs<typeof M.normal_>): this { return call(M.normal_)(this, ...a); }
  bernoulli_(...a: MethodArgs<typeof M.bernoulli_>): this { return call(M.bernoulli_)(this, ...a); }
  neg_(): this { return P.unary_(this, 'neg', U.neg); }
  exp_(): this { return P.unary_(this, 'exp', U.exp); }
  log_(): this { return P.unary_(this, 'log', U.log); }
  sqrt_(): this { return P.unary_(this, 'sqrt', U.sqrt); }
  abs_(): this { return P.unary_(this, 'abs', U.abs); }
  relu_(): this { return P.unary_(this, 'relu', U.relu); }
  sigmoid_(): this { return P.unary_(this, 'sigmoid', U.sigmoid); }
  tanh_(): this { return P.unary_(this, 'tanh', U.tanh); }
  zero_(): this { return P.fill_(this, 0); }
}
