/**
 * einsum with PyTorch's grammar: subscripts [a-zA-Z], `...` for broadcast dims, an implicit output
 * (the ellipsis dims, then the labels seen once, A–Z before a–z) or an explicit one after `->`.
 * Repeated labels take a diagonal (a strided view); labels no later step needs are summed out early;
 * operands are then contracted pairwise, each pair as one mm/bmm (GEMM speed) when labels are
 * summed between them, else as a broadcast multiply. Gradients follow from those ops.
 */
import { Tensor } from '../tensor.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { numelOf } from '../shape.js';
import { allocate, checkTensor, strided, typeName } from './util.js';
import * as V from './view.js';
import * as B from './binary.js';
import * as R from './reduce.js';
import * as L from './linalg.js';

/** A label's id: A–Z are 0–25 and a–z 26–51 (PyTorch's order); ellipsis dims are negative. */
function labelId(c: string): number {
  const k = c.charCodeAt(0);
  return k >= 97 ? k - 97 + 26 : k - 65;
}
const isLetter = (c: string) => /[a-zA-Z]/.test(c);

interface Term { labels: number[]; ellipsisAt: number }

/** Parses one side's subscripts starting at string position `pos` (for messages). */
function parseTerm(s: string, pos: number, operand: number): Term {
  const labels: number[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ') continue;
    if (c === '.') {
      if (ellipsisAt >= 0 || s.slice(i, i + 3) !== '...') {
        throw new Error(`einsum(): found '.' for ${operand < 0 ? 'output' : `operand ${operand}`} that is not part of any ellipsis`);
      }
      ellipsisAt = labels.length;
      i += 2;
    } else if (isLetter(c)) labels.push(labelId(c));
    else throw new Error(`einsum(): invalid subscript given at index ${pos + i} in the equation string, subscripts must be in [a-zA-Z]`);
  }
  return { labels, ellipsisAt };
}

const letter = (id: number) => String.fromCharCode(id < 26 ? 65 + id : 97 + id - 26);

/** A labelled operand: dims named by label ids. */
interface Op { t: Tensor; labels: number[] }

/** Merges repeated labels into one dim each (the diagonal), as a strided view with a gradient. */
function diagonal(t: Tensor, labels: readonly number[]): Op {
  const uniq: number[] = [], shape: number[] = [], strides: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const j = uniq.indexOf(labels[i]);
    if (j < 0) {
      uniq.push(labels[i]);
      shape.push(t.shape[i]);
      strides.push(t._strides[i]);
    } else strides[j] += t._strides[i];
  }
  if (uniq.length === labels.length) return { t, labels: labels.slice() };
  return { t: diagonalOf(t, labels, uniq, shape, strides), labels: uniq };
}

function diagonalOf(t: Tensor, labels: readonly number[], uniq: readonly number[], shape: readonly number[], strides: readonly number[]): Tensor {
  const view = V.makeView(t, shape, strides, t._offset);
  const inShape = t.shape;
  return apply('DiagonalBackward0', [t], view, (g) => [undiagonal(g, inShape, labels, uniq)]);
}

/** Zeros of `shape` with g written on the diagonal: diagonal's backward (itself differentiable). */
function undiagonal(g: Tensor, shape: readonly number[], labels: readonly number[], uniq: readonly number[]): Tensor {
  const out = allocate(shape, g.dtype);
  const strides = new Array<number>(uniq.length).fill(0);
  const full = out._strides;
  labels.forEach((l, i) => (strides[uniq.indexOf(l)] += full[i]));
  K.copy(strided(g), { data: out._storage.data, offset: 0, strides }, g.shape, 'none');
  return apply('DiagonalBackwardBackward0', [g], out, (gg) => [diagonal(gg, labels).t]);
}

/** Sums out the labels of `op` not in `keep`. */
function sumOut(op: Op, keep: ReadonlySet<number>): Op {
  const dims = op.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (dims.length === 0) return op;
  return { t: R.sum(op.t, dims, false), labels: op.labels.filter((l) => keep.has(l)) };
}

/** op's dims reordered to `order` (each a label of op), with size-1 dims expanded to `sizes`. */
function arrange(op: Op, order: readonly number[], sizes: ReadonlyMap<number, number>): Tensor {
  const perm = order.map((l) => op.labels.indexOf(l));
  let t = V.permute(op.t, perm);
  const target = order.map((l) => sizes.get(l)!);
  if (target.some((s, i) => s !== t.shape[i])) t = V.expand(t, target);
  return t;
}

/** Contracts two operands over their shared labels not in `keep`. */
function contract(a: Op, b: Op, keep: ReadonlySet<number>, sizes: ReadonlyMap<number, number>): Op {
  const inB = new Set(b.labels), inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !inA.has(l));
  const size = (ls: readonly number[]) => numelOf(ls.map((l) => sizes.get(l)!));
  const nb = size(batch), m = size(aOnly), k = size(summed), n = size(bOnly);
  const labels = [...batch, ...aOnly, ...bOnly];
  const shape = labels.map((l) => sizes.get(l)!);
  const float = a.t.dtype.is_floating_point;
  if (summed.length === 0 || !float || (m === 1 && n === 1 && nb > 1)) {
    // a broadcast product (then a sum over the shared labels): outer and Hadamard products, batched dots
    const ta = V.reshape(arrange(a, [...batch, ...aOnly, ...summed], sizes), [[...batch, ...aOnly].map((l) => sizes.get(l)!).concat(bOnly.map(() => 1), summed.map((l) => sizes.get(l)!))]);
    const tb = V.reshape(arrange(b, [...batch, ...bOnly, ...summed], sizes), [[...batch.map((l) => sizes.get(l)!), ...aOnly.map(() => 1), ...bOnly.map((l) => sizes.get(l)!), ...summed.map((l) => sizes.get(l)!)]]);
    let t = B.mul(ta, tb);
    if (summed.length > 0) t = R.sum(t, summed.map((_, i) => labels.length + i), false);
    return { t, labels };
  }
  const ta = V.reshape(arrange(a, [...batch, ...aOnly, ...summed], sizes), [[nb, m, k]]);
  const tb = V.reshape(arrange(b, [...batch, ...summed, ...bOnly], sizes), [[nb, k, n]]);
  let t: Tensor;
  if (nb === 1 && m === 1 && n === 1) t = L.dot(V.reshape(ta, [[k]]), V.reshape(tb, [[k]]));
  else if (nb === 1) t = L.mm(V.reshape(ta, [[m, k]]), V.reshape(tb, [[k, n]]));
  else t = L.bmm(ta, tb);
  return { t: V.reshape(t, [shape]), labels };
}

export function einsum(equation: string, operands: readonly Tensor[]): Tensor {
  if (typeof equation !== 'string') throw new TypeError(`einsum(): argument 'equation' must be str, not ${typeof equation}`);
  const ops = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as unknown as Tensor[]) : operands;
  ops.forEach((t, i) => checkTensor(t, `operands[${i}]`, 'einsum'));
  const arrow = equation.indexOf('->');
  const lhs = arrow >= 0 ? equation.slice(0, arrow) : equation;
  const terms: Term[] = [];
  let pos = 0;
  lhs.split(',').forEach((s, i) => {
    terms.push(parseTerm(s, pos, i));
    pos += s.length + 1;
  });
  if (terms.length > ops.length) throw new Error('einsum(): fewer operands were provided than specified in the equation');
  if (terms.length < ops.length) throw new Error('einsum(): more operands were provided than specified in the equation');
  if (ops.length === 0) throw new Error('einsum(): must provide at least one operand');
  const dtype = ops[0].dtype;
  for (const t of ops) if (t.dtype !== dtype) throw new TypeError(`expected scalar type ${typeName(dtype)} but found ${typeName(t.dtype)}`);

  // each operand's dims labelled; ellipsis dims right-aligned onto ids -1, -2, ... (-1 the last)
  let ellDims = 0;
  const labelled: Op[] = terms.map((term, i) => {
    const t = ops[i], nl = term.labels.length;
    if (term.ellipsisAt < 0 && nl !== t.ndim) {
      throw new RangeError(`einsum(): the number of subscripts in the equation (${nl}) does not match the number of dimensions (${t.ndim}) for operand ${i} and no ellipsis was given`);
    }
    if (term.ellipsisAt >= 0 && nl > t.ndim) {
      throw new RangeError(`einsum(): the number of subscripts in the equation (${nl}) is more than the number of dimensions (${t.ndim}) for operand ${i}`);
    }
    const ne = t.ndim - nl;
    ellDims = Math.max(ellDims, term.ellipsisAt >= 0 ? ne : 0);
    const ell = Array.from({ length: term.ellipsisAt >= 0 ? ne : 0 }, (_, j) => -(ne - j));
    const labels = term.ellipsisAt >= 0 ? [...term.labels.slice(0, term.ellipsisAt), ...ell, ...term.labels.slice(term.ellipsisAt)] : term.labels.slice();
    return { t, labels };
  });
  const ellipsis = Array.from({ length: ellDims }, (_, j) => -(ellDims - j));

  // sizes: equal within an operand's repeats, else broadcast from 1
  const sizes = new Map<number, number>();
  labelled.forEach((op, i) => {
    const seen = new Map<number, number>();
    op.labels.forEach((l, d) => {
      const s = op.t.shape[d];
      if (seen.has(l) && seen.get(l) !== s) throw new RangeError(`einsum(): subscript ${letter(l)} is repeated for operand ${i} but the sizes don't match, ${s} != ${seen.get(l)}`);
      seen.set(l, s);
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, s);
      else if (s !== 1 && s !== prev) {
        // PyTorch's wording, its missing space included
        if (l < 0) throw new RangeError(`einsum(): dimension ${d} covered by ellipsis in operand ${i}has size ${s} which does not broadcast with previously seen ellipsis with size ${prev} for the respective dimension`);
        throw new RangeError(`einsum(): subscript ${letter(l)} has size ${s} for operand ${i} which does not broadcast with previously seen size ${prev}`);
      }
    });
  });

  // the output's labels
  const counts = new Map<number, number>();
  for (const op of labelled) for (const l of op.labels) if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  let output: number[];
  if (arrow >= 0) {
    const rhs = equation.slice(arrow + 2);
    const term = parseTerm(rhs, arrow + 2, -1);
    const seen = new Set<number>();
    for (const l of term.labels) {
      if (!counts.has(l)) throw new RangeError(`einsum(): output subscript ${letter(l)} does not appear in the equation for any input operand`);
      if (seen.has(l)) throw new RangeError(`einsum(): output subscript ${letter(l)} appears more than once in the output`);
      seen.add(l);
    }
    output = term.ellipsisAt >= 0 ? [...term.labels.slice(0, term.ellipsisAt), ...ellipsis, ...term.labels.slice(term.ellipsisAt)] : term.labels;
  } else {
    output = [...ellipsis, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort((a, b) => a - b)];
  }

  // diagonals, then pairwise contraction, summing each label once no later step needs it
  const diag = labelled.map((op) => diagonal(op.t, op.labels));
  const needed = (from: number) => {
    const s = new Set(output);
    for (let j = from; j < diag.length; j++) for (const l of diag[j].labels) s.add(l);
    return s;
  };
  let acc = sumOut(diag[0], needed(1));
  for (let i = 1; i < diag.length; i++) {
    const keep = needed(i + 1);
    const both = new Set([...keep, ...acc.labels]);
    const b = sumOut(diag[i], both);
    const aKeep = new Set([...keep, ...b.labels]);
    acc = contract(sumOut(acc, aKeep), b, keep, sizes);
  }
  acc = sumOut(acc, new Set(output));
  const perm = output.map((l) => acc.labels.indexOf(l));
  let y = perm.every((p, i) => p === i) ? acc.t : V.permute(acc.t, perm);
  // an output label that only ever had size 1 keeps it; one broadcast in a single operand is expanded
  const target = output.map((l) => sizes.get(l)!);
  if (target.some((s, i) => s !== y.shape[i])) y = V.expand(y, target);
  return y;
}
