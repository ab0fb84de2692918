/**
 * The values an imported graph computes with: float32 kindling tensors, and small integer tensors
 * (shapes, axes, indices) kept as JS numbers, so the shape arithmetic PyTorch exports around a
 * Reshape runs in plain JS and never becomes a step of the traced program.
 */
import { Tensor } from '../tensor.js';
import { float32 } from '../dtype.js';
import { numelOf } from '../shape.js';
import { DataType, type TensorProto } from './proto.js';
import { checkTensor } from './validate.js';

/** An int64/int32 tensor as numbers (values beyond 2^53 are rejected where they are read). */
export class Ints {
  constructor(readonly dims: readonly number[], readonly data: readonly number[]) {}
  get size(): number {
    return this.data.length;
  }
}

export type Val = Tensor | Ints;

/** A TensorProto's contents (an initializer, a Constant's value), copied out of the model bytes. */
export function readTensor(t: TensorProto, what: string): Val {
  checkTensor(t, what);
  const dims = [...(t.dims ?? [])];
  const n = numelOf(dims);
  const raw = t.raw_data && t.raw_data.length > 0 ? new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength) : null;
  if (t.data_type === DataType.FLOAT) {
    const out = new Float32Array(n);
    if (raw) for (let i = 0; i < n; i++) out[i] = raw.getFloat32(4 * i, true);
    else out.set(t.float_data!);
    return new Tensor(out, dims, float32);
  }
  const data: number[] = new Array<number>(n);
  if (t.data_type === DataType.INT64) {
    for (let i = 0; i < n; i++) {
      const v = raw ? raw.getBigInt64(8 * i, true) : BigInt(t.int64_data![i]);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`${what} holds ${v}, beyond the integers kindling reads exactly (2^53)`);
      data[i] = Number(v);
    }
  } else {
    for (let i = 0; i < n; i++) data[i] = raw ? raw.getInt32(4 * i, true) : t.int32_data![i];
  }
  return new Ints(dims, data);
}
