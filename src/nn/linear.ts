/** nn.Linear and nn.Identity. */
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Tensor } from '../tensor.js';
import { linear } from '../ops/linalg.js';
import { empty } from '../ops/creation.js';
import { get_default_dtype, toDType, type DTypeLike } from '../dtype.js';
import { bindUntyped } from '../python.js';
import * as init from './init.js';

export interface FactoryOptions {
  dtype?: DTypeLike;
  device?: string;
}

function checkFeatures(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new TypeError(`${name} must be a non-negative integer, but got ${String(v)}`);
  }
  return v;
}

/** y = x·Wᵀ + b, with PyTorch's initialisation: W ~ kaiming_uniform_(a=√5), b ~ U(±1/√in_features). */
export class Linear extends Module {
  in_features: number;
  out_features: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in_features: number, out_features: number, bias?: boolean | ({ bias?: boolean } & FactoryOptions), opts?: FactoryOptions) {
    super();
    const [, , withBias, dtypeArg, device] = bindUntyped('Linear.__init__', [in_features, out_features, bias, opts], ['in_features', 'out_features', 'bias'], ['dtype', 'device']) as
      [unknown, unknown, boolean | undefined, DTypeLike | undefined, string | undefined];
    this.in_features = checkFeatures('in_features', in_features);
    this.out_features = checkFeatures('out_features', out_features);
    const dtype = toDType(dtypeArg ?? undefined, get_default_dtype());
    this.weight = new Parameter(empty([out_features, in_features], { dtype, device: device ?? undefined }));
    this.bias = withBias ?? true ? new Parameter(empty([out_features], { dtype })) : null;
    this.reset_parameters();
  }

  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** Returns its input unchanged; accepts and ignores any constructor arguments, as PyTorch. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}
