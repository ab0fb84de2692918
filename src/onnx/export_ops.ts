/**
 * How each recorded step becomes ONNX nodes: declared functions by their PyTorch name, library
 * modules by class name. The decompositions are the ones PyTorch 1.13's symbolic functions emit
 * (GELU through Erf, LayerNorm below opset 17 through ReduceMean, Softplus with beta ≠ 1 scaled).
 */
import { Tensor } from '../tensor.js';
import { data } from '../ops/util.js';
import { numelOf } from '../shape.js';
import type { Module } from '../nn/module.js';
import { Ref, type Step, type Value } from '../inference/record.js';
import { DataType } from './proto.js';
import { elemType, type GraphBuilder } from './export_graph.js';

export class Ctx {
  constructor(readonly b: GraphBuilder, readonly step: Step) {}

  /** An argument by its parameter name (declared functions). */
  arg(name: string): unknown {
    const i = this.step.names.indexOf(name);
    return i < 0 ? undefined : this.step.args[i];
  }

  /** The recorded value a Ref stands for, or a constant tensor's own description. */
  value(v: unknown): Pick<Value, 'shape' | 'dtype'> {
    if (v instanceof Ref) return this.b.values[v.id];
    if (v instanceof Tensor) return v;
    throw new TypeError(`${this.step.name}: expected a tensor argument`);
  }

  /** The step's (first) result. */
  get out(): Value {
    return this.b.values[this.step.writes[0]];
  }

  /** The ONNX name of a tensor argument: a recorded value, or a constant as an initializer. */
  input(v: unknown, op: string): string {
    if (v instanceof Ref) {
      const name = this.b.names.get(v.id);
      if (name === undefined) throw new Error(`torch.onnx.export: value %${v.id} is used before it is computed`);
      return name;
    }
    if (v instanceof Tensor) return this.b.initializer(v, op);
    throw new TypeError(`torch.onnx.export: ${this.step.name} expected a tensor, got ${typeof v}`);
  }

  /** A float scalar as a Constant of the result's element type. */
  scalar(x: number, type = elemType(this.out.dtype)): string {
    return this.b.constant([type === DataType.INT64 ? BigInt(Math.trunc(x)) : x], type);
  }

  /** An int64 vector Constant (shapes, axes). */
  ints(xs: readonly number[]): string {
    return this.b.constant(xs.map((x) => BigInt(x)), DataType.INT64, [xs.length]);
  }

  /** An operand of an arithmetic op as a name of the result's element type (Cast when it differs). */
  operand(v: unknown, op: string): string {
    const type = elemType(this.out.dtype);
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return this.scalar(Number(v), type);
    const name = this.input(v, op);
    return elemType(this.value(v).dtype) === type ? name : this.b.node('Cast', [name], { to: type });
  }

  unsupported(what = ''): never {
    const kind = this.step.kind === 'module' ? 'module' : 'operator';
    throw new Error(`Exporting the ${kind} ${this.step.name}${what} to ONNX opset version ${this.b.opset} is not supported`);
  }
}

type Handler = (c: Ctx, x: string) => string | string[];
type ModuleHandler = (c: Ctx, x: string, m: Module & Record<string, unknown>) => string | string[];

const unary = (op: string): Handler => (c, x) => c.b.node(op, [x]);
const same: Handler = (_c, x) => x;

/** Normalizes a dim against a rank (PyTorch's wrap). */
function wrap(d: number, rank: number): number {
  return d < 0 ? d + rank : d;
}

// ---- activations ----------------------------------------------------------------------------------

function clip(c: Ctx, x: string, lo: number | null, hi: number | null): string {
  return c.b.node('Clip', [x, lo === null ? '' : c.scalar(lo), hi === null ? '' : c.scalar(hi)]);
}

function gelu(c: Ctx, x: string, approximate: string): string {
  const b = c.b;
  if (approximate === 'tanh') {
    const cube = b.node('Mul', [b.node('Mul', [x, x]), x]);
    const inner = b.node('Add', [x, b.node('Mul', [cube, c.scalar(0.044715)])]);
    const t = b.node('Tanh', [b.node('Mul', [inner, c.scalar(Math.sqrt(2 / Math.PI))])]);
    return b.node('Mul', [b.node('Mul', [x, b.node('Add', [t, c.scalar(1)])]), c.scalar(0.5)]);
  }
  if (approximate !== 'none') c.unsupported(` with approximate='${approximate}'`);
  const erf = b.node('Erf', [b.node('Div', [x, c.scalar(Math.SQRT2)])]);
  return b.node('Mul', [b.node('Mul', [x, b.node('Add', [erf, c.scalar(1)])]), c.scalar(0.5)]);
}

function softplus(c: Ctx, x: string, beta: number): string {
  // PyTorch's rule: ONNX Softplus has no beta and no threshold; beta ≠ 1 scales in and out
  if (beta === 1) return c.b.node('Softplus', [x]);
  return c.b.node('Div', [c.b.node('Softplus', [c.b.node('Mul', [x, c.scalar(beta)])]), c.scalar(beta)]);
}

function hardswish(c: Ctx, x: string): string {
  // HardSwish exists from opset 14; below it PyTorch writes x · HardSigmoid(x)
  if (c.b.opset >= 14) return c.b.node('HardSwish', [x]);
  return c.b.node('Mul', [x, c.b.node('HardSigmoid', [x], { alpha: { float: 1 / 6 } })]);
}

function softshrink(c: Ctx, x: string, lambd: number): string {
  const b = c.b;
  const zero = () => c.scalar(0);
  const above = b.node('Where', [b.node('Greater', [x, c.scalar(lambd)]), b.node('Sub', [x, c.scalar(lambd)]), zero()]);
  const below = b.node('Where', [b.node('Less', [x, c.scalar(-lambd)]), b.node('Add', [x, c.scalar(lambd)]), zero()]);
  return b.node('Add', [above, below]);
}

function hardshrink(c: Ctx, x: string, lambd: number): string {
  const b = c.b;
  const above = b.node('Greater', [x, c.scalar(lambd)]), below = b.node('Less', [x, c.scalar(-lambd)]);
  const keep = b.node('Or', [b.node('Cast', [above], { to: DataType.BOOL }), b.node('Cast', [below], { to: DataType.BOOL })]);
  return b.node('Where', [keep, x, c.scalar(0)]);
}

function threshold(c: Ctx, x: string, th: number, value: number): string {
  return c.b.node('Where', [c.b.node('Greater', [x, c.scalar(th)]), x, c.scalar(value)]);
}

function prelu(c: Ctx, x: string, weight: unknown): string {
  const w = c.value(weight);
  const rank = c.out.shape.length;
  // ONNX broadcasts the slope from the right; PyTorch's per-channel slope is dim 1
  if (rank > 2 && w.shape.length === 1 && w.shape[0] > 1 && weight instanceof Tensor) {
    const dims = [w.shape[0], ...new Array<number>(rank - 2).fill(1)];
    return c.b.node('PRelu', [x, c.b.folded('PRelu', dims, elemType(w.dtype), data(weight) as Float32Array)]);
  }
  return c.b.node('PRelu', [x, c.input(weight, 'PRelu')]);
}

function glu(c: Ctx, x: string, dim: number): string {
  const [a, g] = c.b.nodeOutputs('Split', [x], { axis: dim }, 2);
  return c.b.node('Mul', [a, c.b.node('Sigmoid', [g])]);
}

/** The dim PyTorch picks when softmax gets none (the legacy _get_softmax_dim). */
function softmaxDim(dim: number | null, rank: number): number {
  return dim ?? (rank === 0 || rank === 1 || rank === 3 ? 0 : 1);
}

function softmax(c: Ctx, x: string, op: 'Softmax' | 'LogSoftmax', dim: number | null, negate = false): string {
  const dtype = c.step.kind === 'call' ? c.arg('dtype') : null;
  if (dtype !== null && dtype !== undefined) c.unsupported(' with dtype');
  const rank = c.out.shape.length;
  const input = negate ? c.b.node('Neg', [x]) : x;
  // from opset 13 the axis is the softmax dim itself (before it, inputs were coerced to 2-D)
  return c.b.node(op, [input], { axis: softmaxDim(dim, rank) });
}

// ---- layers -----------------------------------------------------------------------------------------

function linear(c: Ctx, x: string, xValue: Pick<Value, 'shape'>, weight: unknown, bias: unknown): string {
  const b = c.b;
  if (xValue.shape.length === 2) {
    const inputs = [x, c.input(weight, 'Gemm')];
    if (bias instanceof Ref || bias instanceof Tensor) inputs.push(c.input(bias, 'Gemm'));
    return b.node('Gemm', inputs, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
  }
  // other ranks: x·Wᵀ (+ b), Wᵀ folded into an initializer or a Transpose node
  let wt: string;
  if (b.fold && weight instanceof Tensor && weight.ndim === 2) {
    const t = weight.t().contiguous();
    b.number(); // the Transpose node PyTorch folds away keeps its number
    wt = b.folded('MatMul', t.shape, elemType(t.dtype), data(t) as Float32Array);
  } else {
    wt = b.node('Transpose', [c.input(weight, 'MatMul')], { perm: [1, 0] });
  }
  const mm = b.node('MatMul', [x, wt]);
  return bias instanceof Ref || bias instanceof Tensor ? b.node('Add', [c.input(bias, 'Add'), mm]) : mm;
}

function layerNorm(c: Ctx, x: string, normalized: readonly number[], weight: unknown, bias: unknown, eps: number): string {
  const b = c.b;
  const k = normalized.length;
  const type = elemType(c.out.dtype);
  const given = (t: unknown) => t instanceof Ref || t instanceof Tensor;
  if (b.opset >= 17) {
    const scale = given(weight) ? c.input(weight, 'LayerNormalization') : b.folded('LayerNormalization', normalized, type, new Float32Array(numelOf(normalized)).fill(1));
    const inputs = [x, scale];
    if (given(bias)) inputs.push(c.input(bias, 'LayerNormalization'));
    return b.node('LayerNormalization', inputs, { axis: -k, epsilon: { float: eps } });
  }
  const axes = Array.from({ length: k }, (_, i) => i - k);
  const centered = b.node('Sub', [x, b.node('ReduceMean', [x], { axes })]);
  const variance = b.node('ReduceMean', [b.node('Pow', [centered, c.scalar(2)])], { axes });
  let y = b.node('Div', [centered, b.node('Sqrt', [b.node('Add', [variance, c.scalar(eps)])])]);
  if (given(weight)) y = b.node('Mul', [y, c.input(weight, 'Mul')]);
  if (given(bias)) y = b.node('Add', [y, c.input(bias, 'Add')]);
  return y;
}

/**
 * A shape for Reshape that keeps the dynamic batch: a leading size equal to the traced batch of a
 * batched input becomes 0 (ONNX: copy the input's dimension).
 */
function keepBatch(c: Ctx, xShape: readonly number[], shape: readonly number[]): number[] {
  const out = [...shape];
  if (c.b.batch0 > 0 && out.length > 0 && xShape.length > 0 && xShape[0] === c.b.batch0 && out[0] === c.b.batch0) out[0] = 0;
  return out;
}

function reshape(c: Ctx, x: string, shape: readonly number[]): string {
  return c.b.node('Reshape', [x, c.ints(shape)], c.b.opset >= 14 ? { allowzero: 0 } : {});
}

function flatten(c: Ctx, x: string, xShape: readonly number[], startDim: number, endDim: number): string {
  const rank = xShape.length;
  if (rank === 0) return reshape(c, x, [1]);
  const s = wrap(startDim, rank), e = wrap(endDim, rank);
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return c.b.node('Identity', [x]);
  if (s === 1 && e === rank - 1) return c.b.node('Flatten', [x], { axis: 1 });
  // leading dims copied (0), the flattened range inferred (-1), trailing dims as traced
  const shape = [...new Array<number>(s).fill(0), -1, ...xShape.slice(e + 1)];
  return reshape(c, x, shape);
}

function viewShape(c: Ctx, xShape: readonly number[]): number[] {
  const shape = c.arg('size') ?? c.arg('shape');
  if (!Array.isArray(shape)) c.unsupported(' with a shape that is not a list of ints');
  return keepBatch(c, xShape, shape as number[]);
}

function dropout(c: Ctx, x: string, p: number, training: boolean): string | string[] {
  if (!training || p === 0) return x;
  const type = elemType(c.out.dtype);
  const [y] = c.b.nodeOutputs('Dropout', [x, c.scalar(p, type), c.b.constant([true], DataType.BOOL)], {}, 2);
  return y;
}

// ---- arithmetic -------------------------------------------------------------------------------------

function binary(op: string, withAlpha = false): Handler {
  return (c) => {
    const a = c.operand(c.arg('input') ?? c.arg('self'), op);
    let other = c.operand(c.arg('other') ?? c.arg('exponent'), op);
    const alpha = withAlpha ? Number(c.arg('alpha') ?? 1) : 1;
    if (alpha !== 1) other = c.b.node('Mul', [other, c.scalar(alpha)]);
    return c.b.node(op, [a, other]);
  };
}

function reduce(op: 'ReduceMean' | 'ReduceSum'): Handler {
  return (c, x) => {
    const dim = c.arg('dim');
    const keepdims = c.arg('keepdim') === true ? 1 : 0;
    if (c.arg('dtype') !== null && c.arg('dtype') !== undefined) c.unsupported(' with dtype');
    const rank = c.value(c.arg('input')).shape.length;
    const axes = dim === null || dim === undefined ? Array.from({ length: rank }, (_, i) => i) : (Array.isArray(dim) ? dim : [dim]) as number[];
    // ReduceSum takes its axes as an input from opset 13, ReduceMean only from 18
    if (op === 'ReduceSum') return c.b.node(op, [x, c.ints(axes)], { keepdims });
    return c.b.node(op, [x], { axes, keepdims });
  };
}

// ---- the tables -------------------------------------------------------------------------------------

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

export const FUNCTIONS: Record<string, Handler> = {
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  abs: unary('Abs'),
  neg: unary('Neg'),
  erf: unary('Erf'),
  selu: unary('Selu'),
  relu6: (c, x) => clip(c, x, 0, 6),
  hardtanh: (c, x) => clip(c, x, num(c.arg('min_val'), -1), num(c.arg('max_val'), 1)),
  clamp: (c, x) => clip(c, x, c.arg('min') as number | null, c.arg('max') as number | null),
  gelu: (c, x) => gelu(c, x, String(c.arg('approximate') ?? 'none')),
  silu: (c, x) => c.b.node('Mul', [x, c.b.node('Sigmoid', [x])]),
  mish: (c, x) => c.b.node('Mul', [x, c.b.node('Tanh', [c.b.node('Softplus', [x])])]),
  softplus: (c, x) => softplus(c, x, num(c.arg('beta'), 1)),
  softsign: (c, x) => c.b.node('Div', [x, c.b.node('Add', [c.b.node('Abs', [x]), c.scalar(1)])]),
  elu: (c, x) => c.b.node('Elu', [x], { alpha: { float: num(c.arg('alpha'), 1) } }),
  celu: (c, x) => c.b.node('Celu', [x], { alpha: { float: num(c.arg('alpha'), 1) } }),
  leaky_relu: (c, x) => c.b.node('LeakyRelu', [x], { alpha: { float: num(c.arg('negative_slope'), 0.01) } }),
  prelu: (c, x) => prelu(c, x, c.arg('weight')),
  hardswish: hardswish,
  hardsigmoid: (c, x) => c.b.node('HardSigmoid', [x], { alpha: { float: 1 / 6 } }),
  logsigmoid: (c, x) => c.b.node('Log', [c.b.node('Sigmoid', [x])]),
  tanhshrink: (c, x) => c.b.node('Sub', [x, c.b.node('Tanh', [x])]),
  softshrink: (c, x) => softshrink(c, x, num(c.arg('lambd'), 0.5)),
  hardshrink: (c, x) => hardshrink(c, x, num(c.arg('lambd'), 0.5)),
  threshold: (c, x) => threshold(c, x, c.arg('threshold') as number, c.arg('value') as number),
  glu: (c, x) => glu(c, x, num(c.arg('dim'), -1)),
  softmax: (c, x) => softmax(c, x, 'Softmax', c.arg('dim') as number | null),
  log_softmax: (c, x) => softmax(c, x, 'LogSoftmax', c.arg('dim') as number | null),
  softmin: (c, x) => softmax(c, x, 'Softmax', c.arg('dim') as number | null, true),
  linear: (c, x) => linear(c, x, c.value(c.arg('input')), c.arg('weight'), c.arg('bias')),
  layer_norm: (c, x) => layerNorm(c, x, c.arg('normalized_shape') as number[], c.arg('weight'), c.arg('bias'), num(c.arg('eps'), 1e-5)),
  dropout: (c, x) => dropout(c, x, num(c.arg('p'), 0.5), c.arg('training') !== false),
  matmul: (c) => c.b.node('MatMul', [c.input(c.arg('input'), 'MatMul'), c.input(c.arg('other'), 'MatMul')]),
  mm: (c) => c.b.node('MatMul', [c.input(c.arg('input'), 'MatMul'), c.input(c.arg('mat2'), 'MatMul')]),
  add: binary('Add', true),
  sub: binary('Sub', true),
  mul: binary('Mul'),
  div: (c, x) => {
    if (c.arg('rounding_mode') !== null && c.arg('rounding_mode') !== undefined) c.unsupported(` with rounding_mode='${String(c.arg('rounding_mode'))}'`);
    return binary('Div')(c, x);
  },
  pow: binary('Pow'),
  mean: reduce('ReduceMean'),
  sum: reduce('ReduceSum'),
  view: (c, x) => reshape(c, x, viewShape(c, c.value(c.arg('input')).shape)),
  flatten: (c, x) => flatten(c, x, c.value(c.arg('input')).shape, num(c.arg('start_dim'), 0), num(c.arg('end_dim'), -1)),
  unflatten: (c, x) => reshape(c, x, keepBatch(c, c.value(c.arg('input')).shape, c.out.shape)),
  t: (c, x) => (c.out.shape.length < 2 ? x : c.b.node('Transpose', [x], { perm: [1, 0] })),
  transpose: (c, x) => {
    const rank = c.out.shape.length;
    const perm = Array.from({ length: rank }, (_, i) => i);
    const d0 = wrap(c.arg('dim0') as number, rank), d1 = wrap(c.arg('dim1') as number, rank);
    [perm[d0], perm[d1]] = [perm[d1], perm[d0]];
    return c.b.node('Transpose', [x], { perm });
  },
  permute: (c, x) => c.b.node('Transpose', [x], { perm: (c.arg('dims') as number[]).map((d) => wrap(d, c.out.shape.length)) }),
  unsqueeze: (c, x) => c.b.node('Unsqueeze', [x, c.ints([wrap(c.arg('dim') as number, c.out.shape.length)])]),
  squeeze: (c, x) => {
    const dim = c.arg('dim');
    const rank = c.value(c.arg('input')).shape.length;
    if (dim === null || dim === undefined) return c.b.node('Squeeze', [x]);
    const dims = (Array.isArray(dim) ? dim : [dim]) as number[];
    // PyTorch leaves a dim that is not of size 1 alone; ONNX refuses to squeeze it
    const shape = c.value(c.arg('input')).shape;
    const axes = dims.map((d) => wrap(d, rank)).filter((d) => shape[d] === 1);
    return axes.length === 0 ? x : c.b.node('Squeeze', [x, c.ints(axes)]);
  },
  cat: (c) => {
    const ts = c.arg('tensors') as unknown[];
    return c.b.node('Concat', ts.map((t) => c.operand(t, 'Concat')), { axis: wrap(num(c.arg('dim'), 0), c.out.shape.length) });
  },
  embedding: (c) => c.b.node('Gather', [c.input(c.arg('weight'), 'Gather'), c.input(c.arg('input'), 'Gather')]),
  // no copies in a graph: these return their input's value
  contiguous: same,
  clone: same,
  detach: same,
  float: cast,
  double: cast,
  long: cast,
  bool: cast,
};
// PyTorch's other names for the same functions (true_divide is div without rounding_mode)
for (const [alias, name] of [['concat', 'cat'], ['clip', 'clamp'], ['bmm', 'mm'], ['subtract', 'sub'], ['multiply', 'mul'],
  ['divide', 'div'], ['true_divide', 'div'], ['reshape', 'view']]) FUNCTIONS[alias] = FUNCTIONS[name];

function cast(c: Ctx, x: string): string {
  const from = c.value(c.step.args[0]).dtype;
  return from === c.out.dtype ? x : c.b.node('Cast', [x], { to: elemType(c.out.dtype) });
}

export const MODULES: Record<string, ModuleHandler> = {
  Linear: (c, x, mod) => linear(c, x, c.value(c.step.args[0]), mod.weight, mod.bias),
  Identity: same,
  Dropout: (c, x, mod) => dropout(c, x, mod.p as number, mod.training),
  ReLU: FUNCTIONS.relu,
  ReLU6: FUNCTIONS.relu6,
  Hardtanh: (c, x, mod) => clip(c, x, mod.min_val as number, mod.max_val as number),
  Sigmoid: FUNCTIONS.sigmoid,
  Tanh: FUNCTIONS.tanh,
  GELU: (c, x, mod) => gelu(c, x, mod.approximate as string),
  SiLU: FUNCTIONS.silu,
  Mish: FUNCTIONS.mish,
  Softplus: (c, x, mod) => softplus(c, x, mod.beta as number),
  Softsign: FUNCTIONS.softsign,
  ELU: (c, x, mod) => c.b.node('Elu', [x], { alpha: { float: mod.alpha as number } }),
  CELU: (c, x, mod) => c.b.node('Celu', [x], { alpha: { float: mod.alpha as number } }),
  SELU: FUNCTIONS.selu,
  LeakyReLU: (c, x, mod) => c.b.node('LeakyRelu', [x], { alpha: { float: mod.negative_slope as number } }),
  PReLU: (c, x, mod) => prelu(c, x, mod.weight),
  Hardswish: FUNCTIONS.hardswish,
  Hardsigmoid: FUNCTIONS.hardsigmoid,
  LogSigmoid: FUNCTIONS.logsigmoid,
  Tanhshrink: FUNCTIONS.tanhshrink,
  Softshrink: (c, x, mod) => softshrink(c, x, mod.lambd as number),
  Hardshrink: (c, x, mod) => hardshrink(c, x, mod.lambd as number),
  Threshold: (c, x, mod) => threshold(c, x, mod.threshold as number, mod.value as number),
  GLU: (c, x, mod) => glu(c, x, mod.dim as number),
  Softmax: (c, x, mod) => softmax(c, x, 'Softmax', mod.dim as number | null),
  LogSoftmax: (c, x, mod) => softmax(c, x, 'LogSoftmax', mod.dim as number | null),
  Softmin: (c, x, mod) => softmax(c, x, 'Softmax', mod.dim as number | null, true),
  LayerNorm: (c, x, mod) => layerNorm(c, x, mod.normalized_shape as number[], mod.weight, mod.bias, mod.eps as number),
  Flatten: (c, x, mod) => flatten(c, x, c.value(c.step.args[0]).shape, mod.start_dim as number, mod.end_dim as number),
  Unflatten: (c, x) => reshape(c, x, keepBatch(c, c.value(c.step.args[0]).shape, c.out.shape)),
  Embedding: (c, x, mod) => c.b.node('Gather', [c.input(mod.weight, 'Gather'), x]),
  BatchNorm1d: (c, x, mod) => batchNorm(c, x, mod),
  BatchNorm2d: (c, x, mod) => batchNorm(c, x, mod),
};

/** BatchNorm in eval with running statistics: BatchNormalization with PyTorch's momentum flipped. */
function batchNorm(c: Ctx, x: string, mod: Module & Record<string, unknown>): string {
  if (mod.training || !(mod.running_mean instanceof Tensor)) c.unsupported(' in training mode or without running statistics (export it in eval mode with track_running_stats=True)');
  const n = mod.num_features as number;
  const type = elemType(c.out.dtype);
  const scale = mod.weight instanceof Tensor ? c.input(mod.weight, 'BatchNormalization') : c.b.folded('BatchNormalization', [n], type, new Float32Array(n).fill(1));
  const bias = mod.bias instanceof Tensor ? c.input(mod.bias, 'BatchNormalization') : c.b.folded('BatchNormalization', [n], type, new Float32Array(n));
  const momentum = mod.momentum === null ? 0.9 : 1 - (mod.momentum as number);
  return c.b.node('BatchNormalization', [x, scale, bias, c.input(mod.running_mean, 'BatchNormalization'), c.input(mod.running_var, 'BatchNormalization')],
    { epsilon: { float: mod.eps as number }, momentum: { float: momentum } });
}
