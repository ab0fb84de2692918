/**
 * kindling/onnxruntime: onnxruntime-node's session API over kindling. A model is imported into a
 * kindling forward (import.ts) and traced with torch.jit.trace on an example batch, so it runs as
 * serving's plan does (fused GEMM epilogues, pre-packed weights, one native call) and off the JS
 * thread; graphs the plan cannot hold, or whose non-batch dimensions are symbolic, run eagerly.
 *
 *   import * as ort from 'kindling/onnxruntime';   // was: 'onnxruntime-node'
 */
import { readFile } from 'node:fs/promises';
import { Tensor as KTensor } from '../tensor.js';
import { float32 } from '../dtype.js';
import { no_grad } from '../autograd/grad_mode.js';
import { data as contiguousData } from '../ops/util.js';
import { trace, type TracedModule } from '../inference/jit.js';
import { DataType } from './proto.js';
import { dataTypeName, type GraphInput } from './validate.js';
import { importModel, type ImportedGraph } from './import.js';
import { Ints, type Val } from './values.js';
import { Tensor } from './tensor.js';
import { planOf, type Plan } from './internals.js';

export { Tensor } from './tensor.js';
export type { TensorType, TensorData } from './tensor.js';

export declare namespace InferenceSession {
  /** onnxruntime-node's session options: accepted; the drop-in has no per-session settings (see docs/onnxruntime.md). */
  type SessionOptions = Record<string, unknown>;
  type RunOptions = Record<string, unknown>;
  type FeedsType = Record<string, Tensor>;
  type FetchesType = readonly string[] | Record<string, Tensor | null>;
  type ReturnType = Record<string, Tensor>;
}

/** A tensor as a feed: the drop-in's Tensor, or any object with type, data and dims (onnxruntime-node's Tensor). */
interface TensorLike {
  type: string;
  data: unknown;
  dims: readonly number[];
}

/**
 * Multiply-adds below which a run computes on the JS thread: about half a millisecond of one
 * AVX2/AVX-512 core (0.3-0.7 ms). Handing a run to the serving thread and back costs 40-100 µs on
 * a 2-vCPU VM (node benchmarks/forward_async.mjs), 10-30% of such a run, while holding the loop
 * that long is within what a Node server tolerates (onnxruntime-node holds it for every run).
 */
const SYNC_MACS = 3e7;

/** ONNX's names for the tensor types, as onnxruntime's messages print them. */
const ONNX_TYPE: Record<string, string> = {
  float32: 'float', float64: 'double', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32',
  uint32: 'uint32', int64: 'int64', uint64: 'uint64', bool: 'bool', string: 'string', float16: 'float16',
};

/** onnxruntime-node's description of an input or output: symbolic dimensions by name, unknown ones as ''. */
export interface ValueMetadata {
  name: string;
  isTensor: true;
  type: string;
  shape: (number | string)[];
}

export class InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  /** as the file declares the outputs (onnxruntime infers what a file leaves out; the drop-in does not) */
  readonly outputMetadata: readonly ValueMetadata[];
  private graph: ImportedGraph | null;
  private traced: TracedModule | null;
  /** the traced inputs' shapes (the first dimension free) */
  private readonly tracedShapes: readonly (readonly number[])[];

  private constructor(graph: ImportedGraph, traced: TracedModule | null) {
    this.graph = graph;
    this.traced = traced;
    this.tracedShapes = traced?.inputShapes ?? [];
    this.inputNames = graph.inputs.map((i) => i.name);
    this.outputNames = [...graph.outputs];
    this.inputMetadata = graph.inputs.map(metadata);
    this.outputMetadata = graph.outputInfo.map(metadata);
  }

  /**
   * Loads a model from a path, bytes (Uint8Array or Buffer), or an ArrayBuffer with an optional
   * byte offset and length, as onnxruntime-node's does.
   */
  static async create(path: string, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  static async create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  static async create(buffer: ArrayBufferLike, byteOffset?: number, byteLength?: number, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  static async create(buffer: ArrayBufferLike, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  static async create(arg0: unknown, arg1?: unknown, arg2?: unknown, arg3?: unknown): Promise<InferenceSession> {
    const bytes = await modelBytes(arg0, arg1, arg2, arg3);
    const graph = importModel(bytes);
    const plan = traceGraph(graph);
    const session = new InferenceSession(graph, plan.traced);
    planOf.set(session, plan);
    return session;
  }

  /** Runs the model: feeds by input name; optionally the outputs wanted (names, or an object keyed by them); run options are accepted. */
  async run(feeds: InferenceSession.FeedsType, fetches?: InferenceSession.FetchesType | InferenceSession.RunOptions, options?: InferenceSession.RunOptions): Promise<InferenceSession.ReturnType> {
    if (typeof feeds !== 'object' || feeds === null || feeds instanceof Tensor || Array.isArray(feeds)) {
      throw new TypeError("'feeds' must be an object that use input names as keys and OnnxValue as corresponding values.");
    }
    const wanted = this.fetchNames(fetches, options);
    for (const name of this.inputNames) {
      if (typeof (feeds as Record<string, unknown>)[name] === 'undefined') throw new Error(`input '${name}' is missing in 'feeds'.`);
    }
    const graph = this.graph;
    if (graph === null) throw new Error('Session already disposed.');
    const xs = graph.inputs.map((inp) => feedTensor(inp, (feeds as Record<string, unknown>)[inp.name]));
    const pending = this.forward(graph, xs);
    const outs = Array.isArray(pending) ? pending : await pending;
    const result: InferenceSession.ReturnType = {};
    graph.outputs.forEach((name, i) => {
      if (wanted.includes(name)) result[name] = toOrt(outs[i], graph, xs);
    });
    return result;
  }

  async release(): Promise<void> {
    this.graph = null;
    this.traced = null;
  }

  /** The output names a run returns, from its fetches argument (onnxruntime-common's rules). */
  private fetchNames(arg1: unknown, arg2: unknown): readonly string[] {
    if (arg1 === undefined) return this.outputNames;
    if (typeof arg1 !== 'object') throw new TypeError("Unexpected argument[1]: must be 'fetches' or 'options'.");
    if (arg1 === null) throw new TypeError('Unexpected argument[1]: cannot be null.');
    if (arg1 instanceof Tensor) throw new TypeError("'fetches' cannot be a Tensor");
    const checkOptions = () => {
      if (arg2 !== undefined && (typeof arg2 !== 'object' || arg2 === null)) throw new TypeError("'options' must be an object.");
    };
    if (Array.isArray(arg1)) {
      if (arg1.length === 0) throw new TypeError("'fetches' cannot be an empty array.");
      for (const name of arg1) {
        if (typeof name !== 'string') throw new TypeError("'fetches' must be a string array or an object.");
        if (!this.outputNames.includes(name)) throw new RangeError(`'fetches' contains invalid output name: ${name}.`);
      }
      checkOptions();
      return arg1 as string[];
    }
    // an object naming outputs (with null or a Tensor) is fetches; any other object is options
    const keys = Object.getOwnPropertyNames(arg1);
    const named = this.outputNames.filter((n) => keys.includes(n) && ((arg1 as Record<string, unknown>)[n] === null || (arg1 as Record<string, unknown>)[n] instanceof Tensor));
    if (named.length === 0) return this.outputNames;
    checkOptions();
    return named;
  }

  /** The outputs, computed now when the work is small, else as a promise. */
  private forward(graph: ImportedGraph, xs: KTensor[]): Val[] | Promise<Val[]> {
    const traced = this.traced;
    if (traced !== null && fitsTrace(this.tracedShapes, xs)) {
      // small work runs on the JS thread (SYNC_MACS), as the hand-off would cost a large part of
      // it; the rest runs off the JS thread
      const rows = xs[0].numel() / Math.max(1, xs[0].shape[xs[0].ndim - 1]);
      if (rows * graph.macsPerRow < SYNC_MACS) return outputList(traced.forward(...xs));
      return traced.forwardAsync(...xs).then(outputList);
    }
    // eager: after a turn of the event loop, as a run never completes synchronously
    return new Promise((resolve) => setImmediate(resolve)).then(() => no_grad(() => graph.forward(...xs)));
  }

}

/** The model's bytes from create's arguments, checked as onnxruntime-common checks them. */
async function modelBytes(arg0: unknown, arg1: unknown, arg2: unknown, arg3: unknown): Promise<Uint8Array> {
  const options = (v: unknown) => {
    if (v !== undefined && (typeof v !== 'object' || v === null)) throw new TypeError("'options' must be an object.");
  };
  if (typeof arg0 === 'string') {
    options(arg1);
    try {
      return new Uint8Array(await readFile(arg0));
    } catch (e) {
      throw new Error(`Load model from ${arg0} failed: ${(e as Error).message}`);
    }
  }
  if (arg0 instanceof Uint8Array) {
    options(arg1);
    return arg0;
  }
  if (arg0 instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && arg0 instanceof SharedArrayBuffer)) {
    let byteOffset = 0, byteLength = arg0.byteLength;
    if (typeof arg1 === 'number') {
      byteOffset = arg1;
      if (!Number.isSafeInteger(byteOffset)) throw new RangeError("'byteOffset' must be an integer.");
      if (byteOffset < 0 || byteOffset >= arg0.byteLength) throw new RangeError(`'byteOffset' is out of range [0, ${arg0.byteLength}).`);
      byteLength = arg0.byteLength - byteOffset;
      if (typeof arg2 === 'number') {
        byteLength = arg2;
        if (!Number.isSafeInteger(byteLength)) throw new RangeError("'byteLength' must be an integer.");
        if (byteLength <= 0 || byteOffset + byteLength > arg0.byteLength) throw new RangeError(`'byteLength' is out of range (0, ${arg0.byteLength - byteOffset}].`);
        options(arg3);
      } else if (arg2 !== undefined) {
        throw new TypeError("'byteLength' must be a number.");
      }
    } else {
      options(arg1);
    }
    return new Uint8Array(arg0, byteOffset, byteLength);
  }
  throw new TypeError("Unexpected argument[0]: must be 'path' or 'buffer'.");
}

/** A feed as a kindling tensor over the same memory, after onnxruntime's type and shape checks. */
function feedTensor(inp: GraphInput, v: unknown): KTensor {
  if (typeof v !== 'object' || v === null || typeof (v as TensorLike).type !== 'string' || !Array.isArray((v as TensorLike).dims)) {
    throw new TypeError(`input '${inp.name}' must be a Tensor`);
  }
  const t = v as TensorLike;
  if (t.type !== 'float32') throw new Error(`Unexpected input data type. Actual: (tensor(${ONNX_TYPE[t.type] ?? t.type})) , expected: (tensor(${onnxTypeOf(inp.elemType)}))`);
  const dims = t.dims;
  if (inp.dims !== null) {
    if (dims.length !== inp.dims.length) {
      throw new Error(`Invalid rank for input: ${inp.name} Got: ${dims.length} Expected: ${inp.dims.length} Please fix either the inputs/outputs or the model.`);
    }
    const bad = inp.dims.map((d, i) => (typeof d === 'number' && dims[i] !== d ? ` index: ${i} Got: ${dims[i]} Expected: ${d}\n` : '')).join('');
    if (bad !== '') throw new Error(`Got invalid dimensions for input: ${inp.name} for the following indices\n${bad} Please fix either the inputs/outputs or the model.`);
  }
  const data = t.data;
  const size = dims.reduce((p, d) => p * d, 1);
  if (!(data instanceof Float32Array) || data.length !== size) throw new TypeError(`input '${inp.name}': a float32 tensor's data must be a Float32Array of ${size} elements`);
  return new KTensor(data, [...dims], float32);
}

/** Tensor types by TensorProto.DataType, as onnxruntime-node names them. */
const ORT_TYPE: Partial<Record<number, string>> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.INT8]: 'int8', [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16',
  [DataType.UINT16]: 'uint16', [DataType.INT32]: 'int32', [DataType.UINT32]: 'uint32', [DataType.INT64]: 'int64', [DataType.UINT64]: 'uint64',
  [DataType.BOOL]: 'bool', [DataType.STRING]: 'string', [DataType.FLOAT16]: 'float16', [DataType.BFLOAT16]: 'bfloat16',
};

function metadata(v: GraphInput): ValueMetadata {
  return { name: v.name, isTensor: true, type: ORT_TYPE[v.elemType] ?? 'float32', shape: (v.dims ?? []).map((d) => d ?? '') };
}

function onnxTypeOf(elemType: number): string {
  return elemType === DataType.FLOAT ? 'float' : dataTypeName(elemType).toLowerCase();
}

/** A result as the drop-in's Tensor; memory the caller or the model also holds is copied first. */
function toOrt(v: Val, graph: ImportedGraph, inputs: readonly KTensor[]): Tensor {
  if (v instanceof Ints) return new Tensor('int64', BigInt64Array.from(v.data, (d) => BigInt(d)), [...v.dims]);
  if (v.dtype !== float32) throw new Error(`an output has dtype ${v.dtype.name}; only float32 outputs are supported`);
  const shared = graph.constants.has(v) || inputs.some((x) => x._storage === v._storage);
  const d = contiguousData(v) as Float32Array;
  return new Tensor('float32', shared ? d.slice() : d, [...v.shape]);
}

// ---- tracing -------------------------------------------------------------------------------------

/**
 * The graph traced on an example batch. Symbolic first dimensions become a batch size no static
 * dimension equals (the trace tells the batch from the other dimensions by value).
 */
function traceGraph(graph: ImportedGraph): Plan {
  const inputs = graph.inputs;
  if (inputs.length === 0) return { traced: null, eagerReason: 'the graph has no inputs' };
  for (const i of inputs) {
    if (i.elemType !== DataType.FLOAT) throw new Error(`graph input '${i.name}' has element type ${dataTypeName(i.elemType)}; kindling/onnxruntime takes float32 inputs only`);
  }
  for (const i of inputs) {
    if (i.dims === null || i.dims.length === 0) return { traced: null, eagerReason: `input '${i.name}' has no batch dimension (its rank is ${i.dims === null ? 'unknown' : '0'})` };
    if (i.dims.slice(1).some((d) => typeof d !== 'number')) return { traced: null, eagerReason: `input '${i.name}' has symbolic dimensions after the first` };
  }
  const statics = new Set(inputs.flatMap((i) => i.dims!.filter((d): d is number => typeof d === 'number')));
  let batch = 2;
  while (statics.has(batch)) batch++;
  const examples = inputs.map((i) => {
    const shape = i.dims!.map((d, k) => (k === 0 && typeof d !== 'number' ? batch : d as number));
    return new KTensor(exampleData(shape.reduce((p, d) => p * d, 1)), shape, float32);
  });
  if (examples.some((x) => x.numel() === 0)) return { traced: null, eagerReason: 'an input is empty' };
  // one output is returned bare: a plan from one input to one output then runs as one prepared call
  const forward = graph.outputs.length === 1 ? (...xs: KTensor[]) => graph.forward(...xs)[0] : (...xs: KTensor[]) => graph.forward(...xs);
  // a graph error surfaces here, naming its node; the tracer's own limits leave the graph eager
  const outs = no_grad(() => graph.forward(...examples));
  if (outs.some((o) => !(o instanceof KTensor))) return { traced: null, eagerReason: 'an output is an integer tensor' };
  try {
    return { traced: trace(forward, examples), eagerReason: '' };
  } catch (e) {
    return { traced: null, eagerReason: `torch.jit.trace: ${(e as Error).message}` };
  }
}

/** Values in [-1, 1) from a fixed LCG: the trace's check compares them at another batch size. */
function exampleData(n: number): Float32Array {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function outputList(out: unknown): KTensor[] {
  return Array.isArray(out) ? out : [out as KTensor];
}

/** Whether the inputs have the traced shapes (the first dimension free). */
function fitsTrace(shapes: readonly (readonly number[])[], xs: readonly KTensor[]): boolean {
  return xs.every((x, i) => x.shape[0] > 0 && x.ndim === shapes[i].length && x.shape.every((d, k) => k === 0 || d === shapes[i][k]));
}
