/**
 * The p-norm of a whole gradient with the rounding of PyTorch 1.13's CPU kernels (AVX2 build), so
 * that clip_grad_norm_ gives PyTorch's total norm, and so its clip coefficient, to the bit.
 * p = 2, float32 (the vectorised last-dim path): 8 lanes accumulate x·x with fused multiply-adds,
 * the lanes are added left to right, then the remaining elements by fours (squared, then added)
 * and the last ones by fused multiply-adds. p = 2, float64: one fused multiply-add per element, in
 * order. p = 1: |x| summed in order, rounded to the dtype. Other p: |x|^p summed likewise, then
 * the 1/p-th power (V8's pow and glibc's powf may differ in the last bit there).
 * tests/nn-utils.test.ts checks totals of lengths 1-1000 against PyTorch's.
 */
import type { DataArray } from '../../backend/contract.js';

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The float32 neighbour of a float32 value r, toward `up` (+1) or down (−1). */
function nextFloat(r: number, up: number): number {
  f32[0] = r;
  if (r === 0) {
    i32[0] = 1;
    return up > 0 ? f32[0] : -f32[0];
  }
  i32[0] += (r > 0) === (up > 0) ? 1 : -1;
  return f32[0];
}

/** fmaf(a, a, c) for float32 a and c: a·a is exact in a double; only the sum needs care. */
function fmaSquare32(a: number, c: number): number {
  const p = a * a;
  const s = p + c;
  // the sum's rounding error (TwoSum), which decides a tie of the rounding to float32
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  const other = nextFloat(r, s > r ? 1 : -1);
  if (Math.abs(s - r) !== Math.abs(other - s)) return r;
  return (e > 0) === (other > r) ? other : r;
}

/** fma(a, a, c) in float64: a·a split exactly into p + lo (Veltkamp), then summed with c. */
function fmaSquare64(a: number, c: number): number {
  const p = a * a;
  const t = 134217729 * a; // 2^27 + 1
  const ah = t - (t - a), al = a - ah;
  const lo = ((ah * ah - p) + 2 * ah * al) + al * al;
  const s = p + c;
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  return s + (e + lo);
}

function norm2(d: DataArray, float32: boolean): number {
  const n = d.length;
  if (!float32) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = fmaSquare64(d[i], acc);
    return Math.sqrt(acc);
  }
  const lanes = new Float32Array(8);
  let i = 0;
  for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) lanes[j] = fmaSquare32(d[i + j], lanes[j]);
  let b = lanes[0];
  for (let j = 1; j < 8; j++) b = Math.fround(b + lanes[j]);
  for (; n - i >= 4; i += 4) for (let k = 0; k < 4; k++) b = Math.fround(b + Math.fround(d[i + k] * d[i + k]));
  for (; i < n; i++) b = fmaSquare32(d[i], b);
  return Math.fround(Math.sqrt(b));
}

/** ‖d‖_p of a float32 (float32 = true) or float64 gradient; p = ±inf and 0 are exact in any order. */
export function gradNorm(d: DataArray, p: number, float32: boolean): number {
  const n = d.length;
  if (p === 2) return norm2(d, float32);
  if (p === Infinity || p === -Infinity) {
    let m = p > 0 ? 0 : Infinity;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(d[i]);
      if (a !== a) return NaN;
      m = p > 0 ? Math.max(m, a) : Math.min(m, a);
    }
    return m;
  }
  let acc = 0;
  if (p === 0) {
    for (let i = 0; i < n; i++) if (d[i] !== 0) acc++;
    return acc;
  }
  if (p === 1) {
    if (float32) for (let i = 0; i < n; i++) acc = Math.fround(acc + Math.abs(d[i]));
    else for (let i = 0; i < n; i++) acc += Math.abs(d[i]);
    return acc;
  }
  if (!float32) {
    for (let i = 0; i < n; i++) acc += Math.abs(d[i]) ** p;
    return acc ** (1 / p);
  }
  for (let i = 0; i < n; i++) acc = Math.fround(acc + Math.fround(Math.abs(d[i]) ** p));
  return Math.fround(acc ** Math.fround(1 / p));
}
