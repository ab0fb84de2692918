/**
 * Matrix products through the backend's GEMM. Transposed views reach the kernel as transpose
 * flags, never as copies, so backward's products (g·Wᵀ, gᵀ·x) cost no extra memory traffic.
 */
import { Tensor } from '../tensor.js';
import type { FloatArray } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool, DType } from '../dtype.js';
import { broadcastShapes, numelOf } from '../shape.js';
import { allocate, allocateForOverwrite, checkTensor, isContiguousLayout, resultType, strided, typeName, type Scalar } from './util.js';
import * as V from './view.js';
import * as B from './binary.js';
import * as R from './reduce.js';
import { finishOut, outTarget, type Out, type OutOptions } from './out.js';

/** How a 2-D (or batched 3-D) tensor is handed to GEMM: data, offset, leading dim, transpose flag. */
interface Operand {
  data: FloatArray;
  offset: number;
  ld: number;
  trans: boolean;
  batchStride: number;
}

/**
 * `t` is [rows, cols] or [batch, rows, cols]; reads it without copying when its last two dims are
 * row- or column-major.
 */
function operand(t: Tensor): Operand {
  const nd = t.shape.length;
  const rows = t.shape[nd - 2], cols = t.shape[nd - 1];
  const sr = t._strides[nd - 2], sc = t._strides[nd - 1], sb = nd === 3 ? t._strides[0] : 0;
  const data = t._storage.data as FloatArray;
  if (sc === 1 && (sr >= cols || rows <= 1)) return { data, offset: t._offset, ld: rows <= 1 ? Math.max(cols, 1) : sr, trans: false, batchStride: sb };
  if (sr === 1 && (sc >= rows || cols <= 1)) return { data, offset: t._offset, ld: cols <= 1 ? Math.max(rows, 1) : sc, trans: true, batchStride: sb };
  const c = V.contiguous(t.detach());
  return { data: c._storage.data as FloatArray, offset: c._offset, ld: Math.max(cols, 1), trans: false, batchStride: rows * cols };
}

/**
 * C[b] = A[b]·B[b] for 3-D a [batch|1, n, m] and b [batch|1, m, p] into a new [batch, n, p], or
 * into `dst` (contiguous, of that shape) when given.
 */
function bmmRaw(a: Tensor, b: Tensor, dtype: DType, dst?: Tensor): Tensor {
  const batch = Math.max(a.shape[0], b.shape[0]);
  const n = a.shape[1], m = a.shape[2], p = b.shape[2];
  const out = dst ?? allocateForOverwrite([batch, n, p], dtype);  // beta = 0: GEMM writes every element
  if (out.numel() === 0) return out;
  const A = operand(a.shape[0] === 1 && batch > 1 ? V.expand(a, [1, n, m]) : a);
  const Bo = operand(b);
  K.gemm({
    transA: A.trans, transB: Bo.trans, M: n, N: p, K: m, alpha: 1, beta: 0,
    A: A.data, aOffset: A.offset, lda: A.ld,
    B: Bo.data, bOffset: Bo.offset, ldb: Bo.ld,
    C: out._storage.data as FloatArray, cOffset: out._offset, ldc: p,
    batch, strideA: a.shape[0] === 1 ? 0 : A.batchStride, strideB: b.shape[0] === 1 ? 0 : Bo.batchStride, strideC: n * p,
  });
  return out;
}

function sameDtype(a: Tensor, b: Tensor, what: string): DType {
  if (a.dtype !== b.dtype) {
    throw new TypeError(`expected ${what} to have the same dtype, but got: ${typeName(a.dtype).toLowerCase()} != ${typeName(b.dtype).toLowerCase()}`);
  }
  // a numeric GEMM over bool would store sums other than 0 and 1 in a bool tensor
  if (a.dtype === bool) throw new TypeError(`"${what === 'both vectors' ? 'dot' : what === 'batch1 and batch2' ? 'bmm' : 'addmm_impl_cpu_'}" not implemented for 'Bool'`);
  return a.dtype;
}

function cannotMultiply(a: readonly number[], b: readonly number[]): never {
  throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${a[0]}x${a[1]} and ${b[0]}x${b[1]})`);
}

/** out='s options for a matrix product: out of exactly the result's dtype. */
const product = (inputs: readonly Tensor[]): OutOptions => ({ inputs, rule: 'exact' });

/** Where a product's kernel writes: a tensor of the [M, N] (or [batch, M, N]) result, contiguous. */
type Dest = (shape: number[], dtype: DType) => Tensor;

export function mm(a: Tensor, b: Tensor, out?: Out): Tensor {
  checkTensor(a, 'input', 'mm');
  checkTensor(b, 'mat2', 'mm');
  const dst = mmInto(a, b, out === null || out === undefined ? allocateForOverwrite : (shape, dt) => outTarget('mm', out, shape, dt, product([a, b])));
  return finishOut(apply('MmBackward0', [a, b], dst, (g, needs) => [needs[0] ? mm(g, V.t(b)) : null, needs[1] ? mm(V.t(a), g) : null], [a, b]), out);
}

/** a·b for two matrices, checked, into the tensor `dest` gives (no graph). */
function mmInto(a: Tensor, b: Tensor, dest: Dest): Tensor {
  if (a.ndim !== 2) throw new RangeError('self must be a matrix');
  if (b.ndim !== 2) throw new RangeError('mat2 must be a matrix');
  if (a.shape[1] !== b.shape[0]) cannotMultiply(a.shape, b.shape);
  const dt = sameDtype(a, b, 'm1 and m2');
  const M = a.shape[0], N = b.shape[1];
  const dst = dest([M, N], dt);  // beta = 0: GEMM writes every element
  if (M > 0 && N > 0) {
    // straight to GEMM: transposed operands become flags, no view objects on the hot path
    const A = operand(a), Bo = operand(b);
    K.gemm({
      transA: A.trans, transB: Bo.trans, M, N, K: a.shape[1], alpha: 1, beta: 0,
      A: A.data, aOffset: A.offset, lda: A.ld, B: Bo.data, bOffset: Bo.offset, ldb: Bo.ld,
      C: dst._storage.data as FloatArray, cOffset: dst._offset, ldc: N, batch: 1, strideA: 0, strideB: 0, strideC: 0,
    });
  }
  return dst;
}

export function bmm(a: Tensor, b: Tensor, out?: Out): Tensor {
  checkTensor(a, 'input', 'bmm');
  checkTensor(b, 'mat2', 'bmm');
  if (a.ndim !== 3) throw new RangeError('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new RangeError('batch2 must be a 3D tensor');
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) {
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  const dt = sameDtype(a, b, 'batch1 and batch2');
  const dst = outTarget('bmm', out, [a.shape[0], a.shape[1], b.shape[2]], dt, product([a, b]));
  return finishOut(apply('BmmBackward0', [a, b], bmmRaw(a.detach(), b.detach(), dt, dst), (g, needs) => [
    needs[0] ? bmm(g, V.transpose(b, 1, 2)) : null,
    needs[1] ? bmm(V.transpose(a, 1, 2), g) : null,
  ], [a, b]), out);
}

/** Batched product with broadcast batch dims: a [..., n, m] · b [..., m, p]. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const raw = batchedInto(a, b, allocateForOverwrite);
  const shape = [...broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)), a.shape[a.ndim - 2], b.shape[b.ndim - 1]];
  const out = V.view(raw, [shape]).detach();
  return apply('BmmBackward0', [a, b], out, (g, needs) => [
    needs[0] ? matmul(g, V.transpose(b, -2, -1)) : null,
    needs[1] ? matmul(V.transpose(a, -2, -1), g) : null,
  ], [a, b]);
}

/** The [batch, n, p] product of a [..., n, m] and b [..., m, p] (batch dims broadcast), checked, into `dest`'s tensor. */
function batchedInto(a: Tensor, b: Tensor, dest: Dest): Tensor {
  const n = a.shape[a.ndim - 2], m = a.shape[a.ndim - 1];
  const m2 = b.shape[b.ndim - 2], p = b.shape[b.ndim - 1];
  if (m !== m2) {
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${numelOf(a.shape.slice(0, -2))}, ${m}] but got: [${numelOf(b.shape.slice(0, -2))}, ${m2}].`);
  }
  const dt = sameDtype(a, b, 'm1 and m2');
  const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = numelOf(batchShape);
  const flat = (t: Tensor, r: number, c: number) => {
    const own = t.shape.slice(0, -2);
    // a batch-free operand broadcasts with batch stride 0 instead of being copied
    if (numelOf(own) === 1) return V.reshape(t.detach(), [[1, r, c]]);
    return V.reshape(V.expand(t.detach(), [...batchShape, r, c]), [[nb, r, c]]);
  };
  return bmmRaw(flat(a, n, m), flat(b, m, p), dt, dest([nb, n, p], dt));
}

/** torch.matmul's result shape: broadcast batch dims, then the rows of a and the columns of b that are not vectors. */
function matmulShape(a: Tensor, b: Tensor): number[] {
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [...batch, ...(a.ndim > 1 ? [a.shape[a.ndim - 2]] : []), ...(b.ndim > 1 ? [b.shape[b.ndim - 1]] : [])];
}

/**
 * matmul (and mv, dot) with out=: the same cases as matmul, each product run by its kernel into
 * the destination for the whole result (out itself when it fits), seen as the kernel's matrices.
 */
function matmulOut(a: Tensor, b: Tensor, out: Tensor, fn: string): Tensor {
  let dst: Tensor | null = null;
  const dest: Dest = (shape, dt) => {
    dst = outTarget(fn, out, matmulShape(a, b), dt, product([a, b]));
    return V.view(dst, [shape]);
  };
  const da = a.ndim, db = b.ndim;
  if (da === 0 || db === 0) throw new RangeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) {
    checkDot(a, b);
    mmInto(V.unsqueeze(a, 0), V.unsqueeze(b, 1), dest);
  } else if (da === 2 && db === 1) {
    checkMv(a, b);
    mmInto(a, V.unsqueeze(b, 1), dest);
  } else if (da === 1 && db === 2) {
    if (a.shape[0] !== b.shape[0]) cannotMultiply([1, a.shape[0]], b.shape);
    mmInto(V.unsqueeze(a, 0), b, dest);
  } else if (da <= 2 || db > 2) {
    batchedInto(da === 1 ? V.unsqueeze(a, 0) : a, db === 1 ? V.unsqueeze(b, 1) : b, dest);
  } else {
    // as matmul: the batch folded into the rows, one GEMM
    const bb = db === 1 ? V.unsqueeze(b, 1) : b;
    const k = a.shape[da - 1];
    if (k !== bb.shape[0]) cannotMultiply([numelOf(a.shape.slice(0, -1)), k], bb.shape);
    mmInto(V.reshape(a, [[-1, k]]), bb, dest);
  }
  return finishOut(dst!, out);
}

/**
 * torch.matmul: dot, mv, mm or broadcast batched product, by PyTorch's rules on the dims. With
 * out=, the product's kernel writes into out (matmulOut).
 */
export function matmul(a: Tensor, b: Tensor, out?: Out): Tensor {
  checkTensor(a, 'input', 'matmul');
  checkTensor(b, 'other', 'matmul');
  if (out !== null && out !== undefined) return a.ndim === 2 && b.ndim === 2 ? mm(a, b, out) : matmulOut(a, b, out, 'matmul');
  const da = a.ndim, db = b.ndim;
  if (da === 0 || db === 0) throw new RangeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) {
    if (a.shape[0] !== b.shape[0]) cannotMultiply([1, a.shape[0]], b.shape);
    return V.squeeze(mm(V.unsqueeze(a, 0), b), 0);
  }
  if (da === 2 && db === 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // fold the batch into the rows: one large GEMM instead of many small ones
    const bb = db === 1 ? V.unsqueeze(b, 1) : b;
    const k = a.shape[da - 1];
    if (k !== bb.shape[0]) cannotMultiply([numelOf(a.shape.slice(0, -1)), k], bb.shape);
    const y = V.reshape(mm(V.reshape(a, [[-1, k]]), bb), [[...a.shape.slice(0, -1), bb.shape[1]]]);
    return db === 1 ? V.squeeze(y, -1) : y;
  }
  const aa = da === 1 ? V.unsqueeze(a, 0) : a;
  const bb = db === 1 ? V.unsqueeze(b, 1) : b;
  const y = batchedMatmul(aa, bb);
  if (da === 1) return V.squeeze(y, -2);
  if (db === 1) return V.squeeze(y, -1);
  return y;
}

function checkMv(a: Tensor, v: Tensor): void {
  if (a.ndim !== 2 || v.ndim !== 1) throw new RangeError(`vector + matrix @ vector expected, got 1, ${a.ndim}, ${v.ndim}`);
  if (a.shape[1] !== v.shape[0]) throw new RangeError(`size mismatch, got input (${a.shape[0]}), mat (${a.shape[0]}x${a.shape[1]}), vec (${v.shape[0]})`);
}

export function mv(a: Tensor, v: Tensor, out?: Out): Tensor {
  checkTensor(a, 'input', 'mv');
  checkTensor(v, 'vec', 'mv');
  checkMv(a, v);
  if (out !== null && out !== undefined) return matmulOut(a, v, out, 'mv');
  return V.squeeze(mm(a, V.unsqueeze(v, 1)), 1);
}

function checkDot(a: Tensor, b: Tensor): void {
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  sameDtype(a, b, 'both vectors');
}

export function dot(a: Tensor, b: Tensor, out?: Out): Tensor {
  checkTensor(a, 'input', 'dot');
  checkTensor(b, 'tensor', 'dot');
  checkDot(a, b);
  if (out !== null && out !== undefined) return matmulOut(a, b, out, 'dot');
  return V.reshape(mm(V.unsqueeze(a, 0), V.unsqueeze(b, 1)), [[]]);
}

export function outer(a: Tensor, b: Tensor, out?: Out): Tensor {
  checkTensor(a, 'input', 'outer');
  checkTensor(b, 'vec2', 'outer');
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`outer: expected 1D tensors, but got ${a.ndim}D and ${b.ndim}D tensors`);
  return B.mul(V.unsqueeze(a, 1), V.unsqueeze(b, 0), out);
}

/** beta·input + alpha·(mat1 @ mat2). */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, betaArg: Scalar = 1, alphaArg: Scalar = 1, out?: Out): Tensor {
  checkTensor(input, 'input', 'addmm');
  const beta = Number(betaArg), alpha = Number(alphaArg);
  if (out !== null && out !== undefined) return addmmOut(input, m1, m2, beta, alpha, out);
  const prod = mm(m1, m2);
  const scaled = alpha === 1 ? prod : B.mul(prod, alpha);
  // beta = 0 ignores input's values (NaN and inf too), but input still gets a zero gradient, as in PyTorch
  if (beta === 0) return B.add(scaled, apply('MulBackward0', [input], allocate(input.shape, input.dtype), (g) => [B.mul(g, 0)]));
  return B.add(beta === 1 ? input : B.mul(input, beta), scaled);
}

/**
 * addmm with out=: one GEMM, C = alpha·mat1·mat2 + beta·C, over C preloaded with input broadcast
 * (beta = 0 leaves input unread, NaN and inf too), as PyTorch's BLAS call.
 */
function addmmOut(input: Tensor, m1: Tensor, m2: Tensor, beta: number, alpha: number, out: Tensor): Tensor {
  checkTensor(m1, 'mat1', 'addmm');
  checkTensor(m2, 'mat2', 'addmm');
  if (m1.ndim !== 2) throw new RangeError('mat1 must be a matrix');
  if (m2.ndim !== 2) throw new RangeError('mat2 must be a matrix');
  if (m1.shape[1] !== m2.shape[0]) cannotMultiply(m1.shape, m2.shape);
  const dt = sameDtype(m1, m2, 'm1 and m2');
  if (input.dtype !== dt) sameDtype(input, m1, 'self and mat2');
  const M = m1.shape[0], N = m2.shape[1], shape = [M, N];
  broadcastShapes(input.shape, shape);
  const dst = outTarget('addmm', out, shape, dt, product([input, m1, m2]));
  if (beta !== 0) K.copy(strided(input, shape), strided(dst), shape, 'none');
  if (M > 0 && N > 0) {
    const A = operand(m1), Bo = operand(m2);
    K.gemm({
      transA: A.trans, transB: Bo.trans, M, N, K: m1.shape[1], alpha, beta,
      A: A.data, aOffset: A.offset, lda: A.ld, B: Bo.data, bOffset: Bo.offset, ldb: Bo.ld,
      C: dst._storage.data as FloatArray, cOffset: dst._offset, ldc: N, batch: 1, strideA: 0, strideB: 0, strideC: 0,
    });
  }
  return finishOut(dst, out);
}

/** A contiguous tensor seen as a row-major matrix with `cols` columns. */
function rowMajor(t: Tensor, cols: number): Operand {
  return { data: t._storage.data as FloatArray, offset: t._offset, ld: Math.max(cols, 1), trans: false, batchStride: 0 };
}

/** Every row of out set to the (broadcast) bias; the GEMM then accumulates onto it with beta = 1. */
function fillRows(out: Tensor, bias: Tensor): void {
  K.copy(strided(bias, out.shape), strided(out), out.shape, 'none');
}

/**
 * The GEMM of F.linear, with an optional activation fused into it (applied while the tile is in
 * cache). A leaf weight (a Parameter) is passed with its memory's version so that the native
 * backend may keep it pre-packed until it changes.
 */
function linearForward(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (x.ndim === 0) throw new RangeError('both arguments to linear need to be at least 1D, but they are 0D and 2D');
  const inF = x.shape[x.ndim - 1], outF = weight.shape[0];
  const rows = numelOf(x.shape.slice(0, -1));
  if (inF !== weight.shape[1]) cannotMultiply([rows, inF], [weight.shape[1], outF]);
  const dt = resultType(x, weight);
  if (x.dtype !== weight.dtype) sameDtype(x, weight, 'm1 and m2');
  if (bias && bias.dtype !== dt) sameDtype(x, bias, 'input and bias');
  // every element is written by the GEMM with beta = 0, or by fillRows first for a bias the
  // GEMM cannot add itself (broadcast from one element, strided, or another dtype)
  const outShape = [...x.shape.slice(0, -1), outF];
  const out = allocateForOverwrite(outShape, dt);
  let gemmBias: FloatArray | null = null;
  if (bias) {
    if (bias.numel() !== outF && bias.numel() !== 1) {
      throw new RangeError(`The size of tensor a (${outF}) must match the size of tensor b (${bias.shape[bias.ndim - 1]}) at non-singleton dimension ${out.ndim - 1}`);
    }
    if (bias.numel() === outF && bias.dtype === dt && isContiguousLayout(bias)) {
      const d = bias._storage.data as FloatArray;
      gemmBias = bias._offset === 0 ? d : d.subarray(bias._offset, bias._offset + outF);
    } else fillRows(out, bias);
  }
  if (rows > 0 && outF > 0) {
    // the common case (contiguous input and weight) goes straight to GEMM with no view objects
    const A = isContiguousLayout(x) ? rowMajor(x, inF) : operand(V.reshape(x.detach(), [[rows, inF]]));
    const W = isContiguousLayout(weight) ? rowMajor(weight, inF) : operand(weight);
    const store = weight._storage;
    K.gemm({
      transA: A.trans, transB: !W.trans, M: rows, N: outF, K: inF, alpha: 1, beta: bias && !gemmBias ? 1 : 0, bias: gemmBias,
      A: A.data, aOffset: A.offset, lda: A.ld, B: W.data, bOffset: W.offset, ldb: W.ld,
      C: out._storage.data as FloatArray, cOffset: 0, ldc: outF, batch: 1, strideA: 0, strideB: 0, strideC: 0,
      bCache: weight.is_leaf && !store.shared ? { key: store, version: store.version } : undefined,
    });
  }
  return out;
}

/**
 * F.linear: x·Wᵀ + b with x [..., in], W [out, in], b [out]. One GEMM with the bias preloaded
 * into C (beta = 1), W read transposed in place.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(x, 'input', 'linear');
  checkTensor(weight, 'weight', 'linear');
  if (weight.ndim !== 2) {
    if (weight.ndim === 1 && x.ndim >= 1) {
      const y = matmul(x, weight);
      return bias ? B.add(y, bias) : y;
    }
    throw new RangeError(`linear(): weight must be 1-D or 2-D, but got ${weight.ndim}-D`);
  }
  const out = linearForward(x, weight, bias ?? null);
  const inF = x.shape[x.ndim - 1], outF = weight.shape[0];
  const rows = numelOf(x.shape.slice(0, -1));
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return apply(bias ? 'AddmmBackward0' : 'MmBackward0', inputs, out, (g, needs) => {
    const g2 = V.reshape(g, [[rows, outF]]);
    return [
      needs[0] ? V.reshape(mm(g2, weight), [x.shape as number[]]) : null,
      needs[1] ? mm(V.t(g2), V.reshape(x, [[rows, inF]])) : null,
      needs[2] ? R.sum(g2, 0) : null,
    ];
  }, [x, weight]);
}
