/** nn.MaxPool1d/2d, nn.AvgPool1d/2d and nn.AdaptiveAvgPool2d: their F.* function with the module's arguments. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d } from '../ops/pool.js';
import { bindUntyped, pyRepr } from '../python.js';

type IntArg = number | readonly number[];

function required(name: string, v: unknown, arg: string): void {
  if (v === undefined || v === null) throw new TypeError(`${name}.__init__() missing 1 required positional argument: '${arg}'`);
}

/** _MaxPoolNd(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False). */
abstract class MaxPoolNd extends Module {
  declare kernel_size: IntArg;
  declare stride: IntArg;
  declare padding: IntArg;
  declare dilation: IntArg;
  declare return_indices: boolean;
  declare ceil_mode: boolean;

  protected setup(name: string, args: unknown[]): void {
    const [k, s, p, d, ri, cm] = bindUntyped(`${name}.__init__`, args, ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode']);
    required(name, k, 'kernel_size');
    this.kernel_size = k as IntArg;
    this.stride = (s ?? k) as IntArg;
    this.padding = (p ?? 0) as IntArg;
    this.dilation = (d ?? 1) as IntArg;
    this.return_indices = (ri ?? false) as boolean;
    this.ceil_mode = (cm ?? false) as boolean;
  }

  override extra_repr(): string {
    return `kernel_size=${pyRepr(this.kernel_size)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, dilation=${pyRepr(this.dilation)}, ceil_mode=${pyRepr(this.ceil_mode)}`;
  }
}

export class MaxPool1d extends MaxPoolNd {
  constructor(kernel_size: IntArg | { kernel_size?: IntArg }, ...rest: unknown[]) {
    super();
    this.setup('MaxPool1d', [kernel_size, ...rest]);
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return max_pool1d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode, this.return_indices);
  }
}

export class MaxPool2d extends MaxPoolNd {
  constructor(kernel_size: IntArg | { kernel_size?: IntArg }, ...rest: unknown[]) {
    super();
    this.setup('MaxPool2d', [kernel_size, ...rest]);
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return max_pool2d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode, this.return_indices);
  }
}

/** AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True): sizes kept as 1-tuples. */
export class AvgPool1d extends Module {
  declare kernel_size: number[];
  declare stride: number[];
  declare padding: number[];
  declare ceil_mode: boolean;
  declare count_include_pad: boolean;

  constructor(kernel_size: IntArg | { kernel_size?: IntArg }, ...rest: unknown[]) {
    super();
    const [k, s, p, cm, cip] = bindUntyped('AvgPool1d.__init__', [kernel_size, ...rest], ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad']);
    required('AvgPool1d', k, 'kernel_size');
    const single = (v: unknown) => (typeof v === 'number' ? [v] : (v as number[]).slice());
    this.kernel_size = single(k);
    this.stride = single(s ?? k);
    this.padding = single(p ?? 0);
    this.ceil_mode = (cm ?? false) as boolean;
    this.count_include_pad = (cip ?? true) as boolean;
  }
  override forward(input: Tensor): Tensor {
    return avg_pool1d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad);
  }
  override extra_repr(): string {
    return `kernel_size=${pyRepr(this.kernel_size)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/** AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export class AvgPool2d extends Module {
  declare kernel_size: IntArg;
  declare stride: IntArg;
  declare padding: IntArg;
  declare ceil_mode: boolean;
  declare count_include_pad: boolean;
  declare divisor_override: number | null;

  constructor(kernel_size: IntArg | { kernel_size?: IntArg }, ...rest: unknown[]) {
    super();
    const [k, s, p, cm, cip, dov] = bindUntyped('AvgPool2d.__init__', [kernel_size, ...rest],
      ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']);
    required('AvgPool2d', k, 'kernel_size');
    this.kernel_size = k as IntArg;
    this.stride = (s ?? k) as IntArg;
    this.padding = (p ?? 0) as IntArg;
    this.ceil_mode = (cm ?? false) as boolean;
    this.count_include_pad = (cip ?? true) as boolean;
    this.divisor_override = (dov ?? null) as number | null;
  }
  override forward(input: Tensor): Tensor {
    return avg_pool2d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad, this.divisor_override);
  }
  override extra_repr(): string {
    return `kernel_size=${pyRepr(this.kernel_size)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/** AdaptiveAvgPool2d(output_size): an int, or a pair whose None entries keep the input's size. */
export class AdaptiveAvgPool2d extends Module {
  declare output_size: number | (number | null)[];

  constructor(output_size: number | readonly (number | null)[] | { output_size?: number | readonly (number | null)[] }) {
    super();
    const [o] = bindUntyped('AdaptiveAvgPool2d.__init__', [output_size], ['output_size']);
    required('AdaptiveAvgPool2d', o, 'output_size');
    this.output_size = typeof o === 'number' ? o : (o as (number | null)[]).slice();
  }
  override forward(input: Tensor): Tensor {
    return adaptive_avg_pool2d(input, this.output_size);
  }
  override extra_repr(): string {
    return `output_size=${pyRepr(this.output_size)}`;
  }
}
