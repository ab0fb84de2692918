/**
 * onnxruntime-node's Tensor for the drop-in: `new Tensor(type, data, dims)` or `new Tensor(data,
 * dims)` with the type taken from the typed array, fields type/data/dims/size, with
 * onnxruntime-common's checks and messages. Data stays the caller's array (no copy).
 */

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
} as const;

export type TensorType = keyof typeof ARRAYS;
export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** Types onnxruntime-node has that the drop-in does not hold. */
const UNSUPPORTED = new Set(['string', 'float16', 'bfloat16', 'int4', 'uint4']);

function typeOfArray(data: unknown): TensorType | undefined {
  for (const [type, Ctor] of Object.entries(ARRAYS)) if (type !== 'bool' && data instanceof Ctor) return type as TensorType;
  return undefined;
}

/** onnxruntime-common's dims check: safe non-negative integers; returns the element count. */
function sizeOf(dims: readonly unknown[]): number {
  let size = 1;
  dims.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) throw new TypeError(`dims[${i}] must be an integer, got: ${String(d)}`);
    if (d < 0) throw new RangeError(`dims[${i}] must be a non-negative integer, got: ${d}`);
    size *= d;
  });
  return size;
}

export class Tensor {
  readonly type: TensorType;
  readonly data: TensorData;
  readonly dims: readonly number[];
  readonly size: number;
  readonly location = 'cpu';

  constructor(type: TensorType, data: TensorData | readonly number[] | readonly bigint[] | readonly boolean[], dims?: readonly number[]);
  constructor(data: TensorData, dims?: readonly number[]);
  constructor(a: unknown, b?: unknown, c?: unknown) {
    let type: TensorType, data: TensorData, dims: unknown;
    if (typeof a === 'string') {
      if (UNSUPPORTED.has(a)) throw new TypeError(`tensor type '${a}' is not supported by kindling/onnxruntime`);
      if (!Object.hasOwn(ARRAYS, a)) throw new TypeError(`Unsupported tensor type: ${a}.`);
      type = a as TensorType;
      const Ctor = ARRAYS[type];
      if (Array.isArray(b)) {
        data = (type === 'int64' || type === 'uint64' ? (Ctor as BigInt64ArrayConstructor).from(b as number[], (v) => BigInt(v)) : (Ctor as Float32ArrayConstructor).from(b as number[], Number)) as TensorData;
      } else if (b instanceof Ctor) {
        data = b as TensorData;
      } else {
        throw new TypeError(`A ${type} tensor's data must be type of ${Ctor.name}`);
      }
      dims = c;
    } else {
      const inferred = typeOfArray(a);
      if (inferred === undefined) {
        if (Array.isArray(a) && a.length > 0) throw new TypeError(`Invalid element type of data array: ${typeof a[0]}.`);
        throw new TypeError(`Unsupported type for tensor data: ${a === null ? 'null' : typeof a}.`);
      }
      type = inferred;
      data = a as TensorData;
      dims = b;
    }
    if (dims === undefined) dims = [data.length];
    else if (!Array.isArray(dims)) throw new TypeError("A tensor's dims must be a number array");
    const size = sizeOf(dims as unknown[]);
    if (size !== data.length) throw new Error(`Tensor's size(${size}) does not match data length(${data.length}).`);
    this.type = type;
    this.data = data;
    this.dims = dims as number[];
    this.size = size;
  }

  /** The data (a promise, as onnxruntime-node's is: its data may live on a device). */
  getData(): Promise<TensorData> {
    return Promise.resolve(this.data);
  }

  /** Nothing to free: the data is a JS array the garbage collector owns. */
  dispose(): void {}

  /** The same data with other dims (no copy). */
  reshape(dims: readonly number[]): Tensor {
    return new Tensor(this.type, this.data, dims);
  }
}
