/**
 * Separable linear maps over the last two dims: out[p, i, j] = Σ_a wh_i[a] · Σ_b ww_j[b] · x[p, h_i + a, w_j + b] / div(i, j).
 * Average pooling (with its padding rules and divisor), adaptive average pooling, and nearest and
 * bilinear interpolation are all of this form; the map's adjoint is its gradient, and the map is
 * the adjoint's gradient, so both directions are differentiable ops.
 */
import { Tensor } from '../tensor.js';
import type { FloatArray } from '../backend/contract.js';
import { apply } from '../autograd/node.js';
import { allocate, allocateForOverwrite, data } from './util.js';

/** One dim's taps: output i reads `len[i]` inputs from `start[i]` with weights w[i·width + t]. */
export interface Taps {
  out: number;
  start: Int32Array;
  len: Int32Array;
  width: number;
  w: Float64Array;
  /** The divisor per output index (multiplied across the two dims), or null for 1. */
  div: Float64Array | null;
}

export interface Resample {
  h: Taps;
  w: Taps;
  /** Replaces div(i, j) when set (avg_pool's divisor_override). */
  divisor: number | null;
  /** PyTorch's name for the forward's grad_fn and the adjoint's. */
  name: string;
  backName: string;
}

export function makeTaps(out: number, width: number, fill: (i: number, w: Float64Array) => [number, number], div: Float64Array | null = null): Taps {
  const start = new Int32Array(out), len = new Int32Array(out), w = new Float64Array(out * width);
  for (let i = 0; i < out; i++) [start[i], len[i]] = fill(i, w.subarray(i * width, (i + 1) * width));
  return { out, start, len, width, w, div };
}

function divisorOf(r: Resample, i: number, j: number): number {
  if (r.divisor !== null) return r.divisor;
  const dh = r.h.div ? r.h.div[i] : 1, dw = r.w.div ? r.w.div[j] : 1;
  return dh * dw;
}

function forwardKernel(x: FloatArray, planes: number, H: number, W: number, r: Resample, out: FloatArray): void {
  const { h, w } = r;
  for (let p = 0; p < planes; p++) {
    const xo = p * H * W, oo = p * h.out * w.out;
    for (let i = 0; i < h.out; i++) {
      const hs = h.start[i], hl = h.len[i];
      for (let j = 0; j < w.out; j++) {
        const ws = w.start[j], wl = w.len[j];
        let acc = 0;
        for (let a = 0; a < hl; a++) {
          const row = xo + (hs + a) * W + ws;
          let s = 0;
          for (let b = 0; b < wl; b++) s += w.w[j * w.width + b] * x[row + b];
          acc += h.w[i * h.width + a] * s;
        }
        out[oo + i * w.out + j] = acc / divisorOf(r, i, j);
      }
    }
  }
}

/** The adjoint: every output's gradient spread over the inputs it read, with the same weights (gx pre-zeroed). */
function adjointKernel(g: FloatArray, planes: number, H: number, W: number, r: Resample, gx: FloatArray): void {
  const { h, w } = r;
  for (let p = 0; p < planes; p++) {
    const xo = p * H * W, oo = p * h.out * w.out;
    for (let i = 0; i < h.out; i++) {
      const hs = h.start[i], hl = h.len[i];
      for (let j = 0; j < w.out; j++) {
        const ws = w.start[j], wl = w.len[j];
        const v = g[oo + i * w.out + j] / divisorOf(r, i, j);
        for (let a = 0; a < hl; a++) {
          const row = xo + (hs + a) * W + ws, va = v * h.w[i * h.width + a];
          for (let b = 0; b < wl; b++) gx[row + b] += va * w.w[j * w.width + b];
        }
      }
    }
  }
}

/** The map over x [..., H, W] → [..., h.out, w.out]. */
export function resample(x: Tensor, r: Resample): Tensor {
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1];
  const planes = H * W === 0 ? 0 : x.numel() / (H * W);
  const out = allocateForOverwrite([...x.shape.slice(0, -2), r.h.out, r.w.out], x.dtype);
  forwardKernel(data(x) as FloatArray, planes, H, W, r, out._storage.data as FloatArray);
  const shape = x.shape.slice();
  return apply(r.name, [x], out, (g) => [resampleAdjoint(g, r, shape)]);
}

/** The adjoint map, g [..., h.out, w.out] → [..., H, W] of `shape`. */
function resampleAdjoint(g: Tensor, r: Resample, shape: readonly number[]): Tensor {
  const H = shape[shape.length - 2], W = shape[shape.length - 1];
  const planes = r.h.out * r.w.out === 0 ? 0 : g.numel() / (r.h.out * r.w.out);
  const gx = allocate(shape, g.dtype);
  adjointKernel(data(g) as FloatArray, planes, H, W, r, gx._storage.data as FloatArray);
  return apply(r.backName, [g], gx, (gg) => [resample(gg, r)]);
}
