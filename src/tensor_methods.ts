/**
 * Signatures of the Tensor methods that have no torch.* function of the same form (views by
 * size, in-place ops, autograd entry points, conversions). The other methods use the torch.*
 * function's signature, with the tensor as `input`.
 */
import type { Tensor } from './tensor.js';
import type { Generator } from './random/generator.js';
import type { DTypeLike } from './dtype.js';
import type { Scalar, TensorOrScalar } from './ops/util.js';
import { pyfn } from './python.js';
import { Size } from './shape.js';
import { checkDevice, type DeviceLike } from './device.js';
import { tensorTypeName, dtypeOfTypeName } from './dtype.js';
import * as V from './ops/view.js';
import * as J from './ops/join.js';
import * as B from './ops/binary.js';
import * as P from './ops/inplace.js';
import * as C from './ops/convert.js';
import * as U from './ops/unary.js';
import * as A from './autograd/api.js';
import * as AI from './ops/advanced_index.js';
import * as X from './ops/scatter.js';
import * as Cu from './ops/cumulative.js';
import * as Tr from './ops/triangle.js';
import * as Rd from './ops/rounding.js';
import * as Ro from './ops/reorder.js';

const method = { method: true };
type Opt<T> = T | null | undefined;

export const view = pyfn('view(Tensor input, SymInt... size)', (x: Tensor, size: readonly number[]) => V.view(x, size), method);
export const view_as = pyfn('view_as(Tensor input, Tensor other)', (x: Tensor, other: Tensor) => V.view(x, [other.shape]), method);
export const reshape = pyfn('reshape(Tensor input, SymInt... shape)', (x: Tensor, shape: readonly number[]) => V.reshape(x, shape), method);
export const reshape_as = pyfn('reshape_as(Tensor input, Tensor other)', (x: Tensor, other: Tensor) => V.reshape(x, [other.shape]), method);
export const permute = pyfn('permute(Tensor input, int... dims)', (x: Tensor, dims: readonly number[]) => V.permute(x, dims), method);
export const expand = pyfn('expand(Tensor input, SymInt... size)', (x: Tensor, size: readonly number[]) => V.expand(x, size), method);
export const expand_as = pyfn('expand_as(Tensor input, Tensor other)', (x: Tensor, other: Tensor) => V.expand(x, other.shape), method);
export const repeat = pyfn('repeat(Tensor input, SymInt... repeats)', (x: Tensor, repeats: readonly number[]) => J.repeat(x, repeats), method);
export const split = pyfn('split(Tensor input, int[1] split_size, int dim=0)', (x: Tensor, size: number | readonly number[], dim: number) => J.split(x, size, dim), method);
export const where = pyfn('where(Tensor input, Tensor condition, Tensor|Number other)', (x: Tensor, condition: Tensor, other: TensorOrScalar) => B.where(condition, x, other), method);

// PyTorch's three forms: to(device, dtype), to(dtype), to(other); the device can only be the CPU
const TO_FORMS = ['Device? device=None, ScalarType? dtype=None', 'ScalarType dtype', 'Tensor other'];
export const to = pyfn(TO_FORMS.map((f) => `to(Tensor input, ${f}, bool non_blocking=False, bool copy=False)`),
  (x: Tensor, device: Opt<DeviceLike>, dtype: Opt<DTypeLike>, non_blocking: boolean, copy: boolean, other: Tensor | undefined) => {
    void non_blocking; // there is no device to copy to asynchronously
    if (device !== null && device !== undefined) checkDevice(device);
    const y = C.to(x, other ? other.dtype : dtype ?? x.dtype);
    return copy && y === x ? C.clone(x) : y;
  }, method);
/** Module.to's arguments, parsed as Tensor.to's (PyTorch's torch._C._nn._parse_to): the dtype asked for, if any. */
export const parseTo = pyfn(TO_FORMS.map((f) => `to(${f}, bool non_blocking=False, bool copy=False)`),
  (device: Opt<DeviceLike>, dtype: Opt<DTypeLike>, non_blocking: boolean, copy: boolean, other: Tensor | undefined) => {
    void non_blocking;
    void copy;
    if (device !== null && device !== undefined) checkDevice(device);
    return other ? other.dtype : dtype ?? null;
  }) as unknown as (...a: unknown[]) => DTypeLike | null;
// type() names the tensor type; type(dtype) converts, also from a type name ('torch.DoubleTensor')
export const type = pyfn(['type(Tensor input)', 'type(Tensor input, Any dtype, bool non_blocking=False)'], (x: Tensor, dtype: DTypeLike | string | undefined) =>
  dtype === undefined ? tensorTypeName(x.dtype) : C.to(x, typeof dtype === 'string' && dtype.startsWith('torch.') ? dtypeOfTypeName(dtype) : dtype as DTypeLike), method);
export const index_put_ = pyfn('index_put_(Tensor input, Tensor?[] indices, Tensor values, bool accumulate=False)',
  (x: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean) => AI.index_put_(x, indices, values, accumulate), method);
export const size = pyfn('size(Tensor input, int? dim=None)', (x: Tensor, dim: Opt<number>) => (dim === null || dim === undefined ? Size.from(x.shape) : x.shape[V.dimOf(x, dim)]), method);
export const stride = pyfn('stride(Tensor input, int? dim=None)', (x: Tensor, dim: Opt<number>) => (dim === null || dim === undefined ? x._strides.slice() : x._strides[V.dimOf(x, dim)]), method);
// inputs: a Tensor or a list of them, checked by backward with PyTorch's messages
export const backward = pyfn('backward(Tensor input, Tensor? gradient=None, bool? retain_graph=None, bool create_graph=False, Any? inputs=None)',
  (x: Tensor, gradient: Opt<Tensor>, retain_graph: Opt<boolean>, create_graph: boolean, inputs: unknown) =>
    A.backward(x, gradient, { retain_graph: retain_graph ?? undefined, create_graph, inputs: (inputs ?? undefined) as Tensor | Tensor[] | undefined }), method);
export const requires_grad_ = pyfn('requires_grad_(Tensor input, bool requires_grad=True)', (x: Tensor, requires_grad: boolean) => {
  A.setRequiresGrad(x, requires_grad, 'method');
  return x;
}, method);

// ---- in place ---------------------------------------------------------------------------------------

export const add_ = pyfn('add_(Tensor input, Tensor|Number other, Scalar alpha=1)', (x: Tensor, other: TensorOrScalar, alpha: Scalar) => P.binary_(x, 'add', other, alpha), method);
export const sub_ = pyfn('sub_(Tensor input, Tensor|Number other, Scalar alpha=1)', (x: Tensor, other: TensorOrScalar, alpha: Scalar) => P.binary_(x, 'sub', other, alpha), method);
export const mul_ = pyfn('mul_(Tensor input, Tensor|Number other)', (x: Tensor, other: TensorOrScalar) => P.binary_(x, 'mul', other), method);
export const div_ = pyfn('div_(Tensor input, Tensor|Number other)', (x: Tensor, other: TensorOrScalar) => P.binary_(x, 'div', other), method);
export const pow_ = pyfn('pow_(Tensor input, Tensor|Number exponent)', (x: Tensor, exponent: TensorOrScalar) => P.binary_(x, 'pow', exponent), method);
export const addcmul_ = pyfn('addcmul_(Tensor input, Tensor tensor1, Tensor tensor2, Scalar value=1)', (x: Tensor, t1: Tensor, t2: Tensor, value: Scalar) => P.addcmul_(x, t1, t2, value), method);
export const addcdiv_ = pyfn('addcdiv_(Tensor input, Tensor tensor1, Tensor tensor2, Scalar value=1)', (x: Tensor, t1: Tensor, t2: Tensor, value: Scalar) => P.addcdiv_(x, t1, t2, value), method);
export const clamp_ = pyfn('clamp_(Tensor input, Scalar? min=None, Scalar? max=None)', (x: Tensor, min: Opt<Scalar>, max: Opt<Scalar>) => P.inplace(x, (s) => U.clamp(s, min, max)), method);
export const masked_fill_ = pyfn('masked_fill_(Tensor input, Tensor mask, Tensor|Number value)', (x: Tensor, mask: Tensor, value: TensorOrScalar) => P.inplace(x, (s) => B.masked_fill(s, mask, value)), method);
export const fill_ = pyfn('fill_(Tensor input, Tensor|Number value)', (x: Tensor, value: TensorOrScalar) => P.fill_(x, value), method);
export const copy_ = pyfn('copy_(Tensor input, Tensor src, bool non_blocking=False)', (x: Tensor, src: Tensor, non_blocking: boolean) => {
  void non_blocking; // copies are synchronous
  return P.copy_(x, src);
}, method);
export const uniform_ = pyfn('uniform_(Tensor input, float from=0, float to=1, *, Generator? generator=None)',
  (x: Tensor, from: number, to: number, generator: Opt<Generator>) => P.uniform_(x, from, to, generator), method);
export const normal_ = pyfn('normal_(Tensor input, float mean=0, float std=1, *, Generator? generator=None)',
  (x: Tensor, mean: number, std: number, generator: Opt<Generator>) => P.normal_(x, mean, std, generator), method);
export const bernoulli_ = pyfn('bernoulli_(Tensor input, Tensor|Number p=0.5, *, Generator? generator=None)',
  (x: Tensor, p: Tensor | number, generator: Opt<Generator>) => P.bernoulli_(x, p, generator), method);


// ---- scatter/index, cumulative and triangle ops in place --------------------------------------------

/** Tensor.scatter_(dim, index, src or value, *, reduce=None). */
interface Scatter_ {
  (input: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, opts?: { reduce?: string | null }): Tensor;
  (input: Tensor, dim: number, index: Tensor, opts: ({ src: Tensor } | { value: Scalar }) & { reduce?: string | null }): Tensor;
}
export const scatter_ = pyfn(['Tensor src', 'Scalar value'].map((a) => `scatter_(Tensor input, int dim, Tensor index, ${a}, *, str? reduce=None)`),
  (x: Tensor, dim: number, index: Tensor, src: Tensor | undefined, reduce: Opt<string>, value: Scalar | undefined) => X.scatter_(x, dim, index, src ?? (value as Scalar), reduce ?? null), method) as unknown as Scatter_;
export const scatter_add_ = pyfn('scatter_add_(Tensor input, int dim, Tensor index, Tensor src)', X.scatter_add_, method);
export const index_add_ = pyfn('index_add_(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1)', X.index_add_, method);
export const index_copy_ = pyfn('index_copy_(Tensor input, int dim, Tensor index, Tensor source)', X.index_copy_, method);
export const index_fill_ = pyfn('index_fill_(Tensor input, int dim, Tensor index, Tensor|Number value)', X.index_fill_, method);
export const masked_scatter_ = pyfn('masked_scatter_(Tensor input, Tensor mask, Tensor source)', X.masked_scatter_, method);
export const cumsum_ = pyfn('cumsum_(Tensor input, int dim, *, ScalarType? dtype=None)', (x: Tensor, dim: number, dtype: Opt<DTypeLike>) => Cu.cumsum_(x, dim, dtype), method);
export const cumprod_ = pyfn('cumprod_(Tensor input, int dim, *, ScalarType? dtype=None)', (x: Tensor, dim: number, dtype: Opt<DTypeLike>) => Cu.cumprod_(x, dim, dtype), method);
export const tril_ = pyfn('tril_(Tensor input, int diagonal=0)', Tr.tril_, method);
export const triu_ = pyfn('triu_(Tensor input, int diagonal=0)', Tr.triu_, method);

// ---- masks, rounding division and reordering -----------------------------------------------------

export const flip = pyfn('flip(Tensor input, int... dims)', (x: Tensor, dims: readonly number[]) => Ro.flip(x, dims), method);
export const tile = pyfn('tile(Tensor input, int... dims)', Ro.tile, method);
export const floor_divide_ = pyfn('floor_divide_(Tensor input, Tensor|Number other)', (x: Tensor, other: TensorOrScalar) => P.inplace(x, (s) => Rd.floor_divide(s, other), [other]), method);
export const remainder_ = pyfn('remainder_(Tensor input, Tensor|Number other)', (x: Tensor, other: TensorOrScalar) => P.inplace(x, (s) => Rd.remainder(s, other), [other]), method);
export const fmod_ = pyfn('fmod_(Tensor input, Tensor|Number other)', (x: Tensor, other: TensorOrScalar) => P.inplace(x, (s) => Rd.fmod(s, other), [other]), method);
