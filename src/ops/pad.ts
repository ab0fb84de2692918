/**
 * F.pad: constant padding (negative pads crop) of any trailing dims, and reflect, replicate and
 * circular padding of the last 1-3 dims. The non-constant modes are an index_select per padded
 * dim (each output position reads one input position), so their gradient is index_select's.
 */
import { Tensor } from '../tensor.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { int64 } from '../dtype.js';
import { contiguousStrides } from '../shape.js';
import { allocate, checkTensor, strided } from './util.js';
import { index_select } from './indexing.js';
import * as V from './view.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** pad(input, pad, mode='constant', value=None): pad lists (left, right) pairs from the last dim backwards. */
export function pad(x: Tensor, padding: readonly number[], mode: string = 'constant', value?: number | null): Tensor {
  checkTensor(x, 'input', 'pad');
  if (padding.length % 2 !== 0) throw new RangeError('Padding length must be divisible by 2');
  if (padding.length / 2 > x.ndim) throw new RangeError('Padding length too large');
  if (mode === 'constant') return constantPad(x, padding, value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') throw new RangeError(`Unrecognised padding mode ${mode}`);
  if (value !== null && value !== undefined && value !== 0) throw new RangeError(`Padding mode "${mode}" doesn't take in value argument`);
  const k = padding.length / 2;
  if (!(k >= 1 && k <= 3 && (x.ndim === k + 1 || x.ndim === k + 2))) {
    throw new RangeError('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  }
  if (mode === 'circular' && padding.length !== 2 * (x.ndim - 2)) throw new RangeError(`Invalid padding size, expected ${2 * (x.ndim - 2)} but got ${padding.length}`);
  let out = x;
  for (let i = 0; i < k; i++) {
    const d = x.ndim - 1 - i, size = x.shape[d], l = padding[2 * i], r = padding[2 * i + 1];
    if (mode === 'reflect' && (l >= size || r >= size)) {
      throw new RangeError(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) at dimension ${d} of input [${x.shape.join(', ')}]`);
    }
    if (mode === 'circular' && (l > size || r > size)) throw new RangeError('Padding value causes wrapping around more than once.');
    const n = size + l + r;
    if (n < 1) {
      const names = ['W', 'H', 'D'];
      throw new RangeError(`input (${names.slice(0, k).reverse().map((s, j) => `${s}: ${x.shape[x.ndim - k + j]}`).join(', ')}) is too small. Calculated output ${names.slice(0, k).reverse().map((s, j) => `${s}: ${x.shape[x.ndim - k + j] + padding[2 * (k - 1 - j)] + padding[2 * (k - 1 - j) + 1]}`).join(', ')}`);
    }
    if (l === 0 && r === 0) continue;
    const idx = new Float64Array(n);
    for (let o = 0; o < n; o++) {
      const p = o - l;
      idx[o] = mode === 'replicate' ? Math.min(Math.max(p, 0), size - 1)
        : mode === 'circular' ? ((p % size) + size) % size
          : p < 0 ? -p : p >= size ? 2 * (size - 1) - p : p;
    }
    out = index_select(out, d, new Tensor(idx, [n], int64));
  }
  return out;
}

/** Crops the negative pads with narrow (as ATen's constant_pad_nd), then writes the rest into a filled tensor. */
function constantPad(x: Tensor, padding: readonly number[], value: number): Tensor {
  const k = padding.length / 2;
  let src = x;
  for (let i = 0; i < k; i++) {
    const d = x.ndim - 1 - i, l = padding[2 * i], r = padding[2 * i + 1];
    if (l < 0) src = narrowChecked(src, d, -l, src.shape[d] + l);
    if (r < 0) src = narrowChecked(src, d, 0, src.shape[d] + r);
  }
  const shape = src.shape.slice();
  for (let i = 0; i < k; i++) shape[x.ndim - 1 - i] += Math.max(padding[2 * i], 0) + Math.max(padding[2 * i + 1], 0);
  const out = allocate(shape, x.dtype);
  if (value !== 0) out._storage.data.fill(value);
  // src lands at the positive left pads
  const strides = contiguousStrides(shape);
  let offset = 0;
  for (let i = 0; i < k; i++) offset += Math.max(padding[2 * i], 0) * strides[x.ndim - 1 - i];
  if (src.numel() > 0) K.copy(strided(src), { data: out._storage.data, offset, strides }, src.shape, 'none');
  const srcShape = src.shape.slice();
  return apply('ConstantPadNdBackward0', [src], out, (g) => {
    let gs = g;
    for (let i = 0; i < k; i++) {
      const d = x.ndim - 1 - i;
      gs = V.narrow(gs, d, Math.max(padding[2 * i], 0), srcShape[d]);
    }
    return [gs];
  });
}

function narrowChecked(t: Tensor, d: number, start: number, length: number): Tensor {
  if (length < 0) throw new RangeError(`start (${start}) + length (${length}) exceeds dimension size (${t.shape[d]}).`);
  return V.narrow(t, d, start, length);
}
