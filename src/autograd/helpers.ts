/** Small pieces the engine shares with ops: reduce a broadcast gradient, add two gradients. */
import type { Tensor } from '../tensor.js';
import * as R from '../ops/reduce.js';
import * as B from '../ops/binary.js';
import * as V from '../ops/view.js';

/** Sums a gradient of a broadcast result back to the shape of the input that was broadcast. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let out = dims.length ? R.sum(g, dims, true) : g;
  if (lead > 0 || out.ndim !== shape.length) out = V.reshape(out, [shape as number[]]);
  return out;
}

export function addGrads(a: Tensor, b: Tensor): Tensor {
  return B.add(a, b);
}

/** PyTorch's description of a tensor in autograd messages: [torch.FloatTensor [3, 4]]. */
export function describeTensor(t: Tensor): string {
  const kind = { float32: 'Float', float64: 'Double', int64: 'Long', bool: 'Bool' }[t.dtype.name];
  return `torch.${kind}Tensor [${t.shape.join(', ')}]`;
}
