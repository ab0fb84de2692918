/**
 * Ops that move elements without changing them: flip, fliplr, flipud, roll, tile, repeat_interleave.
 * Each is built from index_select, narrow and cat; flip and roll record their own backward (the
 * same op reversed), repeat_interleave is index_select's, as PyTorch's composite.
 */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { no_grad } from '../autograd/grad_mode.js';
import { int64, type DType } from '../dtype.js';
import { normDim } from '../shape.js';
import { checkTensor, data, typeName } from './util.js';
import * as V from './view.js';
import * as J from './join.js';
import * as I from './indexing.js';

function indexTensor(values: Float64Array): Tensor {
  return new Tensor(values, [values.length], int64);
}

/** Normalised dims, each at most once (PyTorch's message names the dim as normalised). */
function distinctDims(dims: readonly number[], ndim: number): number[] {
  const seen = new Set<number>();
  return dims.map((d) => {
    const n = normDim(d, ndim);
    if (seen.has(n)) throw new RangeError(`dim ${n} appears multiple times in the list of dims`);
    seen.add(n);
    return n;
  });
}

/** Reverses the order of elements along each of `dims` (a copy, as PyTorch's). */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'input', 'flip');
  const ds = distinctDims(dims, x.ndim);
  const y = no_grad(() => {
    let r = x;
    for (const d of ds) {
      const n = x.ndim === 0 ? 1 : x.shape[d];
      const idx = new Float64Array(n);
      for (let i = 0; i < n; i++) idx[i] = n - 1 - i;
      r = I.index_select(r, d, indexTensor(idx));
    }
    return r === x ? x.clone() : r;
  });
  return apply('FlipBackward0', [x], y, (g) => [flip(g, ds)]);
}

export function fliplr(x: Tensor): Tensor {
  checkTensor(x, 'input', 'fliplr');
  if (x.ndim < 2) throw new RangeError('Input must be >= 2-d.');
  return flip(x, [1]);
}

export function flipud(x: Tensor): Tensor {
  checkTensor(x, 'input', 'flipud');
  if (x.ndim < 1) throw new RangeError('Input must be >= 1-d.');
  return flip(x, [0]);
}

/** repeat() with dims padded by leading 1s to the tensor's rank, as torch.tile. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'input', 'tile');
  return J.repeat(x, dims.length < x.ndim ? [...new Array<number>(x.ndim - dims.length).fill(1), ...dims] : dims);
}

const asList = (v: number | readonly number[]) => (typeof v === 'number' ? [v] : v.slice());

/**
 * Rotates elements along dims by shifts (elements past the end come back at the start); with no
 * dims, over the flattened tensor, whose shape is then restored.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims: number | readonly number[] = []): Tensor {
  checkTensor(x, 'input', 'roll');
  const s = asList(shifts), ds = asList(dims);
  if (ds.length === 0 ? s.length !== 1 : s.length !== ds.length) {
    throw new RangeError(`shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  }
  if (x.ndim === 0 && ds.length > 0) throw new RangeError(`Dimension specified as ${ds[0]} but tensor has no dimensions`);
  const nd = ds.map((d) => normDim(d, x.ndim));
  const y = no_grad(() => {
    if (x.numel() === 0) return x.clone();
    if (nd.length === 0) return V.view(rollDims(V.reshape(x, [[-1]]), s, [0]), [x.shape]);
    return rollDims(x, s, nd);
  });
  return apply('RollBackward0', [x], y, (g) => [roll(g, s.map((v) => -v), ds)]);
}

function rollDims(x: Tensor, shifts: readonly number[], dims: readonly number[]): Tensor {
  let r = x;
  dims.forEach((d, i) => {
    const n = r.shape[d];
    const k = ((shifts[i] % n) + n) % n;
    if (k !== 0) r = J.cat([V.narrow(r, d, n - k, k), V.narrow(r, d, 0, n - k)], d);
  });
  return r === x ? x.clone() : r;
}

/**
 * Repeats each element (along dim, or of the flattened input when dim is None) `repeats` times:
 * an int, or an int64 tensor with one count per element (one count is used for every element).
 * With only a repeats tensor, the indices 0..n−1 repeated by it.
 */
export function repeat_interleave(input: Tensor | undefined, repeats: Tensor | number, dim?: number | null, output_size?: number | null): Tensor {
  if (input === undefined) {
    const r = repeats as Tensor;
    checkTensor(r, 'repeats', 'repeat_interleave');
    if (r.ndim !== 1) throw new RangeError('repeat_interleave only accept 1D vector as repeat');
    checkRepeats(r);
    const n = r.numel();
    const ar = new Float64Array(n);
    for (let i = 0; i < n; i++) ar[i] = i;
    return repeat_interleave(indexTensor(ar), r, 0, output_size);
  }
  checkTensor(input, 'input', 'repeat_interleave');
  const x = dim === null || dim === undefined ? V.reshape(input, [[-1]]) : input;
  const d = dim === null || dim === undefined ? 0 : normDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  let counts: ArrayLike<number>;
  if (repeats instanceof Tensor) {
    checkRepeats(repeats);
    const rd = data(repeats);
    if (repeats.numel() === 1) counts = new Float64Array(size).fill(rd[0]);
    else if (repeats.numel() !== size) throw new RangeError('repeats must have the same size as input along dim');
    else counts = rd;
  } else {
    if (repeats < 0) throw new RangeError('repeats can not be negative');
    counts = new Float64Array(size).fill(repeats);
  }
  let total = 0;
  for (let i = 0; i < size; i++) total += counts[i];
  if (output_size !== null && output_size !== undefined && output_size !== total) throw new RangeError('allocated size does not match required size');
  const idx = new Float64Array(total);
  let k = 0;
  for (let i = 0; i < size; i++) for (let c = 0; c < counts[i]; c++) idx[k++] = i;
  return I.index_select(x, d, indexTensor(idx));
}

function checkRepeats(r: Tensor): void {
  const dt: DType = r.dtype;
  if (dt !== int64) throw new TypeError(`"repeat_interleave_cpu" not implemented for '${typeName(dt)}'`);
  if (r.ndim > 1) throw new RangeError('repeats must be 0-dim or 1-dim tensor');
  const rd = data(r);
  for (let i = 0; i < rd.length; i++) if (rd[i] < 0) throw new RangeError('repeats can not be negative');
}
