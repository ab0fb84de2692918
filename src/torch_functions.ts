/**
 * The `torch.*` functions, each with its Python signature (PyTorch's, as native_functions.yaml
 * writes it, `input` for self). They accept positional arguments, a trailing options object keyed
 * by keyword, or both; the ops in src/ops receive plain positional values.
 */
import * as Dev from './device.js';
import type { DeviceLike } from './device.js';
import { Tensor, type NestedArray, type ReduceResult } from './tensor.js';
import type { DTypeLike } from './dtype.js';
import type { DimArg, Scalar, TensorOrScalar } from './ops/util.js';
import { pyfn, signatureOf, SIGNATURE } from './python.js';
import * as R from './ops/reduce.js';
import * as U from './ops/unary.js';
import * as B from './ops/binary.js';
import * as L from './ops/linalg.js';
import * as V from './ops/view.js';
import * as J from './ops/join.js';
import * as I from './ops/indexing.js';
import * as AI from './ops/advanced_index.js';
import { intoOut } from './ops/out.js';
import * as C from './ops/convert.js';
import * as P from './ops/inplace.js';
import * as A from './ops/activation.js';
import * as N from './ops/creation.js';
import { broadcastShapes } from './shape.js';
import * as D from './dtype.js';
import * as G from './autograd/grad_mode.js';
import * as Rnd from './random.js';
import * as Fmt from './format.js';
import * as Bk from './backend/index.js';
import * as S from './ops/sort.js';
import * as X from './ops/scatter.js';
import * as Cu from './ops/cumulative.js';
import * as Tr from './ops/triangle.js';
import * as E from './ops/einsum.js';
import * as Di from './ops/distance.js';
import * as Mk from './ops/masks.js';
import * as Rd from './ops/rounding.js';
import * as Ro from './ops/reorder.js';
import * as Dst from './ops/similarity.js';

type Opt<T> = T | null | undefined;

// ---- elementwise ----------------------------------------------------------------------------------

const unary = <S extends string>(spec: S, f: (x: Tensor, out: Opt<Tensor>) => Tensor) => pyfn(spec, f);
export const neg = unary('neg(Tensor input, *, Tensor? out=None)', U.neg);
export const negative = unary('negative(Tensor input, *, Tensor? out=None)', U.neg);
export const abs = unary('abs(Tensor input, *, Tensor? out=None)', U.abs);
export const sign = unary('sign(Tensor input, *, Tensor? out=None)', U.sign);
export const exp = unary('exp(Tensor input, *, Tensor? out=None)', U.exp);
export const log = unary('log(Tensor input, *, Tensor? out=None)', U.log);
export const log1p = unary('log1p(Tensor input, *, Tensor? out=None)', U.log1p);
export const expm1 = unary('expm1(Tensor input, *, Tensor? out=None)', U.expm1);
export const sqrt = unary('sqrt(Tensor input, *, Tensor? out=None)', U.sqrt);
export const rsqrt = unary('rsqrt(Tensor input, *, Tensor? out=None)', U.rsqrt);
export const sin = unary('sin(Tensor input, *, Tensor? out=None)', U.sin);
export const cos = unary('cos(Tensor input, *, Tensor? out=None)', U.cos);
export const tanh = unary('tanh(Tensor input, *, Tensor? out=None)', U.tanh);
export const sigmoid = unary('sigmoid(Tensor input, *, Tensor? out=None)', U.sigmoid);
// PyTorch's torch.relu takes no out=
export const relu = pyfn('relu(Tensor input)', U.relu);
export const reciprocal = unary('reciprocal(Tensor input, *, Tensor? out=None)', U.reciprocal);
export const floor = unary('floor(Tensor input, *, Tensor? out=None)', (x, out) => U.floor(x, out));
export const ceil = unary('ceil(Tensor input, *, Tensor? out=None)', (x, out) => U.ceil(x, out));
export const round = unary('round(Tensor input, *, Tensor? out=None)', (x, out) => U.round(x, out));
export const trunc = unary('trunc(Tensor input, *, Tensor? out=None)', (x, out) => U.trunc(x, out));
export const square = unary('square(Tensor input, *, Tensor? out=None)', U.square);
export const erf = unary('erf(Tensor input, *, Tensor? out=None)', U.erf);
export const logical_not = unary('logical_not(Tensor input, *, Tensor? out=None)', U.logical_not);
export const clamp = pyfn('clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor? out=None)', (x: Tensor, min: Opt<Scalar>, max: Opt<Scalar>, out: Opt<Tensor>) => U.clamp(x, min, max, out));
export const clip = pyfn('clip(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor? out=None)', (x: Tensor, min: Opt<Scalar>, max: Opt<Scalar>, out: Opt<Tensor>) => U.clamp(x, min, max, out, 'clip'));

// alpha, rounding_mode and value may also come positionally (PyTorch takes them by keyword only), as kindling always allowed
export const add = pyfn('add(Tensor|Number input, Tensor|Number other, Scalar alpha=1, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, alpha: Scalar, out: Opt<Tensor>) => B.add(a, b, alpha, out));
export const sub = pyfn('sub(Tensor|Number input, Tensor|Number other, Scalar alpha=1, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, alpha: Scalar, out: Opt<Tensor>) => B.sub(a, b, alpha, out));
export const subtract = pyfn('subtract(Tensor|Number input, Tensor|Number other, Scalar alpha=1, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, alpha: Scalar, out: Opt<Tensor>) => B.sub(a, b, alpha, out));
export const mul = pyfn('mul(Tensor|Number input, Tensor|Number other, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, out: Opt<Tensor>) => B.mul(a, b, out));
export const multiply = pyfn('multiply(Tensor|Number input, Tensor|Number other, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, out: Opt<Tensor>) => B.mul(a, b, out));
const divImpl = (a: TensorOrScalar, b: TensorOrScalar, rounding_mode: Opt<B.RoundingMode>, out: Opt<Tensor>) => B.div(a, b, rounding_mode ?? undefined, out);
export const div = pyfn('div(Tensor|Number input, Tensor|Number other, str? rounding_mode=None, *, Tensor? out=None)', divImpl);
export const divide = pyfn('divide(Tensor|Number input, Tensor|Number other, str? rounding_mode=None, *, Tensor? out=None)', divImpl);
export const true_divide = pyfn('true_divide(Tensor|Number input, Tensor|Number other, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, out: Opt<Tensor>) => B.div(a, b, null, out));
export const pow = pyfn('pow(Tensor|Number input, Tensor|Number exponent, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, out: Opt<Tensor>) => B.pow(a, b, out));
export const maximum = pyfn('maximum(Tensor input, Tensor other, *, Tensor? out=None)', (a: Tensor, b: Tensor, out: Opt<Tensor>) => B.maximum(a, b, out));
export const minimum = pyfn('minimum(Tensor input, Tensor other, *, Tensor? out=None)', (a: Tensor, b: Tensor, out: Opt<Tensor>) => B.minimum(a, b, out));
export const eq = pyfn('eq(Tensor input, Tensor|Number other, *, Tensor? out=None)', B.eq);
export const ne = pyfn('ne(Tensor input, Tensor|Number other, *, Tensor? out=None)', B.ne);
export const lt = pyfn('lt(Tensor input, Tensor|Number other, *, Tensor? out=None)', B.lt);
export const le = pyfn('le(Tensor input, Tensor|Number other, *, Tensor? out=None)', B.le);
export const gt = pyfn('gt(Tensor input, Tensor|Number other, *, Tensor? out=None)', B.gt);
export const ge = pyfn('ge(Tensor input, Tensor|Number other, *, Tensor? out=None)', B.ge);
export const logical_and = pyfn('logical_and(Tensor input, Tensor other, *, Tensor? out=None)', B.logical_and);
export const logical_or = pyfn('logical_or(Tensor input, Tensor other, *, Tensor? out=None)', B.logical_or);
export const logical_xor = pyfn('logical_xor(Tensor input, Tensor other, *, Tensor? out=None)', B.logical_xor);
/** where(condition, input, other), or where(condition): the indices of its nonzero elements, one tensor per dim. */
interface Where {
  (condition: Tensor): Tensor[];
  (condition: Tensor, input: TensorOrScalar, other: TensorOrScalar, opts?: { out?: Tensor | null }): Tensor;
  (condition: Tensor, opts: { input: TensorOrScalar; other: TensorOrScalar; out?: Tensor | null }): Tensor;
  (condition: Tensor, input: TensorOrScalar, opts: { other: TensorOrScalar; out?: Tensor | null }): Tensor;
}
export const where = pyfn(['where(Tensor condition)', 'where(Tensor condition, Tensor|Number input, Tensor|Number other, *, Tensor? out=None)'],
  (c: Tensor, a: TensorOrScalar | undefined, b: TensorOrScalar | undefined, out: Opt<Tensor>) => (a === undefined ? S.nonzero(c, true) : B.where(c, a, b!, out))) as unknown as Where;
export const masked_fill = pyfn('masked_fill(Tensor input, Tensor mask, Tensor|Number value)', B.masked_fill);
export const equal = pyfn('equal(Tensor input, Tensor other)', B.equal);
export const allclose = pyfn('allclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False)', B.allclose);

// ---- masks, rounding division, reordering and distances -----------------------------------------

export const isnan = pyfn('isnan(Tensor input)', Mk.isnan);
export const isinf = pyfn('isinf(Tensor input)', Mk.isinf);
export const isfinite = pyfn('isfinite(Tensor input)', Mk.isfinite);
export const isposinf = pyfn('isposinf(Tensor input, *, Tensor? out=None)', (x: Tensor, out: Opt<Tensor>) => Mk.isposinf(x, out));
export const isneginf = pyfn('isneginf(Tensor input, *, Tensor? out=None)', (x: Tensor, out: Opt<Tensor>) => Mk.isneginf(x, out));
export const nan_to_num = pyfn('nan_to_num(Tensor input, float? nan=None, float? posinf=None, float? neginf=None, *, Tensor? out=None)',
  (x: Tensor, nan: Opt<number>, posinf: Opt<number>, neginf: Opt<number>, out: Opt<Tensor>) => Mk.nan_to_num(x, nan, posinf, neginf, out));
export const nan_to_num_ = pyfn('nan_to_num_(Tensor input, float? nan=None, float? posinf=None, float? neginf=None)',
  (x: Tensor, nan: Opt<number>, posinf: Opt<number>, neginf: Opt<number>) => P.inplace(x, (s) => Mk.nan_to_num(s, nan, posinf, neginf)));
export const floor_divide = pyfn('floor_divide(Tensor|Number input, Tensor|Number other, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, out: Opt<Tensor>) => Rd.floor_divide(a, b, out));
export const remainder = pyfn('remainder(Tensor|Number input, Tensor|Number other, *, Tensor? out=None)', (a: TensorOrScalar, b: TensorOrScalar, out: Opt<Tensor>) => Rd.remainder(a, b, out));
// two forms, as PyTorch's (a scalar input then gets its "invalid combination" message)
export const fmod = pyfn(['fmod(Tensor input, Tensor other, *, Tensor? out=None)', 'fmod(Tensor input, Scalar other, *, Tensor? out=None)'],
  (a: Tensor, b: TensorOrScalar, out: Opt<Tensor>) => Rd.fmod(a, b, out));
export const flip = pyfn('flip(Tensor input, int[] dims)', Ro.flip);
export const fliplr = pyfn('fliplr(Tensor input)', Ro.fliplr);
export const flipud = pyfn('flipud(Tensor input)', Ro.flipud);
export const roll = pyfn('roll(Tensor input, int[1] shifts, int[1] dims=[])', (x: Tensor, shifts: number | readonly number[], dims: number | readonly number[]) => Ro.roll(x, shifts, dims));
/** repeat_interleave(input, repeats, dim=None, *, output_size=None), or repeat_interleave(repeats): indices repeated. */
interface RepeatInterleave {
  (repeats: Tensor, opts?: { output_size?: number | null }): Tensor;
  (input: Tensor, repeats: Tensor | number, dim?: number | null, opts?: { output_size?: number | null }): Tensor;
  (input: Tensor, repeats: Tensor | number, opts: { dim?: number | null; output_size?: number | null }): Tensor;
  (input: Tensor, opts: { repeats: Tensor | number; dim?: number | null; output_size?: number | null }): Tensor;
}
const RI = ['Tensor repeats', 'int repeats'].map((r) => `repeat_interleave(Tensor input, ${r}, int? dim=None, *, int? output_size=None)`);
export const repeat_interleave = pyfn([...RI, 'repeat_interleave(Tensor repeats, *, int? output_size=None)'],
  (x: Tensor | undefined, repeats: Tensor | number, dim: Opt<number>, output_size: Opt<number>) => Ro.repeat_interleave(x, repeats, dim, output_size)) as unknown as RepeatInterleave;
export const cosine_similarity = pyfn('cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08)', Dst.cosine_similarity);
export const pairwise_distance = pyfn('pairwise_distance(Tensor x1, Tensor x2, float p=2, float eps=1e-06, bool keepdim=False)', Dst.pairwise_distance);

// ---- linear algebra ---------------------------------------------------------------------------------

type Product = (a: Tensor, b: Tensor, out: Opt<Tensor>) => Tensor;
export const matmul = pyfn('matmul(Tensor input, Tensor other, *, Tensor? out=None)', L.matmul as Product);
export const mm = pyfn('mm(Tensor input, Tensor mat2, *, Tensor? out=None)', L.mm as Product);
export const bmm = pyfn('bmm(Tensor input, Tensor mat2, *, Tensor? out=None)', L.bmm as Product);
export const mv = pyfn('mv(Tensor input, Tensor vec, *, Tensor? out=None)', L.mv as Product);
export const dot = pyfn('dot(Tensor input, Tensor tensor, *, Tensor? out=None)', L.dot as Product);
export const outer = pyfn('outer(Tensor input, Tensor vec2, *, Tensor? out=None)', L.outer as Product);
export const addmm = pyfn('addmm(Tensor input, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1, Tensor? out=None)',
  (x: Tensor, m1: Tensor, m2: Tensor, beta: Scalar, alpha: Scalar, out: Opt<Tensor>) => L.addmm(x, m1, m2, beta, alpha, out));

// ---- joining and indexing -----------------------------------------------------------------------

export const cat = pyfn('cat(Tensor[] tensors, int dim=0, *, Tensor? out=None)', (tensors: readonly Tensor[], dim: number, out: Opt<Tensor>) => J.cat(tensors, dim, out));
export const concat = pyfn('concat(Tensor[] tensors, int dim=0, *, Tensor? out=None)', (tensors: readonly Tensor[], dim: number, out: Opt<Tensor>) => J.cat(tensors, dim, out, 'concat'));
export const stack = pyfn('stack(Tensor[] tensors, int dim=0, *, Tensor? out=None)', (tensors: readonly Tensor[], dim: number, out: Opt<Tensor>) => J.stack(tensors, dim, out));
export const split = pyfn('split(Tensor tensor, int[1] split_size_or_sections, int dim=0)', J.split);
export const chunk = pyfn('chunk(Tensor input, int chunks, int dim=0)', J.chunk);
export const index_select = pyfn('index_select(Tensor input, int dim, Tensor index, *, Tensor? out=None)', (x: Tensor, dim: number, index: Tensor, out: Opt<Tensor>) => I.index_select(x, dim, index, out));
export const gather = pyfn('gather(Tensor input, int dim, Tensor index, *, Tensor? out=None)', (x: Tensor, dim: number, index: Tensor, out: Opt<Tensor>) => I.gather(x, dim, index, out));
export const masked_select = pyfn('masked_select(Tensor input, Tensor mask, *, Tensor? out=None)', (x: Tensor, mask: Tensor, out: Opt<Tensor>) => intoOut('masked_select', out, AI.masked_select(x, mask), { inputs: [x, mask], rule: 'same' }));
export const index_put = pyfn('index_put(Tensor input, Tensor?[] indices, Tensor values, bool accumulate=False)',
  (x: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean) => AI.index_put_(C.clone(x), indices, values, accumulate));
export const unbind = pyfn('unbind(Tensor input, int dim=0)', (x: Tensor, dim: number) => {
  if (x.ndim === 0) throw new RangeError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = V.dimOf(x, dim);
  return Array.from({ length: x.shape[d] }, (_, i) => V.select(x, d, i));
});
export const tile = pyfn('tile(Tensor input, int[] dims)', Ro.tile);

// ---- activations with a torch.* form ------------------------------------------------------------

export const prelu = pyfn('prelu(Tensor input, Tensor weight)', A.prelu);
export const selu = pyfn('selu(Tensor input)', (x: Tensor) => A.selu(x, false));
export const selu_ = pyfn('selu_(Tensor input)', A.selu_);
export const celu = pyfn('celu(Tensor input, Scalar alpha=1.0)', (x: Tensor, alpha: number) => A.celu(x, alpha, false));
export const celu_ = pyfn('celu_(Tensor input, Scalar alpha=1.0)', A.celu_);
export const threshold = pyfn('threshold(Tensor input, Scalar threshold, Scalar value, *, Tensor? out=None)', (x: Tensor, t: number, v: number, out: Opt<Tensor>) => A.threshold(x, t, v, false, out));
export const threshold_ = pyfn('threshold_(Tensor input, Scalar threshold, Scalar value)', A.threshold_);
export const hardshrink = pyfn('hardshrink(Tensor input, Scalar lambd=0.5, *, Tensor? out=None)', (x: Tensor, lambd: number, out: Opt<Tensor>) => A.hardshrink(x, lambd, out));
export const relu_ = pyfn('relu_(Tensor input)', A.relu_);

// ---- reductions -----------------------------------------------------------------------------------

/** PyTorch takes out= for sum, mean and prod only together with dim (its overloads without dim have none). */
function dimForOut(fn: string, dim: unknown, out: Opt<Tensor>): void {
  if (out !== null && out !== undefined && (dim === null || dim === undefined)) {
    throw new TypeError(`${fn}() received an invalid combination of arguments - got (Tensor, out=Tensor): out= needs dim`);
  }
}
type Reduce = (x: Tensor, dim: Opt<DimArg>, keepdim: boolean, dtype: Opt<DTypeLike>, out: Opt<Tensor>) => Tensor;
const withDim = <F extends Reduce>(fn: string, f: F) => (x: Tensor, dim: Opt<DimArg>, keepdim: boolean, dtype: Opt<DTypeLike>, out: Opt<Tensor>) => {
  dimForOut(fn, dim, out);
  return f(x, dim, keepdim, dtype, out);
};
export const sum = pyfn('sum(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)', withDim('sum', R.sum as Reduce));
export const mean = pyfn('mean(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)', withDim('mean', R.mean as Reduce));
export const prod = pyfn('prod(Tensor input, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)',
  withDim('prod', R.prod as Reduce) as (x: Tensor, dim: Opt<number>, keepdim: boolean, dtype: Opt<DTypeLike>, out: Opt<Tensor>) => Tensor);

/** max / min: over everything, elementwise against another tensor, or along a dim with indices. */
interface Extreme {
  (input: Tensor): Tensor;
  (input: Tensor, other: Tensor): Tensor;
  (input: Tensor, opts: { other: Tensor }): Tensor;
  (input: Tensor, other: Tensor, opts: { out?: Tensor | null }): Tensor;
  (input: Tensor, dim: number, keepdim?: boolean): ReduceResult;
  (input: Tensor, dim: number, opts: { keepdim?: boolean; out?: readonly [Tensor, Tensor] | null }): ReduceResult;
  (input: Tensor, dim: number, keepdim: boolean, opts: { out?: readonly [Tensor, Tensor] | null }): ReduceResult;
  (input: Tensor, opts: { dim: number; keepdim?: boolean; out?: readonly [Tensor, Tensor] | null }): ReduceResult;
}
const extreme = (kind: 'max' | 'min') =>
  pyfn([`${kind}(Tensor input)`, `${kind}(Tensor input, Tensor other, *, Tensor? out=None)`, `${kind}(Tensor input, int dim, bool keepdim=False, *, Tensor[]? out=None)`],
    (x: Tensor, other: Tensor | undefined, out: Opt<Tensor | readonly Tensor[]>, dim: number | undefined, keepdim: boolean | undefined) =>
      (kind === 'max' ? R.max : R.min)(x, other ?? dim, keepdim, out)) as unknown as Extreme;
export const max = extreme('max');
export const min = extreme('min');

type DimReduce = (x: Tensor, dim: Opt<DimArg>, keepdim: boolean, out: Opt<Tensor>) => Tensor;
type IntReduce = (x: Tensor, dim: Opt<number>, keepdim: boolean, out: Opt<Tensor>) => Tensor;
export const amax = pyfn('amax(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor? out=None)', R.amax as DimReduce);
export const amin = pyfn('amin(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor? out=None)', R.amin as DimReduce);
export const argmax = pyfn('argmax(Tensor input, int? dim=None, bool keepdim=False, *, Tensor? out=None)', R.argmax as IntReduce);
export const argmin = pyfn('argmin(Tensor input, int? dim=None, bool keepdim=False, *, Tensor? out=None)', R.argmin as IntReduce);
export const any = pyfn('any(Tensor input, int? dim=None, bool keepdim=False, *, Tensor? out=None)', R.any as IntReduce);
export const all = pyfn('all(Tensor input, int? dim=None, bool keepdim=False, *, Tensor? out=None)', R.all as IntReduce);
export const logsumexp = pyfn('logsumexp(Tensor input, int[1] dim, bool keepdim=False, *, Tensor? out=None)', R.logsumexp as (x: Tensor, dim: DimArg, keepdim: boolean, out: Opt<Tensor>) => Tensor);

/** var / std: `unbiased` (PyTorch's older form) or `correction`, over all elements or some dims. */
interface Spread {
  (input: Tensor, unbiased?: boolean): Tensor;
  (input: Tensor, dim: DimArg, unbiased?: boolean, keepdim?: boolean): Tensor;
  (input: Tensor, dim: DimArg, unbiased: boolean, opts: { keepdim?: boolean; out?: Tensor | null }): Tensor;
  (input: Tensor, dim: DimArg, opts: { unbiased?: boolean; keepdim?: boolean; out?: Tensor | null } | { correction?: number | null; keepdim?: boolean; out?: Tensor | null }): Tensor;
  (input: Tensor, opts: { dim?: DimArg; unbiased?: boolean; keepdim?: boolean; out?: Tensor | null } | { dim?: DimArg; correction?: number | null; keepdim?: boolean; out?: Tensor | null }): Tensor;
}
const spread = (kind: 'var' | 'std') =>
  pyfn([
    `${kind}(Tensor input, bool unbiased=True)`,
    `${kind}(Tensor input, int[1]? dim, bool unbiased=True, bool keepdim=False, *, Tensor? out=None)`,
    `${kind}(Tensor input, int[1]? dim=None, *, int? correction=None, bool keepdim=False, Tensor? out=None)`,
  ], (x: Tensor, unbiased: boolean | undefined, dim: Opt<DimArg>, keepdim: boolean | undefined, out: Opt<Tensor>, correction: Opt<number>) => {
    dimForOut(kind, dim, out);
    return (kind === 'var' ? R.var_ : R.std)(x, dim, correction ?? (unbiased === false ? 0 : 1), keepdim ?? false, out);
  }) as unknown as Spread;
export const var_ = spread('var');
export const std = spread('std');
export const norm = pyfn('norm(Tensor input, Any? p=\'fro\', int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)',
  (x: Tensor, p: Opt<number | 'fro'>, dim: Opt<DimArg>, keepdim: boolean, dtype: Opt<DTypeLike>, out: Opt<Tensor>) => R.norm(x, p, dim, keepdim, dtype, out));
type Softmax = (x: Tensor, dim: number, dtype: Opt<DTypeLike>, out: Opt<Tensor>) => Tensor;
export const softmax = pyfn('softmax(Tensor input, int dim, ScalarType? dtype=None, *, Tensor? out=None)', R.softmax as Softmax);
export const log_softmax = pyfn('log_softmax(Tensor input, int dim, ScalarType? dtype=None, *, Tensor? out=None)', R.log_softmax as Softmax);

// ---- sorting, selection, scatter/index, cumulative ops, einsum, cdist ----------------------------

type Pair = readonly [Tensor, Tensor];
/** sort / argsort: dim and descending positionally; stable by keyword only, as PyTorch's overloads. */
type SortOpts = { stable?: boolean | null; dim?: number; descending?: boolean };
interface Sort {
  (input: Tensor, dim?: number, descending?: boolean, opts?: { out?: Pair | null }): ReduceResult;
  (input: Tensor, dim: number, opts: { descending?: boolean; out?: Pair | null }): ReduceResult;
  (input: Tensor, opts: SortOpts & { out?: Pair | null }): ReduceResult;
}
interface Argsort {
  (input: Tensor, dim?: number, descending?: boolean): Tensor;
  (input: Tensor, dim: number, opts: { descending?: boolean }): Tensor;
  (input: Tensor, opts: SortOpts): Tensor;
}
export const sort = pyfn(['sort(Tensor input, int dim=-1, bool descending=False, *, Tensor[]? out=None)', 'sort(Tensor input, *, bool? stable, int dim=-1, bool descending=False, Tensor[]? out=None)'],
  (x: Tensor, dim: number, descending: boolean, out: Opt<Pair>, stable: Opt<boolean>) => S.sort(x, dim, descending, stable ?? false, out)) as unknown as Sort;
export const argsort = pyfn(['argsort(Tensor input, int dim=-1, bool descending=False)', 'argsort(Tensor input, *, bool stable, int dim=-1, bool descending=False)'],
  (x: Tensor, dim: number, descending: boolean, stable: boolean | undefined) => S.argsort(x, dim, descending, stable ?? false)) as unknown as Argsort;
export const msort = pyfn('msort(Tensor input, *, Tensor? out=None)', (x: Tensor, out: Opt<Tensor>) => S.msort(x, out));
export const topk = pyfn('topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True, *, Tensor[]? out=None)',
  (x: Tensor, k: number, dim: number, largest: boolean, sorted: boolean, out: Opt<Pair>) => S.topk(x, k, dim, largest, sorted, out));
export const kthvalue = pyfn('kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False, *, Tensor[]? out=None)',
  (x: Tensor, k: number, dim: number, keepdim: boolean, out: Opt<Pair>) => S.kthvalue(x, k, dim, keepdim, out));
/** unique(x) is a Tensor; with return_inverse or return_counts, a list [values, inverse?, counts?]. */
interface Unique {
  (input: Tensor, sorted?: boolean): Tensor;
  (input: Tensor, sorted: boolean, return_inverse: boolean, return_counts?: boolean, dim?: number | null): Tensor | Tensor[];
  (input: Tensor, opts: { sorted?: boolean; return_inverse?: boolean; return_counts?: boolean; dim?: number | null }): Tensor | Tensor[];
  (input: Tensor, sorted: boolean, opts: { return_inverse?: boolean; return_counts?: boolean; dim?: number | null }): Tensor | Tensor[];
}
export const unique = pyfn('unique(Tensor input, bool sorted=True, bool return_inverse=False, bool return_counts=False, int? dim=None)',
  (x: Tensor, sorted: boolean, return_inverse: boolean, return_counts: boolean, dim: Opt<number>) => S.unique(x, sorted, return_inverse, return_counts, dim ?? null), { python: true }) as unknown as Unique;
/** nonzero(x): [n, ndim] int64 positions; with as_tuple, one 1-D tensor per dim. */
interface Nonzero {
  (input: Tensor, opts?: { as_tuple?: false; out?: Tensor | null }): Tensor;
  (input: Tensor, opts: { as_tuple: true }): Tensor[];
  (input: Tensor, opts: { as_tuple?: boolean; out?: Tensor | null }): Tensor | Tensor[];
}
export const nonzero = pyfn('nonzero(Tensor input, *, bool as_tuple=False, Tensor? out=None)', (x: Tensor, as_tuple: boolean, out: Opt<Tensor>) => S.nonzero(x, as_tuple, out)) as unknown as Nonzero;
type SearchOpts = { out_int32?: boolean; right?: boolean; side?: string | null; sorter?: Tensor | null };
/** searchsorted(sorted_sequence, values) with values a Tensor (out= allowed) or a number. */
interface Searchsorted {
  (sorted_sequence: Tensor, input: Tensor, opts?: SearchOpts & { out?: Tensor | null }): Tensor;
  (sorted_sequence: Tensor, self: number, opts?: SearchOpts): Tensor;
  (sorted_sequence: Tensor, opts: SearchOpts & ({ input: Tensor; out?: Tensor | null } | { self: number })): Tensor;
}
export const searchsorted = pyfn([
  'searchsorted(Tensor sorted_sequence, Tensor input, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None, Tensor? out=None)',
  'searchsorted(Tensor sorted_sequence, Scalar self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None)',
], (seq: Tensor, input: Tensor | undefined, out_int32: boolean, right: boolean, side: Opt<string>, sorter: Opt<Tensor>, out: Opt<Tensor>, self: number | undefined) =>
  S.searchsorted(seq, input ?? (self as number), out_int32, right, side ?? null, sorter ?? null, out)) as unknown as Searchsorted;

type ScatterImpl = (x: Tensor, dim: number, index: Tensor, src: Tensor | undefined, reduce: Opt<string>, out: Opt<Tensor>, value: Scalar | undefined) => Tensor;
/** scatter(input, dim, index, src or value), optionally reducing (reduce='add' / 'multiply', by keyword). */
export interface Scatter {
  (input: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, opts?: { reduce?: string | null; out?: Tensor | null }): Tensor;
  (input: Tensor, dim: number, index: Tensor, opts: ({ src: Tensor } | { value: Scalar }) & { reduce?: string | null; out?: Tensor | null }): Tensor;
  (input: Tensor, dim: number, opts: { index: Tensor; reduce?: string | null; out?: Tensor | null } & ({ src: Tensor } | { value: Scalar })): Tensor;
  (input: Tensor, opts: { dim: number; index: Tensor; reduce?: string | null; out?: Tensor | null } & ({ src: Tensor } | { value: Scalar })): Tensor;
}
const SCATTER = ['Tensor src', 'Scalar value'];
export const scatter = pyfn(SCATTER.map((s) => `scatter(Tensor input, int dim, Tensor index, ${s}, *, str? reduce=None, Tensor? out=None)`),
  ((x, dim, index, src, reduce, out, value) => X.scatter(x, dim, index, src ?? (value as Scalar), reduce ?? null, out)) as ScatterImpl) as unknown as Scatter;
export const scatter_add = pyfn('scatter_add(Tensor input, int dim, Tensor index, Tensor src, *, Tensor? out=None)',
  (x: Tensor, dim: number, index: Tensor, src: Tensor, out: Opt<Tensor>) => X.scatter_add(x, dim, index, src, out));
export const index_add = pyfn('index_add(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1, Tensor? out=None)',
  (x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: Scalar, out: Opt<Tensor>) => X.index_add(x, dim, index, source, alpha, out));
export const index_copy = pyfn('index_copy(Tensor input, int dim, Tensor index, Tensor source, *, Tensor? out=None)',
  (x: Tensor, dim: number, index: Tensor, source: Tensor, out: Opt<Tensor>) => X.index_copy(x, dim, index, source, out));
export const index_fill = pyfn('index_fill(Tensor input, int dim, Tensor index, Tensor|Number value)', X.index_fill);
export const masked_scatter = pyfn('masked_scatter(Tensor input, Tensor mask, Tensor source)', X.masked_scatter);
export const take_along_dim = pyfn('take_along_dim(Tensor input, Tensor indices, int? dim=None, *, Tensor? out=None)',
  (x: Tensor, indices: Tensor, dim: Opt<number>, out: Opt<Tensor>) => X.take_along_dim(x, indices, dim ?? null, out));

type Scan = (x: Tensor, dim: number, dtype: Opt<DTypeLike>, out: Opt<Tensor>) => Tensor;
export const cumsum = pyfn('cumsum(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? out=None)', Cu.cumsum as Scan);
export const cumprod = pyfn('cumprod(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? out=None)', Cu.cumprod as Scan);
export const diff = pyfn('diff(Tensor input, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None, *, Tensor? out=None)',
  (x: Tensor, n: number, dim: number, prepend: Opt<Tensor>, append: Opt<Tensor>, out: Opt<Tensor>) => Cu.diff(x, n, dim, prepend ?? null, append ?? null, out));
export const tril = pyfn('tril(Tensor input, int diagonal=0, *, Tensor? out=None)', (x: Tensor, diagonal: number, out: Opt<Tensor>) => Tr.tril(x, diagonal, out));
export const triu = pyfn('triu(Tensor input, int diagonal=0, *, Tensor? out=None)', (x: Tensor, diagonal: number, out: Opt<Tensor>) => Tr.triu(x, diagonal, out));

const einsumList = pyfn('einsum(str equation, Tensor[] tensors)', (equation: string, tensors: readonly Tensor[]) => E.einsum(equation, tensors));
/** einsum(equation, a, b, ...) as PyTorch's varargs, or einsum(equation, [a, b, ...]). */
interface Einsum {
  (equation: string, ...operands: Tensor[]): Tensor;
  (equation: string, operands: readonly Tensor[]): Tensor;
  (equation: string, opts: { tensors: readonly Tensor[] }): Tensor;
  (opts: { equation: string; tensors: readonly Tensor[] }): Tensor;
}
export const einsum = Object.defineProperty(function einsum(equation: unknown, ...operands: unknown[]) {
  const varargs = operands.length > 0 && operands.every((o) => o instanceof Tensor);
  return varargs ? einsumList(equation as string, operands as Tensor[]) : (einsumList as unknown as (...a: unknown[]) => Tensor)(equation, ...operands);
}, SIGNATURE, { value: signatureOf(einsumList) }) as unknown as Einsum;
export const cdist = pyfn('cdist(Tensor x1, Tensor x2, float p=2.0, str? compute_mode=\'use_mm_for_euclid_dist_if_necessary\')',
  (x1: Tensor, x2: Tensor, p: number, compute_mode: Opt<string>) => Di.cdist(x1, x2, p, compute_mode ?? null), { python: true });

// ---- views ----------------------------------------------------------------------------------------

export const transpose = pyfn('transpose(Tensor input, int dim0, int dim1)', V.transpose);
export const swapaxes = pyfn('swapaxes(Tensor input, int axis0, int axis1)', V.transpose);
export const t = pyfn('t(Tensor input)', V.t);
export const unsqueeze = pyfn('unsqueeze(Tensor input, int dim)', V.unsqueeze);
export const squeeze = pyfn('squeeze(Tensor input, int[1]? dim=None)', V.squeeze as (x: Tensor, dim: Opt<number | readonly number[]>) => Tensor);
export const narrow = pyfn('narrow(Tensor input, int dim, int start, int length)', V.narrow);
export const select = pyfn('select(Tensor input, int dim, int index)', V.select);
export const flatten = pyfn('flatten(Tensor input, int start_dim=0, int end_dim=-1)', V.flatten);
export const unflatten = pyfn('unflatten(Tensor input, int dim, int[] sizes)', V.unflatten);
export const reshape = pyfn('reshape(Tensor input, SymInt[] shape)', (x: Tensor, shape: readonly number[]) => V.reshape(x, [shape]));
export const permute = pyfn('permute(Tensor input, int[] dims)', V.permute);

// ---- conversion and queries -----------------------------------------------------------------------

export const clone = pyfn('clone(Tensor input)', C.clone);
export const detach = pyfn('detach(Tensor input)', C.detach);
export const numel = pyfn('numel(Tensor input)', (x: Tensor) => x.numel());
export const is_tensor = pyfn('is_tensor(Any obj)', (x: unknown): x is Tensor => x instanceof Tensor);
export const is_floating_point = pyfn('is_floating_point(Tensor input)', (x: Tensor) => x.dtype.is_floating_point);

// ---- creation -------------------------------------------------------------------------------------

type Kw = { dtype?: DTypeLike | null; requires_grad?: boolean; device?: DeviceLike | null };
const opts = (dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>): N.TensorOptions =>
  ({ dtype: dtype ?? undefined, requires_grad, device: device ?? undefined });
/** Sizes as varargs or one array, then keyword-only options: torch.zeros(2, 3), torch.zeros([2, 3], { dtype }). */
type Sized<K> = {
  (...size: number[]): Tensor;
  (size: readonly number[], opts?: K): Tensor;
  (...args: [...number[], K]): Tensor;
  (opts: K & { size: readonly number[] }): Tensor;
};
const KW = 'ScalarType? dtype=None, bool requires_grad=False, Device? device=None';

/** `torch.device('cuda:1')`, `torch.device('cuda', 1)`, `torch.device(0)`. */
export const device = pyfn(['device(Device device)', 'device(str type, int? index=None)'], (d: DeviceLike | undefined, type: string | undefined, index: Opt<number>) =>
  type === undefined ? Dev.device(d!) : Dev.device(type, index ?? undefined)) as unknown as {
  (spec: DeviceLike): Dev.Device;
  (type: string, index?: number | null): Dev.Device;
  (opts: { type: string; index?: number | null }): Dev.Device;
};

/** The legacy typed constructors (`torch.LongTensor([1, 2])`), callable with or without `new`. */
type LegacyNew = { (...args: LegacyArgs): Tensor; new (...args: LegacyArgs): Tensor };
type LegacyArgs = (number | NestedArray | ArrayLike<number> | Tensor)[];
const legacy = (dtype: D.DType): LegacyNew => function (...args: LegacyArgs) { return N.legacyNew(dtype, args); } as LegacyNew;
export const FloatTensor = legacy(D.float32);
export const DoubleTensor = legacy(D.float64);
export const LongTensor = legacy(D.int64);
export const BoolTensor = legacy(D.bool);

export const tensor = pyfn(`tensor(Any data, *, ${KW})`,
  (data: Parameters<typeof N.tensor>[0], dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) => N.tensor(data, opts(dtype, requires_grad, device)));
export const frombuffer = pyfn('frombuffer(Any buffer, *, ScalarType? dtype=None, int count=-1, int offset=0, bool requires_grad=False)',
  (buffer: ArrayBufferLike | ArrayBufferView, dtype: Opt<DTypeLike>, count: number, offset: number, requires_grad: boolean) =>
    N.frombuffer(buffer, { dtype: dtype ?? undefined, count, offset, requires_grad }));
const sized = (name: string, f: (size: number[], o: N.TensorOptions) => Tensor) =>
  pyfn(`${name}(SymInt... size, *, ${KW})`, (size: number[], dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) =>
    f(size, opts(dtype, requires_grad, device))) as unknown as Sized<Kw>;
export const zeros = sized('zeros', N.zeros);
export const ones = sized('ones', N.ones);
export const empty = sized('empty', N.zeros);
const RKW = `Generator? generator=None, ${KW}`;
type RandomKw = Kw & { generator?: Rnd.Generator | null };
const sizedRandom = (name: string, f: (size: number[], o: N.RandomOptions) => Tensor) =>
  pyfn(`${name}(SymInt... size, *, ${RKW})`, (size: number[], generator: Opt<Rnd.Generator>, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) =>
    f(size, { ...opts(dtype, requires_grad, device), generator })) as unknown as Sized<RandomKw>;
export const rand = sizedRandom('rand', N.rand);
export const randn = sizedRandom('randn', N.randn);
export const full = pyfn(`full(SymInt[] size, Scalar fill_value, *, ${KW})`,
  (size: readonly number[], fill_value: number | boolean | bigint, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) =>
    N.full(size as number[], fill_value, opts(dtype, requires_grad, device)));
export const eye = pyfn(`eye(int n, int? m=None, *, ${KW})`,
  (n: number, m: Opt<number>, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) => N.eye(n, m ?? n, opts(dtype, requires_grad, device)));
/** arange(end) or arange(start, end, step=1); all-integer arguments give int64. */
interface Arange {
  (end: number, opts?: Kw): Tensor;
  (start: number, end: number, opts?: Kw): Tensor;
  (start: number, end: number, step: number, opts?: Kw): Tensor;
  (opts: Kw & { start?: number; end: number; step?: number }): Tensor;
}
export const arange = pyfn([`arange(Scalar end, *, ${KW})`, `arange(Scalar start, Scalar end, Scalar step=1, *, ${KW})`],
  (end: number, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>, start: number | undefined, step: number | undefined) =>
    N.arange(start ?? 0, end, step ?? 1, opts(dtype, requires_grad, device))) as unknown as Arange;
export const linspace = pyfn(`linspace(Scalar start, Scalar end, int steps, *, ${KW})`,
  (start: number, end: number, steps: number, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) =>
    N.linspace(start, end, steps, opts(dtype, requires_grad, device)));
/** randint(high, size) or randint(low, high, size): int64 by default. */
interface Randint {
  (high: number, size: readonly number[], opts?: RandomKw): Tensor;
  (low: number, high: number, size: readonly number[], opts?: RandomKw): Tensor;
  (opts: RandomKw & { low?: number; high: number; size: readonly number[] }): Tensor;
}
export const randint = pyfn([`randint(int high, SymInt[] size, *, ${RKW})`, `randint(int low, int high, SymInt[] size, *, ${RKW})`],
  (high: number, size: number[], generator: Opt<Rnd.Generator>, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>, low: number | undefined) =>
    N.randint(low ?? 0, high, size, { ...opts(dtype, requires_grad, device), generator })) as unknown as Randint;
export const randperm = pyfn(`randperm(int n, *, ${RKW})`,
  (n: number, generator: Opt<Rnd.Generator>, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) =>
    N.randperm(n, { ...opts(dtype, requires_grad, device), generator }));
interface Bernoulli {
  (input: Tensor, opts?: { generator?: Rnd.Generator | null }): Tensor;
  (input: Tensor, p: number, opts?: { generator?: Rnd.Generator | null }): Tensor;
}
/** bernoulli(input) draws with the probabilities in input; bernoulli(input, p) with one probability. */
export const bernoulli = pyfn([`bernoulli(Tensor input, *, Generator? generator=None)`, `bernoulli(Tensor input, float p, *, Generator? generator=None)`],
  (x: Tensor, generator: Opt<Rnd.Generator>, p: number | undefined) => P.bernoulli_(N.zeros_like(x), p ?? x, generator)) as unknown as Bernoulli;
interface Normal {
  (mean: Tensor, std: Tensor | number, opts?: { generator?: Rnd.Generator | null }): Tensor;
  (mean: number, std: Tensor, opts?: { generator?: Rnd.Generator | null }): Tensor;
  (mean: number, std: number, size: readonly number[], opts?: RandomKw): Tensor;
}
/** torch.normal, PyTorch's four forms (the tensor forms draw N(0, 1) or N(0, std), then scale and shift as ATen). */
export const normal = pyfn([
  `normal(Tensor mean, Tensor std, *, Generator? generator=None)`,
  `normal(Tensor mean, float std=1, *, Generator? generator=None)`,
  `normal(float mean, Tensor std, *, Generator? generator=None)`,
  `normal(float mean, float std, SymInt[] size, *, ${RKW})`,
], (mean: Tensor | number, std: Tensor | number, generator: Opt<Rnd.Generator>, size?: number[], dtype?: Opt<DTypeLike>, requires_grad?: boolean, device?: Opt<DeviceLike>) => {
  if (size !== undefined) return P.normal_(N.zeros(size, opts(dtype ?? null, requires_grad ?? false, device ?? null)), mean as number, std as number, generator);
  if (mean instanceof Tensor && typeof std === 'number') return B.add(P.normal_(N.zeros_like(mean), 0, std, generator), mean);
  const meanT = mean instanceof Tensor ? mean : N.full([], mean, { dtype: (std as Tensor).dtype });
  const out = P.normal_(N.zeros(broadcastShapes(meanT.shape, (std as Tensor).shape), { dtype: meanT.dtype }), 0, 1, generator);
  return B.add(B.mul(out, std), meanT);
}) as unknown as Normal;
const like = (name: string, f: (x: Tensor, o: N.TensorOptions) => Tensor) =>
  pyfn(`${name}(Tensor input, *, ${KW})`, (x: Tensor, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) => f(x, opts(dtype, requires_grad, device)));
export const zeros_like = like('zeros_like', (x, o) => N.zeros_like(x, o));
export const ones_like = like('ones_like', (x, o) => N.ones_like(x, o));
export const empty_like = like('empty_like', (x, o) => N.zeros_like(x, o));
export const rand_like = like('rand_like', (x, o) => N.rand_like(x, o));
export const randn_like = like('randn_like', (x, o) => N.randn_like(x, o));
export const full_like = pyfn(`full_like(Tensor input, Scalar fill_value, *, ${KW})`,
  (x: Tensor, v: number | boolean, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>) => N.full_like(x, v, opts(dtype, requires_grad, device)));
interface RandintLike {
  (input: Tensor, high: number, opts?: Kw): Tensor;
  (input: Tensor, low: number, high: number, opts?: Kw): Tensor;
}
export const randint_like = pyfn([`randint_like(Tensor input, int high, *, ${KW})`, `randint_like(Tensor input, int low, int high, *, ${KW})`],
  (x: Tensor, high: number, dtype: Opt<DTypeLike>, requires_grad: boolean, device: Opt<DeviceLike>, low: number | undefined) =>
    N.randint_like(x, low ?? 0, high, opts(dtype, requires_grad, device))) as unknown as RandintLike;

// ---- global settings -----------------------------------------------------------------------------

export const set_default_dtype = pyfn('set_default_dtype(ScalarType d)', D.set_default_dtype);
export const manual_seed = pyfn('manual_seed(Any seed)', (seed: number | bigint) => Rnd.manual_seed(seed));
export const { initial_seed, seed, get_rng_state } = Rnd;
export const set_rng_state = pyfn('set_rng_state(Any new_state)', (state: Tensor | Uint8Array) => Rnd.set_rng_state(state));
export const set_num_threads = pyfn('set_num_threads(int num)', Bk.set_num_threads);
export const set_printoptions = pyfn('set_printoptions(int? precision=None, float? threshold=None, int? edgeitems=None, int? linewidth=None, str? profile=None, bool? sci_mode=None)',
  (precision: Opt<number>, threshold: Opt<number>, edgeitems: Opt<number>, linewidth: Opt<number>, profile: Opt<'default' | 'short' | 'full'>, sci_mode: Opt<boolean>) =>
    Fmt.set_printoptions({ precision, threshold, edgeitems, linewidth, profile, sci_mode } as Parameters<typeof Fmt.set_printoptions>[0]));
/** set_grad_enabled(mode) switches grad mode for the current scope; with `fn`, runs fn in that mode. */
interface SetGradEnabled {
  (mode: boolean | { mode: boolean }): void;
  <T>(mode: boolean, fn: () => T): T;
}
export const set_grad_enabled = pyfn('set_grad_enabled(bool mode, Callable? fn=None)',
  (mode: boolean, fn: Opt<() => unknown>) => (fn ? G.set_grad_enabled(mode, fn) : G.set_grad_enabled(mode))) as unknown as SetGradEnabled;

export type { Scalar, TensorOrScalar };
