/**
 * JS elementwise kernels. Each op's row loop is generated once from its expression with
 * `new Function`, so every op gets its own monomorphic, inlinable loop (a shared loop calling
 * a per-op closure runs several times slower) and nothing is allocated per element.
 */
import type { BinaryOp, Cast, DataArray, Strided, UnaryGradOp, UnaryOp } from '../contract.js';
import { UNARY_KERNELS } from './unary_kernels.js';
import { collapse, forEachRow } from './strided.js';
import { contiguousStrides } from '../../shape.js';
import { castToBool, castToInt64 } from '../../dtype.js';
import { erf, geluGrad, geluTanhGrad, roundHalfEven, siluGrad, softplusGrad } from './math.js';

const helpers = { erf, roundHalfEven, geluGrad, geluTanhGrad, siluGrad, softplusGrad };

const binaryExpr: Record<BinaryOp, string> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  // C's pow, which PyTorch uses: 1^y and (-1)^±inf are 1 even for y NaN (JS gives NaN)
  pow: 'x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : Math.pow(x, y)',
  maximum: 'Math.max(x, y)',
  minimum: 'Math.min(x, y)',
  atan2: 'Math.atan2(x, y)',
  eq: 'x === y ? 1 : 0',
  ne: 'x !== y ? 1 : 0',
  lt: 'x < y ? 1 : 0',
  le: 'x <= y ? 1 : 0',
  gt: 'x > y ? 1 : 0',
  ge: 'x >= y ? 1 : 0',
  logical_and: 'x && y ? 1 : 0',
  logical_or: 'x || y ? 1 : 0',
  logical_xor: '!x !== !y ? 1 : 0',
};

type UnaryLoop = (x: DataArray, o: DataArray, n: number, p: number) => void;
type GradLoop = (x: DataArray, g: DataArray, o: DataArray, n: number, p: number) => void;
type BinaryRow = (a: DataArray, ao: number, as: number, b: DataArray, bo: number, bs: number, o: DataArray, oo: number, n: number, p: number) => void;

function makeUnary(expr: string): UnaryLoop {
  return new Function('h', `return function unary(a, o, n, p) {
    let e = 0;
    for (let i = 0; i < n; i++) { const x = a[i]; o[i] = ${expr}; }
  }`)(helpers) as UnaryLoop;
}

function makeGrad(expr: string): GradLoop {
  return new Function('h', `return function unaryGrad(s, gr, o, n, p) {
    for (let i = 0; i < n; i++) { const x = s[i], g = gr[i]; o[i] = ${expr}; }
  }`)(helpers) as GradLoop;
}

/** Three row shapes: both operands contiguous, one a broadcast scalar, or general strides. */
function makeBinary(expr: string): BinaryRow {
  return new Function('h', `return function binary(a, ao, as, b, bo, bs, o, oo, n, p) {
    if (as === 1 && bs === 1) {
      for (let i = 0; i < n; i++) { const x = a[ao + i], y = b[bo + i]; o[oo + i] = ${expr}; }
    } else if (bs === 0 && as === 1) {
      const y = b[bo];
      for (let i = 0; i < n; i++) { const x = a[ao + i]; o[oo + i] = ${expr}; }
    } else if (as === 0 && bs === 1) {
      const x = a[ao];
      for (let i = 0; i < n; i++) { const y = b[bo + i]; o[oo + i] = ${expr}; }
    } else {
      for (let i = 0; i < n; i++, ao += as, bo += bs) { const x = a[ao], y = b[bo]; o[oo + i] = ${expr}; }
    }
  }`)(helpers) as BinaryRow;
}

const unaryLoops = new Map<UnaryOp, UnaryLoop>();
const gradLoops = new Map<UnaryGradOp, GradLoop>();
const binaryRows = new Map<BinaryOp, BinaryRow>();

/** An op's scalar parameter in the result's dtype, as PyTorch converts it (leaky_relu's slope 0.2 is 0.2f on float32). */
function scalarOf(out: DataArray, param: number): number {
  return out instanceof Float32Array ? Math.fround(param) : param;
}

export function unary(op: UnaryOp, x: DataArray, out: DataArray, n: number, param = 0): void {
  let f = unaryLoops.get(op);
  if (!f) {
    f = makeUnary(UNARY_KERNELS[op].f);
    unaryLoops.set(op, f);
  }
  f(x, out, n, scalarOf(out, param));
}

export function unaryGrad(op: UnaryGradOp, saved: DataArray, grad: DataArray, out: DataArray, n: number, param = 0): void {
  let f = gradLoops.get(op);
  if (!f) {
    f = makeGrad(UNARY_KERNELS[op].grad);
    gradLoops.set(op, f);
  }
  f(saved, grad, out, n, scalarOf(out, param));
}

export function clamp(x: DataArray, out: DataArray, n: number, lo: number, hi: number): void {
  // a NaN bound makes every element NaN, as PyTorch's max/min propagate it
  if (lo !== lo || hi !== hi) return void out.fill(NaN, 0, n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    // min(max(v, lo), hi): NaN fails both comparisons and passes through, and lo > hi gives hi, as in PyTorch
    const c = v < lo ? lo : v;
    out[i] = c > hi ? hi : c;
  }
}

export function binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[], param = 0): void {
  let f = binaryRows.get(op);
  if (!f) {
    f = makeBinary(binaryExpr[op]);
    binaryRows.set(op, f);
  }
  const row = f;
  const c = collapse(shape, [a.strides, b.strides, contiguousStrides(shape)]);
  const ad = a.data, bd = b.data;
  const nd = c.shape.length;
  const as = c.strides[0][nd - 1], bs = c.strides[1][nd - 1];
  const p = scalarOf(out, param);
  forEachRow(c, [a.offset, b.offset, 0], (o, n) => row(ad, o[0], as, bd, o[1], bs, out, o[2], n, p));
}

export function where(cond: Strided, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void {
  const c = collapse(shape, [cond.strides, a.strides, b.strides, contiguousStrides(shape)]);
  const cd = cond.data, ad = a.data, bd = b.data;
  const nd = c.shape.length;
  const cs = c.strides[0][nd - 1], as = c.strides[1][nd - 1], bs = c.strides[2][nd - 1];
  forEachRow(c, [cond.offset, a.offset, b.offset, 0], (o, n) => {
    let ci = o[0], ai = o[1], bi = o[2];
    const oo = o[3];
    for (let i = 0; i < n; i++, ci += cs, ai += as, bi += bs) out[oo + i] = cd[ci] ? ad[ai] : bd[bi];
  });
}

export function copy(x: Strided, out: Strided, shape: readonly number[], cast: Cast): void {
  const c = collapse(shape, [x.strides, out.strides]);
  const xd = x.data, od = out.data;
  const nd = c.shape.length;
  const xs = c.strides[0][nd - 1], os = c.strides[1][nd - 1];
  if (cast === 'none' && nd === 1 && xs === 1 && os === 1 && xd.constructor === od.constructor) {
    od.set(xd.subarray(x.offset, x.offset + c.shape[0]), out.offset);
    return;
  }
  forEachRow(c, [x.offset, out.offset], (o, n) => {
    let xi = o[0], oi = o[1];
    if (cast === 'none') for (let i = 0; i < n; i++, xi += xs, oi += os) od[oi] = xd[xi];
    else if (cast === 'trunc') for (let i = 0; i < n; i++, xi += xs, oi += os) od[oi] = castToInt64(xd[xi]);
    else for (let i = 0; i < n; i++, xi += xs, oi += os) od[oi] = castToBool(xd[xi]);
  });
}
