/**
 * PyTorch 1.13's CPU sampling loops over a flat array, drawing from a Generator in the same order
 * and with the same arithmetic (aten/src/ATen/native/cpu/DistributionTemplates.h and
 * DistributionKernels.cpp, at/core/DistributionsHelper.h and TransformationHelper.h). The arrays are
 * filled in the order PyTorch's TensorIterator visits memory; callers pass that order.
 */
import type { Generator } from './generator.js';
import { fma, log } from './libm.js';
import { sincos } from './trig.js';
import { fmaf, normalFill16 } from './float_math.js';

type Floats = Float32Array | Float64Array;
const fr = Math.fround;
const TWO_PI = 2 * Math.PI;
const sc = new Float64Array(2); // sincos's output: sin, cos

/** uniform_(from, to): (u · (to - from) + from) in the dtype's precision, contracted to one fma. */
export function fillUniform(d: Floats, from: number, to: number, g: Generator): void {
  const n = d.length;
  if (d instanceof Float32Array) {
    const f = fr(from), range = fr(fr(to) - f);
    if (f === 0 && range === 1) for (let i = 0; i < n; i++) d[i] = g.uniformFloat();
    else for (let i = 0; i < n; i++) d[i] = fmaf(g.uniformFloat(), range, f);
  } else {
    const range = to - from;
    if (from === 0 && range === 1) for (let i = 0; i < n; i++) d[i] = g.uniformDouble();
    else for (let i = 0; i < n; i++) d[i] = fma(g.uniformDouble(), range, from);
  }
}

/**
 * One draw of at::normal_distribution<double>: the cached sin half if there is one, else a fresh
 * Box–Muller pair (u1 picks the angle, u2 the radius) whose sin half is cached.
 */
export function normalScalar(g: Generator, mean: number, std: number): number {
  let z = g.nextDoubleNormal;
  if (z !== null) g.nextDoubleNormal = null;
  else {
    const u1 = g.uniformDouble(), u2 = g.uniformDouble();
    const r = Math.sqrt(-2 * log(1 - u2));
    sincos(TWO_PI * u1, sc);
    g.nextDoubleNormal = r * sc[0];
    z = r * sc[1];
  }
  return mean === 0 && std === 1 ? z : fma(z, std, mean);
}

/** normal_fill_16<double>: 8 Box–Muller pairs over 16 uniforms, cosines first. */
function normalFill16Double(d: Float64Array, o: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const radius = Math.sqrt(-2 * log(1 - d[o + j]));
    sincos(TWO_PI * d[o + j + 8], sc);
    const c = radius * sc[1], s = radius * sc[0];
    d[o + j] = mean === 0 && std === 1 ? c : fma(c, std, mean);
    d[o + j + 8] = mean === 0 && std === 1 ? s : fma(s, std, mean);
  }
}

/**
 * normal_(mean, std). A contiguous tensor of 16 or more elements takes the vectorised normal_fill:
 * every uniform is drawn first, each block of 16 becomes 16 normals, and a ragged tail is redone by
 * drawing 16 fresh uniforms over the last 16 elements. Smaller or strided tensors take the scalar
 * path, one normal_distribution<double> draw per element (and its cache).
 */
export function fillNormal(d: Floats, mean: number, std: number, contiguous: boolean, g: Generator): void {
  const n = d.length;
  if (n < 16 || !contiguous) {
    for (let i = 0; i < n; i++) d[i] = normalScalar(g, mean, std);
    return;
  }
  if (d instanceof Float32Array) {
    const m = fr(mean), s = fr(std);
    for (let i = 0; i < n; i++) d[i] = g.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16(d, i, m, s);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) d[i] = g.uniformFloat();
      normalFill16(d, n - 16, m, s);
    }
  } else {
    for (let i = 0; i < n; i++) d[i] = g.uniformDouble();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(d, i, mean, std);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) d[i] = g.uniformDouble();
      normalFill16Double(d, n - 16, mean, std);
    }
  }
}

/** random_from_to: low + (bits % range), with 64 bits only when the range needs them. */
export function fillRandomFromTo(d: Floats, low: number, high: number, g: Generator): void {
  const range = high - low;
  if (range < 4294967296) {
    for (let i = 0; i < d.length; i++) d[i] = low + (g.random() % range);
  } else {
    const r = BigInt(range), b = BigInt(low);
    for (let i = 0; i < d.length; i++) d[i] = Number(b + (g.random64() % r));
  }
}

/** randperm_cpu: swap position i with i + random() % (n - i), for i = 0..n-2. */
export function fillRandperm(d: Floats, g: Generator): void {
  const n = d.length;
  for (let i = 0; i < n; i++) d[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = i + (g.random() % (n - i));
    const t = d[i];
    d[i] = d[z];
    d[z] = t;
  }
}

/** bernoulli_(p) with a scalar p: one double uniform per element, 1 where it is below p. */
export function fillBernoulli(d: Floats, p: number, g: Generator): void {
  for (let i = 0; i < d.length; i++) d[i] = g.uniformDouble() < p ? 1 : 0;
}

/** bernoulli_(p) with a tensor p: a float uniform per element for float32 p, a double one for float64. */
export function fillBernoulliTensor(d: Floats, p: Floats, g: Generator): void {
  if (p instanceof Float64Array) for (let i = 0; i < d.length; i++) d[i] = g.uniformDouble() < p[i] ? 1 : 0;
  else for (let i = 0; i < d.length; i++) d[i] = g.uniformFloat() < p[i] ? 1 : 0;
}

/** The int64 random_() of a 0-d tensor: random64() modulo 2^63 (RandomSampler's and DataLoader's seeds). */
export function randomInt64(g: Generator): bigint {
  return g.random64() & ((1n << 63n) - 1n);
}
