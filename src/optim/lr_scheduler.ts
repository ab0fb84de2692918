/**
 * torch.optim.lr_scheduler as in PyTorch 1.13. Each scheduler's get_lr() is PyTorch's chainable,
 * recursive form (the new lr from the group's current lr), so sequences match PyTorch's to float
 * rounding and schedulers compose with outside changes to lr; `step(epoch)` uses the closed form
 * where PyTorch has one. Schedulers record `initial_lr` in the groups, as PyTorch does.
 *
 * JS runs a subclass's own field assignments only after super() returns, so the base class cannot
 * take PyTorch's first step in its constructor: each scheduler sets its fields, then calls
 * `this._initial_step()` (a custom subclass does the same).
 */
import { Tensor } from '../tensor.js';
import { pyRepr } from '../python.js';
import { Optimizer, bindArgs, required, type ParamGroup } from './optimizer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any>;

const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. ' +
  'During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. ' +
  'Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';
let warnedEpoch = false;
function warnEpoch(): void {
  if (!warnedEpoch) process.emitWarning(EPOCH_DEPRECATION_WARNING, 'UserWarning');
  warnedEpoch = true;
}

function checkOptimizer(optimizer: unknown): asserts optimizer is AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) {
    const name = optimizer === null || optimizer === undefined ? 'NoneType' : (optimizer as object).constructor?.name ?? typeof optimizer;
    throw new TypeError(`${name} is not an Optimizer`);
  }
}

/** Python's `missing 1 required positional argument` for arguments without a default. */
function need(fn: string, a: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((n) => a[n] === required);
  if (missing.length === 1) throw new TypeError(`${fn}() missing 1 required positional argument: '${missing[0]}'`);
  if (missing.length > 1) {
    const quoted = missing.map((n) => `'${n}'`);
    throw new TypeError(`${fn}() missing ${missing.length} required positional arguments: ${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`);
  }
}

/** Python's `{:.4e}`. */
function exp4(v: number): string {
  return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's "%.5d" for an int epoch, "%.2f" otherwise. */
function epochStr(epoch: number): string {
  if (!Number.isInteger(epoch)) return epoch.toFixed(2);
  return (epoch < 0 ? '-' : '') + String(Math.abs(epoch)).padStart(5, '0');
}

type Opts = Record<string, unknown>;

export class _LRScheduler {
  optimizer: AnyOptimizer;
  base_lrs: number[];
  last_epoch: number;
  verbose: boolean;
  _step_count = 0;
  _get_lr_called_within_step = false;
  _last_lr: number[] = [];

  constructor(optimizer: AnyOptimizer, last_epoch = -1, verbose = false) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    if (last_epoch === -1) {
      for (const g of optimizer.param_groups as ParamGroup[]) if (!('initial_lr' in g)) g.initial_lr = g.lr;
    } else {
      (optimizer.param_groups as ParamGroup[]).forEach((g, i) => {
        if (!('initial_lr' in g)) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.base_lrs = (optimizer.param_groups as ParamGroup[]).map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
    this.verbose = verbose;
  }

  /** PyTorch's first step, which sets the groups' lr for epoch 0: called once the subclass's fields are set. */
  protected _initial_step(): void {
    this._step_count = 0;
    this.step();
  }

  /** The lrs for `last_epoch`, computed from the groups' current lrs (the chainable form). */
  get_lr(): number[] {
    throw new Error(`${this.constructor.name}.get_lr() is not implemented`);
  }

  /** The lrs for `last_epoch` computed from base_lrs, for step(epoch); schedulers without one use get_lr. */
  _get_closed_form_lr?(): number[];

  get_last_lr(): number[] {
    return this._last_lr;
  }

  print_lr(is_verbose: boolean, group: number, lr: number, epoch?: number): void {
    if (!is_verbose) return;
    if (epoch === undefined) console.log(`Adjusting learning rate of group ${group} to ${exp4(lr)}.`);
    else console.log(`Epoch ${epochStr(epoch)}: adjusting learning rate of group ${group} to ${exp4(lr)}.`);
  }

  step(epoch?: number): void {
    this._step_count += 1;
    this._get_lr_called_within_step = true;
    let values: number[];
    try {
      if (epoch === undefined || epoch === null) {
        this.last_epoch += 1;
        values = this.get_lr();
      } else {
        warnEpoch();
        this.last_epoch = epoch;
        values = this._get_closed_form_lr ? this._get_closed_form_lr() : this.get_lr();
      }
    } finally {
      this._get_lr_called_within_step = false;
    }
    const groups = this.optimizer.param_groups as ParamGroup[];
    groups.forEach((g, i) => {
      if (i >= values.length) return;
      g.lr = values[i];
      this.print_lr(this.verbose, i, values[i], epoch ?? undefined);
    });
    this._last_lr = groups.map((g) => g.lr);
  }

  /** Every field but the optimizer (PyTorch's `__dict__` minus 'optimizer'). */
  state_dict(): Opts {
    const out: Opts = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = copyValue(v);
    return out;
  }

  load_state_dict(state_dict: Opts): void {
    for (const [k, v] of Object.entries(state_dict)) if (k !== 'optimizer') (this as unknown as Opts)[k] = copyValue(v);
  }

  protected get _groups(): ParamGroup[] {
    return this.optimizer.param_groups as ParamGroup[];
  }
}
/** PyTorch 2's name for the base class. */
export const LRScheduler = _LRScheduler;

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === 'object' && !(v instanceof Tensor) && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

// ---- schedulers -------------------------------------------------------------------------------

export type LrLambda = (epoch: number) => number;

/** lr = initial_lr · lr_lambda(epoch), one function for all groups or one per group. */
export class LambdaLR extends _LRScheduler {
  lr_lambdas: LrLambda[];

  constructor(optimizer: AnyOptimizer, lr_lambda: LrLambda | LrLambda[] | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('LambdaLR.__init__', [lr_lambda, last_epoch, verbose], ['lr_lambda', 'last_epoch', 'verbose'], { lr_lambda: required, last_epoch: -1, verbose: false });
    need('LambdaLR.__init__', a, ['lr_lambda']);
    checkOptimizer(optimizer);
    const fns = a.lr_lambda as LrLambda | LrLambda[];
    const n = optimizer.param_groups.length;
    if (Array.isArray(fns) && fns.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${fns.length}`);
    super(optimizer, a.last_epoch as number, a.verbose as boolean);
    this.lr_lambdas = Array.isArray(fns) ? fns.slice() : new Array<LrLambda>(n).fill(fns);
    this._initial_step();
  }

  override get_lr(): number[] {
    return this.base_lrs.map((base, i) => base * this.lr_lambdas[i](this.last_epoch));
  }

  /** Functions cannot be saved: lr_lambdas is stored as nulls, as PyTorch does for plain functions. */
  override state_dict(): Opts {
    const sd = super.state_dict();
    sd.lr_lambdas = this.lr_lambdas.map(() => null);
    return sd;
  }

  override load_state_dict(state_dict: Opts): void {
    const { lr_lambdas: _ignored, ...rest } = state_dict;
    super.load_state_dict(rest);
  }
}

/** lr ·= gamma every step_size epochs. */
export class StepLR extends _LRScheduler {
  step_size: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, step_size: number | Opts, gamma?: number | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('StepLR.__init__', [step_size, gamma, last_epoch, verbose], ['step_size', 'gamma', 'last_epoch', 'verbose'], { step_size: required, gamma: 0.1, last_epoch: -1, verbose: false });
    need('StepLR.__init__', a, ['step_size']);
    super(optimizer, a.last_epoch as number, a.verbose as boolean);
    this.step_size = a.step_size as number;
    this.gamma = a.gamma as number;
    this._initial_step();
  }

  override get_lr(): number[] {
    if (this.last_epoch === 0 || pyMod(this.last_epoch, this.step_size) !== 0) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * this.gamma);
  }

  override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base) => base * this.gamma ** Math.floor(this.last_epoch / this.step_size));
  }
}

/** lr ·= gamma at each milestone (a milestone listed twice decays twice). */
export class MultiStepLR extends _LRScheduler {
  /** PyTorch's Counter: milestone → how many times it was listed. */
  milestones: Record<number, number>;
  gamma: number;

  constructor(optimizer: AnyOptimizer, milestones: number[] | Opts, gamma?: number | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('MultiStepLR.__init__', [milestones, gamma, last_epoch, verbose], ['milestones', 'gamma', 'last_epoch', 'verbose'], { milestones: required, gamma: 0.1, last_epoch: -1, verbose: false });
    need('MultiStepLR.__init__', a, ['milestones']);
    super(optimizer, a.last_epoch as number, a.verbose as boolean);
    this.milestones = {};
    for (const m of a.milestones as Iterable<number>) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = a.gamma as number;
    this._initial_step();
  }

  override get_lr(): number[] {
    const count = this.milestones[this.last_epoch];
    if (count === undefined) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * this.gamma ** count);
  }

  override _get_closed_form_lr(): number[] {
    let passed = 0;
    for (const [m, c] of Object.entries(this.milestones)) if (Number(m) <= this.last_epoch) passed += c;
    return this.base_lrs.map((base) => base * this.gamma ** passed);
  }
}

/** lr ·= gamma every epoch. */
export class ExponentialLR extends _LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('ExponentialLR.__init__', [gamma, last_epoch, verbose], ['gamma', 'last_epoch', 'verbose'], { gamma: required, last_epoch: -1, verbose: false });
    need('ExponentialLR.__init__', a, ['gamma']);
    super(optimizer, a.last_epoch as number, a.verbose as boolean);
    this.gamma = a.gamma as number;
    this._initial_step();
  }

  override get_lr(): number[] {
    if (this.last_epoch === 0) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * this.gamma);
  }

  override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base) => base * this.gamma ** this.last_epoch);
  }
}

/** Cosine annealing from initial_lr down to eta_min over T_max epochs (and back up, periodically). */
export class CosineAnnealingLR extends _LRScheduler {
  T_max: number;
  eta_min: number;

  constructor(optimizer: AnyOptimizer, T_max: number | Opts, eta_min?: number | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('CosineAnnealingLR.__init__', [T_max, eta_min, last_epoch, verbose], ['T_max', 'eta_min', 'last_epoch', 'verbose'], { T_max: required, eta_min: 0, last_epoch: -1, verbose: false });
    need('CosineAnnealingLR.__init__', a, ['T_max']);
    super(optimizer, a.last_epoch as number, a.verbose as boolean);
    this.T_max = a.T_max as number;
    this.eta_min = a.eta_min as number;
    this._initial_step();
  }

  override get_lr(): number[] {
    const { last_epoch: t, T_max, eta_min } = this;
    if (t === 0) return this._groups.map((g) => g.lr);
    if (this._step_count === 1 && t > 0) {
      return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((t * Math.PI) / T_max))) / 2);
    }
    if (pyMod(t - 1 - T_max, 2 * T_max) === 0) {
      return this._groups.map((g, i) => g.lr + ((this.base_lrs[i] - eta_min) * (1 - Math.cos(Math.PI / T_max))) / 2);
    }
    return this._groups.map((g) => ((1 + Math.cos((Math.PI * t) / T_max)) / (1 + Math.cos((Math.PI * (t - 1)) / T_max))) * (g.lr - eta_min) + eta_min);
  }

  override _get_closed_form_lr(): number[] {
    const { last_epoch: t, T_max, eta_min } = this;
    return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((Math.PI * t) / T_max))) / 2);
  }
}

/** The lr factor moves linearly from start_factor to end_factor over total_iters epochs. */
export class LinearLR extends _LRScheduler {
  start_factor: number;
  end_factor: number;
  total_iters: number;

  constructor(optimizer: AnyOptimizer, start_factor?: number | Opts, end_factor?: number | Opts, total_iters?: number | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('LinearLR.__init__', [start_factor, end_factor, total_iters, last_epoch, verbose], ['start_factor', 'end_factor', 'total_iters', 'last_epoch', 'verbose'], {
      start_factor: 1.0 / 3, end_factor: 1.0, total_iters: 5, last_epoch: -1, verbose: false,
    });
    const sf = a.start_factor as number, ef = a.end_factor as number;
    if (sf > 1.0 || sf < 0) throw new Error('Starting multiplicative factor expected to be between 0 and 1.');
    if (ef > 1.0 || ef < 0) throw new Error('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, a.last_epoch as number, a.verbose as boolean);
    this.start_factor = sf;
    this.end_factor = ef;
    this.total_iters = a.total_iters as number;
    this._initial_step();
  }

  override get_lr(): number[] {
    const { last_epoch: t, start_factor: s, end_factor: e, total_iters: n } = this;
    if (t === 0) return this._groups.map((g) => g.lr * s);
    if (t > n) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  override _get_closed_form_lr(): number[] {
    const { last_epoch: t, start_factor: s, end_factor: e, total_iters: n } = this;
    return this.base_lrs.map((base) => base * (s + ((e - s) * Math.min(n, t)) / n));
  }
}

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/**
 * The 1cycle policy: lr rises from max_lr/div_factor to max_lr over pct_start of the steps, then
 * anneals to initial_lr/final_div_factor; momentum (or Adam's beta1) cycles the other way.
 */
export class OneCycleLR extends _LRScheduler {
  total_steps: number;
  _schedule_phases: Phase[];
  /** 'cos' or 'linear' (PyTorch 1.13 keeps the bound function; a name survives state_dict). */
  _anneal_func_type: 'cos' | 'linear';
  cycle_momentum: boolean;
  use_beta1 = false;

  constructor(optimizer: AnyOptimizer, max_lr: number | number[] | Opts, total_steps?: number | null | Opts, epochs?: number | null | Opts, steps_per_epoch?: number | null | Opts,
    pct_start?: number | Opts, anneal_strategy?: 'cos' | 'linear' | Opts, cycle_momentum?: boolean | Opts, base_momentum?: number | number[] | Opts, max_momentum?: number | number[] | Opts,
    div_factor?: number | Opts, final_div_factor?: number | Opts, three_phase?: boolean | Opts, last_epoch?: number | Opts, verbose?: boolean | Opts) {
    const names = ['max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum', 'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', 'last_epoch', 'verbose'];
    const a = bindArgs('OneCycleLR.__init__', [max_lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum, base_momentum, max_momentum, div_factor, final_div_factor, three_phase, last_epoch, verbose], names, {
      max_lr: required, total_steps: null, epochs: null, steps_per_epoch: null, pct_start: 0.3, anneal_strategy: 'cos', cycle_momentum: true,
      base_momentum: 0.85, max_momentum: 0.95, div_factor: 25, final_div_factor: 1e4, three_phase: false, last_epoch: -1, verbose: false,
    });
    need('OneCycleLR.__init__', a, ['max_lr']);
    checkOptimizer(optimizer);
    const groups = optimizer.param_groups as ParamGroup[];
    const isPosInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
    let total: number;
    if (a.total_steps === null && a.epochs === null && a.steps_per_epoch === null) {
      throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (a.total_steps !== null) {
      if (!isPosInt(a.total_steps)) throw new Error(`Expected positive integer total_steps, but got ${pyRepr(a.total_steps)}`);
      total = a.total_steps as number;
    } else {
      if (!isPosInt(a.epochs)) throw new Error(`Expected positive integer epochs, but got ${pyRepr(a.epochs)}`);
      if (!isPosInt(a.steps_per_epoch)) throw new Error(`Expected positive integer steps_per_epoch, but got ${pyRepr(a.steps_per_epoch)}`);
      total = (a.epochs as number) * (a.steps_per_epoch as number);
    }
    const pct = a.pct_start as number;
    const phases: Phase[] = a.three_phase
      ? [
        { end_step: pct * total - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: 2 * pct * total - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        { end_step: total - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
      ]
      : [
        { end_step: pct * total - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: total - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
      ];
    if (typeof pct !== 'number' || pct < 0 || pct > 1) throw new Error(`Expected float between 0 and 1 pct_start, but got ${pyRepr(pct)}`);
    const strategy = a.anneal_strategy as string;
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`anneal_strategy must by one of 'cos' or 'linear', instead got ${strategy}`);
    const lastEpoch = a.last_epoch as number;
    const maxLrs = formatParam('max_lr', groups.length, a.max_lr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initial_lr = maxLrs[i] / (a.div_factor as number);
        g.max_lr = maxLrs[i];
        g.min_lr = (g.initial_lr as number) / (a.final_div_factor as number);
      });
    }
    const cycle = Boolean(a.cycle_momentum);
    let useBeta1 = false;
    if (cycle) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) throw new Error('optimizer must support momentum with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in optimizer.defaults;
      const maxM = formatParam('max_momentum', groups.length, a.max_momentum);
      const baseM = formatParam('base_momentum', groups.length, a.base_momentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.max_momentum = maxM[i];
          g.base_momentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch, a.verbose as boolean);
    this.total_steps = total;
    this._schedule_phases = phases;
    this._anneal_func_type = strategy;
    this.cycle_momentum = cycle;
    this.use_beta1 = useBeta1;
    this._initial_step();
  }

  anneal_func(start: number, end: number, pct: number): number {
    if (this._anneal_func_type === 'linear') return (end - start) * pct + start;
    const cos_out = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cos_out;
  }

  override get_lr(): number[] {
    const step_num = this.last_epoch;
    if (step_num > this.total_steps) {
      throw new Error(`Tried to step ${step_num + 1} times. The specified number of total steps is ${this.total_steps}`);
    }
    return this._groups.map((g) => {
      let start_step = 0;
      let lr = 0, momentum = 0;
      const phases = this._schedule_phases;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        if (step_num <= phase.end_step || i === phases.length - 1) {
          const pct = (step_num - start_step) / (phase.end_step - start_step);
          lr = this.anneal_func(g[phase.start_lr] as number, g[phase.end_lr] as number, pct);
          if (this.cycle_momentum) momentum = this.anneal_func(g[phase.start_momentum] as number, g[phase.end_momentum] as number, pct);
          break;
        }
        start_step = phase.end_step;
      }
      if (this.cycle_momentum) {
        if (this.use_beta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}

function formatParam(name: string, n: number, v: unknown): number[] {
  if (Array.isArray(v)) {
    if (v.length !== n) throw new Error(`expected ${n} values for ${name}, got ${v.length}`);
    return v as number[];
  }
  return new Array<number>(n).fill(v as number);
}

/** Python's % (the result takes the divisor's sign). */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * Cuts the lr by `factor` once a metric has stopped improving for `patience` epochs. Not an
 * _LRScheduler in PyTorch 1.13: step() takes the metric.
 */
export class ReduceLROnPlateau {
  optimizer: AnyOptimizer;
  factor: number;
  min_lrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldown_counter = 0;
  mode: 'min' | 'max';
  threshold: number;
  threshold_mode: 'rel' | 'abs';
  best = Infinity;
  num_bad_epochs = 0;
  mode_worse = Infinity;
  eps: number;
  last_epoch = 0;
  _last_lr: number[];

  constructor(optimizer: AnyOptimizer, mode?: 'min' | 'max' | Opts, factor?: number | Opts, patience?: number | Opts, threshold?: number | Opts, threshold_mode?: 'rel' | 'abs' | Opts,
    cooldown?: number | Opts, min_lr?: number | number[] | Opts, eps?: number | Opts, verbose?: boolean | Opts) {
    const a = bindArgs('ReduceLROnPlateau.__init__', [mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps, verbose],
      ['mode', 'factor', 'patience', 'threshold', 'threshold_mode', 'cooldown', 'min_lr', 'eps', 'verbose'], {
        mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, threshold_mode: 'rel', cooldown: 0, min_lr: 0, eps: 1e-8, verbose: false,
      });
    if ((a.factor as number) >= 1.0) throw new Error('Factor should be < 1.0.');
    this.factor = a.factor as number;
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    const n = optimizer.param_groups.length;
    if (Array.isArray(a.min_lr)) {
      if (a.min_lr.length !== n) throw new Error(`expected ${n} min_lrs, got ${a.min_lr.length}`);
      this.min_lrs = (a.min_lr as number[]).slice();
    } else {
      this.min_lrs = new Array<number>(n).fill(a.min_lr as number);
    }
    this.patience = a.patience as number;
    this.verbose = a.verbose as boolean;
    this.cooldown = a.cooldown as number;
    this.mode = a.mode as 'min' | 'max';
    this.threshold = a.threshold as number;
    this.threshold_mode = a.threshold_mode as 'rel' | 'abs';
    this.eps = a.eps as number;
    this._init_is_better(this.mode, this.threshold, this.threshold_mode);
    this._reset();
    // PyTorch 1.13 sets _last_lr only on step(); starting from the groups' lrs lets get_last_lr() work before it
    this._last_lr = (optimizer.param_groups as ParamGroup[]).map((g) => g.lr);
  }

  _reset(): void {
    this.best = this.mode_worse;
    this.cooldown_counter = 0;
    this.num_bad_epochs = 0;
  }

  /** One epoch's metric (a number or a one-element Tensor). */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = metrics instanceof Tensor ? Number(metrics.item()) : Number(metrics);
    if (epoch === undefined || epoch === null) epoch = this.last_epoch + 1;
    else warnEpoch();
    this.last_epoch = epoch;
    if (this.is_better(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else {
      this.num_bad_epochs += 1;
    }
    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // bad epochs in cooldown don't count
    }
    if (this.num_bad_epochs > this.patience) {
      this._reduce_lr(epoch);
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._last_lr = (this.optimizer.param_groups as ParamGroup[]).map((g) => g.lr);
  }

  get_last_lr(): number[] {
    return this._last_lr;
  }

  _reduce_lr(epoch: number): void {
    (this.optimizer.param_groups as ParamGroup[]).forEach((g, i) => {
      const old_lr = Number(g.lr);
      const new_lr = Math.max(old_lr * this.factor, this.min_lrs[i]);
      if (old_lr - new_lr > this.eps) {
        g.lr = new_lr;
        if (this.verbose) console.log(`Epoch ${epochStr(epoch)}: reducing learning rate of group ${i} to ${exp4(new_lr)}.`);
      }
    });
  }

  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  is_better(a: number, best: number): boolean {
    if (this.mode === 'min' && this.threshold_mode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.threshold_mode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.threshold_mode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  _init_is_better(mode: string, threshold: number, threshold_mode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new Error(`mode ${mode} is unknown!`);
    if (threshold_mode !== 'rel' && threshold_mode !== 'abs') throw new Error(`threshold mode ${threshold_mode} is unknown!`);
    this.mode_worse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.threshold_mode = threshold_mode;
  }

  state_dict(): Opts {
    const out: Opts = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = copyValue(v);
    return out;
  }

  load_state_dict(state_dict: Opts): void {
    for (const [k, v] of Object.entries(state_dict)) if (k !== 'optimizer') (this as unknown as Opts)[k] = copyValue(v);
    this._init_is_better(this.mode, this.threshold, this.threshold_mode);
  }
}
