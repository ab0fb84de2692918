/** Reductions with dim (int or list) and keepdim, softmax and log_softmax, with their gradients. */
import { Tensor, type ReduceResult } from '../tensor.js';
import type { FloatArray, ReduceOp } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { bool, DType, DTypeLike, int64, toDType } from '../dtype.js';
import { contiguousStrides, normDim, numelOf, reduceDims } from '../shape.js';
import { allocate, allocateForOverwrite, checkTensor, data, scalarTensor, strided, typeName, type DimArg } from './util.js';
import * as V from './view.js';
import * as B from './binary.js';
import * as U from './unary.js';
import * as I from './indexing.js';
import { rowGeometry } from './rows.js';
import { checkOut, finishOut, intoOut, outTarget, type DTypeRule, type Out } from './out.js';

/** dim = None (or absent) reduces over everything; dtype = None keeps the default result dtype. */
function parse(dim: DimArg | undefined, keepdim: boolean | undefined, dtype?: DTypeLike | null): { dim: DimArg | undefined; keepdim: boolean; dtype?: DTypeLike } {
  return { dim: dim ?? undefined, keepdim: keepdim ?? false, dtype: dtype ?? undefined };
}

/** The reduced shape, with or without the kept size-1 dims. */
function outShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/**
 * Runs a reduction kernel over `dims`: a run of adjacent dims reduces in place as
 * [outer, size, inner]; scattered dims are first permuted to the end. The result goes into a
 * fresh tensor, or into `out` (straight into its memory when it fits) with `rule` for its dtype.
 */
function runReduce(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType, out?: Out, fn: string = op, rule: DTypeRule = 'exact'): Tensor {
  const shape = outShape(x.shape, dims, keepdim);
  const differentiable = op !== 'argmax' && op !== 'argmin' && op !== 'any' && op !== 'all';
  const dst = out === null || out === undefined ? allocate(shape, dtype) : outTarget(fn, out, shape, dtype, { inputs: [x], rule, differentiable });
  if (dst.numel() === 0) return dst;
  const adjacent = dims.length === 0 || dims[dims.length - 1] - dims[0] === dims.length - 1;
  let src = x;
  let outer: number, size: number, inner: number;
  if (adjacent && dims.length > 0) {
    outer = numelOf(x.shape.slice(0, dims[0]));
    size = numelOf(x.shape.slice(dims[0], dims[dims.length - 1] + 1));
    inner = numelOf(x.shape.slice(dims[dims.length - 1] + 1));
  } else {
    const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    src = no_grad(() => V.permute(x, [...kept, ...dims]));
    outer = numelOf(kept.map((i) => x.shape[i]));
    size = numelOf(dims.map((i) => x.shape[i]));
    inner = 1;
  }
  if (size === 0) {
    if (op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin') {
      throw new RangeError(`${op}(): Expected reduction dim ${dims[0]} to have non-zero size.`);
    }
  }
  K.reduce(op, data(src), dst === out ? data(dst) : dst._storage.data, outer, size, inner);
  return dst;
}

/**
 * sum and prod: with out= and no dtype, out's dtype is the one computed in, so any out goes (the
 * input is cast to it first, as PyTorch: a float input summed into an int64 out adds truncated
 * values, into a bool out is any()); integer sums are kept in int64 until the final cast.
 */
function accumulate(x: Tensor, dtypeArg: DTypeLike | undefined, out: Out): { src: Tensor; dtype: DType; rule: DTypeRule } {
  if (dtypeArg !== undefined) return { src: x, dtype: toDType(dtypeArg), rule: 'exact' };
  if (out === null || out === undefined) return { src: x, dtype: x.dtype.is_floating_point ? x.dtype : int64, rule: 'exact' };
  const o = out.dtype;
  const src = o.is_floating_point || x.dtype === o || (o === int64 && x.dtype === bool) ? x : x.detach().to(o);
  return { src, dtype: o.is_floating_point ? o : int64, rule: () => undefined };
}

/** Broadcasts a reduced gradient back over the reduced dims (unsqueeze them first if not kept). */
function expandBack(g: Tensor, shape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  if (!keepdim) for (const d of dims) g = V.unsqueeze(g, d);
  return V.expand(g, shape as number[]);
}

export function sum(x: Tensor, dim?: DimArg, keepdim?: boolean, dtypeArg?: DTypeLike | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'sum');
  const p = parse(dim, keepdim, dtypeArg);
  const dims = reduceDims(p.dim, x.ndim);
  const acc = accumulate(x, p.dtype, out);
  const shape = x.shape;
  const y = runReduce('sum', acc.src, dims, p.keepdim, acc.dtype, out, 'sum', acc.rule);
  return finishOut(apply(p.dim === undefined || p.dim === null ? 'SumBackward0' : 'SumBackward1', [x], y, (g) => [expandBack(g, shape, dims, p.keepdim)]), out);
}

export function mean(x: Tensor, dim?: DimArg, keepdim?: boolean, dtypeArg?: DTypeLike | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'mean');
  const p = parse(dim, keepdim, dtypeArg);
  const dtype = p.dtype !== undefined ? toDType(p.dtype) : x.dtype;
  if (!dtype.is_floating_point) {
    throw new TypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${typeName(dtype)}`);
  }
  const dims = reduceDims(p.dim, x.ndim);
  const n = numelOf(dims.map((d) => x.shape[d]));
  // the sum divided in place: one result buffer (out's memory, with out=)
  const s = runReduce('sum', x, dims, p.keepdim, dtype, out, 'mean', p.dtype !== undefined ? 'exact' : 'cast');
  const sd = s === out ? data(s) : s._storage.data;
  K.binary('div', { data: sd, offset: 0, strides: contiguousStrides(s.shape) }, strided(scalarTensor(n, dtype), s.shape), sd, s.shape);
  const shape = x.shape;
  return finishOut(apply(p.dim === undefined || p.dim === null ? 'MeanBackward0' : 'MeanBackward1', [x], s, (g) => [expandBack(B.div(g, n), shape, dims, p.keepdim)]), out);
}

export function prod(x: Tensor, dim?: DimArg, keepdim?: boolean, dtypeArg?: DTypeLike | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'prod');
  const p = parse(dim, keepdim, dtypeArg);
  if (Array.isArray(p.dim)) throw new TypeError('prod(): argument \'dim\' must be int, not list');
  const dims = reduceDims(p.dim, x.ndim);
  const acc = accumulate(x, p.dtype, out);
  const y = runReduce('prod', acc.src, dims, p.keepdim, acc.dtype, out, 'prod', acc.rule);
  const shape = x.shape;
  return finishOut(apply('ProdBackward0', [x], y, (g) => {
    // d prod / d x_i = prod of the others: y / x_i when x_i != 0, else recomputed without it
    const yk = expandBack(y, shape, dims, p.keepdim);
    const gk = expandBack(g, shape, dims, p.keepdim);
    const zero = B.eq(x, 0);
    if (!anyTrue(zero)) return [B.mul(gk, B.div(yk, x))];
    const others = prodOfOthers(x, dims);
    return [B.mul(gk, others)];
  }, [x, y]), out);
}

function anyTrue(t: Tensor): boolean {
  const d = data(t);
  for (let i = 0; i < d.length; i++) if (d[i]) return true;
  return false;
}

/** For each element, the product of the other elements of its reduction group (handles zeros). */
function prodOfOthers(x: Tensor, dims: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const xp = V.contiguous(V.permute(x.detach(), perm));
  const size = numelOf(dims.map((d) => x.shape[d]));
  const src = data(xp);
  const out = new (x.dtype.Array)(src.length);
  for (let base = 0; base < src.length; base += size) {
    let prefix = 1;
    for (let i = 0; i < size; i++) {
      out[base + i] = prefix;
      prefix *= src[base + i];
    }
    let suffix = 1;
    for (let i = size - 1; i >= 0; i--) {
      out[base + i] *= suffix;
      suffix *= src[base + i];
    }
  }
  const inv = new Array<number>(perm.length);
  perm.forEach((d, i) => (inv[d] = i));
  return V.permute(new Tensor(out, xp.shape, x.dtype), inv);
}

/** Values and the indices where they were found: iterable as [values, indices] and named. */
export function valuesIndices(kind: string, values: Tensor, indices: Tensor): ReduceResult {
  const r = Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
  // printed as PyTorch prints its named tuple
  Object.defineProperty(r, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `torch.return_types.${kind}(\nvalues=${values},\nindices=${indices})`,
  });
  return r;
}

function extreme(kind: 'max' | 'min', x: Tensor, dim?: unknown, keepdim?: boolean, out?: Tensor | readonly Tensor[] | null): Tensor | ReduceResult {
  checkTensor(x, 'input', kind);
  if (dim instanceof Tensor) {
    if (Array.isArray(out)) throw new TypeError(`${kind}(): argument 'out' must be Tensor, not tuple`);
    return kind === 'max' ? B.maximum(x, dim, out as Out, kind) : B.minimum(x, dim, out as Out, kind);
  }
  if (dim === undefined || dim === null) {
    if (x.numel() === 0) {
      throw new RangeError(`${kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    }
    return amaxmin(kind, x, undefined, false, kind === 'max' ? 'MaxBackward1' : 'MinBackward1', true);
  }
  const d = normDim(dim as number, x.ndim);
  const kd = keepdim ?? false;
  const [vOut, iOut] = valuesIndicesOut(kind, x, out);
  const values = runReduce(kind, x, [d], kd, x.dtype, vOut, kind);
  const indices = runReduce(kind === 'max' ? 'argmax' : 'argmin', x, [d], kd, int64, iOut, kind);
  const shape = x.shape;
  apply(kind === 'max' ? 'MaxBackward0' : 'MinBackward0', [x], values, (g) => [scatterBack(g, indices, shape, d, kd)]);
  if (vOut) return valuesIndices(`${kind}_out`, finishOut(values, vOut), finishOut(indices, iOut));
  return valuesIndices(kind, values, indices);
}

/** max/min with dim take out= as a (values, indices) pair; the pair is checked for autograd as a whole. */
function valuesIndicesOut(kind: string, x: Tensor, out: Tensor | readonly Tensor[] | null | undefined): [Tensor, Tensor] | [null, null] {
  if (out === null || out === undefined) return [null, null];
  if (!Array.isArray(out) || out.length !== 2) {
    throw new TypeError(`${kind}(): argument 'out' must be tuple of Tensors of size 2, not ${out instanceof Tensor ? 'Tensor' : Array.isArray(out) ? `one of size ${out.length}` : typeof out}`);
  }
  checkOut(kind, out[0], [x], true);
  checkOut(kind, out[1], [x], true);
  return [out[0], out[1]];
}

/**
 * Gradient of a selection along dim (max/min, sort, topk, kthvalue): g placed at `indices`, zeros
 * elsewhere; without keepdim, g and indices lack dim.
 */
export function scatterBack(g: Tensor, indices: Tensor, shape: readonly number[], d: number, keepdim = true): Tensor {
  if (shape.length === 0) return g; // a 0-d input is its own max: the gradient passes straight through
  if (!keepdim) {
    g = V.unsqueeze(g, d);
    indices = V.unsqueeze(indices, d);
  }
  const out = allocate(shape, g.dtype);
  const { outer, size, inner } = rowGeometry(shape, d);
  K.scatterAdd(data(g) as FloatArray, data(indices) as Float64Array, out._storage.data as FloatArray, outer, size, inner, indices.shape[d], false);
  // differentiable, for graphs of the backward itself (create_graph): its gradient gathers back
  return apply('ScatterBackward0', [g], out, (gg) => [I.gather(gg, d, indices)]);
}

export function max(x: Tensor, dim?: unknown, keepdim?: boolean, out?: Tensor | readonly Tensor[] | null): Tensor | ReduceResult {
  return extreme('max', x, dim, keepdim, out);
}
export function min(x: Tensor, dim?: unknown, keepdim?: boolean, out?: Tensor | readonly Tensor[] | null): Tensor | ReduceResult {
  return extreme('min', x, dim, keepdim, out);
}

/**
 * amax/amin: values only, over any dims; the gradient is shared evenly among ties. PyTorch's
 * max()/min() over all elements (`nanTies`) also counts NaNs as ties of a NaN result; amax does not.
 */
function amaxmin(kind: 'max' | 'min', x: Tensor, dim: DimArg | undefined, keepdim: boolean, name: string, nanTies = false, out?: Out): Tensor {
  const dims = reduceDims(dim, x.ndim);
  const y = runReduce(kind, x, dims, keepdim, x.dtype, out, `a${kind}`, (o) => {
    if (o !== x.dtype) throw new TypeError(`Expected the dtype for input and out to match, but got ${typeName(x.dtype)} for input's dtype and ${typeName(o)} for out's dtype.`);
  });
  const shape = x.shape;
  return finishOut(apply(name, [x], y, (g) => {
    const yk = expandBack(y, shape, dims, keepdim);
    const mask = nanTies ? B.logical_or(B.eq(x, yk), B.logical_and(B.ne(x, x), B.ne(yk, yk))) : B.eq(x, yk);
    const count = sum(mask, dims, true);
    return [B.div(B.mul(expandBack(g, shape, dims, keepdim), mask), count)];
  }, [x, y]), out);
}
export function amax(x: Tensor, dim?: DimArg, keepdim?: boolean, out?: Out): Tensor {
  const p = parse(dim, keepdim);
  return amaxmin('max', x, p.dim, p.keepdim, 'AmaxBackward0', false, out);
}
export function amin(x: Tensor, dim?: DimArg, keepdim?: boolean, out?: Out): Tensor {
  const p = parse(dim, keepdim);
  return amaxmin('min', x, p.dim, p.keepdim, 'AminBackward0', false, out);
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim?: number | null, keepdim?: boolean, out?: Out): Tensor {
  checkTensor(x, 'input', op);
  const p = parse(dim, keepdim);
  if (p.dim === undefined || p.dim === null) {
    if (x.numel() === 0) throw new RangeError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const flat = runReduce(op, V.reshape(x.detach(), [[-1]]), [0], false, int64);
    return intoOut(op, out, p.keepdim ? V.reshape(flat, [x.shape.map(() => 1)]) : flat, { inputs: [x], rule: 'exact', differentiable: false });
  }
  return finishOut(runReduce(op, x, [normDim(p.dim as number, x.ndim)], p.keepdim, int64, out), out);
}
export const argmax = (x: Tensor, dim?: number | null, keepdim?: boolean, out?: Out) => argExtreme('argmax', x, dim, keepdim, out);
export const argmin = (x: Tensor, dim?: number | null, keepdim?: boolean, out?: Out) => argExtreme('argmin', x, dim, keepdim, out);

function logical(op: 'any' | 'all', x: Tensor, dim?: number | null, keepdim?: boolean, out?: Out): Tensor {
  const p = parse(dim, keepdim);
  return finishOut(runReduce(op, x, reduceDims(p.dim, x.ndim), p.keepdim, bool, out, op, (o) => {
    if (o !== bool) throw new TypeError(`${op} only supports bool tensor for result, got: ${typeName(o)}`);
  }), out);
}
export const any = (x: Tensor, dim?: number | null, keepdim?: boolean, out?: Out) => logical('any', x, dim, keepdim, out);
export const all = (x: Tensor, dim?: number | null, keepdim?: boolean, out?: Out) => logical('all', x, dim, keepdim, out);

/** out='s options for the float reductions computed from other ops: out must be a float dtype. */
function floatResult(x: Tensor, message: (o: DType) => string) {
  return { inputs: [x], rule: (o: DType) => { if (!o.is_floating_point) throw new TypeError(message(o)); } };
}

/** var over `dim` (None: all elements), dividing by n − correction (1: unbiased, 0: biased). */
export function var_(x: Tensor, dim?: DimArg, correction = 1, keepdim = false, out?: Out): Tensor {
  if (out !== null && out !== undefined) return intoOut('var', out, var_(x, dim, correction, keepdim), floatResult(x, (o) => `"std_cpu" not implemented for '${typeName(o)}'`));
  checkTensor(x, 'input', 'var');
  if (!x.dtype.is_floating_point) throw new TypeError(`std and var only support floating point and complex dtypes`);
  const p = { dim: dim ?? undefined, correction, keepdim };
  const dims = reduceDims(p.dim, x.ndim);
  const n = numelOf(dims.map((d) => x.shape[d]));
  const centered = B.sub(x, mean(x, dims, true));
  return B.div(sum(B.mul(centered, centered), dims, p.keepdim), Math.max(0, n - p.correction));
}

export function std(x: Tensor, dim?: DimArg, correction = 1, keepdim = false, out?: Out): Tensor {
  if (out !== null && out !== undefined) return intoOut('std', out, std(x, dim, correction, keepdim), floatResult(x, (o) => `"std_cpu" not implemented for '${typeName(o)}'`));
  const v = var_(x, dim, correction, keepdim);
  const y = no_grad(() => U.sqrt(v));
  // d std = d var / (2 std), with 0 where std is 0 (constant input) rather than NaN, as PyTorch
  return apply('StdBackward0', [v], y, (g) => [B.where(B.eq(y, 0), 0, B.div(g, B.mul(y, 2)))], [y]);
}

export function logsumexp(x: Tensor, dim: DimArg, keepdim?: boolean, out?: Out): Tensor {
  checkTensor(x, 'input', 'logsumexp');
  if (out !== null && out !== undefined) {
    return intoOut('logsumexp', out, logsumexp(x, dim, keepdim), floatResult(x, (o) => `logsumexp(): Expected floating point type for result tensor, but got: ${typeName(o)}`));
  }
  const p = parse(dim, keepdim);
  const dims = reduceDims(p.dim, x.ndim);
  if (!x.dtype.is_floating_point) x = x.to('float32');
  // an empty reduction is log(0) = -inf; there is no max to shift by
  if (dims.some((d) => x.shape[d] === 0)) {
    const y = U.log(sum(U.exp(x), dims, true));
    return p.keepdim ? y : V.squeeze(y, dims);
  }
  // shift by the (detached) max so exp never overflows; an infinite max shifts by 0
  const m = no_grad(() => {
    const mx = amaxmin('max', x, dims, true, 'AmaxBackward0');
    return B.where(B.eq(U.abs(mx), Infinity), 0, mx);
  });
  const y = B.add(U.log(sum(U.exp(B.sub(x, m)), dims, true)), m);
  return p.keepdim ? y : V.squeeze(y, dims);
}

/** norm(p='fro', dim, keepdim, dtype): p = 2 ('fro'), 1, inf, -inf, 0 or any other p; dtype casts the input first. */
export function norm(x: Tensor, p?: number | 'fro' | null, dim?: DimArg, keepdim?: boolean, dtypeArg?: DTypeLike | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'norm');
  if (out !== null && out !== undefined) {
    // PyTorch's Frobenius path casts into any out; its p-norm kernel wants a float one
    const fro = p === undefined || p === null || p === 'fro';
    return intoOut('norm', out, norm(x, p, dim, keepdim, dtypeArg), fro ? { inputs: [x], rule: () => undefined } : floatResult(x, (o) => `"norm_cpu" not implemented for '${typeName(o)}'`));
  }
  if (dtypeArg !== undefined && dtypeArg !== null) x = x.to(dtypeArg);
  const order = p;
  if (!x.dtype.is_floating_point) throw new TypeError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${typeName(x.dtype)}`);
  const pv = order === undefined || order === null || order === 'fro' ? 2 : order;
  const dims = reduceDims(dim as DimArg | undefined, x.ndim);
  const kd = keepdim ?? false;
  const a = U.abs(x);
  if (pv === Infinity) return amaxmin('max', a, dims, kd, 'AmaxBackward0');
  if (pv === -Infinity) return amaxmin('min', a, dims, kd, 'AminBackward0');
  if (pv === 0) return sum(B.ne(x, 0).to(x.dtype), dims, kd);
  if (pv === 1) return sum(a, dims, kd);
  if (pv === 2) {
    const y = no_grad(() => U.sqrt(sum(B.mul(x, x), dims, kd)));
    const shape = x.shape;
    // x / ||x||, with 0 where the norm is 0 (PyTorch's subgradient) rather than NaN
    return apply('NormBackward1', [x], y, (g) => {
      const yk = expandBack(y, shape, dims, kd);
      return [B.where(B.eq(yk, 0), 0, B.mul(expandBack(g, shape, dims, kd), B.div(x, yk)))];
    }, [x, y]);
  }
  const y = no_grad(() => B.pow(sum(B.pow(a, pv), dims, kd), 1 / pv));
  const shape = x.shape;
  // sign(x)·|x|^(p−1)·g / ‖x‖^(p−1), with 0 where x = 0 or ‖x‖ = 0 (PyTorch's subgradient) rather than NaN
  return apply('NormBackward1', [x], y, (g) => {
    const yk = expandBack(y, shape, dims, kd);
    const scaled = B.mul(U.sign(x), B.where(B.eq(x, 0), 0, B.pow(U.abs(x), pv - 1)));
    return [B.mul(scaled, B.where(B.eq(yk, 0), 0, B.div(expandBack(g, shape, dims, kd), B.pow(yk, pv - 1))))];
  }, [x, y]);
}

function softmaxImpl(x: Tensor, dim: number, log: boolean, dtype?: DTypeLike | null, out?: Out): Tensor {
  const fn = log ? 'log_softmax' : 'softmax';
  checkTensor(x, 'input', fn);
  if (dtype !== undefined && dtype !== null) x = x.to(dtype);
  const dd = dim;
  if (dd === undefined) throw new TypeError(`${fn}() missing required argument 'dim'`);
  if (!x.dtype.is_floating_point) throw new TypeError(`"${log ? 'log_softmax_lastdim_kernel_impl' : 'softmax_lastdim_kernel_impl'}" not implemented for '${typeName(x.dtype)}'`);
  const d = normDim(dd, x.ndim);
  const outer = numelOf(x.shape.slice(0, d)), size = x.ndim === 0 ? 1 : x.shape[d], inner = numelOf(x.shape.slice(d + 1));
  // PyTorch's softmax with out= refuses no input that requires grad: out is then recorded as the result
  const dst = out === null || out === undefined ? allocateForOverwrite(x.shape, x.dtype) : outTarget(fn, out, x.shape, x.dtype, { inputs: [x], rule: 'exact', differentiable: false });
  if (dst.numel() > 0) K.softmax(data(x) as Float32Array, (dst === out ? data(dst) : dst._storage.data) as Float32Array, outer, size, inner, log);
  const y = finishOut(dst, out);
  return apply(log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0', [x], y, (g) => {
    if (is_grad_enabled()) {
      // differentiable form, for create_graph
      return log ? [B.sub(g, B.mul(U.exp(y), sum(g, d, true)))] : [B.mul(y, B.sub(g, sum(B.mul(g, y), d, true)))];
    }
    const out = allocateForOverwrite(x.shape, g.dtype);
    K.softmaxBackward(data(y) as Float32Array, data(g.to(y.dtype)) as Float32Array, out._storage.data as Float32Array, outer, size, inner, log);
    return [out];
  }, [y]);
}

export function softmax(x: Tensor, dim: number, dtype?: DTypeLike | null, out?: Out): Tensor {
  return softmaxImpl(x, dim, false, dtype, out);
}
export function log_softmax(x: Tensor, dim: number, dtype?: DTypeLike | null, out?: Out): Tensor {
  return softmaxImpl(x, dim, true, dtype, out);
}

