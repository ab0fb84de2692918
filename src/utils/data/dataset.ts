/**
 * torch.utils.data datasets: the map-style `Dataset` base, `TensorDataset`, `Subset` and
 * `random_split`. JavaScript has no `__getitem__`/`__len__` protocol, so datasets spell them out as
 * methods, exactly as a PyTorch subclass would; plain arrays work wherever a dataset is expected.
 */
import { Tensor } from '../../tensor.js';
import { default_generator, Generator } from '../../random/generator.js';
import { fillRandperm } from '../../random/distributions.js';
import { describe } from '../../ops/util.js';
import { bindUntyped } from '../../python.js';

/** A map-style dataset: subclasses implement `__getitem__(index)` and `__len__()`. */
export abstract class Dataset<T = unknown> {
  abstract __getitem__(index: number): T;
  abstract __len__(): number;

  /** `len(dataset)`. */
  get length(): number {
    return this.__len__();
  }

  /** `for (const sample of dataset)`, as Python iterates a map-style dataset by index. */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.__len__();
    for (let i = 0; i < n; i++) yield this.__getitem__(i);
  }
}

/** What the data utilities accept as a dataset: a `Dataset`, or any array-like (PyTorch takes lists). */
export type DatasetLike<T> = Dataset<T> | ArrayLike<T>;

function hasGetitem<T>(ds: DatasetLike<T>): ds is Dataset<T> {
  return typeof (ds as Dataset<T>).__getitem__ === 'function';
}

/** `dataset[index]` for a `Dataset` or an array-like (negative indices count from the end, as in Python). */
export function getItem<T>(ds: DatasetLike<T>, index: number): T {
  if (hasGetitem(ds)) return ds.__getitem__(index);
  const n = ds.length;
  if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError('list index out of range');
  return ds[index < 0 ? index + n : index];
}

/** `len(dataset)`. */
export function lenOf(ds: unknown): number {
  const d = ds as { __len__?: () => number; length?: unknown };
  if (typeof d.__len__ === 'function') return d.__len__();
  if (typeof d.length === 'number') return d.length;
  throw new TypeError(`object of type '${typeName(ds)}' has no len()`);
}

function typeName(v: unknown): string {
  if (v !== null && typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return describe(v);
}

/** The index permutation `torch.randperm(n, generator=generator)` draws (the same stream). */
export function randpermIndices(n: number, generator: Generator = default_generator): number[] {
  const p = new Float64Array(n);
  fillRandperm(p, generator);
  return Array.from(p);
}

/** Samples are the tensors' slices along dimension 0: `[t0[i], t1[i], ...]`. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset(): argument 'tensors[${i}]' must be Tensor, not ${describe(t)}`);
    });
    if (tensors.length === 0) throw new RangeError('TensorDataset(): expects at least one tensor');
    const n = tensors[0].size(0);
    if (!tensors.every((t) => t.size(0) === n)) throw new RangeError('Size mismatch between tensors');
    this.tensors = tensors;
  }

  override __getitem__(index: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, index));
  }

  override __len__(): number {
    return this.tensors[0].size(0);
  }
}

/** The samples of `dataset` at `indices`, in that order. */
export class Subset<T = unknown> extends Dataset<T> {
  readonly dataset: DatasetLike<T>;
  readonly indices: number[];

  constructor(dataset: DatasetLike<T>, indices: ArrayLike<number> | Tensor) {
    super();
    this.dataset = dataset;
    this.indices = indices instanceof Tensor ? (indices.reshape(-1).tolist() as number[]) : Array.from(indices);
  }

  override __getitem__(idx: number): T {
    return getItem(this.dataset, getItem(this.indices, idx));
  }

  override __len__(): number {
    return this.indices.length;
  }
}

/** Python's `math.isclose(a, b)` with its default tolerances. */
function isclose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * `random_split(dataset, lengths, generator=default_generator)`: non-overlapping random subsets.
 * Lengths are counts, or fractions summing to 1; fractions become `floor(frac * len)` each and the
 * remainder is handed out one at a time from the first split on (PyTorch 1.13's rule).
 */
export function random_split<T>(
  dataset: DatasetLike<T>,
  lengths: readonly number[],
  generator?: Generator | null | { generator?: Generator | null },
): Subset<T>[] {
  const gen = (bindUntyped('random_split', [dataset, lengths, generator], ['dataset', 'lengths', 'generator'], [], 0)[2] as Generator | null | undefined) ?? default_generator;
  if (!(gen instanceof Generator)) throw new TypeError(`random_split(): argument 'generator' must be torch.Generator, not ${describe(gen)}`);
  const n = lenOf(dataset);
  if (!Array.isArray(lengths) || lengths.some((l) => typeof l !== 'number')) {
    throw new TypeError(`random_split(): argument 'lengths' must be an array of numbers, not ${describe(lengths)}`);
  }
  let sizes = Array.from(lengths);
  // summed left to right from 0, as Python's sum(), so the "is it fractions" test agrees with PyTorch
  const total = sizes.reduce((a, b) => a + b, 0);
  if (isclose(total, 1) && total <= 1) {
    sizes.forEach((frac, i) => {
      if (frac < 0 || frac > 1) throw new RangeError(`Fraction at index ${i} is not between 0 and 1`);
    });
    sizes = sizes.map((frac) => Math.floor(n * frac));
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
    sizes.forEach((len, i) => {
      if (len === 0) process.emitWarning(`Length of split at index ${i} is 0. This might result in an empty dataset.`, 'UserWarning');
    });
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) throw new RangeError('Sum of input lengths does not equal the length of the input dataset!');
  sizes.forEach((len, i) => {
    if (!Number.isInteger(len)) throw new TypeError(`random_split(): lengths[${i}] must be an integer or a fraction of lengths summing to 1, but got ${len}`);
    if (len < 0) throw new RangeError(`random_split(): lengths[${i}] must be non-negative, but got ${len}`);
  });
  const indices = randpermIndices(n, gen);
  let offset = 0;
  return sizes.map((len) => new Subset(dataset, indices.slice(offset, (offset += len))));
}
