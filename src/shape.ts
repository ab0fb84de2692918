/** Shapes, strides, dims and broadcasting, with PyTorch's error messages. */

export type Shape = readonly number[];

/**
 * `torch.Size`: a tensor's shape, still a plain array of numbers (index it, spread it, compare it
 * with toEqual), that prints as PyTorch prints it. Array methods (map, slice, ...) give plain arrays.
 */
export class Size extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  numel(): number {
    return numelOf(this);
  }
  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A Size holding `dims` (a Size is returned as is): every tensor's shape is one. */
export function toSize(dims: Shape): Size {
  if (Object.getPrototypeOf(dims) === Size.prototype) return dims as Size;
  // a copy given Size's prototype: 5-8x cheaper than constructing the Array subclass (new Size(n)
  // takes V8's slow path, ~0.6 µs, on every tensor made)
  const s = Array.prototype.slice.call(dims);
  Object.setPrototypeOf(s, Size.prototype);
  return s as Size;
}

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** PyTorch prints sizes as torch.Size([2, 3]). */
export function sizeStr(shape: Shape): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Normalises a possibly negative dim; PyTorch's message when out of range. */
export function normDim(dim: number, ndim: number): number {
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, but got ${dim}`);
  const n = Math.max(ndim, 1); // a 0-d tensor accepts dims -1 and 0
  if (dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Validates a size list: non-negative integers. */
export function checkShape(shape: readonly unknown[]): number[] {
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const v = shape[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new TypeError(`size must be a sequence of integers, but got ${Array.isArray(v) ? 'a list' : String(v)} at position ${i}`);
    }
    if (v < 0) throw new RangeError(`Trying to create tensor with negative dimension ${v}: [${shape.join(', ')}]`);
    // beyond 2^53 a double no longer holds every integer: sizes, strides and offsets would be wrong
    if (v > Number.MAX_SAFE_INTEGER) throw new RangeError(`size ${v} at position ${i} is too large (sizes must be below 2^53)`);
    out[i] = v;
  }
  return out;
}

/** Sizes given as varargs `(2, 3)` or as one array `([2, 3])`, as PyTorch accepts both. */
export function shapeFromArgs(args: readonly unknown[]): number[] {
  if (args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0]))) {
    return checkShape(Array.from(args[0] as ArrayLike<number>));
  }
  return checkShape(args);
}

export function broadcastShapes(a: Shape, b: Shape): number[] {
  if (a.length === b.length) {
    let same = true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { same = false; break; }
    if (same) return a as number[];
  }
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // from the last dim, as PyTorch's infer_size: the first mismatch it reports is the innermost
  for (let i = n - 1; i >= 0; i--) {
    const da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
    const db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new RangeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if expanded to `target` (stride 0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const n = target.length;
  const off = n - shape.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const j = i - off;
    out[i] = j < 0 || shape[j] === 1 ? 0 : strides[j];
  }
  return out;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalised, sorted, de-duplicated reduction dims; `undefined` means all dims. A 0-d tensor accepts dim 0 / -1 but has no dim to reduce. */
export function reduceDims(dim: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const seen = new Set<number>();
  for (const d of list) {
    const nd = normDim(d, ndim);
    if (seen.has(nd)) throw new RangeError(`dim ${nd} appears multiple times in the list of dims`);
    seen.add(nd);
  }
  if (ndim === 0) return [];
  return [...seen].sort((x, y) => x - y);
}
