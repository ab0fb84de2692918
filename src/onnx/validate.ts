/**
 * Checks a decoded ONNX model before anything is built from it: the default domain's opset, every
 * node input defined, a DAG (returned in topological order), initializers whose data matches their
 * dims, no external data. Each problem is an Error naming the node or tensor at fault.
 */
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type TensorShapeDim, type ValueInfoProto } from './proto.js';

/** The opsets whose semantics the importer implements (per op where they changed). */
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

export interface GraphInput {
  name: string;
  /** TensorProto.DataType of the input */
  elemType: number;
  /** each dimension: a size, a symbolic name, or null (unknown); null when the rank is unknown */
  dims: (number | string | null)[] | null;
}

export interface CheckedModel {
  opset: number;
  inputs: GraphInput[];
  outputs: string[];
  /** the outputs' declared types and shapes (elemType 0 and dims null where the file declares none) */
  outputInfo: GraphInput[];
  initializers: Map<string, TensorProto>;
  /** the nodes in an order where each one follows the nodes it reads */
  nodes: NodeProto[];
  /** each node's position in the file, for naming unnamed nodes */
  position: Map<NodeProto, number>;
}

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The name of a DataType value, for messages. */
export function dataTypeName(t: number | undefined): string {
  const e = Object.entries(DataType).find(([, v]) => v === t);
  return e ? e[0] : `type ${String(t)}`;
}

/** How a node is named in messages: its name, or its position when it has none. */
export function nodeLabel(n: NodeProto, index?: number): string {
  const op = n.op_type ?? '?';
  return n.name ? `node '${n.name}' (${op})` : `node ${index === undefined ? '' : `#${index} `}(${op})`;
}

export function checkModel(m: ModelProto): CheckedModel {
  const g = m.graph;
  if (!g) throw new Error('invalid ONNX model: it has no graph');
  const opset = defaultOpset(m);
  checkNoExtras(m, g);
  const initializers = new Map<string, TensorProto>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    if (name === '') throw new Error('invalid ONNX model: an initializer has no name');
    if (initializers.has(name)) throw new Error(`invalid ONNX model: initializer '${name}' is defined twice`);
    checkTensor(t, `initializer '${name}'`);
    initializers.set(name, t);
  }
  // before IR version 4 initializers were listed among the inputs too; those are not fed
  const inputs = (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(graphInput);
  const defined = new Set<string>([...initializers.keys()]);
  for (const i of inputs) {
    if (defined.has(i.name)) throw new Error(`invalid ONNX model: graph input '${i.name}' is listed twice`);
    defined.add(i.name);
  }
  const nodes = g.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    const domain = n.domain ?? '';
    if (!DEFAULT_DOMAINS.has(domain)) throw new Error(`${nodeLabel(n, i)}: operator domain '${domain}' is not supported (only the default ONNX domain, ai.onnx)`);
    for (const o of n.output ?? []) {
      if (o === '') continue;
      if (defined.has(o) || producer.has(o)) throw new Error(`invalid ONNX model: ${nodeLabel(n, i)} writes '${o}', which is already defined (ONNX values are assigned once)`);
      producer.set(o, i);
    }
  });
  nodes.forEach((n, i) => {
    for (const v of n.input ?? []) {
      if (v !== '' && !defined.has(v) && !producer.has(v)) {
        throw new Error(`invalid ONNX model: ${nodeLabel(n, i)} reads '${v}', which is not a graph input, an initializer, a Constant or any node's output`);
      }
    }
  });
  const outputs = (g.output ?? []).map((v) => v.name ?? '');
  for (const o of outputs) {
    if (!defined.has(o) && !producer.has(o)) throw new Error(`invalid ONNX model: graph output '${o}' is not computed by any node`);
  }
  const outputInfo = (g.output ?? []).map((v) => (v.type?.tensor_type ? graphValue(v, 'graph output') : { name: v.name ?? '', elemType: 0, dims: null }));
  return { opset, inputs, outputs, outputInfo, initializers, nodes: topologicalOrder(nodes, producer), position: new Map(nodes.map((n, i) => [n, i])) };
}

function defaultOpset(m: ModelProto): number {
  const ids = (m.opset_import ?? []).filter((o) => DEFAULT_DOMAINS.has(o.domain ?? ''));
  if (ids.length === 0) throw new Error('invalid ONNX model: it imports no opset of the default ONNX domain (ai.onnx)');
  const v = ids[0].version ?? 0;
  if (!(v >= MIN_OPSET && v <= MAX_OPSET)) throw new Error(`ONNX opset ${v} is not supported (kindling/onnxruntime implements opsets ${MIN_OPSET} to ${MAX_OPSET})`);
  return v;
}

/** Parts of ONNX the importer does not implement, rejected rather than ignored. */
function checkNoExtras(m: ModelProto, g: GraphProto): void {
  const extra = m as ModelProto & { functions?: unknown[] };
  if ((extra.functions ?? []).length > 0) throw new Error('ONNX model-local functions are not supported');
  const sparse = (g as GraphProto & { sparse_initializer?: unknown[] }).sparse_initializer ?? [];
  if (sparse.length > 0) throw new Error('sparse initializers are not supported');
}

function graphInput(v: ValueInfoProto): GraphInput {
  return graphValue(v, 'graph input');
}

function graphValue(v: ValueInfoProto, what: string): GraphInput {
  const name = v.name ?? '';
  const tt = v.type?.tensor_type;
  if (!tt) throw new Error(`${what} '${name}' is not a tensor (sequences, maps and optionals are not supported)`);
  const dim = (d: TensorShapeDim) => (d.dim_value !== undefined && d.dim_value !== null ? checkDim(d.dim_value, `${what} '${name}'`) : d.dim_param ? d.dim_param : null);
  const dims = tt.shape ? (tt.shape.dim ?? []).map(dim) : null;
  return { name, elemType: tt.elem_type ?? 0, dims };
}

function checkDim(d: number, what: string): number {
  if (!Number.isSafeInteger(d) || d < 0) throw new Error(`invalid ONNX model: ${what} has dimension ${d} (dimensions are non-negative integers below 2^53)`);
  return d;
}

/** Bytes per element of the data types whose values the importer reads. */
const ELEMENT_BYTES: Partial<Record<number, number>> = { [DataType.FLOAT]: 4, [DataType.INT64]: 8, [DataType.INT32]: 4 };

/** A tensor's dims and data length agree, its data is inline, and its type is one the importer reads. */
export function checkTensor(t: TensorProto, what: string): void {
  if (t.data_location === 1 || (t.external_data ?? []).length > 0) {
    throw new Error(`${what} stores its data outside the model (external data), which is not supported: save the model with its weights inside`);
  }
  const dims = t.dims ?? [];
  let n = 1;
  for (const d of dims) n *= checkDim(d, what);
  if (!Number.isSafeInteger(n)) throw new Error(`invalid ONNX model: ${what} has ${n} elements`);
  const size = ELEMENT_BYTES[t.data_type ?? 0];
  if (size === undefined) throw new Error(`${what} has data type ${dataTypeName(t.data_type)}, which is not supported (FLOAT, INT64 and INT32 are)`);
  const typed = t.data_type === DataType.FLOAT ? t.float_data : t.data_type === DataType.INT64 ? t.int64_data : t.int32_data;
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    if (raw.length !== n * size) throw new Error(`invalid ONNX model: ${what} has ${raw.length} bytes of raw_data, but its dims [${dims.join(', ')}] need ${n * size}`);
  } else if ((typed ?? []).length !== n) {
    throw new Error(`invalid ONNX model: ${what} holds ${(typed ?? []).length} values, but its dims [${dims.join(', ')}] need ${n}`);
  }
}

/**
 * The nodes ordered so that each follows those it reads (Kahn's algorithm, keeping the file's
 * order among ready nodes); a cycle is an Error naming a node on it.
 */
function topologicalOrder(nodes: NodeProto[], producer: Map<string, number>): NodeProto[] {
  const waiting = nodes.map(() => 0);
  const readers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const v of new Set(n.input ?? [])) {
      const p = producer.get(v);
      if (p !== undefined) {
        waiting[i]++;
        readers[p].push(i);
      }
    }
  });
  const order: number[] = [];
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    order.push(i);
    for (const r of readers[i]) if (--waiting[r] === 0) ready.push(r);
  }
  if (order.length < nodes.length) {
    // walk back from a node left waiting through producers left waiting, until one repeats
    const seen = new Set<number>();
    let stuck = nodes.findIndex((_, i) => waiting[i] > 0);
    while (!seen.has(stuck)) {
      seen.add(stuck);
      stuck = (nodes[stuck].input ?? []).map((v) => producer.get(v)).find((p) => p !== undefined && waiting[p] > 0)!;
    }
    throw new Error(`invalid ONNX model: the graph has a cycle through ${nodeLabel(nodes[stuck], stuck)} (an ONNX graph must be acyclic)`);
  }
  return order.map((i) => nodes[i]);
}
