/**
 * nn.Module, as PyTorch's: callable (`model(x)` runs the hooks and forward), children and
 * parameters registered just by assigning them (class fields or constructor assignments, in
 * definition order), state_dict with dotted keys, and a repr identical to PyTorch's.
 *
 * Registration works by reading the module's own properties in insertion order: Parameters and
 * Modules are found by type, buffers by the names given to register_buffer. No Proxy sits in
 * the way of property reads, so `this.fc1` in forward costs what any property read costs.
 */
import { Tensor } from '../tensor.js';
import { Parameter } from './parameter.js';
import { addIndent } from './repr.js';
import { no_grad } from '../autograd/grad_mode.js';
import { sizeStr } from '../shape.js';
import { toDType, type DTypeLike } from '../dtype.js';
import { bindUntyped } from '../python.js';
import { parseTo } from '../tensor_methods.js';
import { checkDevice, type DeviceLike } from '../device.js';
import { traceHook } from '../inference/hook.js';

type ForwardHook = (module: Module, input: unknown[], output: unknown) => unknown;
type ForwardPreHook = (module: Module, input: unknown[]) => unknown;

export interface RemovableHandle {
  remove(): void;
}

export interface LoadResult {
  missing_keys: string[];
  unexpected_keys: string[];
}

/** Instances are callable: `model(x)` is `model.forward(x)` with hooks around it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Module {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (...args: any[]): any;
}

interface Internals {
  buffers: Set<string>;
  nonPersistent: Set<string>;
  forwardHooks: Map<number, ForwardHook>;
  forwardPreHooks: Map<number, ForwardPreHook>;
}

let hookId = 0;
const internals = new WeakMap<Module, Internals>();
function inner(m: Module): Internals {
  return internals.get(m)!;
}

function checkName(kind: string, m: Module, name: unknown, existingOk: (v: unknown) => boolean): void {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new RangeError(`${kind} name can't contain ".", got: ${name}`);
  if (name === '') throw new RangeError(`${kind} name can't be empty string ""`);
  if (name in m && !existingOk((m as unknown as Record<string, unknown>)[name]) && !Object.prototype.hasOwnProperty.call(m, name)) {
    throw new Error(`attribute '${name}' already exists`);
  }
}

export class Module {
  // Set in the constructor: a base-class field would land on `this`, not on the returned function.
  declare training: boolean;

  constructor() {
    // A function object with the subclass's prototype: callable, yet an ordinary instance.
    const self = ((...args: unknown[]) => self._call(...args)) as unknown as Module;
    delete (self as unknown as { name?: string }).name;
    delete (self as unknown as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    self.training = true;
    internals.set(self, { buffers: new Set(), nonPersistent: new Set(), forwardHooks: new Map(), forwardPreHooks: new Map() });
    return self;
  }

  forward(..._args: unknown[]): unknown {
    throw new Error(`Module [${this._get_name()}] is missing the required "forward" function`);
  }

  _call(...args: unknown[]): unknown {
    if (traceHook.active !== null) return traceHook.active.module(this, args, () => this._run(args));
    return this._run(args);
  }

  private _run(args: unknown[]): unknown {
    const hooks = inner(this);
    for (const h of hooks.forwardPreHooks.values()) {
      const r = h(this, args);
      if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
    }
    let out = this.forward(...args);
    for (const h of hooks.forwardHooks.values()) {
      const r = h(this, args, out);
      if (r !== undefined && r !== null) out = r;
    }
    return out;
  }

  /** Internal: whether calling this module does more than forward() (hooks are registered). */
  _hasHooks(): boolean {
    const h = inner(this);
    return h.forwardHooks.size > 0 || h.forwardPreHooks.size > 0;
  }

  _get_name(): string {
    return this.constructor.name;
  }

  // ---- registration ---------------------------------------------------------------------------

  register_parameter(name: string, param: Parameter | null): void {
    checkName('parameter', this, name, (v) => v instanceof Parameter || v === null);
    const value: unknown = param;
    if (value !== null && !(value instanceof Parameter)) {
      throw new TypeError(`cannot assign '${value instanceof Tensor ? 'torch.FloatTensor' : typeof value}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  register_buffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } | boolean = {}): void {
    checkName('buffer', this, name, (v) => v instanceof Tensor || v === null);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${typeof tensor}' object to buffer '${name}' (torch Tensor or None required)`);
    const persistent = typeof opts === 'boolean' ? opts : opts.persistent ?? true;
    const st = inner(this);
    st.buffers.add(name);
    if (persistent) st.nonPersistent.delete(name);
    else st.nonPersistent.add(name);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  add_module(name: string, module: Module | null): void {
    checkName('module', this, name, (v) => v instanceof Module || v === null);
    if (module !== null && !((module as unknown) instanceof Module)) throw new TypeError(`${typeof module} is not a Module subclass`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  /** Child module names, in the order they were assigned. Containers override the order. */
  protected _childNames(): string[] {
    return Object.keys(this).filter((k) => (this as unknown as Record<string, unknown>)[k] instanceof Module);
  }

  // ---- traversal ------------------------------------------------------------------------------

  *named_children(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const k of this._childNames()) {
      const m = (this as unknown as Record<string, Module>)[k];
      if (!seen.has(m)) {
        seen.add(m);
        yield [k, m];
      }
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.named_children()) yield m;
  }

  *named_modules(memo: Set<Module> = new Set(), prefix = '', remove_duplicate = true): Generator<[string, Module]> {
    if (remove_duplicate && memo.has(this)) return;
    if (remove_duplicate) memo.add(this);
    yield [prefix, this];
    for (const k of this._childNames()) {
      const m = (this as unknown as Record<string, Module>)[k];
      yield* m.named_modules(memo, prefix ? `${prefix}.${k}` : k, remove_duplicate);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.named_modules()) yield m;
  }

  /** This module's own parameters (not its children's), in assignment order. */
  protected _ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const k of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (v instanceof Parameter) out.push([k, v]);
    }
    return out;
  }

  protected _ownBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const k of inner(this).buffers) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (v instanceof Tensor) out.push([k, v]);
    }
    return out;
  }

  *named_parameters(prefix = '', recurse = true, remove_duplicate = true): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? [...this.named_modules(new Set(), prefix, remove_duplicate)] : [[prefix, this]];
    for (const [p, m] of mods) {
      for (const [k, v] of m._ownParameters()) {
        if (remove_duplicate && seen.has(v)) continue;
        seen.add(v);
        yield [p ? `${p}.${k}` : k, v];
      }
    }
  }

  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.named_parameters('', recurse)) yield p;
  }

  *named_buffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? [...this.named_modules(new Set(), prefix)] : [[prefix, this]];
    for (const [p, m] of mods) {
      for (const [k, v] of m._ownBuffers()) {
        if (seen.has(v)) continue;
        seen.add(v);
        yield [p ? `${p}.${k}` : k, v];
      }
    }
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.named_buffers('', recurse)) yield b;
  }

  // ---- modes and bulk operations --------------------------------------------------------------

  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /** Zeroes the gradients in place; set_to_none=true drops them (PyTorch 1.13's default is false). */
  zero_grad(set_to_none?: boolean | { set_to_none?: boolean }): void {
    const none = bindUntyped('zero_grad', [set_to_none], ['set_to_none'])[0] ?? false;
    for (const p of this.parameters()) {
      if (none) p._dropGrad();
      else p._zeroGrad();
    }
  }

  /** Calls fn on every submodule (children first) and then on this module, as PyTorch. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * `to(device, dtype)`, `to(dtype)`, `to(tensor)`: converts every floating-point parameter and
   * buffer in place (the Parameter objects stay the same); the device can only be the CPU.
   */
  to(dtype: DTypeLike, non_blocking?: boolean): this;
  to(tensor: Tensor, non_blocking?: boolean): this;
  to(device?: DeviceLike | null, dtype?: DTypeLike | null, non_blocking?: boolean): this;
  to(opts: { device?: DeviceLike | null; dtype?: DTypeLike | null; non_blocking?: boolean }): this;
  to(...args: unknown[]): this {
    const asked = parseTo(...args);
    if (asked === null) return this;
    const d = toDType(asked);
    if (!d.is_floating_point) throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${d}`);
    no_grad(() => {
      for (const m of this.modules()) {
        for (const [, t] of [...m._ownParameters(), ...m._ownBuffers()]) {
          if (!t.dtype.is_floating_point || t.dtype === d) continue;
          t._setData(t.to(d));
          if (t.grad) t.grad = t.grad.to(d);
        }
      }
    });
    return this;
  }

  cpu(): this {
    return this;
  }

  /** There is no CUDA: PyTorch's error for a CPU-only build. */
  cuda(): this {
    return checkDevice('cuda') as never;
  }

  float(): this {
    return this.to('float32');
  }

  double(): this {
    return this.to('float64');
  }

  // ---- hooks ----------------------------------------------------------------------------------

  register_forward_hook(hook: ForwardHook): RemovableHandle {
    const id = hookId++;
    const hooks = inner(this).forwardHooks;
    hooks.set(id, hook);
    return { remove: () => void hooks.delete(id) };
  }

  register_forward_pre_hook(hook: ForwardPreHook): RemovableHandle {
    const id = hookId++;
    const hooks = inner(this).forwardPreHooks;
    hooks.set(id, hook);
    return { remove: () => void hooks.delete(id) };
  }

  // ---- state ----------------------------------------------------------------------------------

  /** Parameters and persistent buffers under PyTorch's dotted keys, detached, sharing memory. */
  state_dict(opts: { prefix?: string; keep_vars?: boolean } = {}): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [p, m] of this.named_modules(new Set(), opts.prefix?.replace(/\.$/, '') ?? '', false)) {
      const key = (k: string) => (p ? `${p}.${k}` : k);
      for (const [k, v] of m._ownParameters()) out[key(k)] = opts.keep_vars ? v : v.detach();
      const np = inner(m).nonPersistent;
      for (const [k, v] of m._ownBuffers()) if (!np.has(k)) out[key(k)] = opts.keep_vars ? v : v.detach();
    }
    return out;
  }

  load_state_dict(state_dict: Record<string, Tensor> | Map<string, Tensor>, strict: boolean | { strict?: boolean } = true): LoadResult {
    const isStrict = typeof strict === 'boolean' ? strict : strict.strict ?? true;
    const sd = state_dict instanceof Map ? Object.fromEntries(state_dict) : state_dict;
    const own = this.state_dict({ keep_vars: true });
    const missing: string[] = [], errors: string[] = [];
    // own keys only: `k in` would find 'constructor' and '__proto__' on every object's prototype
    const unexpected = Object.keys(sd).filter((k) => !Object.hasOwn(own, k));
    no_grad(() => {
      for (const [k, target] of Object.entries(own)) {
        if (!Object.hasOwn(sd, k)) {
          missing.push(k);
          continue;
        }
        const src = sd[k];
        if (!(src instanceof Tensor)) {
          errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`);
          continue;
        }
        if (src.shape.length !== target.shape.length || src.shape.some((s, i) => s !== target.shape[i])) {
          errors.push(`size mismatch for ${k}: copying a param with shape ${sizeStr(src.shape)} from checkpoint, the shape in current model is ${sizeStr(target.shape)}.`);
          continue;
        }
        target.copy_(src);
      }
    });
    if (isStrict) {
      if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
      if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length) throw new Error(`Error(s) in loading state_dict for ${this._get_name()}:\n\t${errors.join('\n\t')}`);
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  // ---- printing -------------------------------------------------------------------------------

  /** One line of this module's settings, as in PyTorch (empty for most containers). */
  extra_repr(): string {
    return '';
  }

  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this._childNames().map((k) => `(${k}): ${addIndent(String((this as unknown as Record<string, Module>)[k]), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this._get_name()}(`;
    if (lines.length) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return s + ')';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
