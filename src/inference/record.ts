/**
 * Recording one forward for torch.jit.trace. Every public function and method (declared through
 * python.ts), every module call, and the handful of tensor methods that bypass both report to the
 * hook while a trace runs; the outermost call is recorded as one step (what it calls inside runs
 * unrecorded), with its tensor arguments replaced by references to the values they are: the
 * trace's inputs, earlier steps' results, or constants (tensors that existed before the trace:
 * parameters, buffers, captured tensors, kept by reference so later changes are seen).
 *
 * A tensor that was created during the trace by something that did not report (an internal op
 * called directly) cannot be replayed: using it is an error rather than a constant, so a trace
 * never bakes in a value that depended on the input.
 */
import { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { no_grad } from '../autograd/grad_mode.js';
import { traceHook, type TraceHook } from './hook.js';

/** A reference to value `id` inside a recorded step's arguments or the trace's output. */
export class Ref {
  constructor(readonly id: number) {}
}

export interface Value {
  readonly id: number;
  /** The shape at trace time. */
  readonly shape: readonly number[];
  readonly dtype: Tensor['dtype'];
  /** The step that produced it, or -1 for a trace input. */
  readonly step: number;
}

export interface Step {
  /** A declared function or method by its PyTorch name, or a module call. */
  kind: 'call' | 'module';
  /** The function's name, or the module's class name. */
  name: string;
  /** Parameter names of `args` (declared functions), [] for modules. */
  names: readonly string[];
  /** Replays the step on new arguments. */
  run: (args: unknown[]) => unknown;
  module: Module | null;
  /** The arguments, tensors replaced by Refs (values) or kept (constants). */
  args: unknown[];
  /** The result, tensors replaced by Refs. */
  out: unknown;
  /** Value ids read (in argument order) and written. */
  reads: number[];
  writes: number[];
  /** An argument's memory was written (an in-place op). */
  inplace: boolean;
  /** A result shares memory with an input (a view, or in place). */
  aliases: boolean;
}

export interface Recording {
  inputs: number[];
  values: Value[];
  steps: Step[];
  /** The forward's result, tensors replaced by Refs (values) or kept (constants). */
  output: unknown;
}

/**
 * Tensor methods that neither go through python.ts nor through a module: wrapped on the prototype
 * for the duration of a trace only (everyone else never pays for them).
 */
const DIRECT_METHODS = ['detach', 'detach_', 'float', 'double', 'long', 'bool', 'clone', 'contiguous', 'cpu',
  'neg_', 'exp_', 'log_', 'sqrt_', 'abs_', 'relu_', 'sigmoid_', 'tanh_', 'zero_'] as const;

class Recorder implements TraceHook {
  private ids = new Map<Tensor, number>();
  private fresh = new WeakSet<object>();
  private depth = 0;
  readonly values: Value[] = [];
  readonly steps: Step[] = [];

  input(t: Tensor): number {
    return this.define(t, -1);
  }

  private define(t: Tensor, step: number): number {
    const id = this.values.length;
    this.values.push({ id, shape: [...t.shape], dtype: t.dtype, step });
    this.ids.set(t, id);
    return id;
  }

  created(t: object): void {
    this.fresh.add(t);
  }

  call(fn: { readonly name: string; readonly names: readonly string[] }, impl: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
    if (this.depth > 0) return impl.apply(self, args);
    return this.record('call', fn.name, fn.names, (a) => impl.apply(self, a), null, args);
  }

  module(m: object, args: unknown[], run: () => unknown): unknown {
    // a library module as it ships (not a subclass with its own forward) is one step; any other
    // module is entered, and what its forward calls is recorded
    if (this.depth > 0 || !isLibraryModule(m)) return run();
    const mod = m as Module;
    return this.record('module', mod._get_name(), [], (a) => mod(...a), mod, args, run);
  }

  /** A direct tensor method (DIRECT_METHODS) called on `self`. */
  method(name: string, impl: (...a: unknown[]) => unknown, self: Tensor, args: unknown[]): unknown {
    if (this.depth > 0) return impl.apply(self, args);
    return this.record('call', name, ['self'], (a) => impl.apply(a[0], a.slice(1)), null, [self, ...args]);
  }

  private record(kind: Step['kind'], name: string, names: readonly string[], run: Step['run'], module: Module | null, args: unknown[], direct?: () => unknown): unknown {
    const reads: number[] = [];
    const template = args.map((a) => this.template(a, name, reads));
    const inputs = new Set<Tensor>();
    collectTensors(args, inputs);
    const versions = [...inputs].map((t) => t._storage.version);
    this.depth++;
    let result: unknown;
    try {
      result = direct ? direct() : run(args);
    } finally {
      this.depth--;
    }
    const step = this.steps.length;
    const writes: number[] = [];
    // in place: an argument's memory was written (its version moved)
    const inplace = [...inputs].some((t, i) => t._storage.version !== versions[i]);
    let aliases = false;
    const out = mapTensors(result, (t) => {
      for (const i of inputs) if (i._storage === t._storage) aliases = true;
      const id = this.define(t, step);
      writes.push(id);
      return new Ref(id);
    });
    // a query (x.size(0), x.dim()) changes nothing and makes no tensor: its result is a constant
    if (writes.length > 0 || inplace) this.steps.push({ kind, name, names, run, module, args: template, out, reads, writes, inplace, aliases });
    return result;
  }

  /** An argument with its tensors replaced: values by Refs, constants kept. */
  template(a: unknown, where: string, reads: number[]): unknown {
    return mapTensors(a, (t) => {
      const id = this.ids.get(t);
      if (id !== undefined) {
        reads.push(id);
        return new Ref(id);
      }
      if (this.fresh.has(t)) {
        throw new Error(`torch.jit.trace: ${where} received a tensor computed during the trace by an operation the tracer cannot see; ` +
          'call public kindling functions, methods and modules inside forward');
      }
      return t;
    });
  }
}

/** Whether `m` is an instance of a kindling nn class itself (forward not replaced by a subclass). */
function isLibraryModule(m: object): boolean {
  const proto = Object.getPrototypeOf(m) as object | null;
  return proto !== null && LIBRARY_MODULES.has(proto);
}
const LIBRARY_MODULES = new WeakSet<object>();

/** Marks nn classes whose instances are recorded as one step (nn/index.ts registers its own). */
export function registerLibraryModules(classes: Iterable<unknown>): void {
  for (const c of classes) {
    if (typeof c === 'function' && c.prototype instanceof Module) LIBRARY_MODULES.add(c.prototype as object);
  }
}

function collectTensors(a: unknown, into: Set<Tensor>): void {
  mapTensors(a, (t) => into.add(t));
}

function isPlainObject(a: unknown): a is Record<string, unknown> {
  if (typeof a !== 'object' || a === null) return false;
  const p = Object.getPrototypeOf(a) as unknown;
  return p === Object.prototype || p === null;
}

/**
 * `a` with each leaf replaced by f(leaf), through arrays (keeping extra properties, as named
 * results have) and plain objects. Leaves are tensors and Refs; anything else is kept.
 */
export function mapLeaves(a: unknown, f: (leaf: Tensor | Ref) => unknown): unknown {
  if (a instanceof Tensor || a instanceof Ref) return f(a);
  if (Array.isArray(a)) {
    const out: unknown[] = a.map((x) => mapLeaves(x, f));
    for (const k of Object.keys(a)) if (!/^\d+$/.test(k)) (out as unknown as Record<string, unknown>)[k] = mapLeaves((a as unknown as Record<string, unknown>)[k], f);
    return out;
  }
  if (isPlainObject(a)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) out[k] = mapLeaves(v, f);
    return out;
  }
  return a;
}

/** `a` with every tensor replaced by f(tensor) (mapLeaves, Refs kept). */
export function mapTensors(a: unknown, f: (t: Tensor) => unknown): unknown {
  return mapLeaves(a, (x) => (x instanceof Tensor ? f(x) : x));
}

/** Runs `forward` on `inputs` under no_grad and records it. */
export function record(forward: (...inputs: Tensor[]) => unknown, inputs: readonly Tensor[]): Recording {
  if (traceHook.active !== null) throw new Error('torch.jit.trace: cannot trace while another trace is running');
  const r = new Recorder();
  const ids = inputs.map((t) => r.input(t));
  const proto = Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = DIRECT_METHODS.map((k) => [k, proto[k]] as const);
  for (const [k, impl] of saved) {
    proto[k] = function (this: Tensor, ...a: unknown[]) {
      return r.method(k, impl, this, a);
    };
  }
  traceHook.active = r;
  let result: unknown;
  try {
    result = no_grad(() => forward(...inputs));
  } finally {
    traceHook.active = null;
    for (const [k, impl] of saved) proto[k] = impl;
  }
  const output = r.template(result, 'the traced output', []);
  return { inputs: ids, values: r.values, steps: r.steps, output };
}
