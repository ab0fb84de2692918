/**
 * The activation modules of torch.nn: each a thin forward over its functional op, printing what
 * PyTorch 1.13 prints. `inplace` is accepted and shown in the repr as PyTorch shows it, but the
 * modules compute out of place: the result is the same, and no caller's tensor is overwritten
 * behind its back (F.relu(x, true) and friends do write in place when asked directly).
 */
import type { UnaryOp } from '../backend/contract.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Tensor } from '../tensor.js';
import { empty } from '../ops/creation.js';
import { get_default_dtype, toDType, type DTypeLike } from '../dtype.js';
import * as F from './functional.js';
import * as init from './init.js';
import { bindUntyped, pyFloat, pyRepr } from '../python.js';

/** Constructor arguments: positional, a trailing options object keyed by PyTorch keyword, or both. */
function args(cls: string, given: readonly unknown[], names: readonly string[], defaults: readonly unknown[]): unknown[] {
  return bindUntyped(`${cls}.__init__`, given, names).map((v, i) => (v === undefined ? defaults[i] : v));
}

function number(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${cls}: ${name} must be a number, but got ${typeof v}`);
  return v;
}

const inplaceOnly = (m: { inplace: boolean }) => (m.inplace ? 'inplace=True' : '');
const inplaceTail = (m: { inplace: boolean }) => (m.inplace ? ', inplace=True' : '');

type InplaceOpt = { inplace?: boolean };

/** Modules whose only argument is `inplace`; PyTorch prints `inplace=True` when set. */
abstract class InplaceOnly extends Module {
  declare inplace: boolean;
  constructor(inplace: boolean | InplaceOpt = false) {
    super();
    this.inplace = Boolean(args(new.target.name, [inplace], ['inplace'], [false])[0]);
  }
  override extra_repr(): string {
    return inplaceOnly(this);
  }
}

export class ReLU extends InplaceOnly {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
  /** The unary kernel this forward is: nn.Sequential fuses it into a preceding Linear's GEMM. */
  fusedOp(): UnaryOp | null {
    return 'relu';
  }
}
export class SELU extends InplaceOnly {
  override forward(input: Tensor): Tensor {
    return F.selu(input);
  }
}
export class SiLU extends InplaceOnly {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
  /** The unary kernel this forward is: nn.Sequential fuses it into a preceding Linear's GEMM. */
  fusedOp(): UnaryOp | null {
    return 'silu';
  }
}
export class Mish extends InplaceOnly {
  override forward(input: Tensor): Tensor {
    return F.mish(input);
  }
}
// PyTorch stores inplace on these two but prints nothing
export class Hardsigmoid extends InplaceOnly {
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input);
  }
  override extra_repr(): string {
    return '';
  }
}
export class Hardswish extends InplaceOnly {
  override forward(input: Tensor): Tensor {
    return F.hardswish(input);
  }
  /** The unary kernel this forward is: nn.Sequential fuses it into a preceding Linear's GEMM. */
  fusedOp(): UnaryOp | null {
    return 'hardswish';
  }
  override extra_repr(): string {
    return '';
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
  /** The unary kernel this forward is: nn.Sequential fuses it into a preceding Linear's GEMM. */
  fusedOp(): UnaryOp | null {
    return 'sigmoid';
  }
}
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
  /** The unary kernel this forward is: nn.Sequential fuses it into a preceding Linear's GEMM. */
  fusedOp(): UnaryOp | null {
    return 'tanh';
  }
}
export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}
export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}
export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

type HardtanhOpts = { min_val?: number; max_val?: number; inplace?: boolean };

export class Hardtanh extends Module {
  declare min_val: number;
  declare max_val: number;
  declare inplace: boolean;

  constructor(min_val: number | HardtanhOpts = -1, max_val: number | HardtanhOpts = 1, inplace: boolean | HardtanhOpts = false) {
    super();
    const [lo, hi, ip] = args('Hardtanh', [min_val, max_val, inplace], ['min_val', 'max_val', 'inplace'], [-1, 1, false]);
    this.min_val = number('Hardtanh', 'min_val', lo);
    this.max_val = number('Hardtanh', 'max_val', hi);
    this.inplace = Boolean(ip);
    // PyTorch asserts this (with no message)
    if (!(this.max_val > this.min_val)) throw new RangeError('Hardtanh: max_val must be greater than min_val');
  }
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.min_val, this.max_val);
  }
  override extra_repr(): string {
    return `min_val=${pyFloat(this.min_val)}, max_val=${pyFloat(this.max_val)}${inplaceTail(this)}`;
  }
}

/** Hardtanh(0, 6), a subclass as in PyTorch; prints only `inplace=True`. */
export class ReLU6 extends Hardtanh {
  constructor(inplace: boolean | InplaceOpt = false) {
    super(0, 6, Boolean(args('ReLU6', [inplace], ['inplace'], [false])[0]));
  }
  override extra_repr(): string {
    return inplaceOnly(this);
  }
}

type LeakyOpts = { negative_slope?: number; inplace?: boolean };

export class LeakyReLU extends Module {
  declare negative_slope: number;
  declare inplace: boolean;

  constructor(negative_slope: number | LeakyOpts = 0.01, inplace: boolean | LeakyOpts = false) {
    super();
    const [s, ip] = args('LeakyReLU', [negative_slope, inplace], ['negative_slope', 'inplace'], [0.01, false]);
    this.negative_slope = number('LeakyReLU', 'negative_slope', s);
    this.inplace = Boolean(ip);
  }
  override forward(input: Tensor): Tensor {
    return F.leaky_relu(input, this.negative_slope);
  }
  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${inplaceTail(this)}`;
  }
}

type PReLUOpts = { num_parameters?: number; init?: number; device?: string; dtype?: DTypeLike };

/** A learnable leaky slope: one shared (num_parameters = 1) or one per channel, initialised to `init`. */
export class PReLU extends Module {
  declare num_parameters: number;
  declare init: number;
  declare weight: Parameter;

  constructor(num_parameters: number | PReLUOpts = 1, initValue: number | PReLUOpts = 0.25, opts: PReLUOpts = {}) {
    super();
    const [n, v, device, dtype] = args('PReLU', [num_parameters, initValue, opts], ['num_parameters', 'init', 'device', 'dtype'], [1, 0.25, undefined, undefined]);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new TypeError(`PReLU: num_parameters must be a non-negative integer, but got ${String(n)}`);
    this.num_parameters = n;
    this.init = number('PReLU', 'init', v);
    const dt = toDType(dtype as DTypeLike | undefined, get_default_dtype());
    this.weight = new Parameter(empty([n], { dtype: dt, device: device as string | undefined }));
    this.reset_parameters();
  }
  reset_parameters(): void {
    init.constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extra_repr(): string {
    return `num_parameters=${this.num_parameters}`;
  }
}

type AlphaOpts = { alpha?: number; inplace?: boolean };

abstract class AlphaModule extends Module {
  declare alpha: number;
  declare inplace: boolean;
  constructor(alpha: number | AlphaOpts = 1, inplace: boolean | AlphaOpts = false) {
    super();
    const name = new.target.name;
    const [a, ip] = args(name, [alpha, inplace], ['alpha', 'inplace'], [1, false]);
    this.alpha = number(name, 'alpha', a);
    this.inplace = Boolean(ip);
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceTail(this)}`;
  }
}

export class ELU extends AlphaModule {
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }
}
export class CELU extends AlphaModule {
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha);
  }
}

export class GELU extends Module {
  declare approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    this.approximate = args('GELU', [approximate], ['approximate'], ['none'])[0] as 'none' | 'tanh';
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, this.approximate);
  }
  /** The unary kernel this forward is: nn.Sequential fuses it into a preceding Linear's GEMM. */
  fusedOp(): UnaryOp | null {
    return this.approximate === 'none' ? 'gelu' : null;
  }
  override extra_repr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

type SoftplusOpts = { beta?: number; threshold?: number };

export class Softplus extends Module {
  declare beta: number;
  declare threshold: number;

  constructor(beta: number | SoftplusOpts = 1, threshold: number | SoftplusOpts = 20) {
    super();
    const [b, t] = args('Softplus', [beta, threshold], ['beta', 'threshold'], [1, 20]);
    this.beta = number('Softplus', 'beta', b);
    this.threshold = number('Softplus', 'threshold', t);
  }
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  override extra_repr(): string {
    // PyTorch's defaults are ints here, so integral values print without a decimal point
    return `beta=${pyRepr(this.beta)}, threshold=${pyRepr(this.threshold)}`;
  }
}

type DimOpts = { dim?: number | null };

/** dim = null lets the functional op pick PyTorch's legacy implicit dim. */
abstract class DimModule extends Module {
  declare dim: number | null;
  constructor(dim: number | null | DimOpts = null) {
    super();
    const [d] = args(new.target.name, [dim], ['dim'], [null]);
    if (d !== null && (typeof d !== 'number' || !Number.isInteger(d))) throw new TypeError(`${new.target.name}: dim must be an integer or null, but got ${String(d)}`);
    this.dim = d as number | null;
  }
  override extra_repr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

export class Softmax extends DimModule {
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
}
export class LogSoftmax extends DimModule {
  override forward(input: Tensor): Tensor {
    return F.log_softmax(input, this.dim);
  }
}
export class Softmin extends DimModule {
  override forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim);
  }
}

type ThresholdOpts = { threshold?: number; value?: number; inplace?: boolean };

export class Threshold extends Module {
  declare threshold: number;
  declare value: number;
  declare inplace: boolean;

  constructor(threshold: number | ThresholdOpts, value?: number | ThresholdOpts, inplace: boolean | ThresholdOpts = false) {
    super();
    const [t, v, ip] = args('Threshold', [threshold, value, inplace], ['threshold', 'value', 'inplace'], [undefined, undefined, false]);
    for (const [k, x] of [['threshold', t], ['value', v]] as const) {
      if (x === undefined) throw new TypeError(`Threshold.__init__() missing 1 required positional argument: '${k}'`);
    }
    this.threshold = number('Threshold', 'threshold', t);
    this.value = number('Threshold', 'value', v);
    this.inplace = Boolean(ip);
  }
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value);
  }
  override extra_repr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceTail(this)}`;
  }
}

type LambdOpts = { lambd?: number };

/** PyTorch prints only the value: `Hardshrink(0.5)`. */
abstract class ShrinkModule extends Module {
  declare lambd: number;
  constructor(lambd: number | LambdOpts = 0.5) {
    super();
    this.lambd = number(new.target.name, 'lambd', args(new.target.name, [lambd], ['lambd'], [0.5])[0]);
  }
  override extra_repr(): string {
    return pyFloat(this.lambd);
  }
}

export class Hardshrink extends ShrinkModule {
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
}
export class Softshrink extends ShrinkModule {
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
}

export class GLU extends Module {
  declare dim: number;

  constructor(dim: number | { dim?: number } = -1) {
    super();
    const [d] = args('GLU', [dim], ['dim'], [-1]);
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`GLU: dim must be an integer, but got ${String(d)}`);
    this.dim = d;
  }
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}
