/**
 * F.interpolate: nearest (3-D and 4-D input), linear (3-D) and bilinear (4-D), by size or
 * scale_factor, with align_corners. Source indices and weights are computed in float32 as
 * ATen's CPU kernels do for float input, so the same pixels are picked and weighted.
 */
import { Tensor } from '../tensor.js';
import { pyRepr } from '../python.js';
import { checkTensor } from './util.js';
import { makeTaps, resample, type Taps } from './resample.js';
import * as V from './view.js';

const f32 = Math.fround;

/** ATen's compute_scales_value: 1/scale_factor when one was given, else in/out, in float. */
function scaleValue(scale: number | null, inSize: number, outSize: number): number {
  return scale !== null ? f32(1 / scale) : f32(inSize / outSize);
}

function nearestTaps(inSize: number, outSize: number, scale: number | null): Taps {
  const s = scaleValue(scale, inSize, outSize);
  return makeTaps(outSize, 1, (i, w) => {
    w[0] = 1;
    if (outSize === inSize) return [i, 1];
    if (outSize === 2 * inSize) return [i >> 1, 1];
    return [Math.min(Math.floor(f32(i * s)), inSize - 1), 1];
  });
}

function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): Taps {
  const s = alignCorners ? (outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : 0) : scaleValue(scale, inSize, outSize);
  return makeTaps(outSize, 2, (i, w) => {
    if (outSize === inSize) {
      w[0] = 1;
      return [i, 1];
    }
    let src = alignCorners ? f32(s * i) : f32(f32(s * (i + 0.5)) - 0.5);
    if (!alignCorners && src < 0) src = 0;
    const i0 = Math.trunc(src);
    const offset = i0 < inSize - 1 ? 1 : 0;
    const l1 = Math.min(Math.max(f32(src - i0), 0), 1);
    w[0] = f32(1 - l1);
    w[1] = l1;
    // at the last pixel both taps read it: l0·x + l1·x
    if (offset === 0) w[0] = f32(w[0] + l1);
    return [i0, offset + 1];
  });
}

/** The identity on a dim of size 1 (1-d modes run as 2-d over a height of 1). */
const unitTaps = () => makeTaps(1, 1, (_, w) => {
  w[0] = 1;
  return [0, 1];
});

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

/** interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False). */
export function interpolate(x: Tensor, size: number | readonly number[] | null = null, scale_factor: number | readonly number[] | null = null, mode: string = 'nearest',
  align_corners: boolean | null = null, recompute_scale_factor: boolean | null = null, antialias = false): Tensor {
  checkTensor(x, 'input', 'interpolate');
  const dim = x.ndim - 2;
  const spatial = `[${x.shape.slice(2).join(', ')}]`;
  let outSize: number[] | null = null;
  let scales: number[] | null = null;
  if (size !== null && scale_factor !== null) throw new RangeError('only one of size or scale_factor should be defined');
  if (size !== null) {
    if (Array.isArray(size)) {
      if (size.length !== dim) {
        throw new RangeError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial} and output size of ${pyRepr(size)}. ` +
          'Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.');
      }
      outSize = size.slice();
    } else outSize = new Array<number>(Math.max(dim, 0)).fill(size as number);
  } else if (scale_factor !== null) {
    if (Array.isArray(scale_factor)) {
      if (scale_factor.length !== dim) {
        throw new RangeError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial} and scale_factor of shape ${pyRepr(scale_factor)}. ` +
          'Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.');
      }
      scales = scale_factor.slice();
    } else scales = new Array<number>(Math.max(dim, 0)).fill(scale_factor as number);
  } else throw new RangeError('either size or scale_factor should be defined');
  if (recompute_scale_factor && size !== null) throw new RangeError('recompute_scale_factor is not meaningful with an explicit size.');
  if (mode === 'nearest') {
    if (align_corners !== null) throw new RangeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  if (recompute_scale_factor && scales) {
    outSize = scales.map((s, i) => Math.floor(x.shape[i + 2] * s));
    scales = null;
  }
  if (antialias && !(mode === 'bilinear' && x.ndim === 4)) throw new RangeError('Anti-alias option is only supported for bilinear and bicubic modes');
  if (antialias) throw new RangeError('antialias=True is not supported');
  const ok = (mode === 'nearest' && (x.ndim === 3 || x.ndim === 4)) || (mode === 'linear' && x.ndim === 3) || (mode === 'bilinear' && x.ndim === 4);
  if (!ok) {
    if (mode === 'bilinear' && x.ndim === 3) throw new RangeError('Got 3D input, but bilinear mode needs 4D input');
    if (mode === 'linear' && x.ndim === 4) throw new RangeError('Got 4D input, but linear mode needs 3D input');
    throw new RangeError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  const inSp = x.shape.slice(2);
  // ATen's output size: the double product truncated
  const out = outSize ?? inSp.map((n, i) => Math.trunc(n * scales![i]));
  if (out.some((v) => v <= 0)) {
    const names = dim === 1 ? ['W'] : ['H', 'W'];
    throw new RangeError(`Input and output sizes should be greater than 0, but got input (${names.map((n, i) => `${n}: ${inSp[i]}`).join(', ')}) output (${names.map((n, i) => `${n}: ${out[i]}`).join(', ')})`);
  }
  const sc = (i: number) => (scales ? scales[i] : null);
  const ac = align_corners ?? false;
  const taps = (i: number) => (mode === 'nearest' ? nearestTaps(inSp[i], out[i], sc(i)) : linearTaps(inSp[i], out[i], ac, sc(i)));
  const name = mode === 'nearest' ? `UpsampleNearest${dim}D` : mode === 'linear' ? 'UpsampleLinear1D' : 'UpsampleBilinear2D';
  const names = { name: `${name}Backward0`, backName: `${name}BackwardBackward0`, divisor: null };
  if (dim === 1) return V.squeeze(resample(V.unsqueeze(x, -2), { h: unitTaps(), w: taps(0), ...names }), -2);
  return resample(x, { h: taps(0), w: taps(1), ...names });
}
