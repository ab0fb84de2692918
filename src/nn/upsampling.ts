/** nn.Upsample and its fixed-mode forms UpsamplingNearest2d and UpsamplingBilinear2d: F.interpolate with stored arguments. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { interpolate } from '../ops/interpolate.js';
import { bindUntyped, isOptions, pyRepr } from '../python.js';

type Size = number | readonly number[];

export interface UpsampleOptions {
  size?: Size | null;
  scale_factor?: Size | null;
  mode?: string;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
}

/** Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None). */
export class Upsample extends Module {
  declare size: Size | null;
  declare scale_factor: Size | null;
  declare mode: string;
  declare align_corners: boolean | null;
  declare recompute_scale_factor: boolean | null;

  constructor(size?: Size | null | UpsampleOptions, ...rest: unknown[]) {
    super();
    const [s, sf, m, ac, rsf] = bindUntyped(`${new.target.name}.__init__`, [size, ...rest], ['size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor']);
    this.size = (s ?? null) as Size | null;
    // PyTorch keeps the factor as a float (or a tuple of floats); 0 and None both mean none
    this.scale_factor = sf ? (sf as Size) : null;
    this.mode = (m ?? 'nearest') as string;
    this.align_corners = (ac ?? null) as boolean | null;
    this.recompute_scale_factor = (rsf ?? null) as boolean | null;
  }

  override forward(input: Tensor): Tensor {
    return interpolate(input, this.size, this.scale_factor, this.mode, this.align_corners, this.recompute_scale_factor);
  }

  override extra_repr(): string {
    const info = this.scale_factor !== null ? `scale_factor=${pyRepr(this.scale_factor, true)}` : `size=${pyRepr(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/** The arguments of Upsample for a subclass that fixes mode and align_corners. */
function fixedMode(size: unknown, scale_factor: unknown, mode: string, align_corners: boolean | null): [UpsampleOptions] {
  const given = isOptions(size) ? (size as UpsampleOptions) : { size: size as Size | null | undefined, scale_factor: scale_factor as Size | null | undefined };
  return [{ ...given, mode, align_corners }];
}

/** UpsamplingNearest2d(size=None, scale_factor=None). */
export class UpsamplingNearest2d extends Upsample {
  constructor(size?: Size | null | { size?: Size | null; scale_factor?: Size | null }, scale_factor?: Size | null) {
    super(...fixedMode(size, scale_factor, 'nearest', null));
  }
}

/** UpsamplingBilinear2d(size=None, scale_factor=None): bilinear with align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(size?: Size | null | { size?: Size | null; scale_factor?: Size | null }, scale_factor?: Size | null) {
    super(...fixedMode(size, scale_factor, 'bilinear', true));
  }
}
