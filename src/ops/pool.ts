/**
 * Pooling: max_pool1d/2d (typed-array loops, the gradient routed through the argmax indices),
 * avg_pool1d/2d and adaptive_avg_pool2d (separable linear maps, src/ops/resample.ts). The 1-d
 * forms are the 2-d ones over a height of 1, as in ATen.
 */
import { Tensor } from '../tensor.js';
import type { FloatArray } from '../backend/contract.js';
import { K } from '../backend/index.js';
import type { PoolGeom } from '../backend/contract.js';
import { apply } from '../autograd/node.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { bool, int64 } from '../dtype.js';
import { allocate, allocateForOverwrite, checkTensor, data, typeName } from './util.js';
import { makeTaps, resample, type Resample } from './resample.js';
import * as V from './view.js';

type IntArg = number | readonly number[];

/** PyTorch's pooling_output_shape: floor or ceil, and a last window must start inside the input or left padding. */
export function poolOutSize(size: number, k: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** An int or a 1- or 2-tuple as [h, w]; `omittable` lets an empty list mean the default. */
function pair(v: IntArg | null | undefined, fn: string, name: string, def: [number, number] | null, what: string): [number, number] {
  if ((v === null || v === undefined || (Array.isArray(v) && v.length === 0)) && def) return def;
  if (typeof v === 'number') return [v, v];
  const a = v as readonly number[];
  if (a.length === 1) return [a[0], a[0]];
  if (a.length !== 2) throw new RangeError(`${fn}: ${name} must ${what}`);
  return [a[0], a[1]];
}

interface Pool2d {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  oh: number;
  ow: number;
}

/** pool2d_shape_check with pooling_output_shape's checks first, in ATen's order. */
function checkPool2d(x: Tensor, k: [number, number], s: [number, number], p: [number, number], d: [number, number], ceil: boolean): Pool2d {
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1];
  if (s[0] === 0 || s[1] === 0) throw new RangeError('stride should not be zero');
  for (let i = 0; i < 2; i++) {
    if (p[i] < 0) throw new RangeError(`pad must be non-negative, but got pad: ${p[i]}`);
    if (p[i] > Math.floor(k[i] / 2)) throw new RangeError(`pad should be at most half of kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
  }
  if (k[0] <= 0 || k[1] <= 0) throw new RangeError(`kernel size should be greater than zero, but got kH: ${k[0]} kW: ${k[1]}`);
  if (s[0] < 0 || s[1] < 0) throw new RangeError(`stride should be greater than zero, but got dH: ${s[0]} dW: ${s[1]}`);
  if (d[0] <= 0 || d[1] <= 0) throw new RangeError(`dilation should be greater than zero, but got dilationH: ${d[0]} dilationW: ${d[1]}`);
  const oh = poolOutSize(H, k[0], p[0], s[0], d[0], ceil), ow = poolOutSize(W, k[1], p[1], s[1], d[1], ceil);
  if (oh < 1 || ow < 1) {
    const C = x.shape[x.ndim - 3];
    throw new RangeError(`Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${oh}x${ow}). Output size is too small`);
  }
  return { k, s, p, d, oh, ow };
}

// ---- max pooling --------------------------------------------------------------------------------

const poolGeom = (g: Pool2d): PoolGeom => ({ kh: g.k[0], kw: g.k[1], sh: g.s[0], sw: g.s[1], ph: g.p[0], pw: g.p[1], dh: g.d[0], dw: g.d[1], oh: g.oh, ow: g.ow });

/**
 * gx[plane, ind[o]] += g[o] for each of `planes` planes (the gather kernels' adjoint over
 * [planes, plane, 1]): max pooling's gradient, itself differentiable (its gradient gathers).
 */
function scatterByIndex(g: Tensor, ind: Float64Array, shape: readonly number[], planes: number, plane: number, outPlane: number): Tensor {
  const gx = allocate(shape, g.dtype);
  K.scatterAdd(data(g) as FloatArray, ind, gx._storage.data as FloatArray, planes, plane, 1, outPlane, false);
  const gShape = g.shape.slice();
  return apply('MaxPool2DWithIndicesBackwardBackward0', [g], gx, (gg) => {
    const out = allocateForOverwrite(gShape, gg.dtype);
    K.gather(data(gg), ind, out._storage.data, planes, plane, 1, outPlane, false);
    return [out];
  });
}

function maxPool2dImpl(x: Tensor, g: Pool2d, returnIndices: boolean, fn: string): Tensor | [Tensor, Tensor] {
  if (!x.dtype.is_floating_point) throw new TypeError(`"${fn}" not implemented for '${typeName(x.dtype)}'`);
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1];
  const shape = [...x.shape.slice(0, -2), g.oh, g.ow];
  const out = allocateForOverwrite(shape, x.dtype);
  // the indices exist for the caller or for backward; a forward without either skips them
  const ind = returnIndices || (x.requires_grad && is_grad_enabled()) ? allocateForOverwrite(shape, int64) : null;
  const indData = ind ? (ind._storage.data as Float64Array) : null;
  const planes = x.numel() / Math.max(H * W, 1);
  K.maxPool2d(data(x) as FloatArray, out._storage.data as FloatArray, indData, planes, H, W, poolGeom(g));
  const xShape = x.shape.slice();
  const res = apply('MaxPool2DWithIndicesBackward0', [x], out, (gr) => [scatterByIndex(gr, indData!, xShape, planes, H * W, g.oh * g.ow)]);
  return returnIndices ? [res, ind!] : res;
}

/** max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function max_pool2d(x: Tensor, kernel_size: IntArg, stride?: IntArg | null, padding: IntArg = 0, dilation: IntArg = 1, ceil_mode = false, return_indices = false): Tensor | [Tensor, Tensor] {
  checkTensor(x, 'input', 'max_pool2d');
  const k = pair(kernel_size, 'max_pool2d', 'kernel_size', null, 'either be a single int, or a tuple of two ints');
  const s = pair(stride, 'max_pool2d', 'stride', k, 'either be omitted, a single int, or a tuple of two ints');
  const p = pair(padding, 'max_pool2d', 'padding', null, 'either be a single int, or a tuple of two ints');
  const d = pair(dilation, 'max_pool2d', 'dilation', null, 'either be a single int, or a tuple of two ints');
  const hasEmpty = x.shape.slice(1).some((v) => v === 0);
  if (!((x.ndim === 3 || x.ndim === 4) && !hasEmpty)) throw new RangeError('non-empty 3D or 4D (batch mode) tensor expected for input');
  return maxPool2dImpl(x, checkPool2d(x, k, s, p, d, ceil_mode), return_indices, 'max_pool2d');
}

/** max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function max_pool1d(x: Tensor, kernel_size: IntArg, stride?: IntArg | null, padding: IntArg = 0, dilation: IntArg = 1, ceil_mode = false, return_indices = false): Tensor | [Tensor, Tensor] {
  checkTensor(x, 'input', 'max_pool1d');
  const one = (v: IntArg) => (typeof v === 'number' ? v : v[0]);
  const k = one(kernel_size), s = stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0) ? k : one(stride);
  const p = one(padding), d = one(dilation);
  if (!((x.ndim === 2 || x.ndim === 3) && x.shape.slice(1).every((v) => v > 0))) {
    throw new RangeError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[${x.shape.join(', ')}]`);
  }
  if (k <= 0) throw new RangeError(`max_pool1d() kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new RangeError(`max_pool1d() stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new RangeError(`max_pool1d() padding must be non-negative, but got ${p}`);
  if (p > Math.floor(k / 2)) throw new RangeError(`max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new RangeError(`max_pool1d() dilation must be greater than zero, but got ${d}`);
  const W = x.shape[x.ndim - 1];
  const ow = Math.max(poolOutSize(W, k, p, s, d, ceil_mode), 0);
  const x2 = V.unsqueeze(x, -2);
  const res = maxPool2dImpl(x2, { k: [1, k], s: [1, s], p: [0, p], d: [1, d], oh: 1, ow }, return_indices, 'max_pool1d');
  return Array.isArray(res) ? [V.squeeze(res[0], -2), V.squeeze(res[1], -2)] : V.squeeze(res, -2);
}

// ---- average pooling ----------------------------------------------------------------------------

/** One dim of avg_pool: window [i·s − p, +k) clipped to the padded input, then to the input. */
function avgTaps(size: number, k: number, s: number, p: number, out: number, includePad: boolean) {
  const div = new Float64Array(out);
  return makeTaps(out, k, (i, w) => {
    const start = i * s - p, end = Math.min(start + k, size + p);
    const a = Math.max(start, 0), b = Math.min(end, size);
    div[i] = includePad ? end - start : Math.max(b - a, 0);
    w.fill(1);
    return [a, Math.max(b - a, 0)];
  }, div);
}

function avgPoolImpl(x: Tensor, g: Pool2d, includePad: boolean, divisor: number | null): Tensor {
  if (x.dtype === bool) throw new TypeError(`"avg_pool2d" not implemented for 'Bool'`);
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1];
  const r: Resample = {
    h: avgTaps(H, g.k[0], g.s[0], g.p[0], g.oh, includePad), w: avgTaps(W, g.k[1], g.s[1], g.p[1], g.ow, includePad),
    divisor, name: 'AvgPool2DBackward0', backName: 'AvgPool2DBackwardBackward0',
  };
  const out = resample(x, r);
  if (x.dtype === int64) {
    // integer division, as ATen's integral avg_pool2d
    const d = out._storage.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.trunc(d[i]);
  }
  return out;
}

/** avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export function avg_pool2d(x: Tensor, kernel_size: IntArg, stride?: IntArg | null, padding: IntArg = 0, ceil_mode = false, count_include_pad = true, divisor_override: number | null = null): Tensor {
  checkTensor(x, 'input', 'avg_pool2d');
  const k = pair(kernel_size, 'avg_pool2d', 'kernel_size', null, 'either be a single int, or a tuple of two ints');
  const s = pair(stride, 'avg_pool2d', 'stride', k, 'either be omitted, a single int, or a tuple of two ints');
  const p = pair(padding, 'avg_pool2d', 'padding', null, 'either be a single int, or a tuple of two ints');
  if (x.ndim < 3) throw new RangeError(`Dimension out of range (expected to be in range of [${-Math.max(x.ndim, 1)}, ${Math.max(x.ndim, 1) - 1}], but got -3)`);
  if (divisor_override === 0) throw new RangeError('divisor must be not zero');
  const hasEmpty = x.shape.slice(1).some((v) => v === 0);
  if (x.ndim > 4 || hasEmpty) throw new RangeError('non-empty 3D or 4D (batch mode) tensor expected for input');
  return avgPoolImpl(x, checkPool2d(x, k, s, p, [1, 1], ceil_mode), count_include_pad, divisor_override ?? null);
}

/** avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export function avg_pool1d(x: Tensor, kernel_size: IntArg, stride?: IntArg | null, padding: IntArg = 0, ceil_mode = false, count_include_pad = true): Tensor {
  checkTensor(x, 'input', 'avg_pool1d');
  if (x.ndim < 2 || x.ndim > 3) {
    throw new RangeError(`Expected 2 to 3 dimensions, but got ${x.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`);
  }
  const one = (v: IntArg, name: string) => {
    if (typeof v === 'number') return v;
    if (v.length !== 1) throw new RangeError(`avg_pool1d() argument '${name}' should contain one int (got ${v.length})`);
    return v[0];
  };
  const k = one(kernel_size, 'kernel_size');
  const s = stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0) ? k : one(stride, 'stride');
  const x2 = V.unsqueeze(x, -2);
  const g = checkPool2d(x2, [1, k], [1, s], [0, one(padding, 'padding')], [1, 1], ceil_mode);
  return V.squeeze(avgPoolImpl(x2, g, count_include_pad, null), -2);
}

/** adaptive_avg_pool2d(input, output_size): window i of a dim covers [⌊i·in/out⌋, ⌈(i+1)·in/out⌉). */
export function adaptive_avg_pool2d(x: Tensor, output_size: number | readonly (number | null)[]): Tensor {
  checkTensor(x, 'input', 'adaptive_avg_pool2d');
  const size = typeof output_size === 'number' ? [output_size, output_size] : output_size.slice();
  if (size.length !== 2) throw new RangeError('adaptive_avg_pool2d: output_size must be 2');
  if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [${x.shape.join(', ')}]`);
  for (let i = 1; i < x.ndim; i++) {
    if (x.shape[i] === 0) {
      throw new RangeError(`adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [${x.shape.join(', ')}] with dimension ${i} being empty`);
    }
  }
  if (!x.dtype.is_floating_point) throw new TypeError(`"adaptive_avg_pool2d" not implemented for '${typeName(x.dtype)}'`);
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1];
  const oh = size[0] ?? H, ow = size[1] ?? W;
  const taps = (n: number, out: number) => {
    const div = new Float64Array(out);
    const width = out === 0 ? 1 : Math.ceil(n / out) + 1;
    return makeTaps(out, width, (i, w) => {
      const a = Math.floor((i * n) / out), b = Math.ceil(((i + 1) * n) / out);
      div[i] = b - a;
      w.fill(1);
      return [a, b - a];
    }, div);
  };
  return resample(x, { h: taps(H, oh), w: taps(W, ow), divisor: null, name: 'AdaptiveAvgPool2DBackward0', backName: 'AdaptiveAvgPool2DBackwardBackward0' });
}
