/**
 * torch.onnx.export: records one forward with the tracer (inference/record.ts), maps each step to
 * ONNX nodes (export_ops.ts) and serializes the model with the official schema (proto.ts).
 *
 * The file-like `f` of PyTorch is a path here: the model is written there, and the bytes are also
 * returned (pass f = null to only get them).
 */
import { writeFileSync } from 'node:fs';
import { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { TracedModule } from '../inference/jit.js';
import { mapLeaves, record, Ref, type Recording, type Value } from '../inference/record.js';
import { RANDOM_STEPS } from '../inference/program_run.js';
import { no_grad } from '../autograd/grad_mode.js';
import { cat } from '../ops/join.js';
import { narrow } from '../ops/view.js';
import { bindUntyped, pyType } from '../python.js';
import { encodeModel, type ModelProto, type ValueInfoProto } from './proto.js';
import { elemType, GraphBuilder } from './export_graph.js';
import { Ctx, FUNCTIONS, MODULES } from './export_ops.js';

/** torch.onnx.TrainingMode: the mode the model is exported in (EVAL by default, as PyTorch). */
export const TrainingMode = { EVAL: 0, PRESERVE: 1, TRAINING: 2 } as const;
export type TrainingMode = (typeof TrainingMode)[keyof typeof TrainingMode];

/** torch.onnx.OperatorExportTypes: only ONNX (standard operators) is written. */
export const OperatorExportTypes = { ONNX: 0 } as const;

/** `{ input: { 0: 'batch' } }` names the dims; `{ input: [0] }` lets PyTorch name them `input_dynamic_axes_1`. */
export type DynamicAxes = Record<string, Record<number, string> | readonly number[]>;

export interface ExportOptions {
  /** Write the weights as initializers (default true); false makes them graph inputs instead. */
  export_params?: boolean;
  /** Print the exported graph. */
  verbose?: boolean;
  training?: TrainingMode;
  input_names?: readonly string[];
  output_names?: readonly string[];
  operator_export_type?: number;
  /** 13 to 17 (default 14, as PyTorch 1.13). */
  opset_version?: number;
  /** Fold constant computations (the transposed weight of a Linear on 3-D input) into initializers (default true). */
  do_constant_folding?: boolean;
  dynamic_axes?: DynamicAxes;
  /** Also list the initializers as graph inputs (so a runtime may override them). */
  keep_initializers_as_inputs?: boolean;
}

const DEFAULT_OPSET = 14;
const MIN_OPSET = 13, MAX_OPSET = 17;

const NAMES = ['model', 'args', 'f', 'export_params', 'verbose', 'training', 'input_names', 'output_names',
  'operator_export_type', 'opset_version', 'do_constant_folding', 'dynamic_axes', 'keep_initializers_as_inputs'] as const;

type ExportArgs = [Module | ((...x: Tensor[]) => unknown), Tensor | readonly Tensor[], (string | null)?, ...unknown[]];

/**
 * torch.onnx.export(model, args, f, { input_names, output_names, dynamic_axes, opset_version, ... }):
 * `args` is a tensor or an array of tensors (PyTorch's tuple); `f` a path or null. The options may
 * also come positionally, in PyTorch's order. Returns the serialized model.
 */
function export_(...given: ExportArgs | [...ExportArgs, ExportOptions]): Uint8Array {
  const v = bindUntyped('export', given, NAMES, [], 0);
  const o = Object.fromEntries(NAMES.map((k, i) => [k, v[i]])) as Record<(typeof NAMES)[number], unknown>;
  let model = o.model;
  if (model instanceof TracedModule) model = (model as unknown as { _original: unknown })._original;
  if (typeof model !== 'function') throw new TypeError(`export(): model must be a Module or a function, but got ${pyType(o.model)}`);
  const inputs = o.args instanceof Tensor ? [o.args] : Array.isArray(o.args) ? [...(o.args as unknown[])] : null;
  if (inputs === null || !inputs.every((x) => x instanceof Tensor)) {
    throw new TypeError(`export(): args must be a Tensor or an array of Tensors, but got ${pyType(o.args)}`);
  }
  const f = o.f ?? null;
  if (f !== null && typeof f !== 'string') throw new TypeError(`export(): f must be a file path (a string) or null, but got ${pyType(f)}`);
  const opset = o.opset_version ?? DEFAULT_OPSET;
  if (typeof opset !== 'number' || !Number.isInteger(opset)) throw new TypeError(`export(): opset_version must be an int, but got ${pyType(opset)}`);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new RangeError(`Unsupported ONNX opset version: ${opset}. kindling exports opset versions ${MIN_OPSET} to ${MAX_OPSET}`);
  }
  const flag = (k: 'export_params' | 'verbose' | 'do_constant_folding' | 'keep_initializers_as_inputs', d: boolean): boolean => {
    const x = o[k] ?? d;
    if (typeof x !== 'boolean') throw new TypeError(`export(): ${k} must be a bool, but got ${pyType(x)}`);
    return x;
  };
  const training = o.training ?? TrainingMode.EVAL;
  if (!Object.values(TrainingMode).includes(training as TrainingMode)) {
    throw new TypeError(`export(): training must be torch.onnx.TrainingMode.EVAL, PRESERVE or TRAINING, but got ${String(training)}`);
  }
  if ((o.operator_export_type ?? OperatorExportTypes.ONNX) !== OperatorExportTypes.ONNX) {
    throw new RangeError('export(): only operator_export_type=OperatorExportTypes.ONNX is supported');
  }
  const inputNames = names('input_names', o.input_names, inputs.length);
  const outputNames = names('output_names', o.output_names, Infinity);
  const dynamic = dynamicAxes(o.dynamic_axes);

  const fn = model as Module | ((...x: Tensor[]) => unknown);
  // the module handlers read the modes (Dropout, BatchNorm): the graph is built before they are restored
  return inMode(fn, training as TrainingMode, () => {
    const rec = record(fn instanceof Module ? (...x: Tensor[]) => fn(...x) : fn, inputs as Tensor[]);
    const labels = new Map<Tensor, string>();
    let stateSize = 0;
    if (model instanceof Module) {
      for (const [k, t] of model.named_parameters()) labels.set(t, k), stateSize++;
      for (const [k, t] of model.named_buffers()) labels.set(t, k), stateSize++;
    }
    const scopes = model instanceof Module ? moduleScopes(model) : new Map<Module, string>();
    const settings = { opset, fold: flag('do_constant_folding', true), labels, scopes, firstNumber: inputs.length + stateSize, inputNames, outputNames };
    let built = build(rec, settings, -1);
    // a dynamic first axis of an input keeps the batch of reshapes dynamic: build again knowing it
    const batchInput = built.inputs.findIndex((n, k) => dynamic.get(n)?.has(0) && rec.values[rec.inputs[k]].shape.length > 0);
    const batch0 = batchInput < 0 ? -1 : rec.values[rec.inputs[batchInput]].shape[0];
    if (batch0 > 0) built = build(rec, settings, batch0);
    checkDynamicKeys(dynamic, built.inputs, built.outputs);

    const b = built.b;
    const exportParams = flag('export_params', true), keepAsInputs = flag('keep_initializers_as_inputs', false);
    const batchName = batch0 > 0 ? dynamic.get(built.inputs[batchInput])!.get(0)! : null;
    const moved = batchName === null ? null : batchShapes(fn, inputs as Tensor[], built.inputs.map((n) => dynamic.get(n)?.has(0) === true), batch0);
    const valueInfo = (name: string, value: Pick<Value, 'shape' | 'dtype'>, other: readonly number[] | null): ValueInfoProto => {
      const axes = dynamic.get(name);
      const dim = value.shape.map((d, i) => {
        const label = axes?.get(i) ?? axes?.get(i - value.shape.length);
        if (label !== undefined) return { dim_param: label };
        // an output dim that followed the batch: the batch's own name where it is the batch
        if (other !== null && other[i] !== d) return { dim_param: d === batch0 && other[i] === batch0 + 1 ? batchName! : `${name}_dim_${i}` };
        return { dim_value: d };
      });
      return { name, type: { tensor_type: { elem_type: elemType(value.dtype), shape: { dim } } } };
    };
    const initializerInfo = b.initializers.map((t): ValueInfoProto => ({
      name: t.name, type: { tensor_type: { elem_type: t.data_type, shape: { dim: t.dims!.map((d) => ({ dim_value: d })) } } },
    }));
    const graph = {
      name: 'torch_jit',
      node: b.nodes,
      initializer: exportParams ? b.withData() : [],
      input: [...rec.inputs.map((id, i) => valueInfo(built.inputs[i], rec.values[id], null)), ...(exportParams && !keepAsInputs ? [] : initializerInfo)],
      output: built.outputValues.map((value, i) => valueInfo(built.outputs[i], value, moved?.[i] ?? null)),
    };
    const onnx: ModelProto = {
      // the IR version that came with each opset (onnx/helper.py VERSION_TABLE), as PyTorch writes it
      ir_version: opset <= 14 ? 7 : 8,
      producer_name: 'kindling',
      opset_import: [{ domain: '', version: opset }],
      graph,
    };
    if (flag('verbose', false)) process.stdout.write(`${graphText(onnx)}\n`);
    const bytes = encodeModel(onnx);
    if (f !== null) writeFileSync(f, bytes);
    return bytes;
  });
}
export { export_ as export };

function names(what: string, v: unknown, max: number): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new TypeError(`export(): ${what} must be a list of strings, but got ${pyType(v)}`);
  if (v.length > max) throw new RangeError(`export(): ${what} has ${v.length} names for ${max} input${max === 1 ? '' : 's'}`);
  if (new Set(v).size !== v.length) throw new RangeError(`export(): ${what} has a name twice`);
  return v as string[];
}

/** dynamic_axes normalized to name → axis → label, PyTorch's `<name>_dynamic_axes_<k>` for lists. */
function dynamicAxes(v: unknown): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`export(): dynamic_axes must be a dict, but got ${pyType(v)}`);
  for (const [name, axes] of Object.entries(v as Record<string, unknown>)) {
    const m = new Map<number, string>();
    if (Array.isArray(axes)) {
      axes.forEach((a, k) => {
        if (!Number.isInteger(a)) throw new TypeError(`export(): the dynamic axes of '${name}' must be ints, but got ${pyType(a)}`);
        m.set(a as number, `${name}_dynamic_axes_${k + 1}`);
      });
    } else if (typeof axes === 'object' && axes !== null) {
      for (const [a, label] of Object.entries(axes)) {
        if (!/^-?\d+$/.test(a) || typeof label !== 'string') throw new TypeError(`export(): dynamic_axes['${name}'] must map int axes to str names`);
        m.set(Number(a), label);
      }
    } else {
      throw new TypeError(`export(): dynamic_axes['${name}'] must be a list of axes or a dict of axis names, but got ${pyType(axes)}`);
    }
    out.set(name, m);
  }
  return out;
}

function checkDynamicKeys(dynamic: Map<string, Map<number, string>>, inputs: string[], outputs: string[]): void {
  for (const k of dynamic.keys()) {
    if (!inputs.includes(k) && !outputs.includes(k)) {
      throw new RangeError(`export(): dynamic_axes names '${k}', which is neither an input nor an output name (inputs: ${inputs.join(', ')}; outputs: ${outputs.join(', ')})`);
    }
  }
}

/**
 * The output shapes with one more batch row: the model runs once more eagerly, and the output
 * dims that moved are the ones the dynamic batch reaches (a Flatten(0) of [B, 8] is 8·B). Null,
 * with a warning, when the model does not run at that batch.
 */
function batchShapes(fn: Module | ((...x: Tensor[]) => unknown), inputs: Tensor[], batched: boolean[], batch0: number): (readonly number[])[] | null {
  const bigger = inputs.map((x, i) => (batched[i] && x.ndim > 0 && x.shape[0] === batch0 ? cat([x, narrow(x, 0, 0, 1)], 0) : x));
  try {
    const shapes: (readonly number[])[] = [];
    mapLeaves(no_grad(() => fn(...bigger)), (t) => shapes.push((t as Tensor).shape));
    return shapes;
  } catch (e) {
    process.emitWarning(`torch.onnx.export: the model does not run with a batch of ${batch0 + 1} (${(e as Error).message}); the outputs' shapes keep the traced batch`, 'TracerWarning');
    return null;
  }
}

/** Runs `body` with the model in the requested mode; every module's own mode is restored afterwards. */
function inMode<T>(model: Module | ((...x: Tensor[]) => unknown), training: TrainingMode, body: () => T): T {
  const modules = model instanceof Module ? [...model.modules()] : [];
  const saved = modules.map((m) => m.training);
  if (model instanceof Module && training !== TrainingMode.PRESERVE) model.train(training === TrainingMode.TRAINING);
  try {
    return body();
  } finally {
    modules.forEach((m, i) => (m.training = saved[i]));
  }
}

/** PyTorch's scope names: `/fc`, `/seq/seq.0`. */
function moduleScopes(model: Module): Map<Module, string> {
  const out = new Map<Module, string>();
  for (const [path, m] of model.named_modules()) {
    if (path === '') continue;
    const parts = path.split('.');
    out.set(m, parts.map((_, i) => `/${parts.slice(0, i + 1).join('.')}`).join(''));
  }
  return out;
}

interface Settings {
  opset: number;
  fold: boolean;
  labels: Map<Tensor, string>;
  scopes: Map<Module, string>;
  firstNumber: number;
  inputNames: string[];
  outputNames: string[];
}

interface Built {
  b: GraphBuilder;
  inputs: string[];
  outputs: string[];
  outputValues: Pick<Value, 'shape' | 'dtype'>[];
}

function build(rec: Recording, s: Settings, batch0: number): Built {
  const b = new GraphBuilder(s.opset, rec.values, s.labels, s.fold, batch0, s.firstNumber);
  const placeholder = (i: number) => `\u0000input_${i}`;
  rec.inputs.forEach((id, i) => b.names.set(id, placeholder(i)));
  for (const step of rec.steps) {
    const c = new Ctx(b, step);
    if (step.reads.length === 0) {
      fold(c);
      continue;
    }
    b.scope = step.module ? s.scopes.get(step.module) ?? '' : '';
    const first = step.args[0];
    const x = first instanceof Ref || first instanceof Tensor ? c.input(first, step.name) : '';
    let result: string | string[];
    if (step.kind === 'module') {
      const handler = MODULES[step.name];
      if (!handler) c.unsupported();
      result = handler(c, x, step.module as Module & Record<string, unknown>);
    } else {
      const handler = FUNCTIONS[step.name] ?? (step.name.endsWith('_') ? FUNCTIONS[step.name.slice(0, -1)] : undefined);
      if (!handler) c.unsupported();
      result = handler(c, x);
    }
    const outs = Array.isArray(result) ? result : [result];
    if (outs.length !== step.writes.length) c.unsupported(` with ${step.writes.length} results`);
    step.writes.forEach((id, i) => b.names.set(id, outs[i]));
  }
  b.scope = '';

  // graph inputs: the names given, else PyTorch's onnx::<first consumer>_<index>
  const inputs = rec.inputs.map((_, i) => {
    const name = s.inputNames[i] ?? `onnx::${b.nodes.find((n) => n.input!.includes(placeholder(i)))?.op_type ?? 'Identity'}_${i}`;
    b.rename(placeholder(i), name);
    return name;
  });
  // graph outputs: the producing node's output renamed, or an Identity where the value is an
  // input, a constant or already another output
  const leaves: (Ref | Tensor)[] = [];
  mapLeaves(rec.output, (leaf) => leaves.push(leaf));
  if (leaves.length === 0) throw new Error('torch.onnx.export: the model returned no tensor');
  const outputs: string[] = [], outputValues: Pick<Value, 'shape' | 'dtype'>[] = [];
  leaves.forEach((leaf, k) => {
    // a constant returned as is becomes an initializer
    const current = leaf instanceof Ref ? b.names.get(leaf.id)! : b.initializer(leaf, 'Identity');
    const own = b.produced(current) && !outputs.includes(current);
    const name = s.outputNames[k] ?? String((own ? b.numberOf(current) : undefined) ?? b.number());
    if (inputs.includes(name) || outputs.includes(name)) throw new RangeError(`export(): the output name '${name}' is already taken`);
    if (own) b.rename(current, name);
    else b.nodes.push({ name: `Identity_${k}`, op_type: 'Identity', input: [current], output: [name], attribute: [] });
    outputs.push(name);
    outputValues.push(leaf instanceof Ref ? rec.values[leaf.id] : leaf);
  });
  b.nameFolded();
  return { b, inputs, outputs, outputValues };
}

/** A step on constants only (a tensor made in forward): its value is a constant, as an initializer. */
function fold(c: Ctx): void {
  const step = c.step;
  if (RANDOM_STEPS.test(step.name)) c.unsupported(' (a random tensor made inside forward cannot be a constant)');
  // running it again would change the parameter or buffer a second time
  if (step.inplace) c.unsupported(' in place on a parameter or buffer');
  const result = step.run(step.args);
  const made: Tensor[] = [];
  mapLeaves(result, (t) => made.push(t as Tensor));
  step.writes.forEach((id, i) => c.b.names.set(id, c.b.initializer(made[i], step.name)));
}

/** The graph as text, for verbose=true: one node a line. */
function graphText(m: ModelProto): string {
  const g = m.graph!;
  const typeText = (v: ValueInfoProto) => `${v.name}: [${v.type!.tensor_type!.shape!.dim!.map((d) => d.dim_param ?? String(d.dim_value)).join(', ')}]`;
  const lines = [`graph ${g.name} (opset ${m.opset_import![0].version})`, `  inputs: ${g.input!.map(typeText).join(', ')}`];
  for (const t of g.initializer!) lines.push(`  initializer ${t.name} [${t.dims!.join(', ')}]`);
  for (const n of g.node!) {
    const attrs = n.attribute!.map((a) => `${a.name}=${a.ints?.length ? `[${a.ints.join(', ')}]` : a.t ? 'tensor' : a.f ?? a.i}`).join(', ');
    lines.push(`  ${n.output!.join(', ')} = ${n.op_type}${attrs ? `[${attrs}]` : ''}(${n.input!.join(', ')})`);
  }
  lines.push(`  outputs: ${g.output!.map(typeText).join(', ')}`);
  return lines.join('\n');
}
