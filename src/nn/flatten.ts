/** nn.Flatten and nn.Unflatten: reshape a range of dims into one, and one dim into several. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { flatten, unflatten } from '../ops/view.js';
import { bindUntyped } from '../python.js';
import { pyRepr } from '../python.js';

/** Flattens dims start_dim..end_dim; the defaults keep the batch dim. */
export class Flatten extends Module {
  declare start_dim: number;
  declare end_dim: number;

  constructor(start_dim?: number | { start_dim?: number; end_dim?: number }, end_dim?: number | { end_dim?: number }) {
    super();
    const [s, e] = bindUntyped('Flatten.__init__', [start_dim, end_dim], ['start_dim', 'end_dim']) as (number | undefined)[];
    this.start_dim = s ?? 1;
    this.end_dim = e ?? -1;
  }

  override forward(input: Tensor): Tensor {
    return flatten(input, this.start_dim, this.end_dim);
  }

  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}

/** PyTorch's _require_tuple_int. */
function requireTupleInt(v: unknown): number[] {
  if (!Array.isArray(v)) throw new TypeError(`unflattened_size must be a tuple of ints, but found type ${typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v}`);
  v.forEach((e, i) => {
    if (typeof e !== 'number' || !Number.isInteger(e)) {
      throw new TypeError(`unflattened_size must be tuple of ints, but found element of type ${typeof e === 'number' ? 'float' : typeof e} at pos ${i}`);
    }
  });
  return v.slice();
}

/** Splits dim `dim` into unflattened_size (one entry may be -1). */
export class Unflatten extends Module {
  declare dim: number;
  declare unflattened_size: number[];

  constructor(dimArg: number | { dim: number; unflattened_size: readonly number[] }, sizeArg?: readonly number[]) {
    super();
    const [dim, unflattened_size] = bindUntyped('Unflatten.__init__', [dimArg, sizeArg], ['dim', 'unflattened_size']);
    if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError('invalid argument type for dim parameter');
    this.dim = dim;
    this.unflattened_size = requireTupleInt(unflattened_size);
  }

  override forward(input: Tensor): Tensor {
    return unflatten(input, this.dim, this.unflattened_size);
  }

  override extra_repr(): string {
    return `dim=${this.dim}, unflattened_size=${pyRepr(this.unflattened_size)}`;
  }
}
