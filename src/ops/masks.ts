/**
 * Tests of floating-point classes (isnan, isinf, isfinite, isposinf, isneginf), nan_to_num, and
 * where(condition) with one argument: tight loops over the contiguous elements, bool results.
 */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { bool, float32 } from '../dtype.js';
import { allocateForOverwrite, checkTensor, data, typeName } from './util.js';
import { finishOut, outTarget, type Out } from './out.js';
import * as B from './binary.js';

type Test = 'nan' | 'inf' | 'finite' | 'posinf' | 'neginf';

/** A bool tensor of the class test; integers and bools are never NaN nor infinite. */
function classify(fn: string, x: Tensor, test: Test, out?: Out): Tensor {
  checkTensor(x, 'input', fn);
  const dst = out === null || out === undefined ? allocateForOverwrite(x.shape, bool)
    : outTarget(fn, out, x.shape, bool, {
      inputs: [x], differentiable: false, elementwise: true,
      rule: (o) => { if (o !== bool) throw new TypeError(`${fn} does not support non-boolean outputs.`); },
    });
  const o = dst === out ? data(dst) : dst._storage.data;
  const n = x.numel();
  if (!x.dtype.is_floating_point) {
    o.fill(test === 'finite' ? 1 : 0, 0, n);
    return finishOut(dst, out);
  }
  const d = data(x);
  if (test === 'nan') for (let i = 0; i < n; i++) o[i] = d[i] !== d[i] ? 1 : 0;
  else if (test === 'inf') for (let i = 0; i < n; i++) o[i] = d[i] === Infinity || d[i] === -Infinity ? 1 : 0;
  else if (test === 'finite') for (let i = 0; i < n; i++) o[i] = d[i] - d[i] === 0 ? 1 : 0;
  else if (test === 'posinf') for (let i = 0; i < n; i++) o[i] = d[i] === Infinity ? 1 : 0;
  else for (let i = 0; i < n; i++) o[i] = d[i] === -Infinity ? 1 : 0;
  return finishOut(dst, out);
}

export const isnan = (x: Tensor) => classify('isnan', x, 'nan');
export const isinf = (x: Tensor) => classify('isinf', x, 'inf');
export const isfinite = (x: Tensor) => classify('isfinite', x, 'finite');
export const isposinf = (x: Tensor, out?: Out) => classify('isposinf', x, 'posinf', out);
export const isneginf = (x: Tensor, out?: Out) => classify('isneginf', x, 'neginf', out);

/** The largest finite value of a floating dtype (std::numeric_limits<T>::max()). */
const FLOAT_MAX = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * NaN → nan, +inf → posinf, −inf → neginf; the defaults are 0 and the dtype's largest and lowest
 * finite values. Integer and bool tensors come back as copies. The gradient passes where x was finite.
 */
export function nan_to_num(x: Tensor, nan?: number | null, posinf?: number | null, neginf?: number | null, out?: Out): Tensor {
  checkTensor(x, 'input', 'nan_to_num');
  const dst = out === null || out === undefined ? allocateForOverwrite(x.shape, x.dtype)
    : outTarget('nan_to_num', out, x.shape, x.dtype, {
      inputs: [x], elementwise: true,
      rule: (o) => { if (o !== x.dtype) throw new TypeError(`nan_to_num: dtype of out: ${typeName(o)} should be same as input: ${typeName(x.dtype)}`); },
    });
  const o = dst === out ? data(dst) : dst._storage.data;
  const d = data(x), n = x.numel();
  if (!x.dtype.is_floating_point) {
    o.set(d.subarray(0, n));
    return finishOut(dst, out);
  }
  const max = x.dtype === float32 ? FLOAT_MAX.float32 : FLOAT_MAX.float64;
  const vNan = nan ?? 0, vPos = posinf ?? max, vNeg = neginf ?? -max;
  for (let i = 0; i < n; i++) {
    const v = d[i];
    o[i] = v !== v ? vNan : v === Infinity ? vPos : v === -Infinity ? vNeg : v;
  }
  return finishOut(apply('NanToNumBackward0', [x], dst, (g) => [B.where(isfinite(x), g, 0)], [x]), out);
}


