/**
 * torch.jit.trace: records one forward of a module (or function) under no_grad and compiles it
 * (compile.ts) into a traced module that shares the model's parameters, runs the whole forward as
 * one native call where it can, and also runs off the JS thread (forwardAsync).
 */
import { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { addIndent } from '../nn/repr.js';
import { no_grad } from '../autograd/grad_mode.js';
import { cat } from '../ops/join.js';
import { narrow } from '../ops/view.js';
import { bindUntyped } from '../python.js';
import * as nn from '../nn/index.js';
import { record, registerLibraryModules, Ref, mapTensors } from './record.js';
import { compile, type Program } from './compile.js';
import { ProgramRunner, RANDOM_STEPS } from './program_run.js';

// Calls of kindling's own modules are recorded as one step each; containers are entered.
const CONTAINERS = new Set<unknown>([nn.Module, nn.Sequential, nn.ModuleList, nn.ModuleDict]);
registerLibraryModules(Object.values(nn).filter((c) => !CONTAINERS.has(c)));

export interface TraceOptions {
  /** Re-run model and trace on a batch one row larger and compare (PyTorch's check_trace; default true). */
  check_trace?: boolean;
  /**
   * Tolerance of that comparison, |a − b| ≤ tol·(1 + |a|) (default 1e-4: the compiled GEMMs may sum
   * in another order than the eager ones, e.g. native against the JS kernels below their threshold).
   */
  check_tolerance?: number;
}

/**
 * A traced module: callable like the model (`traced(x)`), with the model's submodules,
 * parameters and buffers (the same objects: a parameter changed after tracing is seen by the next
 * call). Calls record no autograd graph.
 */
export class TracedModule extends Module {
  declare private readonly _runner: ProgramRunner;
  declare private readonly _original: Module | ((...x: Tensor[]) => unknown);

  constructor(original: Module | ((...x: Tensor[]) => unknown), runner: ProgramRunner) {
    super();
    Object.defineProperty(this, '_runner', { value: runner });
    Object.defineProperty(this, '_original', { value: original });
    if (original instanceof Module) {
      this.training = original.training;
      const src = original as unknown as { _childNames(): string[]; _ownParameters(): Iterable<[string, Tensor]>; _ownBuffers(): Iterable<[string, Tensor]> } & Record<string, unknown>;
      for (const k of src._childNames()) (this as unknown as Record<string, unknown>)[k] = src[k];
      for (const [k, p] of src._ownParameters()) (this as unknown as Record<string, unknown>)[k] = p;
      for (const [k, b] of src._ownBuffers()) this.register_buffer(k, b);
    }
  }

  override forward(...inputs: unknown[]): unknown {
    return this._runner.run(inputs as Tensor[]);
  }

  /**
   * The forward as a promise. On the native backend the compiled parts run on the addon's threads,
   * never on the JS thread; on the JS backend they run in slices between turns of the event loop.
   * The inputs are copied first: changing or transferring them afterwards does not affect the result.
   */
  forwardAsync(...inputs: Tensor[]): Promise<Tensor> {
    try {
      return this._runner.runAsync(inputs) as Promise<Tensor>;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The traced inputs' shapes, with -1 for the batch dimension (the first, which may vary). */
  get inputShapes(): number[][] {
    const p = this._runner.program;
    return p.recording.inputs.map((id) => p.recording.values[id].shape.map((d, i) => (i === 0 && d === p.batch0 ? -1 : d)));
  }

  /** The compiled program as text: each native segment's instructions and each eager step. */
  get graph(): string {
    return graphText(this._runner.program);
  }

  override _get_name(): string {
    const o = this._original;
    return o instanceof Module ? o._get_name() : 'ScriptFunction';
  }

  override toString(): string {
    const o = this._original;
    return o instanceof Module ? tracedRepr(o) : '<torch.jit.ScriptFunction object>';
  }
}

/** PyTorch's repr of a traced module: each module with its original_name, no extra_repr. */
function tracedRepr(m: Module): string {
  const name = m._get_name();
  const children = [...m.named_children()];
  if (children.length === 0) return `${name}(original_name=${name})`;
  const lines = [`original_name=${name}`, ...children.map(([k, c]) => `(${k}): ${addIndent(tracedRepr(c), 2)}`)];
  return `${name}(\n  ${lines.join('\n  ')}\n)`;
}

function graphText(p: Program): string {
  const rec = p.recording;
  const typeOf = (id: number) => {
    const v = rec.values[id];
    const dt = v.dtype.name === 'float32' ? 'Float' : v.dtype.name === 'float64' ? 'Double' : v.dtype.name === 'int64' ? 'Long' : 'Bool';
    return `${dt}(${v.shape.map((d, i) => (i === 0 && d === p.batch0 ? 'B' : String(d))).join(', ')})`;
  };
  const lines = [`graph(${rec.inputs.map((id) => `%${id} : ${typeOf(id)}`).join(', ')}):`];
  for (const it of p.items) {
    if (it.kind === 'segment') {
      lines.push(`  plan(${it.listing.length} op${it.listing.length === 1 ? '' : 's'}, one call):`);
      for (const l of it.listing) lines.push(`    ${l}`);
    } else {
      const s = rec.steps[it.step];
      const args = s.args.map((a) => argText(a)).join(', ');
      lines.push(`  ${s.writes.map((w) => `%${w}`).join(', ') || '_'} = ${s.kind === 'module' ? `${s.name}.forward` : s.name}(${args})  # eager`);
    }
  }
  lines.push(`  return (${argText(rec.output)})`);
  return lines.join('\n');
}

function argText(a: unknown): string {
  if (a instanceof Ref) return `%${a.id}`;
  if (a instanceof Tensor) return `<constant ${a.dtype.name}[${a.shape.join(', ')}]>`;
  if (Array.isArray(a)) return `[${a.map(argText).join(', ')}]`;
  if (a === null || a === undefined) return 'None';
  if (typeof a === 'object') return `{${Object.entries(a).map(([k, v]) => `${k}: ${argText(v)}`).join(', ')}}`;
  return typeof a === 'string' ? JSON.stringify(a) : String(a);
}

/**
 * torch.jit.trace(func, example_inputs): `example_inputs` is a tensor or an array of tensors
 * (PyTorch's tuple). Returns a TracedModule for a module, a traced function otherwise.
 */
export function trace(func: Module | ((...x: Tensor[]) => unknown), example_inputs: Tensor | readonly Tensor[], options: TraceOptions = {}): TracedModule {
  const [, , checkTrace, tolerance] = bindUntyped('trace', [func, example_inputs, options], ['func', 'example_inputs'], ['check_trace', 'check_tolerance'], 0) as
    [unknown, unknown, boolean | undefined, number | undefined];
  if (typeof func !== 'function') throw new TypeError(`trace(): func must be a Module or a function, but got ${typeof func}`);
  const inputs = example_inputs instanceof Tensor ? [example_inputs] : Array.isArray(example_inputs) ? [...example_inputs] : null;
  if (inputs === null || inputs.length === 0 || !inputs.every((x) => x instanceof Tensor)) {
    throw new TypeError('trace(): example_inputs must be a Tensor or a non-empty array of Tensors');
  }
  const check_trace = checkTrace ?? true, check_tolerance = tolerance ?? 1e-4;
  if (typeof check_trace !== 'boolean') throw new TypeError(`trace(): check_trace must be a boolean, but got ${typeof check_trace}`);
  if (typeof check_tolerance !== 'number' || !(check_tolerance >= 0)) throw new TypeError(`trace(): check_tolerance must be a non-negative number, but got ${String(check_tolerance)}`);
  const forward = func instanceof Module ? (...x: Tensor[]) => func(...x) : func;
  const rec = record(forward, inputs);
  const labels = new Map<Tensor, string>();
  if (func instanceof Module) {
    for (const [k, t] of func.named_parameters()) labels.set(t, k);
    for (const [k, t] of func.named_buffers()) labels.set(t, k);
  }
  const runner = new ProgramRunner(compile(rec, labels));
  const traced = new TracedModule(func, runner);
  const random = rec.steps.some((s) => RANDOM_STEPS.test(s.name) && !(s.module && !s.module.training));
  if (check_trace && !random && runner.program.batch0 > 0) checkOtherBatch(forward, runner, inputs, check_tolerance);
  return traced;
}

/**
 * The batch dimension is what the trace leaves dynamic; a forward that bakes the traced batch
 * into a constant (x.view(1, -1) traced at batch 1) would go wrong at another. So the model and
 * the trace run on the inputs with their first row appended and are compared; when they differ,
 * calls at other batch sizes run the model eagerly (correct, slower) and a warning says why.
 */
function checkOtherBatch(forward: (...x: Tensor[]) => unknown, runner: ProgramRunner, inputs: Tensor[], rtol: number): void {
  const b0 = runner.program.batch0;
  const bigger = inputs.map((x) => (x.ndim > 0 && x.shape[0] === b0 ? cat([x, narrow(x, 0, 0, 1)], 0) : x));
  let expected: unknown, got: unknown, failure = '';
  try {
    expected = no_grad(() => forward(...bigger));
    got = runner.run(bigger);
    failure = compareOutputs(expected, got, rtol);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  if (failure === '') return;
  runner.eagerAtOtherBatches = forward;
  process.emitWarning(`torch.jit.trace: the trace does not generalize to other batch sizes (${failure}); ` +
    `calls with a batch other than ${b0} run the model eagerly. Trace with a batch size that no other dimension equals`, 'TracerWarning');
}

function compareOutputs(a: unknown, b: unknown, rtol: number): string {
  const as: Tensor[] = [], bs: Tensor[] = [];
  mapTensors(a, (t) => as.push(t));
  mapTensors(b, (t) => bs.push(t));
  if (as.length !== bs.length) return 'the number of outputs differs';
  for (let i = 0; i < as.length; i++) {
    const x = as[i], y = bs[i];
    if (x.shape.length !== y.shape.length || x.shape.some((d, k) => d !== y.shape[k])) return `output ${i} has shape [${y.shape.join(', ')}] instead of [${x.shape.join(', ')}]`;
    const xd = x.contiguous().toTypedArray(), yd = y.contiguous().toTypedArray();
    for (let k = 0; k < xd.length; k++) {
      const p = Number(xd[k]), q = Number(yd[k]);
      // equal infinities (a log_softmax of an underflowed row) agree; inf - inf would not
      if ((Number.isNaN(p) && Number.isNaN(q)) || p === q) continue;
      if (!(Math.abs(p - q) <= rtol * (1 + Math.abs(p)))) return `output ${i} differs at element ${k}: ${q} instead of ${p}`;
    }
  }
  return '';
}
