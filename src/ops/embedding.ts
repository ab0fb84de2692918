/** embedding: rows of a weight matrix picked by integer indices; the gradient is scattered back. */
import { Tensor } from '../tensor.js';
import { K } from '../backend/index.js';
import type { FloatArray } from '../backend/contract.js';
import { apply } from '../autograd/node.js';
import { no_grad } from '../autograd/grad_mode.js';
import { bool, int64 } from '../dtype.js';
import { allocate, checkTensor, data, typeName } from './util.js';
import { index_select } from './indexing.js';
import { norm } from './reduce.js';
import * as V from './view.js';
import * as B from './binary.js';

export interface EmbeddingOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}

/** A negative padding_idx counts from the end; PyTorch asserts it is in range. */
export function normPaddingIdx(padding_idx: number | null | undefined, rows: number): number | null {
  if (padding_idx === null || padding_idx === undefined) return null;
  if ((padding_idx > 0 && padding_idx >= rows) || padding_idx < -rows) throw new Error('Padding_idx must be within num_embeddings');
  return padding_idx < 0 ? padding_idx + rows : padding_idx;
}

/** Rescales, in place, each referenced row whose norm exceeds max_norm (PyTorch's embedding_renorm_). */
function renorm_(weight: Tensor, idx: ArrayLike<number>, maxNorm: number, normType: number): void {
  no_grad(() => {
    for (const i of new Set(Array.from(idx))) {
      const row = weight.select(0, i);
      const n = Number(norm(row, normType).item());
      if (n > maxNorm) row.mul_(maxNorm / (n + 1e-7));
    }
  });
}

/** out[index[i]] += g[i] over rows: index_select's adjoint, itself differentiable (its adjoint is the gather). */
function scatterRows(g: Tensor, index: Tensor, rows: number): Tensor {
  const [n, dim] = g.shape;
  const out = allocate([rows, dim], g.dtype);
  K.scatterAdd(data(g) as FloatArray, data(index) as Float64Array, out._storage.data as FloatArray, 1, rows, dim, n, true);
  return apply('EmbeddingDenseBackwardBackward0', [g], out, (gg) => [index_select(gg, 0, index)]);
}

/**
 * embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
 * sparse=False): int64 indices of any shape give input.shape + [embedding_dim]. The padding row gets
 * no gradient; with scale_grad_by_freq each row's gradient is divided by its count in the batch.
 * sparse is accepted for compatibility: gradients are always dense here.
 */
export function embedding(input: Tensor, weight: Tensor, padding_idx?: number | null, maxNorm: number | null = null, normType = 2, byFreq = false, sparse = false): Tensor {
  void sparse; // gradients are always dense here
  checkTensor(input, 'input', 'embedding');
  checkTensor(weight, 'weight', 'embedding');
  const pad = normPaddingIdx(padding_idx, weight.shape[0] ?? 0);
  if (weight.ndim !== 2) throw new RangeError("'weight' must be 2-D");
  if (input.dtype !== int64) {
    const got = input.dtype === bool ? 'CPUBoolType' : `torch.${typeName(input.dtype)}Tensor`;
    throw new TypeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${got} instead (while checking arguments for embedding)`);
  }
  const flat = V.contiguous(V.reshape(input, [[-1]]));
  const [rows, dim] = weight.shape;
  if (maxNorm !== null && maxNorm !== undefined) {
    const idx = data(flat);
    for (let k = 0; k < idx.length; k++) if (!(idx[k] >= 0 && idx[k] < rows)) throw new RangeError('index out of range in self');
    renorm_(weight, idx, maxNorm, normType);
  }
  const rowsOut = index_select(weight.detach(), 0, flat); // checks every index is in [0, rows)
  const out = new Tensor(rowsOut._storage, [...input.shape, dim], weight.dtype);
  return apply('EmbeddingBackward0', [weight], out, (g) => {
    let g2 = V.reshape(g, [[-1, dim]]);
    if (pad !== null || byFreq) {
      // one factor per looked-up row: 0 for the padding row, 1/count with scale_grad_by_freq
      const idx = data(flat);
      const counts = new Map<number, number>();
      if (byFreq) for (const i of idx) counts.set(i, (counts.get(i) ?? 0) + 1);
      const f = allocate([idx.length, 1], g.dtype);
      const fd = f._storage.data;
      for (let k = 0; k < idx.length; k++) fd[k] = idx[k] === pad ? 0 : byFreq ? 1 / counts.get(idx[k])! : 1;
      g2 = B.mul(g2, f);
    }
    return [scatterRows(g2, flat, rows)];
  });
}
