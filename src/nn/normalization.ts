/** nn.LayerNorm and the batch norms (BatchNorm1d, BatchNorm2d), as PyTorch's _NormBase/_BatchNorm. */
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Tensor } from '../tensor.js';
import { batch_norm, layer_norm } from '../ops/normalization.js';
import { empty, tensor, zeros, ones } from '../ops/creation.js';
import { Signature } from '../python.js';
import { no_grad } from '../autograd/grad_mode.js';
import { get_default_dtype, int64, toDType, type DTypeLike } from '../dtype.js';
import { pyRepr } from '../python.js';
import * as init from './init.js';

export interface FactoryOptions {
  dtype?: DTypeLike;
  device?: string;
}

export interface LayerNormArgs extends FactoryOptions {
  eps?: number;
  elementwise_affine?: boolean;
}

const FACTORY = '*, ScalarType? dtype=None, str? device=None';
const LAYER_NORM = new Signature(`LayerNorm.__init__(Any normalized_shape, float eps=1e-05, bool elementwise_affine=True, ${FACTORY})`);
const BATCH_NORM = new Signature(`BatchNorm.__init__(Any num_features, float eps=1e-05, float? momentum=0.1, bool affine=True, bool track_running_stats=True, ${FACTORY})`);

/** LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True): weight ones, bias zeros. */
export class LayerNorm extends Module {
  declare normalized_shape: number[];
  declare eps: number;
  declare elementwise_affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalized_shape: number | readonly number[], eps?: number | LayerNormArgs, elementwise_affine?: boolean, opts?: FactoryOptions) {
    super();
    const [, e, affine, dtypeArg, device] = LAYER_NORM.parse([normalized_shape, eps, elementwise_affine, opts]) as [unknown, number, boolean, DTypeLike | null, string | null];
    this.normalized_shape = typeof normalized_shape === 'number' ? [normalized_shape] : [...normalized_shape];
    this.eps = e;
    this.elementwise_affine = affine;
    if (this.elementwise_affine) {
      const dtype = toDType(dtypeArg ?? undefined, get_default_dtype());
      this.weight = new Parameter(empty(this.normalized_shape, { dtype, device: device ?? undefined }));
      this.bias = new Parameter(empty(this.normalized_shape, { dtype }));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return layer_norm(input, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return `${pyRepr(this.normalized_shape)}, eps=${pyRepr(this.eps)}, elementwise_affine=${pyRepr(this.elementwise_affine)}`;
  }
}

export interface BatchNormArgs extends FactoryOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
}

/**
 * The batch norms' shared body: weight/bias (affine), running_mean/running_var/num_batches_tracked
 * buffers (track_running_stats). momentum=null means a cumulative average over all batches seen.
 */
export abstract class _BatchNorm extends Module {
  declare num_features: number;
  declare eps: number;
  declare momentum: number | null;
  declare affine: boolean;
  declare track_running_stats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(num_features: number, eps?: number | BatchNormArgs, momentum?: number | null, affine?: boolean, track_running_stats?: boolean, opts?: FactoryOptions) {
    super();
    const [, e, mom, aff, track, dtypeArg, device] = BATCH_NORM.parse([num_features, eps, momentum, affine, track_running_stats, opts]) as
      [number, number, number | null, boolean, boolean, DTypeLike | null, string | null];
    if (typeof num_features !== 'number' || !Number.isInteger(num_features) || num_features < 0) {
      throw new TypeError(`num_features must be a non-negative integer, but got ${String(num_features)}`);
    }
    this.num_features = num_features;
    this.eps = e;
    this.momentum = mom; // null is meaningful: a cumulative average
    this.affine = aff;
    this.track_running_stats = track;
    const dtype = toDType(dtypeArg ?? undefined, get_default_dtype());
    if (this.affine) {
      this.weight = new Parameter(empty([num_features], { dtype, device: device ?? undefined }));
      this.bias = new Parameter(empty([num_features], { dtype }));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    if (this.track_running_stats) {
      this.register_buffer('running_mean', zeros([num_features], { dtype }));
      this.register_buffer('running_var', ones([num_features], { dtype }));
      this.register_buffer('num_batches_tracked', tensor(0, { dtype: int64 }));
    } else {
      this.register_buffer('running_mean', null);
      this.register_buffer('running_var', null);
      this.register_buffer('num_batches_tracked', null);
    }
    this.reset_parameters();
  }

  reset_running_stats(): void {
    if (!this.track_running_stats) return;
    no_grad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  reset_parameters(): void {
    this.reset_running_stats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  protected abstract _check_input_dim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.track_running_stats && this.num_batches_tracked) {
      no_grad(() => this.num_batches_tracked!.add_(1));
      factor = this.momentum === null ? 1 / Number(this.num_batches_tracked.item()) : this.momentum;
    }
    // eval without running statistics falls back to the batch's own
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useRunning = !this.training || this.track_running_stats;
    return batch_norm(input, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, this.weight, this.bias, bnTraining, factor, this.eps);
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${pyRepr(this.eps)}, momentum=${pyRepr(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.track_running_stats)}`;
  }
}

/** Batch norm over [N, C] or [N, C, L] inputs, per channel C. */
export class BatchNorm1d extends _BatchNorm {
  protected _check_input_dim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/** Batch norm over [N, C, H, W] inputs, per channel C. */
export class BatchNorm2d extends _BatchNorm {
  protected _check_input_dim(input: Tensor): void {
    if (input.ndim !== 4) throw new RangeError(`expected 4D input (got ${input.ndim}D input)`);
  }
}
