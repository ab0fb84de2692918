/**
 * Division with rounding and its remainders, as PyTorch's CPU kernels compute them:
 * floor_divide (rounds toward −inf since 1.13), remainder (Python's %: the divisor's sign) and
 * fmod (C's fmod: the dividend's sign). float32 rounds after every step, as the kernels do in
 * float; each step is one IEEE operation in double first, which rounds to the same float.
 */
import { Tensor } from '../tensor.js';
import { apply } from '../autograd/node.js';
import { bool, DType, float32 } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { asTensor, data, describe, resultType, type TensorOrScalar } from './util.js';
import { finishOut, outTarget, type Out } from './out.js';
import * as B from './binary.js';
import * as U from './unary.js';

type Kind = 'floor_divide' | 'remainder' | 'fmod';
const KERNEL: Record<Kind, string> = { floor_divide: 'div_floor_cpu', remainder: 'remainder_cpu', fmod: 'fmod_cpu' };

function operand(v: unknown, name: string, fn: Kind): void {
  if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new TypeError(`${fn}(): argument '${name}' must be Tensor or Number, not ${describe(v)}`);
  }
}

/** Runs the elementwise loop of `kind` over the broadcast operands into a fresh tensor or out. */
function run(kind: Kind, a: Tensor, b: Tensor, dt: DType, out?: Out): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const dst = outTarget(kind, out, shape, dt, { inputs: [a, b], rule: 'cast', elementwise: true });
  const o = dst === out ? data(dst) : dst._storage.data;
  const x = data(a.expand(shape)), y = data(b.expand(shape));
  const n = dst.numel();
  if (!dt.is_floating_point) intLoop(kind, x, y, o, n);
  else if (dt === float32) floatLoop(kind, x, y, o, n, true);
  else floatLoop(kind, x, y, o, n, false);
  return dst;
}

type Arr = ArrayLike<number> & { [i: number]: number };

/**
 * C's fmod without JS's %, which calls out to a slow runtime function for doubles. For float32
 * operands with |a/b| < 2^28 the quotient rounds to a double on the right side of every integer,
 * so a − trunc(a/b)·b is exact; operands that fit int32 take the integer %; the rest take %.
 */
function fmodOf(a: number, b: number, f32: boolean): number {
  let r: number;
  if (f32) {
    const q = a / b;
    if (!(q < 268435456 && q > -268435456 && b - b === 0)) return a % b;
    r = a - Math.trunc(q) * b;
  } else if ((a | 0) === a && (b | 0) === b && b !== 0) {
    r = (a | 0) % (b | 0);
  } else {
    return a % b;
  }
  // a zero keeps the dividend's sign, as fmod's
  return r === 0 ? a * 0 : r;
}

/** Integers (int64 held exactly in doubles): % and the division are exact below 2^53. */
function intLoop(kind: Kind, x: Arr, y: Arr, o: Arr, n: number): void {
  for (let i = 0; i < n; i++) if (y[i] === 0) throw new RangeError('ZeroDivisionError');
  if (kind === 'fmod') {
    for (let i = 0; i < n; i++) o[i] = fmodOf(x[i], y[i], false) + 0;
  } else if (kind === 'remainder') {
    for (let i = 0; i < n; i++) {
      const b = y[i], r = fmodOf(x[i], b, false);
      o[i] = r !== 0 && (r < 0) !== (b < 0) ? r + b : r + 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = x[i], b = y[i], r = fmodOf(a, b, false), q = (a - r) / b;
      o[i] = (r !== 0 && (r < 0) !== (b < 0) ? q - 1 : q) + 0;
    }
  }
}

/** Floats: PyTorch's formulas (remainder's mod += b, div_floor_floating), each step rounded when f32. */
function floatLoop(kind: Kind, x: Arr, y: Arr, o: Arr, n: number, f32: boolean): void {
  if (kind === 'fmod') fmodLoop(x, y, o, n, f32);
  else if (kind === 'remainder') remainderLoop(x, y, o, n, f32);
  else floorDivLoop(x, y, o, n, f32);
}

// one loop per function, so that each inlines fmodOf
function fmodLoop(x: Arr, y: Arr, o: Arr, n: number, f32: boolean): void {
  for (let i = 0; i < n; i++) o[i] = fmodOf(x[i], y[i], f32);
}

function remainderLoop(x: Arr, y: Arr, o: Arr, n: number, f32: boolean): void {
  for (let i = 0; i < n; i++) {
    const b = y[i], m = fmodOf(x[i], b, f32);
    o[i] = m !== 0 && (b < 0) !== (m < 0) ? m + b : m;
  }
}

function floorDivLoop(x: Arr, y: Arr, o: Arr, n: number, f32: boolean): void {
  const fr = Math.fround;
  for (let i = 0; i < n; i++) {
    const a = x[i], b = y[i];
    if (b === 0) {
      o[i] = a / b;
      continue;
    }
    const m = fmodOf(a, b, f32);
    let div = f32 ? fr(fr(a - m) / b) : (a - m) / b;
    if (m !== 0 && (b < 0) !== (m < 0)) div = f32 ? fr(div - 1) : div - 1;
    let q: number;
    if (div !== 0) {
      q = Math.floor(div);
      if ((f32 ? fr(div - q) : div - q) > 0.5) q += 1;
    } else {
      // a zero quotient takes the sign of the true quotient
      q = a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
    }
    o[i] = q;
  }
}

function prepare(kind: Kind, a: TensorOrScalar, b: TensorOrScalar): [Tensor, Tensor, DType] {
  operand(a, 'input', kind);
  operand(b, 'other', kind);
  const dt = resultType(a, b);
  if (dt === bool) throw new TypeError(`"${KERNEL[kind]}" not implemented for 'Bool'`);
  return [asTensor(a, dt), asTensor(b, dt), dt];
}

/** A result PyTorch has no derivative for: it requires grad, and backward through it is an error. */
const noDerivative = (op: string, inputs: Tensor[], y: Tensor) => apply('NotImplemented', inputs, y, () => {
  throw new Error(`derivative for aten::${op} is not implemented`);
});

/** a // b rounded toward −inf. */
export function floor_divide(a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor {
  const [ta, tb, dt] = prepare('floor_divide', a, b);
  return finishOut(noDerivative('floor_divide', [ta, tb], run('floor_divide', ta, tb, dt, out)), out);
}

/** div(a, b, rounding_mode='floor'): floor_divide's kernel, with PyTorch's zero gradient (DivBackward2). */
export function divFloor(a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor {
  const [ta, tb, dt] = prepare('floor_divide', a, b);
  return finishOut(apply('DivBackward2', [ta, tb], run('floor_divide', ta, tb, dt, out), (g) => [B.mul(g, 0), B.mul(g, 0)]), out);
}

/** Python's %: the result has the divisor's sign. d/db = −a.div(b, 'floor'). */
export function remainder(a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor {
  const [ta, tb, dt] = prepare('remainder', a, b);
  const y = run('remainder', ta, tb, dt, out);
  if (!(a instanceof Tensor)) return finishOut(noDerivative('remainder', [tb], y), out);
  if (!(b instanceof Tensor)) return finishOut(apply('RemainderBackward0', [ta], y, (g) => [g]), out);
  return finishOut(apply('RemainderBackward1', [ta, tb], y, (g, needs) => [
    // PyTorch's a.div(b, rounding_mode='floor') is this kernel: its inf and NaN edges included
    g, needs[1] ? U.neg(B.mul(g, run('floor_divide', ta, tb, dt))) : null,
  ], [ta, tb]), out);
}

/** C's fmod: the result has the dividend's sign. d/db = −a.div(b, 'trunc'). */
export function fmod(a: Tensor, b: TensorOrScalar, out?: Out): Tensor {
  const [ta, tb, dt] = prepare('fmod', a, b);
  const y = run('fmod', ta, tb, dt, out);
  if (!(b instanceof Tensor)) return finishOut(apply('FmodBackward0', [ta], y, (g) => [g]), out);
  return finishOut(apply('FmodBackward1', [ta, tb], y, (g, needs) => [
    g, needs[1] ? U.neg(B.mul(g, B.div(ta, tb, 'trunc'))) : null,
  ], [ta, tb]), out);
}
