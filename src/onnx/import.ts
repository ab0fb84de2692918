/**
 * An ONNX model as a kindling forward function: the model is decoded and checked (validate.ts),
 * PyTorch's export patterns are folded back into single ops (fuse.ts), every operator is built
 * once (ops.ts), and whatever depends only on constants is computed here, once. The forward then
 * runs the remaining nodes through public kindling calls, which torch.jit.trace can record.
 */
import { Tensor } from '../tensor.js';
import { DataType, decodeModel, type NodeProto } from './proto.js';
import { checkModel, nodeLabel, type GraphInput } from './validate.js';
import { Attrs } from './attributes.js';
import { OPS } from './ops.js';
import type { Kernel } from './op_def.js';
import { fuse, FUSED_DOMAIN, FUSED_OPS } from './fuse.js';
import { readTensor, type Val } from './values.js';

export interface ImportedGraph {
  opset: number;
  inputs: GraphInput[];
  outputs: string[];
  /** the outputs' declared types and shapes */
  outputInfo: GraphInput[];
  /** the graph's outputs, in order, for its inputs in order */
  forward: (...inputs: Tensor[]) => Val[];
  /** every tensor known at create (initializers, Constants, folded values): never handed out as a result */
  constants: ReadonlySet<Tensor>;
  /** multiply-adds per row of the first input, estimated as the 2-D float initializers' elements (the weights) */
  macsPerRow: number;
}

interface Step {
  label: string;
  kernel: Kernel;
  inputs: string[];
  outputs: string[];
}

export function importModel(bytes: Uint8Array): ImportedGraph {
  const model = checkModel(decodeModel(bytes));
  const env = new Map<string, Val>();
  for (const [name, t] of model.initializers) env.set(name, readTensor(t, `initializer '${name}'`));
  const inputNames = new Set(model.inputs.map((i) => i.name));
  // Constants first: the rewrites look at their values
  const build = (n: NodeProto): Step => buildStep(n, nodeLabel(n, model.position.get(n)), model.opset, env);
  model.nodes.forEach((n) => {
    if (n.op_type === 'Constant' && (n.domain ?? '') === '') runStep(build(n), env);
  });
  const nodes = fuse(model.nodes.filter((n) => !(n.op_type === 'Constant' && (n.domain ?? '') === '')), model.outputs, (name) => (inputNames.has(name) ? undefined : env.get(name)));
  checkOutputsUsed(nodes, model.outputs, model.position);
  const steps: Step[] = [];
  nodes.forEach((n) => {
    const s = build(n);
    // a node reading only constants is computed now, once
    if (s.inputs.every((v) => v === '' || env.has(v))) runStep(s, env);
    else steps.push(s);
  });
  for (const i of model.inputs) env.delete(i.name);
  const constants = new Set<Tensor>();
  for (const v of env.values()) if (v instanceof Tensor) constants.add(v);
  let macsPerRow = 0;
  for (const t of model.initializers.values()) if (t.data_type === DataType.FLOAT && (t.dims ?? []).length === 2) macsPerRow += t.dims![0] * t.dims![1];
  const forward = (...xs: Tensor[]): Val[] => {
    const values = new Map(env);
    model.inputs.forEach((inp, k) => values.set(inp.name, xs[k]));
    for (const s of steps) runStep(s, values);
    return model.outputs.map((o) => values.get(o)!);
  };
  return { opset: model.opset, inputs: model.inputs, outputs: model.outputs, outputInfo: model.outputInfo, forward, constants, macsPerRow };
}

function buildStep(n: NodeProto, label: string, opset: number, env: Map<string, Val>): Step {
  const op = n.op_type ?? '';
  const def = n.domain === FUSED_DOMAIN ? FUSED_OPS[op] : Object.hasOwn(OPS, op) ? OPS[op] : undefined;
  if (def === undefined) throw new Error(`${label}: operator ${op} is not supported by kindling/onnxruntime (docs/onnxruntime.md lists the supported operators)`);
  const inputs = [...(n.input ?? [])];
  if (inputs.length < def.inputs[0] || inputs.length > def.inputs[1]) {
    throw new Error(`${label}: it has ${inputs.length} input${inputs.length === 1 ? '' : 's'}, but ${op} takes ${def.inputs[0] === def.inputs[1] ? def.inputs[0] : `${def.inputs[0]} to ${def.inputs[1]}`}`);
  }
  const outputs = [...(n.output ?? [])];
  try {
    const kernel = def.build({
      node: n, label, opset, attrs: new Attrs(n.attribute ?? [], label),
      constant: (i) => (inputs[i] ? env.get(inputs[i]) : undefined),
      has: (i) => (inputs[i] ?? '') !== '',
    });
    return { label, kernel, inputs, outputs: outputs.slice(0, def.outputs) };
  } catch (e) {
    throw labelled(e, label);
  }
}

function runStep(s: Step, values: Map<string, Val>): void {
  let results: Val[];
  try {
    results = s.kernel(s.inputs.map((v) => (v === '' ? undefined : values.get(v))));
  } catch (e) {
    throw labelled(e, s.label);
  }
  s.outputs.forEach((o, k) => {
    if (o !== '') values.set(o, results[k]);
  });
}

/** An error from a node's build or kernel, prefixed with the node (once). */
function labelled(e: unknown, label: string): Error {
  const message = e instanceof Error ? e.message : String(e);
  return message.startsWith(label) ? (e as Error) : new Error(`${label}: ${message}`);
}

/** Outputs the importer does not compute (a Dropout's mask, LayerNormalization's statistics) must be unused. */
function checkOutputsUsed(nodes: readonly NodeProto[], graphOutputs: readonly string[], position: ReadonlyMap<NodeProto, number>): void {
  const read = new Set<string>(graphOutputs);
  for (const n of nodes) for (const v of n.input ?? []) read.add(v);
  nodes.forEach((n) => {
    const def = n.domain === FUSED_DOMAIN ? FUSED_OPS[n.op_type ?? ''] : Object.hasOwn(OPS, n.op_type ?? '') ? OPS[n.op_type ?? ''] : undefined;
    if (!def) return;
    (n.output ?? []).slice(def.outputs).forEach((o, k) => {
      if (o !== '' && read.has(o)) throw new Error(`${nodeLabel(n, position.get(n))}: its output ${def.outputs + k} ('${o}') is not supported`);
    });
  });
}
