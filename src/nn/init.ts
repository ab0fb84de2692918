/** torch.nn.init: in-place initialisers, run without recording gradients, PyTorch's formulas. */
import { Tensor } from '../tensor.js';
import { no_grad } from '../autograd/grad_mode.js';
import { default_generator } from '../random/generator.js';
import { fillNormal, fillUniform } from '../random/distributions.js';
import { erf } from '../backend/js/math.js';
import { float64 } from '../dtype.js';

type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export function calculate_gain(nonlinearity: Nonlinearity | string, param?: number | null): number {
  const linear = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];
  if (linear.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2);
  if (nonlinearity === 'leaky_relu') {
    if (param === undefined || param === null) param = 0.01;
    else if (typeof param !== 'number') throw new RangeError(`negative_slope ${param} not a valid number`);
    return Math.sqrt(2 / (1 + param * param));
  }
  if (nonlinearity === 'selu') return 3 / 4;
  throw new RangeError(`Unsupported nonlinearity ${nonlinearity}`);
}

export function _calculate_fan_in_and_fan_out(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fan(t: Tensor, mode: 'fan_in' | 'fan_out'): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new RangeError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fi, fo] = _calculate_fan_in_and_fan_out(t);
  return mode === 'fan_in' ? fi : fo;
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return no_grad(() => t.uniform_(a, b));
}
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return no_grad(() => t.normal_(mean, std));
}
export function constant_(t: Tensor, val: number): Tensor {
  return no_grad(() => t.fill_(val));
}
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new RangeError('Only tensors with 2 dimensions are supported');
  return no_grad(() => {
    t.zero_();
    const n = Math.min(t.shape[0], t.shape[1]);
    for (let i = 0; i < n; i++) t.select(0, i).select(0, i).fill_(1);
    return t;
  });
}

export function xavier_uniform_(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = _calculate_fan_in_and_fan_out(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fi + fo));
  return uniform_(t, -a, a);
}

export function xavier_normal_(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = _calculate_fan_in_and_fan_out(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)));
}

export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingArgs(a: number | KaimingOptions | undefined, mode?: 'fan_in' | 'fan_out', nonlinearity?: Nonlinearity): Required<KaimingOptions> {
  if (typeof a === 'object' && a !== null) return { a: a.a ?? 0, mode: a.mode ?? 'fan_in', nonlinearity: a.nonlinearity ?? 'leaky_relu' };
  return { a: a ?? 0, mode: mode ?? 'fan_in', nonlinearity: nonlinearity ?? 'leaky_relu' };
}

/** kaiming_uniform_(t, a=0, mode='fan_in', nonlinearity='leaky_relu'): U(±gain·√(3/fan)). */
export function kaiming_uniform_(t: Tensor, a?: number | KaimingOptions, mode?: 'fan_in' | 'fan_out', nonlinearity?: Nonlinearity): Tensor {
  const o = kaimingArgs(a, mode, nonlinearity);
  if (t.numel() === 0) return t;
  const std = calculate_gain(o.nonlinearity, o.a) / Math.sqrt(fan(t, o.mode));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound);
}

export function kaiming_normal_(t: Tensor, a?: number | KaimingOptions, mode?: 'fan_in' | 'fan_out', nonlinearity?: Nonlinearity): Tensor {
  const o = kaimingArgs(a, mode, nonlinearity);
  if (t.numel() === 0) return t;
  return normal_(t, 0, calculate_gain(o.nonlinearity, o.a) / Math.sqrt(fan(t, o.mode)));
}

/**
 * Normal(mean, std) truncated to [a, b], by inverting the normal CDF as PyTorch does: the uniforms
 * are PyTorch's draws (uniform_ over [2l-1, 2u-1] in the tensor's dtype); the inverse error function
 * is kindling's own, so results can differ from PyTorch's in the last bits.
 */
export function trunc_normal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  const cdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  const l = cdf((a - mean) / std), u = cdf((b - mean) / std);
  return no_grad(() => {
    const p = new t.dtype.Array(t.numel()) as Float32Array | Float64Array;
    fillUniform(p, 2 * l - 1, 2 * u - 1, default_generator);
    const tmp = Float64Array.from(p, (v) => Math.min(b, Math.max(a, mean + std * Math.SQRT2 * erfinv(v))));
    return t.copy_(new Tensor(tmp, t.shape, float64));
  });
}

/** Inverse error function: Giles' single-precision approximation, polished by two Newton steps. */
function erfinv(x: number): number {
  if (x <= -1) return -Infinity;
  if (x >= 1) return Infinity;
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  let y = p * x;
  for (let k = 0; k < 2; k++) y -= (erf(y) - x) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-y * y));
  return y;
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal random matrix, as PyTorch. */
export function orthogonal_(t: Tensor, gain = 1): Tensor {
  if (t.ndim < 2) throw new RangeError('Only tensors with 2 or more dimensions are supported');
  if (t.numel() === 0) return t;
  const rows = t.shape[0], cols = t.numel() / rows;
  const m = Math.max(rows, cols), n = Math.min(rows, cols);
  // PyTorch's draws: a rows×cols normal_ matrix in t's dtype; A is it (or its transpose when
  // rows < cols) as m×n column-major for Householder QR
  const flat = new t.dtype.Array(rows * cols) as Float32Array | Float64Array;
  fillNormal(flat, 0, 1, true, default_generator);
  const A = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) A[j * m + i] = rows >= cols ? flat[i * cols + j] : flat[j * cols + i];
  const Q = householderQ(A, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * Q[j * m + i];
      if (rows >= cols) out[i * cols + j] = v;
      else out[j * cols + i] = v;
    }
  }
  return no_grad(() => t.copy_(new Tensor(out, [rows, cols], float64).reshape(t.shape as number[])));
}

/** Thin Q (m×n, column-major) of A (m×n, column-major), with R's diagonal made positive. */
function householderQ(A: Float64Array, m: number, n: number): Float64Array {
  const R = A.slice();
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[k * m + i] ** 2;
    norm = Math.sqrt(norm);
    const alpha = R[k * m + k] > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = R[k * m + i];
    v[k] -= alpha;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i] ** 2;
    vn = Math.sqrt(vn);
    if (vn > 0) for (let i = k; i < m; i++) v[i] /= vn;
    vs.push(v);
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * R[j * m + i];
      for (let i = k; i < m; i++) R[j * m + i] -= 2 * v[i] * dot;
    }
  }
  // Q = H0 H1 ... H(n-1) applied to the first n columns of the identity
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * Q[j * m + i];
      for (let i = k; i < m; i++) Q[j * m + i] -= 2 * v[i] * dot;
    }
  }
  // sign fix so the decomposition is unique (R's diagonal positive), as PyTorch's q *= sign(diag(r))
  for (let j = 0; j < n; j++) {
    if (R[j * m + j] < 0) for (let i = 0; i < m; i++) Q[j * m + i] = -Q[j * m + i];
  }
  return Q;
}
