/** tril and triu (and their in-place forms): the lower or upper triangle of the last two dims. */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { normDim, numelOf } from '../shape.js';
import { allocateForOverwrite, checkTensor, data } from './util.js';
import * as P from './inplace.js';
import { intoOut, type Out } from './out.js';

/** Keeps the lower (tril) or upper (triu) triangle of the last two dims, from `diagonal` on. */
function triangle(x: Tensor, diagonal: number, lower: boolean, fn: string): Tensor {
  checkTensor(x, 'input', fn);
  if (x.ndim < 2) normDim(-2, x.ndim); // PyTorch's message for a vector: dim -2 out of range
  const rows = x.shape[x.ndim - 2], cols = x.shape[x.ndim - 1];
  const out = allocateForOverwrite(x.shape, x.dtype);  // every element is written by the copy
  out._storage.data.set(data(x));
  const od = out._storage.data;
  const mats = numelOf(x.shape.slice(0, -2));
  for (let m = 0; m < mats; m++) {
    for (let r = 0; r < rows; r++) {
      const b = (m * rows + r) * cols;
      // tril keeps columns c <= r + diagonal; triu keeps c >= r + diagonal
      if (lower) od.fill(0, b + Math.max(0, Math.min(cols, r + diagonal + 1)), b + cols);
      else od.fill(0, b, b + Math.max(0, Math.min(cols, r + diagonal)));
    }
  }
  return apply(lower ? 'TrilBackward0' : 'TriuBackward0', [x], out, (g) => [triangle(g, diagonal, lower, fn)]);
}

export function tril(x: Tensor, diagonal = 0, out?: Out): Tensor {
  return intoOut('tril', out, triangle(x, diagonal, true, 'tril'), { inputs: [x], rule: 'exact' });
}
export function triu(x: Tensor, diagonal = 0, out?: Out): Tensor {
  return intoOut('triu', out, triangle(x, diagonal, false, 'triu'), { inputs: [x], rule: 'exact' });
}
export function tril_(x: Tensor, diagonal = 0): Tensor {
  return P.inplace(x, (s) => triangle(s, diagonal, true, 'tril'));
}
export function triu_(x: Tensor, diagonal = 0): Tensor {
  return P.inplace(x, (s) => triangle(s, diagonal, false, 'triu'));
}
