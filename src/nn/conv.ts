/** nn.Conv1d, nn.Conv2d and nn.ConvTranspose2d, with PyTorch's arguments, initialisation and repr. */
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Tensor } from '../tensor.js';
import { empty } from '../ops/creation.js';
import { convNd, conv_transpose2d, resolvePadding } from '../ops/conv.js';
import { pad } from '../ops/pad.js';
import { get_default_dtype, toDType, type DTypeLike } from '../dtype.js';
import { bindUntyped, pyRepr } from '../python.js';
import * as init from './init.js';

type IntArg = number | readonly number[];
type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvOptions {
  in_channels?: number;
  out_channels?: number;
  kernel_size?: IntArg;
  stride?: IntArg;
  padding?: IntArg | 'same' | 'valid';
  dilation?: IntArg;
  groups?: number;
  bias?: boolean;
  padding_mode?: PaddingMode;
  device?: string;
  dtype?: DTypeLike;
}
export interface ConvTransposeOptions extends Omit<ConvOptions, 'padding'> {
  padding?: IntArg;
  output_padding?: IntArg;
}
type A<T, O> = T | O;

/** PyTorch's _single/_pair/_quadruple: one int repeated, or the given tuple. */
export function ntuple(v: IntArg, n: number): number[] {
  return typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
}

/** The shared part of _ConvNd: checks, attributes, parameters, reset_parameters and extra_repr. */
abstract class ConvNd extends Module {
  declare in_channels: number;
  declare out_channels: number;
  declare kernel_size: number[];
  declare stride: number[];
  declare padding: number[] | 'same' | 'valid';
  declare dilation: number[];
  declare transposed: boolean;
  declare output_padding: number[];
  declare groups: number;
  declare padding_mode: PaddingMode;
  declare _reversed_padding_repeated_twice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  protected init(dims: number, transposed: boolean, v: Record<string, unknown>): void {
    const inC = v.in_channels as number, outC = v.out_channels as number, groups = (v.groups as number | undefined) ?? 1;
    const stride = ntuple((v.stride as IntArg | undefined) ?? 1, dims);
    const padding = (v.padding as IntArg | string | undefined) ?? 0;
    const dilation = ntuple((v.dilation as IntArg | undefined) ?? 1, dims);
    const kernel = ntuple(v.kernel_size as IntArg, dims);
    const mode = (v.padding_mode as string | undefined) ?? 'zeros';
    if (groups <= 0) throw new RangeError('groups must be a positive integer');
    if (inC % groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outC % groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new RangeError(`Invalid padding string '${padding}', should be one of {'same', 'valid'}`);
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
    }
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
      throw new RangeError(`padding_mode must be one of {'reflect', 'replicate', 'zeros', 'circular'}, but got padding_mode='${mode}'`);
    }
    this.in_channels = inC;
    this.out_channels = outC;
    this.kernel_size = kernel;
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : ntuple(padding, dims);
    this.dilation = dilation;
    this.transposed = transposed;
    this.output_padding = ntuple((v.output_padding as IntArg | undefined) ?? 0, dims);
    this.groups = groups;
    this.padding_mode = mode as PaddingMode;
    // F.pad's order (last dim first)
    const { before, after } = typeof this.padding === 'string' ? resolvePadding(this.padding, dims, kernel, dilation, stride) : { before: this.padding, after: this.padding };
    const twice: number[] = [];
    for (let i = dims - 1; i >= 0; i--) twice.push(before[i], after[i]);
    this._reversed_padding_repeated_twice = twice;
    const dtype = toDType((v.dtype as DTypeLike | undefined) ?? undefined, get_default_dtype());
    const shape = transposed ? [inC, outC / groups, ...kernel] : [outC, inC / groups, ...kernel];
    this.weight = new Parameter(empty(shape, { dtype }));
    this.bias = (v.bias as boolean | undefined) ?? true ? new Parameter(empty([outC], { dtype })) : null;
    this.reset_parameters();
  }

  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extra_repr(): string {
    const tuple = (a: number[]) => pyRepr(a);
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${tuple(this.kernel_size)}, stride=${tuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${tuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tuple(this.dilation)}`;
    if (this.output_padding.some((p) => p !== 0)) s += `, output_padding=${tuple(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.padding_mode !== 'zeros') s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}

const CONV_ARGS = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode', 'device', 'dtype'];

function bindConv(name: string, args: unknown[], names: string[]): Record<string, unknown> {
  const values = bindUntyped(`${name}.__init__`, args, names);
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => {
    if (values[i] !== undefined && values[i] !== null) out[n] = values[i];
  });
  for (const req of ['in_channels', 'out_channels', 'kernel_size']) {
    if (out[req] === undefined) throw new TypeError(`${name}.__init__() missing 1 required positional argument: '${req}'`);
  }
  return out;
}

abstract class Conv extends ConvNd {
  protected abstract readonly dims: 1 | 2;

  override forward(input: Tensor): Tensor {
    if (this.padding_mode !== 'zeros') {
      const padded = pad(input, this._reversed_padding_repeated_twice, this.padding_mode);
      return convNd(this.dims, padded, this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
    }
    return convNd(this.dims, input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None). */
export class Conv1d extends Conv {
  protected readonly dims = 1;
  constructor(in_channels: A<number, ConvOptions>, out_channels?: A<number, ConvOptions>, kernel_size?: A<IntArg, ConvOptions>, ...rest: unknown[]) {
    super();
    this.init(1, false, bindConv('Conv1d', [in_channels, out_channels, kernel_size, ...rest], CONV_ARGS));
  }
}

/** Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None). */
export class Conv2d extends Conv {
  protected readonly dims = 2;
  constructor(in_channels: A<number, ConvOptions>, out_channels?: A<number, ConvOptions>, kernel_size?: A<IntArg, ConvOptions>, ...rest: unknown[]) {
    super();
    this.init(2, false, bindConv('Conv2d', [in_channels, out_channels, kernel_size, ...rest], CONV_ARGS));
  }
}

/**
 * ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
 * groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None).
 */
export class ConvTranspose2d extends ConvNd {
  constructor(in_channels: A<number, ConvTransposeOptions>, out_channels?: A<number, ConvTransposeOptions>, kernel_size?: A<IntArg, ConvTransposeOptions>, ...rest: unknown[]) {
    super();
    const v = bindConv('ConvTranspose2d', [in_channels, out_channels, kernel_size, ...rest],
      ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation', 'padding_mode', 'device', 'dtype']);
    if ((v.padding_mode ?? 'zeros') !== 'zeros') throw new RangeError('Only "zeros" padding mode is supported for ConvTranspose2d');
    this.init(2, true, v);
  }

  /** forward(input, output_size=None): output_size picks the output_padding that gives it. */
  override forward(input: Tensor, output_size?: readonly number[] | null): Tensor {
    const outPad = output_size ? this.outputPadding(input, output_size) : this.output_padding;
    return conv_transpose2d(input, this.weight, this.bias, this.stride, this.padding as number[], outPad, this.groups, this.dilation);
  }

  /** PyTorch's _output_padding. */
  private outputPadding(input: Tensor, output_size: readonly number[]): number[] {
    const k = 2, hasBatch = input.ndim === 4;
    let size = output_size.slice();
    if (size.length === k + (hasBatch ? 2 : 1)) size = size.slice(-k);
    if (size.length !== k) throw new RangeError(`ConvTranspose2D: for ${input.ndim}D input, output_size must have ${k} or ${k + (hasBatch ? 2 : 1)} elements (got ${output_size.length})`);
    const pad = this.padding as number[];
    const spatial = input.shape.slice(-k);
    const min = spatial.map((s, d) => (s - 1) * this.stride[d] - 2 * pad[d] + this.dilation[d] * (this.kernel_size[d] - 1) + 1);
    const max = min.map((m, d) => m + this.stride[d] - 1);
    size.forEach((s, d) => {
      if (s < min[d] || s > max[d]) {
        throw new RangeError(`requested an output size of ${pyRepr(size)}, but valid sizes range from ${pyRepr(min)} to ${pyRepr(max)} (for an input of ${pyRepr(spatial)})`);
      }
    });
    return size.map((s, d) => s - min[d]);
  }
}
