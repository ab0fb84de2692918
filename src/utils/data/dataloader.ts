/**
 * torch.utils.data.DataLoader and its collate functions. Loading happens in-process: `for...of`
 * batches synchronously; `for await...of` gives the event loop a turn (setImmediate) between batches
 * so a server keeps answering while a model trains or evaluates.
 */
import { Tensor } from '../../tensor.js';
import { bool, float64, int64 } from '../../dtype.js';
import { default_generator, Generator } from '../../random/generator.js';
import { randomInt64 } from '../../random/distributions.js';
import { tensor } from '../../ops/creation.js';
import { stack } from '../../ops/join.js';
import { index_select } from '../../ops/indexing.js';
import { isOptions } from '../../ops/util.js';
import { bindUntyped } from '../../python.js';
import { DatasetLike, getItem, lenOf, randpermIndices, TensorDataset } from './dataset.js';

/** The type `default_collate` turns a batch of `T` samples into. */
export type Collated<T> = T extends Tensor | number | bigint | boolean | ArrayBufferView
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends Map<infer K, infer V>
        ? Map<K, Collated<V>>
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : unknown;

export type CollateFn<T, B> = (batch: T[]) => B;

/** `DataLoader`'s keyword arguments, named and ordered as in PyTorch 1.13. */
export interface DataLoaderOptions<T = unknown, B = Collated<T>> {
  batch_size?: number | null;
  shuffle?: boolean | null;
  /** Any iterable of dataset indices (an array works); its `length`/`__len__()` gives `len(loader)`. */
  sampler?: Iterable<number> | null;
  /** Any iterable of index lists, one per batch. */
  batch_sampler?: Iterable<ArrayLike<number>> | null;
  /** Accepted for compatibility; samples are always loaded in this thread. */
  num_workers?: number;
  collate_fn?: CollateFn<T, B> | null;
  /** Accepted for compatibility; there is no device memory to pin on the CPU. */
  pin_memory?: boolean;
  drop_last?: boolean;
  timeout?: number;
  worker_init_fn?: ((worker_id: number) => void) | null;
  multiprocessing_context?: unknown;
  generator?: Generator | null;
  prefetch_factor?: number;
  persistent_workers?: boolean;
  pin_memory_device?: string;
}

const POSITIONAL = ['batch_size', 'shuffle', 'sampler', 'batch_sampler', 'num_workers', 'collate_fn', 'pin_memory', 'drop_last', 'timeout', 'worker_init_fn', 'multiprocessing_context', 'generator'] as const;
const KEYWORD_ONLY = ['prefetch_factor', 'persistent_workers', 'pin_memory_device'] as const;

const COLLATE_ERR = 'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object' || typeof v === 'function') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function isTypedArray(v: unknown): v is ArrayBufferView & ArrayLike<number> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * Puts a batch of samples together as PyTorch's `default_collate`: tensors are stacked along a new
 * first dimension; numbers become an int64 tensor when every one of them is a whole number (class
 * labels, as Python ints would) and a float64 tensor otherwise (Python floats), bigints an int64
 * tensor, booleans a bool tensor; typed arrays become tensors and are stacked; strings stay a list;
 * arrays (tuples) are collated position by position and objects or Maps key by key.
 * A float target that may be whole (3.0 is 3 in JS) should come as a tensor or a Float64Array.
 */
export function default_collate<T>(batch: readonly T[]): Collated<T>;
export function default_collate(batch: readonly unknown[]): unknown {
  if (!Array.isArray(batch) || batch.length === 0) throw new TypeError(`${COLLATE_ERR}${typeName(batch)}`);
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (isTypedArray(elem)) return stack(batch.map((b) => tensor(b as ArrayLike<number>)), 0);
  if (typeof elem === 'number') return tensor(batch as number[], { dtype: (batch as number[]).every(Number.isInteger) ? int64 : float64 });
  if (typeof elem === 'bigint') return tensor(batch as bigint[], { dtype: int64 });
  if (typeof elem === 'boolean') return tensor(batch as boolean[], { dtype: bool });
  if (typeof elem === 'string') return batch.slice();
  if (elem instanceof Map) {
    return new Map([...elem.keys()].map((k) => [k, default_collate(batch.map((d) => (d as Map<unknown, unknown>).get(k)))]));
  }
  if (isOptions(elem)) {
    return Object.fromEntries(Object.keys(elem).map((k) => [k, default_collate(batch.map((d) => (d as Record<string, unknown>)[k]))]));
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === size)) throw new Error('each element in list of batch should be of equal size');
    return elem.map((_, i) => default_collate(batch.map((b) => (b as unknown[])[i])));
  }
  throw new TypeError(`${COLLATE_ERR}${typeName(elem)}`);
}

/** PyTorch's `default_convert`, used when `batch_size=null`: typed arrays become tensors, containers are walked, the rest is left as is. */
export function default_convert(data: unknown): unknown {
  if (data instanceof Tensor) return data;
  if (isTypedArray(data)) return tensor(data);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, default_convert(v)]));
  if (isOptions(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, default_convert(v)]));
  if (Array.isArray(data)) return data.map(default_convert);
  return data;
}

/** `(batch_size, shuffle, ..., {keywords})` as one record of the arguments given (an explicit null kept). */
function parseArgs(args: readonly unknown[]): Record<string, unknown> {
  const values = bindUntyped('DataLoader.__init__', args, POSITIONAL, KEYWORD_ONLY, 2);
  return Object.fromEntries([...POSITIONAL, ...KEYWORD_ONLY].map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined));
}

/** Batches (or single samples) of a dataset, in order or shuffled, through `collate_fn`. */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: DatasetLike<T>;
  /** `null` disables automatic batching: each item is one sample passed through `collate_fn`. */
  readonly batch_size: number | null;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly sampler: Iterable<number> | null;
  readonly batch_sampler: Iterable<ArrayLike<number>> | null;
  readonly collate_fn: CollateFn<T, B>;
  readonly generator: Generator | null;
  readonly num_workers: number;
  readonly pin_memory: boolean;
  readonly timeout: number;

  constructor(dataset: DatasetLike<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: DatasetLike<T>, batch_size: number | null, options?: DataLoaderOptions<T, B>);
  constructor(dataset: DatasetLike<T>, batch_size: number | null, shuffle: boolean | null, options?: DataLoaderOptions<T, B>);
  constructor(
    dataset: DatasetLike<T>,
    batch_size?: number | null,
    shuffle?: boolean | null,
    sampler?: Iterable<number> | null,
    batch_sampler?: Iterable<ArrayLike<number>> | null,
    num_workers?: number,
    collate_fn?: CollateFn<T, B> | null,
    pin_memory?: boolean,
    drop_last?: boolean,
    timeout?: number,
    worker_init_fn?: ((worker_id: number) => void) | null,
    multiprocessing_context?: unknown,
    generator?: Generator | null,
  );
  constructor(dataset: DatasetLike<T>, ...args: unknown[]) {
    const o = parseArgs(args);
    const num_workers = (o.num_workers as number | undefined) ?? 0;
    const timeout = (o.timeout as number | undefined) ?? 0;
    const prefetch_factor = (o.prefetch_factor as number | undefined) ?? 2;
    if (num_workers < 0) throw new RangeError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    if (timeout < 0) throw new RangeError('timeout option should be non-negative');
    if (num_workers === 0 && prefetch_factor !== 2) {
      throw new Error('prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.');
    }
    if (o.persistent_workers && num_workers === 0) throw new Error('persistent_workers option needs num_workers > 0');

    let batch_size = o.batch_size === undefined ? 1 : (o.batch_size as number | null);
    let drop_last = (o.drop_last as boolean | undefined) ?? false;
    const shuffle = (o.shuffle as boolean | null | undefined) ?? false;
    const sampler = (o.sampler as Iterable<number> | null | undefined) ?? null;
    const batch_sampler = (o.batch_sampler as Iterable<ArrayLike<number>> | null | undefined) ?? null;
    if (sampler !== null && shuffle) throw new Error('sampler option is mutually exclusive with shuffle');
    if (batch_sampler !== null) {
      if (batch_size !== 1 || shuffle || sampler !== null || drop_last) {
        throw new Error('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batch_size = null;
      drop_last = false;
    } else if (batch_size === null) {
      if (drop_last) throw new Error('batch_size=null option disables auto-batching and is mutually exclusive with drop_last');
    } else {
      if (typeof batch_size !== 'number' || !Number.isInteger(batch_size) || batch_size <= 0) {
        throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${String(batch_size)}`);
      }
      if (typeof drop_last !== 'boolean') throw new TypeError(`drop_last should be a boolean value, but got drop_last=${String(drop_last)}`);
    }
    const generator = (o.generator as Generator | null | undefined) ?? null;
    if (generator !== null && !(generator instanceof Generator)) throw new TypeError('DataLoader(): generator must be a torch.Generator');
    const autoCollation = batch_sampler !== null || batch_size !== null;
    const collate = (o.collate_fn as CollateFn<T, B> | null | undefined) ?? ((autoCollation ? default_collate : default_convert) as unknown as CollateFn<T, B>);

    this.dataset = dataset;
    this.batch_size = batch_size;
    this.shuffle = Boolean(shuffle);
    this.drop_last = drop_last;
    this.sampler = sampler;
    this.batch_sampler = batch_sampler;
    this.collate_fn = collate;
    this.generator = generator;
    this.num_workers = num_workers;
    this.pin_memory = (o.pin_memory as boolean | undefined) ?? false;
    this.timeout = timeout;
  }

  /** `len(loader)`: the number of batches an epoch yields. */
  get length(): number {
    return this.__len__();
  }

  __len__(): number {
    if (this.batch_sampler !== null) return lenOf(this.batch_sampler);
    const n = this.sampler !== null ? lenOf(this.sampler) : lenOf(this.dataset);
    if (this.batch_size === null) return n;
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }

  /** One epoch's sample order; shuffling draws a fresh permutation from the generator each epoch. */
  private *indices(): Generator_<number> {
    if (this.sampler !== null) {
      yield* this.sampler;
      return;
    }
    const n = lenOf(this.dataset);
    if (this.shuffle) {
      // RandomSampler: without a generator, each epoch seeds a fresh one from the default generator
      const g = this.generator ?? new Generator().manual_seed(randomInt64(default_generator));
      yield* randpermIndices(n, g);
      // 1.13's RandomSampler then draws one more permutation for the num_samples % n leftover
      // samples, even when there are none: the generator moves on by it
      randpermIndices(n, g);
      return;
    }
    for (let i = 0; i < n; i++) yield i;
  }

  private *batchIndices(): Generator_<number[]> {
    if (this.batch_sampler !== null) {
      for (const b of this.batch_sampler) yield Array.from(b);
      return;
    }
    const size = this.batch_size as number;
    let batch: number[] = [];
    for (const i of this.indices()) {
      batch.push(i);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.drop_last) yield batch;
  }

  private fetch(indices: number[]): B {
    const ds = this.dataset as DatasetLike<T> & { __getitems__?: (indices: number[]) => T[] };
    // Same result as stacking each sample's slices, in one gather per tensor instead of 2 × batch ops.
    if (ds instanceof TensorDataset && this.collate_fn === (default_collate as unknown) && ds.__getitem__ === TensorDataset.prototype.__getitem__) {
      const n = ds.__len__();
      const idx = tensor(indices.map((i) => (i < 0 ? i + n : i)), { dtype: int64 });
      return ds.tensors.map((t) => index_select(t, 0, idx)) as B;
    }
    const samples = typeof ds.__getitems__ === 'function' ? ds.__getitems__(indices) : indices.map((i) => getItem(ds, i));
    return this.collate_fn(samples);
  }

  *[Symbol.iterator](): Iterator<B> {
    // PyTorch's iterator draws its workers' base seed first, shuffling or not, so the stream moves on
    randomInt64(this.generator ?? default_generator);
    if (this.batch_size === null && this.batch_sampler === null) {
      for (const i of this.indices()) yield (this.collate_fn as unknown as (sample: T) => B)(getItem(this.dataset, i));
      return;
    }
    for (const indices of this.batchIndices()) yield this.fetch(indices);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const batch of this) {
      yield batch;
      // a macrotask turn, not a microtask: pending I/O callbacks run before the next batch is built
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** The built-in generator-function type (the name `Generator` is taken by torch.Generator here). */
type Generator_<T> = globalThis.Generator<T, void, undefined>;
