/** Running sums and products along a dim (cumsum, cumprod) and diff. */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { bool, DType, DTypeLike, int64, toDType } from '../dtype.js';
import { normDim } from '../shape.js';
import { allocate, checkTensor, data } from './util.js';
import * as V from './view.js';
import * as B from './binary.js';
import * as J from './join.js';
import * as P from './inplace.js';
import { rowGeometry } from './rows.js';
import { intoOut, type Out } from './out.js';

type Arr = Float32Array | Float64Array | Uint8Array;

/** out = running sum (or product) of src along the middle dim of [outer, size, inner], from the end when `reverse`. */
function scan(src: ArrayLike<number>, out: Arr, outer: number, size: number, inner: number, prod: boolean, reverse: boolean): void {
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      let acc = prod ? 1 : 0;
      for (let j = 0; j < size; j++) {
        const at = base + (reverse ? size - 1 - j : j) * inner + i;
        acc = prod ? acc * src[at] : acc + src[at];
        out[at] = acc;
      }
    }
  }
}

/** The dtype a running sum/product is computed in: dtype if given, else int64 for integers and bools. */
function scanType(x: Tensor, dtype: DTypeLike | null | undefined): DType {
  if (dtype !== null && dtype !== undefined) return toDType(dtype);
  return x.dtype.is_floating_point ? x.dtype : int64;
}

/** A running sum along dim, forwards or (reverse, cumsum's gradient) backwards: each is the other's gradient. */
function runningSum(x: Tensor, d: number, reverse: boolean): Tensor {
  const { outer, size, inner } = rowGeometry(x.shape, d);
  const y = allocate(x.shape, x.dtype);
  scan(data(x), y._storage.data, outer, size, inner, false, reverse);
  return apply('CumsumBackward0', [x], y, (g) => [runningSum(g, d, !reverse)]);
}

export function cumsum(x: Tensor, dim: number, dtype?: DTypeLike | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'cumsum');
  const d = normDim(dim, x.ndim);
  // with out= and no dtype, the sum is computed in out's dtype, as PyTorch does
  const t = out !== null && out !== undefined && (dtype === null || dtype === undefined) ? out.dtype : scanType(x, dtype);
  const y = runningSum(x.dtype === t ? x : x.to(t), d, false);
  return intoOut('cumsum', out, y, { inputs: [x], rule: 'exact' });
}

export function cumprod(x: Tensor, dim: number, dtype?: DTypeLike | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'cumprod');
  const d = normDim(dim, x.ndim);
  const t = out !== null && out !== undefined && (dtype === null || dtype === undefined) ? out.dtype : scanType(x, dtype);
  const xt = x.dtype === t ? x : x.to(t);
  const { outer, size, inner } = rowGeometry(x.shape, d);
  const y = allocate(x.shape, t);
  const xs = data(xt);
  scan(xs, y._storage.data, outer, size, inner, true, false);
  apply('CumprodBackward0', [xt], y, (g) => {
    if (!is_grad_enabled()) return [cumprodGrad(xs, data(g), g.dtype, x.shape, outer, size, inner)];
    // create_graph: the gradient written with ops, Σ_{j>=k} g_j·y_j / x_k, which needs x without zeros
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === 0) throw new Error('cumprod: second derivatives are not implemented for inputs containing zeros');
    }
    return [B.div(runningSum(B.mul(g, y), d, true), xt)];
  }, [xt, y]);
  return intoOut('cumprod', out, y, { inputs: [x], rule: 'exact' });
}

/**
 * d/dx_k of Σ_j g_j·Π_{i<=j} x_i per row. Before the row's first zero z it is Σ_{k<=j<z} g_j·y_j / x_k;
 * at z it is Π_{i<z} x_i · Σ_{j>=z} g_j·Π_{z<i<=j} x_i; after z every product holds the zero.
 */
function cumprodGrad(x: ArrayLike<number>, g: ArrayLike<number>, dtype: DType, shape: readonly number[], outer: number, size: number, inner: number): Tensor {
  const out = allocate(shape, dtype);
  const r = out._storage.data;
  const ys = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let z = size;
      for (let j = 0; j < size; j++) if (x[base + j * inner] === 0) { z = j; break; }
      // prefix products y_j for j < z, then the suffix sums of g_j·y_j
      let y = 1, suffix = 0;
      for (let j = 0; j < z; j++) ys[j] = y *= x[base + j * inner];
      for (let j = z - 1; j >= 0; j--) {
        suffix += g[base + j * inner] * ys[j];
        r[base + j * inner] = suffix / x[base + j * inner];
      }
      if (z < size) {
        const before = z === 0 ? 1 : ys[z - 1];
        let run = 1, s = 0;
        for (let j = z; j < size; j++) {
          if (j > z) run *= x[base + j * inner];
          s += g[base + j * inner] * run;
        }
        r[base + z * inner] = before * s;
      }
    }
  }
  return out;
}

export function cumsum_(x: Tensor, dim: number, dtype?: DTypeLike | null): Tensor {
  return P.inplace(x, (s) => cumsum(s, dim, dtype ?? x.dtype));
}
export function cumprod_(x: Tensor, dim: number, dtype?: DTypeLike | null): Tensor {
  return P.inplace(x, (s) => cumprod(s, dim, dtype ?? x.dtype));
}

/** The n-th forward difference along dim, after prepend/append are joined on (bool: xor of neighbours). */
export function diff(x: Tensor, n = 1, dim = -1, prepend: Tensor | null = null, append: Tensor | null = null, out?: Out): Tensor {
  checkTensor(x, 'input', 'diff');
  if (x.ndim === 0) throw new RangeError('diff expects input to be at least one-dimensional');
  if (n < 0) throw new RangeError(`order must be non-negative but got ${n}`);
  const d = normDim(dim, x.ndim);
  for (const t of [prepend, append]) {
    if (t !== null && t !== undefined && t.ndim !== x.ndim) throw new RangeError('diff expects prepend or append to be the same dimension as input');
  }
  const parts = [prepend, x, append].filter((t): t is Tensor => t !== null && t !== undefined);
  let y = parts.length > 1 ? J.cat(parts, d) : x;
  for (let k = 0; k < n && y.shape[d] > 0; k++) {
    const len = y.shape[d] - 1;
    const hi = V.narrow(y, d, 1, len), lo = V.narrow(y, d, 0, len);
    y = y.dtype === bool ? B.logical_xor(hi, lo) : B.sub(hi, lo);
  }
  if (y === x) y = V.contiguous(x);
  return intoOut('diff', out, y, { inputs: parts, rule: 'exact' });
}
