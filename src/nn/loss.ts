/**
 * Loss modules: PyTorch's constructor arguments and defaults (legacy size_average/reduce
 * included), each forward one call into the functional loss. `weight` and `pos_weight` are
 * buffers, as in PyTorch, so they follow `.to()` and appear in state_dict when set. Losses have no
 * extra_repr: they print as `MSELoss()` whatever their settings.
 */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { bindUntyped } from '../python.js';
import * as F from './functional.js';
import type { Reduction } from '../ops/loss.js';

type Args = Record<string, unknown>;
type Legacy = boolean | null;

/** Constructor arguments: positional in PyTorch's order, then an optional options object. */
function parseArgs(cls: string, names: readonly string[], args: readonly unknown[]): Args {
  const values = bindUntyped(`${cls}.__init__`, args, names);
  return Object.fromEntries(names.map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined));
}

/** _Loss: the reduction, or the legacy pair converted as torch.nn._reduction.legacy_get_string does. */
abstract class _Loss<R extends string = Reduction> extends Module {
  declare reduction: R;
  protected constructor(o: Args) {
    super();
    const sa = (o.size_average ?? null) as Legacy, rd = (o.reduce ?? null) as Legacy;
    if (sa !== null || rd !== null) {
      const avg = sa === null || Boolean(sa), red = rd === null || Boolean(rd);
      this.reduction = (avg && red ? 'mean' : red ? 'sum' : 'none') as R;
    } else this.reduction = (o.reduction ?? 'mean') as R;
  }
}

/** _WeightedLoss: a per-class `weight` buffer (None when not given). */
abstract class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;
  protected constructor(o: Args) {
    super(o);
    this.register_buffer('weight', (o.weight ?? null) as Tensor | null);
  }
}

const REDUCTION = ['size_average', 'reduce', 'reduction'];
type RArg<O> = Legacy | O;

export class L1Loss extends _Loss {
  constructor(size_average?: RArg<F.ReductionOptions>, reduce?: RArg<F.ReductionOptions>, reduction?: Reduction | F.ReductionOptions) {
    super(parseArgs('L1Loss', REDUCTION, [size_average, reduce, reduction]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1_loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends _Loss {
  constructor(size_average?: RArg<F.ReductionOptions>, reduce?: RArg<F.ReductionOptions>, reduction?: Reduction | F.ReductionOptions) {
    super(parseArgs('MSELoss', REDUCTION, [size_average, reduce, reduction]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mse_loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends _Loss {
  declare beta: number;
  constructor(size_average?: RArg<F.SmoothL1Options>, reduce?: RArg<F.SmoothL1Options>, reduction?: Reduction | F.SmoothL1Options, beta?: number | F.SmoothL1Options) {
    const o = parseArgs('SmoothL1Loss', [...REDUCTION, 'beta'], [size_average, reduce, reduction, beta]);
    super(o);
    this.beta = (o.beta ?? 1.0) as number;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends _Loss {
  declare delta: number;
  constructor(reduction?: Reduction | F.HuberOptions, delta?: number | F.HuberOptions) {
    const o = parseArgs('HuberLoss', ['reduction', 'delta'], [reduction, delta]);
    super(o);
    this.delta = (o.delta ?? 1.0) as number;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class NLLLoss extends _WeightedLoss {
  declare ignore_index: number;
  constructor(weight?: Tensor | null | F.NLLOptions, size_average?: RArg<F.NLLOptions>, ignore_index?: number | F.NLLOptions, reduce?: RArg<F.NLLOptions>, reduction?: Reduction | F.NLLOptions) {
    const o = parseArgs('NLLLoss', ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'], [weight, size_average, ignore_index, reduce, reduction]);
    super(o);
    this.ignore_index = (o.ignore_index ?? -100) as number;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends _WeightedLoss {
  declare ignore_index: number;
  declare label_smoothing: number;
  constructor(
    weight?: Tensor | null | F.CrossEntropyOptions,
    size_average?: RArg<F.CrossEntropyOptions>,
    ignore_index?: number | F.CrossEntropyOptions,
    reduce?: RArg<F.CrossEntropyOptions>,
    reduction?: Reduction | F.CrossEntropyOptions,
    label_smoothing?: number | F.CrossEntropyOptions,
  ) {
    const o = parseArgs('CrossEntropyLoss', ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'], [weight, size_average, ignore_index, reduce, reduction, label_smoothing]);
    super(o);
    this.ignore_index = (o.ignore_index ?? -100) as number;
    this.label_smoothing = (o.label_smoothing ?? 0.0) as number;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.cross_entropy(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction, label_smoothing: this.label_smoothing });
  }
}

export class BCELoss extends _WeightedLoss {
  constructor(weight?: Tensor | null | F.BCEOptions, size_average?: RArg<F.BCEOptions>, reduce?: RArg<F.BCEOptions>, reduction?: Reduction | F.BCEOptions) {
    super(parseArgs('BCELoss', ['weight', ...REDUCTION], [weight, size_average, reduce, reduction]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** A _Loss, not a _WeightedLoss, in PyTorch: it registers both buffers itself. */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(
    weight?: Tensor | null | F.BCEWithLogitsOptions,
    size_average?: RArg<F.BCEWithLogitsOptions>,
    reduce?: RArg<F.BCEWithLogitsOptions>,
    reduction?: Reduction | F.BCEWithLogitsOptions,
    pos_weight?: Tensor | null | F.BCEWithLogitsOptions,
  ) {
    const o = parseArgs('BCEWithLogitsLoss', ['weight', ...REDUCTION, 'pos_weight'], [weight, size_average, reduce, reduction, pos_weight]);
    super(o);
    this.register_buffer('weight', (o.weight ?? null) as Tensor | null);
    this.register_buffer('pos_weight', (o.pos_weight ?? null) as Tensor | null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy_with_logits(input, target, { weight: this.weight, pos_weight: this.pos_weight, reduction: this.reduction });
  }
}

export class KLDivLoss extends _Loss<Reduction | 'batchmean'> {
  declare log_target: boolean;
  constructor(size_average?: RArg<F.KLDivOptions>, reduce?: RArg<F.KLDivOptions>, reduction?: Reduction | 'batchmean' | F.KLDivOptions, log_target?: boolean | F.KLDivOptions) {
    const o = parseArgs('KLDivLoss', [...REDUCTION, 'log_target'], [size_average, reduce, reduction, log_target]);
    super(o);
    this.log_target = (o.log_target ?? false) as boolean;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}
