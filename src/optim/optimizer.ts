/**
 * torch.optim.Optimizer as in PyTorch 1.13: parameter groups that fall back on the optimizer's
 * defaults, per-parameter state in a Map, zero_grad, and state_dict/load_state_dict in PyTorch's
 * layout (parameters replaced by their indices), so checkpoints look and behave the same.
 */
import { Tensor } from '../tensor.js';
import { enable_grad, set_grad_enabled } from '../autograd/grad_mode.js';
import { isOptions } from '../ops/util.js';
import { bindUntyped, pyRepr } from '../python.js';
import { float32 } from '../dtype.js';

class _RequiredParameter {
  toString(): string {
    return '<required parameter>';
  }
}
/** PyTorch's marker for a hyper-parameter without a default (SGD's lr): each group must give it. */
export const required = new _RequiredParameter();

/** A parameter group: its parameters and its hyper-parameters (the optimizer's defaults fill the gaps). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}

/** What users pass: Tensors, or groups whose `params` is a Tensor or an iterable of Tensors. */
export interface ParamGroupInput {
  params: Tensor | Iterable<Tensor>;
  [option: string]: unknown;
}
export type ParamsArg = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** The per-parameter state: tensors (moment buffers, step counters) and plain numbers. */
export type ParamState = Record<string, unknown>;

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

export type Closure = () => unknown;

/** Python's torch.typename for the messages. */
function typename(v: unknown): string {
  if (v instanceof Tensor) return `torch.${{ float32: 'Float', float64: 'Double', int64: 'Long', bool: 'Bool' }[v.dtype.name]}Tensor`;
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'dict' : typeof v;
}

export class Optimizer<G extends ParamGroup = ParamGroup> {
  defaults: Record<string, unknown>;
  /** Per-parameter state, created lazily by step() (PyTorch's defaultdict(dict)). */
  state: Map<Tensor, ParamState> = new Map();
  param_groups: G[] = [];

  constructor(params: ParamsArg, defaults: Record<string, unknown>) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typename(params)}`);
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`'${typename(params)}' object is not iterable`);
    }
    let groups = Array.from(params as Iterable<unknown>);
    if (groups.length === 0) throw new Error('optimizer got an empty parameter list');
    if (!isOptions(groups[0])) groups = [{ params: groups }];
    for (const g of groups) this.add_param_group(g as ParamGroupInput);
  }

  /** Adds a group (the object itself is kept, as PyTorch keeps the dict); missing options take the defaults. */
  add_param_group(param_group: ParamGroupInput): void {
    if (!isOptions(param_group)) throw new TypeError('param group must be a dict');
    const given = param_group.params;
    if (given instanceof Tensor) param_group.params = [given];
    else if (given instanceof Set) {
      throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    } else if (given === null || given === undefined || typeof (given as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`'${typename(given)}' object is not iterable`);
    } else param_group.params = Array.from(given);
    const params = param_group.params as Tensor[];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typename(p)}`);
      const retains = p.grad_fn !== null && p.grad_fn.retained === p;
      if (!this.defaults.differentiable && !(p.is_leaf || retains)) throw new Error("can't optimize a non-leaf Tensor");
    }
    for (const [name, value] of Object.entries(this.defaults)) {
      if (param_group[name] !== undefined) continue;
      if (value === required) throw new Error(`parameter group didn't specify a value of required optimization parameter ${name}`);
      param_group[name] = Array.isArray(value) ? value.slice() : value;
    }
    if (new Set(params).size !== params.length) {
      process.emitWarning(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
        'UserWarning',
      );
    }
    const seen = new Set<Tensor>();
    for (const g of this.param_groups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new Error('some parameters appear in more than one parameter group');
    this.param_groups.push(param_group as unknown as G);
  }

  /**
   * Zeroes the gradients in place (set_to_none=false, PyTorch 1.13's default, as Module.zero_grad),
   * or drops them (set_to_none=true, 2.0's default): optimizers then skip those parameters
   * entirely, where a zeroed gradient still moves momentum methods.
   */
  zero_grad(set_to_none?: boolean | { set_to_none?: boolean }): void {
    const toNone = bindUntyped('zero_grad', [set_to_none], ['set_to_none'])[0] ?? false;
    for (const g of this.param_groups) {
      for (const p of g.params) {
        if (toNone) p._dropGrad();
        else p._zeroGrad();
      }
    }
  }

  /** Performs one update; subclasses implement it. */
  step(_closure?: Closure): unknown {
    throw new Error(`${this.constructor.name}.step() is not implemented`);
  }

  /**
   * Runs the closure with grad enabled (awaiting it when it returns a Promise), then the update
   * without recording a graph (unless the group asks for a differentiable optimizer), and returns
   * the closure's loss.
   */
  protected _step(closure: Closure | undefined, update: () => void): unknown {
    const run = (): void => set_grad_enabled(Boolean(this.defaults.differentiable), update);
    if (closure === undefined || closure === null) {
      run();
      return undefined;
    }
    const loss = enable_grad(closure);
    if (loss instanceof Promise) return loss.then((l) => (run(), l));
    run();
    return loss;
  }

  /** The state of p, created empty on first use. */
  protected _state(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** `{state, param_groups}` with parameters replaced by their index in group order; state tensors are not copied. */
  state_dict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const param_groups = this.param_groups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = Array.isArray(v) ? v.slice() : v;
      g.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = g.params.map((p) => index.get(p)!);
      start += g.params.length;
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = s;
    }
    return { state, param_groups };
  }

  /** Loads a deep copy of a state_dict, casting floating state to each parameter's dtype (the step counter excepted). */
  load_state_dict(state_dict: OptimizerStateDict): void {
    const groups = this.param_groups;
    const saved = state_dict.param_groups;
    this._check_loaded_groups(saved);
    if (groups.length !== saved.length) throw new Error('loaded state dict has a different number of parameter groups');
    if (groups.some((g, i) => g.params.length !== saved[i].params.length)) {
      throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const idMap = new Map<string, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(String(id), groups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [k, v] of Object.entries(state_dict.state)) {
      const p = idMap.get(k);
      // PyTorch keeps state that belongs to no parameter under its old key; a Map keyed by parameter has no place for it
      if (p !== undefined) state.set(p, castCopy(p, v) as ParamState);
    }
    this.state = state;
    this.param_groups = saved.map((g, i) => ({ ...(deepCopy(g) as object), params: groups[i].params }) as unknown as G);
    this._upgrade_state();
  }

  /**
   * A checkpoint's hyper-parameters must have the types of the optimizer's defaults: step() would
   * otherwise turn a string lr into NaN parameters instead of failing (PyTorch fails in step()).
   */
  private _check_loaded_groups(saved: unknown): void {
    if (!Array.isArray(saved)) throw new TypeError(`loaded state dict's param_groups must be a list, not ${typename(saved)}`);
    saved.forEach((g: unknown, i) => {
      if (!isOptions(g)) throw new TypeError(`loaded state dict's parameter group ${i} must be a dict, not ${typename(g)}`);
      const ids = g.params;
      if (!Array.isArray(ids) || ids.some((id) => !Number.isInteger(id))) {
        throw new TypeError(`loaded state dict's parameter group ${i} must list its params as ints`);
      }
      for (const [k, def] of Object.entries(this.defaults)) {
        const v = g[k];
        if (v === undefined) continue;  // an older checkpoint: the default fills it in
        const want = def === required ? 'number' : Array.isArray(def) ? 'list' : def === null ? null : typeof def;
        const ok = want === null || (want === 'list'
          ? Array.isArray(v) && v.length === (def as unknown[]).length && v.every((x, j) => typeof x === typeof (def as unknown[])[j])
          : typeof v === want);
        if (!ok) {
          throw new TypeError(`loaded state dict has an invalid value for '${k}' in parameter group ${i}: expected ${want === 'list' ? `a list like ${pyRepr(def)}` : `a ${want}`}, got ${typename(v)} ${pyRepr(v)}`);
        }
      }
    });
  }

  /** PyTorch's __setstate__: options that older checkpoints lack take the defaults; subclasses also upgrade state. */
  protected _upgrade_state(): void {
    for (const g of this.param_groups) {
      for (const [k, v] of Object.entries(this.defaults)) if (!(k in g) && v !== required) (g as ParamGroup)[k] = Array.isArray(v) ? v.slice() : v;
    }
  }

  toString(): string {
    let s = `${this.constructor.name} (`;
    this.param_groups.forEach((g, i) => {
      s += `\nParameter Group ${i}\n`;
      for (const k of Object.keys(g).sort()) if (k !== 'params') s += `    ${k}: ${pyRepr(g[k])}\n`;
    });
    return s + ')';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function deepCopy(v: unknown): unknown {
  if (v instanceof Tensor) return v.detach().clone();
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isOptions(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

/** PyTorch's cast(): a deep copy whose floating tensors take the parameter's dtype, except 'step'. */
function castCopy(param: Tensor, v: unknown, key?: string): unknown {
  if (v instanceof Tensor) {
    const c = v.detach().clone();
    return key !== 'step' && param.is_floating_point() && c.dtype !== param.dtype ? c.to(param.dtype) : c;
  }
  if (Array.isArray(v)) return v.map((x) => castCopy(param, x));
  if (isOptions(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, castCopy(param, x, k)]));
  return v;
}

/**
 * Binds constructor arguments with the shared signature parser: positional values in PyTorch's order, then an
 * optional trailing options object keyed by PyTorch keyword (keyword-only ones included).
 * `fn` names the callee in messages, e.g. 'SGD.__init__'; `fixed` counts the leading arguments
 * already taken (self, params) for the positional-count message.
 */
export function bindArgs(fn: string, args: readonly unknown[], positional: readonly string[], defaults: Record<string, unknown>, fixed = 2): Record<string, unknown> {
  const keywordOnly = Object.keys(defaults).filter((k) => !positional.includes(k));
  const values = bindUntyped(fn, args, positional, keywordOnly, fixed);
  const out: Record<string, unknown> = { ...defaults };
  [...positional, ...keywordOnly].forEach((k, i) => {
    if (values[i] !== undefined) out[k] = values[i];
  });
  return out;
}

/** A 0-d float32 step counter, as PyTorch 1.13 keeps it for Adam, AdamW and Adagrad. */
export function stepTensor(v = 0): Tensor {
  return new Tensor(new Float32Array([v]), [], float32);
}
