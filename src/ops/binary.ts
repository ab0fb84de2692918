/** Binary elementwise ops with NumPy broadcasting and scalar operands, and their gradients. */
import { Tensor } from '../tensor.js';
import type { BinaryOp } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool, castToInt64, DType, int64 } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { allocateForOverwrite, asTensor, data, describe, floatType, resultType, strided, type Scalar, type TensorOrScalar } from './util.js';
import * as U from './unary.js';
import { finishOut, intoOut, outTarget, type Out } from './out.js';
import { divFloor } from './rounding.js';

export type RoundingMode = 'trunc' | 'floor' | null;

function checkOperand(v: unknown, fn: string): void {
  if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new TypeError(`${fn}(): argument 'other' must be Tensor or Number, not ${describe(v)}`);
  }
}

/**
 * Runs a binary kernel over the broadcast shape into a fresh tensor of `dtype`, or into `out`
 * (straight into its memory when it has that shape and dtype and is contiguous).
 */
export function runBinary(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType, param?: number, out?: Out, fn: string = op): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  if (out === null || out === undefined) {
    const r = allocateForOverwrite(shape, dtype);
    K.binary(op, strided(a, shape), strided(b, shape), r._storage.data, shape, param);
    return r;
  }
  const dst = outTarget(fn, out, shape, dtype, { inputs: [a, b], rule: 'cast', elementwise: true, differentiable: dtype !== bool });
  K.binary(op, strided(a, shape), strided(b, shape), dst === out ? data(dst) : dst._storage.data, shape, param);
  return dst;
}

/** The options of out= for a binary op computed from other ops. */
const composite = (inputs: readonly unknown[]) => ({ inputs: inputs.filter((x): x is Tensor => x instanceof Tensor), rule: 'cast' as const, elementwise: true });

function operands(a: TensorOrScalar, b: TensorOrScalar, fn: string): [Tensor, Tensor, DType] {
  checkOperand(a, fn);
  checkOperand(b, fn);
  const dt = resultType(a, b);
  return [asTensor(a, dt), asTensor(b, dt), dt];
}

function alphaOf(alpha: Scalar | undefined): number {
  return alpha === undefined ? 1 : Number(alpha);
}

/** PyTorch's checks on alpha against the dtype a + alpha·b is computed in. */
function checkAlpha(fn: string, a: Scalar | undefined, dt: DType): void {
  if (a !== undefined && typeof a !== 'number' && typeof a !== 'boolean') throw new TypeError(`${fn}(): argument 'alpha' must be Number, not ${describe(a)}`);
  if (typeof a === 'boolean' && dt !== bool) throw new TypeError('Boolean alpha only supported for Boolean results.');
  if (typeof a === 'number' && !dt.is_floating_point && !Number.isInteger(a)) {
    throw new TypeError('For integral input tensors, argument alpha must not be a floating point number.');
  }
}

export function add(a: TensorOrScalar, b: TensorOrScalar, alpha?: Scalar, out?: Out): Tensor {
  const al = alphaOf(alpha);
  const [ta, tb, dt] = operands(a, b, 'add');
  checkAlpha('add', alpha, dt);
  // bool: a or (alpha and b), so the result holds only 0 and 1
  if (dt === bool) return intoOut('add', out, logical_or(ta, al === 1 ? tb : logical_and(tb, al !== 0)), composite([a, b]));
  const sb = al === 1 ? tb : mul(tb, al);
  return finishOut(apply('AddBackward0', [ta, sb], runBinary('add', ta, sb, dt, undefined, out), (g) => [g, g]), out);
}

export function sub(a: TensorOrScalar, b: TensorOrScalar, alpha?: Scalar, out?: Out): Tensor {
  const al = alphaOf(alpha);
  const [ta, tb, dt] = operands(a, b, 'sub');
  if (dt === bool) {
    throw new TypeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  }
  checkAlpha('sub', alpha, dt);
  const sb = al === 1 ? tb : mul(tb, al);
  return finishOut(apply('SubBackward0', [ta, sb], runBinary('sub', ta, sb, dt, undefined, out), (g) => [g, U.neg(g)]), out);
}

export function mul(a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor {
  const [ta, tb, dt] = operands(a, b, 'mul');
  if (dt === bool) return finishOut(runBinary('logical_and', ta, tb, bool, undefined, out, 'mul'), out);
  return finishOut(apply('MulBackward0', [ta, tb], runBinary('mul', ta, tb, dt, undefined, out), (g, needs) => [needs[0] ? mul(g, tb) : null, needs[1] ? mul(g, ta) : null], [ta, tb]), out);
}

/** True division (ints give floats), or rounding_mode 'trunc' / 'floor' as in PyTorch. */
export function div(a: TensorOrScalar, b: TensorOrScalar, mode?: RoundingMode | null, out?: Out): Tensor {
  checkOperand(a, 'div');
  checkOperand(b, 'div');
  const rt = resultType(a, b);
  if (mode !== undefined && mode !== null) {
    if (mode !== 'trunc' && mode !== 'floor') {
      throw new RangeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`);
    }
    // floor: PyTorch's div_floor kernel (1.0 // 0.1 is 9, as in Python), shared with floor_divide
    if (mode === 'floor') return divFloor(a, b, out);
    if (rt === bool) throw new TypeError(`"div_trunc_cpu" not implemented for 'Bool'`);
    if (!rt.is_floating_point && data(asTensor(b, rt)).includes(0)) throw new RangeError('ZeroDivisionError');
    const q = div(asTensor(a, rt).to(floatType(rt)), asTensor(b, rt).to(floatType(rt)));
    const r = U.trunc(q);
    return intoOut('div', out, rt.is_floating_point ? r : r.to(rt), composite([a, b]));
  }
  const dt = floatType(rt);
  const ta = asTensor(a, dt), tb = asTensor(b, dt);
  return finishOut(apply('DivBackward0', [ta, tb], runBinary('div', ta, tb, dt, undefined, out), (g, needs) => [
    needs[0] ? div(g, tb) : null,
    needs[1] ? U.neg(div(mul(g, ta), mul(tb, tb))) : null,
  ], [ta, tb]), out);
}

export function pow(a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor {
  const [ta, tb, dt] = operands(a, b, 'pow');
  if (dt === bool) throw new TypeError(`"pow" not implemented for 'Bool'`);
  if (dt === int64) return intoOut('pow', out, intPow(ta, tb, typeof b === 'number'), composite([a, b]));
  const y = runBinary('pow', ta, tb, dt, undefined, out);
  return finishOut(apply('PowBackward1', [ta, tb], y, (g, needs) => [
    // d/da a^b = b·a^(b−1) (0 where b = 0, as PyTorch);  d/db a^b = a^b·log(a) (0 where a = 0 and b >= 0)
    needs[0] ? where(eq(tb, 0), 0, mul(mul(g, tb), pow(ta, sub(tb, 1)))) : null,
    needs[1] ? where(logical_and(eq(ta, 0), ge(tb, 0)), 0, mul(mul(g, y), U.log(ta))) : null,
  ], [ta, tb, y]), out);
}

/**
 * Integer powers as PyTorch computes them: a negative exponent gives 0 except for bases 1 and -1,
 * and is an error when it is a scalar. Integers have no gradient, so nothing is recorded.
 */
function intPow(a: Tensor, b: Tensor, scalarExponent: boolean): Tensor {
  if (scalarExponent && b.item() < 0) throw new RangeError('Integers to negative integer powers are not allowed.');
  const y = runBinary('pow', a, b, int64);
  const shape = y.shape;
  const ad = data(a.expand([...shape])), bd = data(b.expand([...shape])), yd = y._storage.data;
  for (let i = 0; i < yd.length; i++) {
    const x = ad[i], e = bd[i];
    yd[i] = e >= 0 ? castToInt64(yd[i]) : x === 1 ? 1 : x === -1 ? (e % 2 === 0 ? 1 : -1) : 0;
  }
  return y;
}

/**
 * maximum/minimum: the gradient goes to the larger (smaller) input, split evenly on ties. As in
 * PyTorch, only the strictly losing input is zeroed, so both get the gradient where a NaN is compared.
 */
function extremum(op: 'maximum' | 'minimum', a: Tensor, b: Tensor, out?: Out, fn: string = op): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
    throw new TypeError(`${op}(): argument 'other' must be Tensor, not ${describe(b)}`);
  }
  const dt = resultType(a, b);
  const name = op === 'maximum' ? 'MaximumBackward0' : 'MinimumBackward0';
  return finishOut(apply(name, [a, b], runBinary(op, a, b, dt, undefined, out, fn), (g, needs) => {
    const half = where(eq(a, b), div(g, 2), g);
    const aLoses = op === 'maximum' ? lt(a, b) : gt(a, b);
    const bLoses = op === 'maximum' ? gt(a, b) : lt(a, b);
    return [needs[0] ? where(aLoses, 0, half) : null, needs[1] ? where(bLoses, 0, half) : null];
  }, [a, b]), out);
}
export const maximum = (a: Tensor, b: Tensor, out?: Out, fn?: string) => extremum('maximum', a, b, out, fn);
export const minimum = (a: Tensor, b: Tensor, out?: Out, fn?: string) => extremum('minimum', a, b, out, fn);

function compare(op: BinaryOp) {
  return (a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor => {
    const [ta, tb] = operands(a, b, op);
    return finishOut(runBinary(op, ta, tb, bool, undefined, out), out);
  };
}
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');
export const logical_and = compare('logical_and');
export const logical_or = compare('logical_or');
export const logical_xor = compare('logical_xor');

/** where(condition, input, other): elementwise choice, broadcasting all three. */
export function where(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar, out?: Out): Tensor {
  if (!(condition instanceof Tensor)) throw new TypeError(`where(): argument 'condition' must be Tensor, not ${describe(condition)}`);
  if (condition.dtype !== bool) throw new TypeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype.name === 'int64' ? 'Long' : condition.dtype.name === 'float64' ? 'Double' : 'Float'}`);
  const [ta, tb, dt] = operands(a, b, 'where');
  const shape = broadcastShapes(broadcastShapes(condition.shape, ta.shape), tb.shape);
  const dst = outTarget('where', out, shape, dt, { inputs: [condition, ta, tb], rule: 'cast', elementwise: true });
  K.where(strided(condition, shape), strided(ta, shape), strided(tb, shape), dst === out ? data(dst) : dst._storage.data, shape);
  return finishOut(apply('WhereBackward0', [ta, tb], dst, (g, needs) => [
    needs[0] ? where(condition, g, 0) : null,
    needs[1] ? where(condition, 0, g) : null,
  ]), out);
}

export function masked_fill(x: Tensor, mask: Tensor, value: TensorOrScalar): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== bool) {
    throw new TypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask instanceof Tensor ? mask.dtype.name : describe(mask)}`);
  }
  if (value instanceof Tensor && value.shape.length !== 0) {
    throw new RangeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.shape.length} dimension(s).`);
  }
  broadcastShapes(x.shape, mask.shape);
  const v = value instanceof Tensor ? value.to(x.dtype) : asTensor(value, x.dtype);
  const out = where(mask, v, x);
  return out.dtype === x.dtype ? out : out.to(x.dtype);
}

/** True when both have the same shape and elements. */
export function equal(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  const d = data(eq(a, b));
  for (let i = 0; i < d.length; i++) if (!d[i]) return false;
  return true;
}

/** |a − b| <= atol + rtol·|b| elementwise, as torch.allclose. */
export function allclose(a: Tensor, b: Tensor, rtol?: number, atol?: number, equal_nan?: boolean): boolean {
  const rt = rtol ?? 1e-5, at = atol ?? 1e-8;
  const shape = broadcastShapes(a.shape, b.shape);
  const da = data(a.expand(shape).contiguous()), db = data(b.expand(shape).contiguous());
  for (let i = 0; i < da.length; i++) {
    const x = da[i], y = db[i];
    if (x !== x || y !== y) {
      if (equal_nan && x !== x && y !== y) continue;
      return false;
    }
    if (x === y) continue;
    if (!(Math.abs(x - y) <= at + rt * Math.abs(y))) return false;
  }
  return true;
}
