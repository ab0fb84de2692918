/**
 * The graph an export builds: ONNX nodes, initializers and the names of the recorded values, with
 * PyTorch 1.13's naming where it is cheap to follow (initializers by state_dict key, nodes
 * `/<module path>/<OpType>`, their outputs `<node name>_output_0`, scalars as Constant nodes).
 */
import { Tensor } from '../tensor.js';
// reads weights without toTypedArray(), which would mark their storage shared and stop the model's pre-packed weights being reused
import { data } from '../ops/util.js';
import type { Value } from '../inference/record.js';
import { AttributeType, DataType, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';

/** ONNX's element type of a kindling dtype. */
export function elemType(dtype: Tensor['dtype']): number {
  switch (dtype.name) {
    case 'float32': return DataType.FLOAT;
    case 'float64': return DataType.DOUBLE;
    case 'int64': return DataType.INT64;
    default: return DataType.BOOL;
  }
}

/** Little-endian bytes of `values` stored as ONNX element type `type` (raw_data). */
function rawData(type: number, values: ArrayLike<number | bigint | boolean>): Uint8Array {
  const n = values.length;
  // a float32 copy is already its little-endian bytes on a little-endian machine
  if (type === DataType.FLOAT && LITTLE_ENDIAN && values instanceof Float32Array) return new Uint8Array(values.slice().buffer);
  if (type === DataType.FLOAT) {
    const v = new DataView(new ArrayBuffer(n * 4));
    for (let i = 0; i < n; i++) v.setFloat32(i * 4, Number(values[i]), true);
    return new Uint8Array(v.buffer);
  }
  if (type === DataType.DOUBLE) {
    const v = new DataView(new ArrayBuffer(n * 8));
    for (let i = 0; i < n; i++) v.setFloat64(i * 8, Number(values[i]), true);
    return new Uint8Array(v.buffer);
  }
  if (type === DataType.INT64) {
    const v = new DataView(new ArrayBuffer(n * 8));
    for (let i = 0; i < n; i++) v.setBigInt64(i * 8, BigInt(values[i]), true);
    return new Uint8Array(v.buffer);
  }
  return Uint8Array.from(values as ArrayLike<number>, (x) => (x ? 1 : 0));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function tensorProto(name: string, dims: readonly number[], type: number, values: ArrayLike<number | bigint | boolean>): TensorProto {
  return { name, dims: [...dims], data_type: type, raw_data: rawData(type, values) };
}

/** An attribute from a JS value: integers as INT, other numbers FLOAT, arrays of integers INTS. */
export type Attr = number | readonly number[] | { float: number } | { tensor: TensorProto };
function isInts(v: Attr): v is readonly number[] {
  return Array.isArray(v);
}
function attribute(name: string, v: Attr): AttributeProto {
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: AttributeType.INT, i: v } : { name, type: AttributeType.FLOAT, f: v };
  if (isInts(v)) return { name, type: AttributeType.INTS, ints: [...v] };
  if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
  return { name, type: AttributeType.TENSOR, t: v.tensor };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  /** The initializers without their data, which withData() adds (only the export that is kept pays for it). */
  readonly initializers: TensorProto[] = [];
  private readonly data = new Map<TensorProto, ArrayLike<number | bigint | boolean>>();
  /** The ONNX name of each recorded value, once produced. */
  readonly names = new Map<number, string>();
  /** Initializer names of constant tensors (parameters and buffers by their state_dict key). */
  private readonly constants = new Map<Tensor, string>();
  private readonly used = new Map<string, number>();
  /** Each node output's number (PyTorch's value numbering: a default output name is its number). */
  private readonly numbers = new Map<string, number>();
  /** Folded initializers, named once the nodes are numbered (PyTorch numbers them last). */
  private readonly pending: { placeholder: string; op: string }[] = [];
  private counter: number;
  /** The module path of the nodes being emitted ('' at the top). */
  scope = '';

  constructor(
    readonly opset: number,
    readonly values: readonly Value[],
    private readonly labels: ReadonlyMap<Tensor, string>,
    /** Fold constant computations (pre-transposed weights) into initializers, as do_constant_folding. */
    readonly fold: boolean,
    /** The traced size of the dynamic batch dimension, or -1 when no input's first axis is dynamic. */
    readonly batch0: number,
    firstNumber: number,
  ) {
    this.counter = firstNumber;
  }

  /** A fresh number, for PyTorch's numbered names (`onnx::MatMul_6`, the default output names). */
  number(): number {
    return this.counter++;
  }

  /** A node; returns the name of its first output (nOutputs > 1: all of them with .outputs). */
  node(op: string, inputs: readonly string[], attrs: Record<string, Attr | undefined> = {}, nOutputs = 1): string {
    return this.nodeOutputs(op, inputs, attrs, nOutputs)[0];
  }

  nodeOutputs(op: string, inputs: readonly string[], attrs: Record<string, Attr | undefined> = {}, nOutputs = 1): string[] {
    const base = `${this.scope}/${op}`;
    const k = this.used.get(base) ?? 0;
    this.used.set(base, k + 1);
    const name = k === 0 ? base : `${base}_${k}`;
    const output = Array.from({ length: nOutputs }, (_, i) => `${name}_output_${i}`);
    const list = Object.entries(attrs).flatMap(([key, v]) => (v === undefined ? [] : [attribute(key, v)]));
    this.nodes.push({ name, op_type: op, input: [...inputs], output, attribute: list });
    this.numbers.set(output[0], this.counter);
    this.counter += nOutputs;
    return output;
  }

  /** A scalar or small tensor as a Constant node (PyTorch's form for the numbers in a forward). */
  constant(values: ArrayLike<number | bigint | boolean>, type: number, dims: readonly number[] = []): string {
    return this.node('Constant', [], { value: { tensor: tensorProto('', dims, type, values) } });
  }

  /** A constant tensor of the recording as an initializer: its state_dict key, else `onnx::<op>_<n>`. */
  initializer(t: Tensor, op: string): string {
    let name = this.constants.get(t);
    if (name !== undefined) return name;
    name = this.labels.get(t) ?? `onnx::${op}_${this.number()}`;
    const c = t.contiguous();
    this.addInitializer(name, c.shape, elemType(t.dtype), data(c) as ArrayLike<number | bigint | boolean>);
    this.constants.set(t, name);
    return name;
  }

  /** An initializer computed at export time (a folded constant), named `onnx::<op>_<n>` by nameFolded. */
  folded(op: string, dims: readonly number[], type: number, values: ArrayLike<number | bigint | boolean>): string {
    const placeholder = `\u0000folded_${this.pending.length}`;
    this.pending.push({ placeholder, op });
    this.addInitializer(placeholder, dims, type, values);
    return placeholder;
  }

  /** Gives the folded initializers their names, numbered after every node. */
  nameFolded(): void {
    for (const { placeholder, op } of this.pending) {
      const name = `onnx::${op}_${this.number()}`;
      this.rename(placeholder, name);
      for (const t of this.initializers) if (t.name === placeholder) t.name = name;
    }
  }

  /** The number of a node output. */
  numberOf(name: string): number | undefined {
    return this.numbers.get(name);
  }

  private addInitializer(name: string, dims: readonly number[], type: number, values: ArrayLike<number | bigint | boolean>): void {
    const t: TensorProto = { name, dims: [...dims], data_type: type };
    this.initializers.push(t);
    this.data.set(t, values);
  }

  /** The initializers with their raw_data. */
  withData(): TensorProto[] {
    return this.initializers.map((t) => ({ ...t, raw_data: rawData(t.data_type!, this.data.get(t)!) }));
  }

  /** Renames a value everywhere (a graph output taking its final name). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input!.map((x) => (x === from ? to : x));
      n.output = n.output!.map((x) => (x === from ? to : x));
    }
    for (const [k, v] of this.names) if (v === from) this.names.set(k, to);
  }

  /** Whether `name` is the output of a node (not a graph input or initializer). */
  produced(name: string): boolean {
    return this.nodes.some((n) => n.output!.includes(name));
  }
}
