/**
 * Python's indexing, `x[items]`, as `x.index(...items)`: what each item means and how a list of
 * them resolves against a tensor. Items are numbers (select), slice strings (`'1:3'`, `'::2'`,
 * `':'`), `'...'`, `null` (None: a new dim), int64 tensors or arrays of ints (advanced indexing),
 * bool tensors or arrays of booleans (masks); one string may hold several items, as Python writes
 * them: `x.index(':, 1:3')`.
 *
 * Resolution follows PyTorch: slices, None and integers make a view (an integer selects even beside
 * tensor indices, where numpy would broadcast it with them); tensor indices are applied after, by
 * advanced_index.ts, with numpy's placement of their dims.
 */
import { Tensor } from '../tensor.js';
import { bool, int64 } from '../dtype.js';
import { tensor } from './creation.js';
import * as V from './view.js';
import { apply } from '../autograd/node.js';
import { K } from '../backend/index.js';
import { allocate, strided } from './util.js';
import { nonzero } from './sort.js';

export type IndexItem = number | boolean | string | null | Tensor | readonly number[] | readonly boolean[] | readonly (readonly number[])[];

type Slice = { kind: 'slice'; start: number | null; stop: number | null; step: number | null };
type Item = { kind: 'int'; value: number } | Slice | { kind: 'none' } | { kind: 'ellipsis' } | { kind: 'tensor'; t: Tensor };

/** An index error, as PyTorch's IndexError. */
export class IndexError extends RangeError {
  override name = 'IndexError';
}

function parseSlicePart(s: string, whole: string): number | null {
  const t = s.trim();
  if (t === '' || t === 'None') return null;
  if (!/^[-+]?\d+$/.test(t)) throw new TypeError(`invalid index '${whole}': slice bounds must be integers`);
  return Number(t);
}

/** One string may hold several comma-separated items: '1:3', '::2', ':', '...', 'None', '-1'. */
function parseString(s: string): Item[] {
  return s.split(',').map((raw) => {
    const p = raw.trim();
    if (p === '...' || p === 'Ellipsis') return { kind: 'ellipsis' };
    if (p === 'None') return { kind: 'none' };
    if (/^[-+]?\d+$/.test(p)) return { kind: 'int', value: Number(p) };
    const parts = p.split(':');
    if (parts.length < 2 || parts.length > 3) throw new TypeError(`invalid index '${p}': expected an integer, a slice such as '1:3' or '::2', '...' or 'None'`);
    return { kind: 'slice', start: parseSlicePart(parts[0], p), stop: parseSlicePart(parts[1], p), step: parts.length === 3 ? parseSlicePart(parts[2], p) : null };
  });
}

function toItems(items: readonly IndexItem[]): Item[] {
  const out: Item[] = [];
  for (const it of items) {
    if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw new TypeError(`only integers, slices ('1:3'), '...', null, and integer or boolean tensors are valid indices (got ${it})`);
      out.push({ kind: 'int', value: it });
    } else if (typeof it === 'string') out.push(...parseString(it));
    else if (it === null) out.push({ kind: 'none' });
    else if (typeof it === 'boolean') out.push({ kind: 'tensor', t: new Tensor(new Uint8Array([it ? 1 : 0]), [], bool) });
    else if (it instanceof Tensor) out.push({ kind: 'tensor', t: it });
    else if (Array.isArray(it)) {
      // a list is an index tensor, as in Python: of booleans a mask, else of ints
      const flat = (it as unknown[]).flat(Infinity);
      out.push({ kind: 'tensor', t: tensor(it as number[], { dtype: flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? bool : int64 }) });
    } else throw new TypeError(`only integers, slices ('1:3'), '...', null, and integer or boolean tensors are valid indices (got ${typeof it})`);
  }
  return out;
}

function dimsUsed(it: Item): number {
  if (it.kind === 'none' || it.kind === 'ellipsis') return 0;
  if (it.kind === 'tensor') return it.t.dtype === bool ? it.t.ndim : 1;
  return 1;
}

/** Python's slice on one dim: bounds clamped, negative ones from the end, a positive step. */
function sliceDim(x: Tensor, dim: number, s: Slice): Tensor {
  const size = x.shape[dim];
  const step = s.step ?? 1;
  if (step === 0) throw new RangeError('slice step cannot be zero');
  if (step < 0) throw new RangeError('step must be greater than zero');
  const clamp = (v: number | null, dflt: number) => (v === null ? dflt : Math.min(Math.max(v < 0 ? v + size : v, 0), size));
  const start = clamp(s.start, 0);
  const stop = Math.max(clamp(s.stop, size), start);
  if (step === 1) return start === 0 && stop === size ? x : V.narrow(x, dim, start, stop - start);
  const len = Math.ceil((stop - start) / step);
  const shape = x.shape.slice(), strides = x._strides.slice();
  shape[dim] = len;
  strides[dim] *= step;
  const inShape = x.shape;
  const out = V.makeView(x, shape, strides, x._offset + start * x._strides[dim]);
  return apply('SliceBackward0', [x], out, (g) => [stepInto(g, inShape, dim, start, step)]);
}

/** Zeros of `shape` with g at start, start + step, ... along dim: a stepped slice's backward. */
function stepInto(g: Tensor, shape: readonly number[], dim: number, start: number, step: number): Tensor {
  const out = allocate(shape, g.dtype);
  K.copy(strided(g), strided(sliceDim(out, dim, { kind: 'slice', start, stop: null, step })), g.shape, 'none');
  return apply('SliceBackwardBackward0', [g], out, (gg) => [sliceDim(gg, dim, { kind: 'slice', start, stop: null, step })]);
}

function selectChecked(x: Tensor, dim: number, i: number): Tensor {
  const size = x.shape[dim];
  if (i < -size || i >= size) throw new IndexError(`index ${i} is out of bounds for dimension ${dim} with size ${size}`);
  return V.select(x, dim, i);
}

/** A mask over dims [dim, dim + k): one int64 index tensor per dim, PyTorch's check of its shape. */
function maskIndices(x: Tensor, dim: number, mask: Tensor): Tensor[] {
  const m = mask;
  for (let j = 0; j < m.ndim; j++) {
    if (dim + j >= x.ndim || m.shape[j] !== x.shape[dim + j]) {
      throw new IndexError(`The shape of the mask [${mask.shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${x.shape.join(', ')}] at index ${dim + j}`);
    }
  }
  return nonzero(m, true) as Tensor[];
}

export interface Resolved {
  /** x after slices, None and (without tensor indices) integers: a view of x */
  view: Tensor;
  /** per dim of `view`, the advanced index applied to it (int64), or null */
  adv: (Tensor | null)[] | null;
}

/** Resolves `x[items]` into a view and the advanced indices left to apply to it. */
export function resolve(x: Tensor, items: readonly IndexItem[]): Resolved {
  const parsed = toItems(items);
  const used = parsed.reduce((n, it) => n + dimsUsed(it), 0);
  if (used > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  let v = x;
  let dim = 0;
  let ellipsisSeen = false;
  const adv: (Tensor | null)[] = [];
  const mark = (d: number, t: Tensor) => {
    while (adv.length < d) adv.push(null);
    adv[d] = t;
  };
  for (const it of parsed) {
    switch (it.kind) {
      case 'int':
        // an integer selects, also beside tensor indices (PyTorch's rule, unlike numpy's)
        v = selectChecked(v, dim, it.value);
        break;
      case 'slice':
        v = sliceDim(v, dim++, it);
        break;
      case 'none':
        v = V.unsqueeze(v, dim++);
        break;
      case 'ellipsis':
        // PyTorch 1.13 lets a second ellipsis through as covering no dims
        if (!ellipsisSeen) dim += x.ndim - used;
        ellipsisSeen = true;
        break;
      case 'tensor': {
        const t = it.t;
        if (t.dtype === bool && t.ndim === 0) {
          // x[True] adds a dim of size 1, x[False] one of size 0
          v = V.unsqueeze(v, dim);
          mark(dim++, new Tensor(new Float64Array(t.item() ? [0] : []), [t.item() ? 1 : 0], int64));
        } else if (t.dtype === bool) {
          for (const idx of maskIndices(v, dim, t)) mark(dim++, idx);
        } else if (t.dtype === int64) mark(dim++, t);
        else throw new IndexError('tensors used as indices must be long, byte or bool tensors');
        break;
      }
    }
  }
  return { view: v, adv: adv.length ? adv : null };
}
