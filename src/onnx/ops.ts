/**
 * The ONNX operators the importer understands, each as kindling calls. An operator's `build` runs
 * once at create: it reads the attributes (rejecting what it does not implement) and prepares what
 * depends only on constants (a Gemm's weight laid out for F.linear); the kernel it returns runs
 * on every forward, through public kindling functions only, so torch.jit.trace records it.
 */
import { Tensor } from '../tensor.js';
import { int64 } from '../dtype.js';
import * as torch from '../torch_functions.js';
import * as F from '../nn/functional.js';
import { DataType, type NodeProto } from './proto.js';
import { Attrs } from './attributes.js';
import { Ints, readTensor, type Val } from './values.js';
import { dataTypeName } from './validate.js';

export interface NodeCtx {
  node: NodeProto;
  /** how the node is named in messages */
  label: string;
  opset: number;
  attrs: Attrs;
  /** input i's value when it is known at create (initializer, Constant, folded), else undefined */
  constant(i: number): Val | undefined;
  /** whether input i is given (an optional input may be absent or named '') */
  has(i: number): boolean;
}

export type Kernel = (inputs: readonly (Val | undefined)[]) => Val[];

export interface OpDef {
  /** how many inputs the operator takes, at least and at most */
  inputs: [number, number];
  /** how many of its outputs the importer computes (the others must be unused) */
  outputs: number;
  build(c: NodeCtx): Kernel;
}

// ---- helpers --------------------------------------------------------------------------------------

function tensorOf(v: Val | undefined, what: string): Tensor {
  if (v instanceof Tensor) return v;
  throw new Error(`${what} must be a float tensor, but it is ${v === undefined ? 'missing' : 'an integer tensor'}`);
}

function intsOf(v: Val | undefined, what: string): Ints {
  if (v instanceof Ints) return v;
  throw new Error(`${what} must be an integer tensor (int64), but it is ${v === undefined ? 'missing' : 'a float tensor'}`);
}

/** A constant float input holding one value (a Clip bound, a Pow exponent). */
function scalarOf(v: Val | undefined, what: string): number {
  const t = tensorOf(v, what);
  if (t.numel() !== 1) throw new Error(`${what} must hold one value, but it has shape [${t.shape.join(', ')}]`);
  return t.item() as number;
}

function axis(a: number, rank: number, what = 'axis'): number {
  if (a < -rank || a >= rank) throw new Error(`${what} ${a} is out of range for a tensor of rank ${rank}`);
  return a < 0 ? a + rank : a;
}

const product = (xs: readonly number[]) => xs.reduce((p, d) => p * d, 1);

/** An operator of one float input and no attributes. */
function unary(f: (x: Tensor) => Tensor): OpDef {
  return { inputs: [1, 1], outputs: 1, build: (c) => { c.attrs.only([]); return ([x]) => [f(tensorOf(x, 'the input'))]; } };
}

// ---- elementwise arithmetic ---------------------------------------------------------------------

type IntOp = (a: number, b: number) => number;

/** Add, Sub, Mul, Div: kindling's broadcasting ops on tensors, JS arithmetic on shape integers. */
function binary(f: (a: Tensor, b: Tensor) => Tensor, g: IntOp): OpDef {
  return {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only([]);
      return ([a, b]) => {
        if (a instanceof Ints && b instanceof Ints) return [intBinary(a, b, g)];
        return [f(tensorOf(a, 'input A'), tensorOf(b, 'input B'))];
      };
    },
  };
}

function intBinary(a: Ints, b: Ints, g: IntOp): Ints {
  if (a.size !== b.size && a.size !== 1 && b.size !== 1) throw new Error(`integer operands of ${a.size} and ${b.size} elements do not broadcast`);
  const big = a.size >= b.size ? a : b;
  const data = big.data.map((_, i) => g(a.data[a.size === 1 ? 0 : i], b.data[b.size === 1 ? 0 : i]));
  return new Ints(a.dims.length >= b.dims.length ? a.dims : b.dims, data);
}

// ---- the table ------------------------------------------------------------------------------------

export const OPS: Record<string, OpDef> = {
  Identity: { inputs: [1, 1], outputs: 1, build: (c) => { c.attrs.only([]); return ([x]) => [x!]; } },
  Dropout: {
    inputs: [1, 3], outputs: 1,
    build: (c) => {
      c.attrs.only(['ratio', 'is_test', 'seed']);
      const training = c.has(2) ? c.constant(2) : undefined;
      if (c.has(2) && !(training instanceof Tensor || training instanceof Ints)) throw new Error('its training_mode input must be a constant');
      if (training !== undefined && (training instanceof Ints ? training.data[0] !== 0 : training.item() !== 0)) {
        throw new Error('training_mode is true: only inference (training_mode false) is supported');
      }
      return ([x]) => [x!];
    },
  },
  Constant: {
    inputs: [0, 0], outputs: 1,
    build: (c) => {
      c.attrs.only(['value', 'value_float', 'value_floats', 'value_int', 'value_ints']);
      const v = constantValue(c);
      return () => [v];
    },
  },

  Relu: unary((x) => torch.relu(x)),
  // F's forms: torch.sigmoid/tanh take out=, which the traced plan leaves to eager replay
  Sigmoid: unary((x) => F.sigmoid(x)),
  Tanh: unary((x) => F.tanh(x)),
  Erf: unary((x) => torch.erf(x)),
  Exp: unary((x) => torch.exp(x)),
  Log: unary((x) => torch.log(x)),
  Sqrt: unary((x) => torch.sqrt(x)),
  Neg: unary((x) => torch.neg(x)),
  Abs: unary((x) => torch.abs(x)),
  Reciprocal: unary((x) => torch.reciprocal(x)),
  Softplus: unary((x) => F.softplus(x)),
  HardSwish: unary((x) => F.hardswish(x)),
  Gelu: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['approximate']);
      const approximate = c.attrs.string('approximate', 'none');
      if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`approximate='${approximate}' is not an ONNX Gelu mode ('none' or 'tanh')`);
      return ([x]) => [F.gelu(tensorOf(x, 'the input'), approximate)];
    },
  },
  LeakyRelu: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['alpha']);
      const alpha = c.attrs.float('alpha', 0.01);
      return ([x]) => [F.leaky_relu(tensorOf(x, 'the input'), alpha)];
    },
  },
  Elu: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['alpha']);
      const alpha = c.attrs.float('alpha', 1);
      return ([x]) => [F.elu(tensorOf(x, 'the input'), alpha)];
    },
  },
  Selu: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['alpha', 'gamma']);
      const alpha = c.attrs.float('alpha', 1.67326319217681884765625), gamma = c.attrs.float('gamma', 1.05070102214813232421875);
      // PyTorch's constants are ONNX's defaults rounded to float32
      const standard = Math.fround(alpha) === Math.fround(1.6732632423543772) && Math.fround(gamma) === Math.fround(1.0507009873554805);
      return ([x]) => [standard ? F.selu(tensorOf(x, 'the input')) : torch.mul(F.elu(tensorOf(x, 'the input'), alpha), gamma)];
    },
  },
  HardSigmoid: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['alpha', 'beta']);
      const alpha = c.attrs.float('alpha', 0.2), beta = c.attrs.float('beta', 0.5);
      // PyTorch's hardsigmoid is ONNX's with alpha 1/6 (as PyTorch exports it)
      const standard = Math.fround(alpha) === Math.fround(1 / 6) && beta === 0.5;
      return ([x]) => {
        const t = tensorOf(x, 'the input');
        return [standard ? F.hardsigmoid(t) : torch.clamp(torch.add(torch.mul(t, alpha), beta), 0, 1)];
      };
    },
  },
  Clip: {
    inputs: [1, 3], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset < 11 ? ['min', 'max'] : []);
      const bound = (i: number, name: string, fallback: number) => {
        if (c.opset < 11) return c.attrs.float(name, fallback);
        if (!c.has(i)) return fallback;
        const v = c.constant(i);
        if (v === undefined) throw new Error(`its ${name} input must be a constant`);
        return scalarOf(v, `its ${name} input`);
      };
      const min = bound(1, 'min', -Infinity), max = bound(2, 'max', Infinity);
      return ([x]) => [torch.clamp(tensorOf(x, 'the input'), Number.isFinite(min) ? min : null, Number.isFinite(max) ? max : null)];
    },
  },

  Add: binary((a, b) => torch.add(a, b), (a, b) => a + b),
  Sub: binary((a, b) => torch.sub(a, b), (a, b) => a - b),
  Mul: binary((a, b) => torch.mul(a, b), (a, b) => a * b),
  Div: binary((a, b) => torch.div(a, b), (a, b) => Math.trunc(a / b)),
  Pow: {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only([]);
      const e = c.constant(1);
      const exponent = e instanceof Tensor && e.numel() === 1 ? (e.item() as number) : null;
      return ([x, y]) => [torch.pow(tensorOf(x, 'input X'), exponent ?? tensorOf(y, 'input Y'))];
    },
  },

  ReduceMean: {
    inputs: [1, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset < 18 ? ['axes', 'keepdims'] : ['keepdims', 'noop_with_empty_axes']);
      const keepdims = c.attrs.int('keepdims', 1) !== 0;
      const noop = c.attrs.int('noop_with_empty_axes', 0) !== 0;
      const fixed = c.opset < 18 ? c.attrs.ints('axes') : undefined;
      return ([x, axesIn]) => {
        const t = tensorOf(x, 'the input');
        const axes = fixed ?? (axesIn === undefined ? undefined : [...intsOf(axesIn, 'its axes input').data]);
        if (axes === undefined || axes.length === 0) {
          if (noop) return [t];
          return [keepdims ? torch.mean(t, t.shape.map((_, i) => i), true) : torch.mean(t)];
        }
        return [torch.mean(t, axes.map((a) => axis(a, t.ndim)), keepdims)];
      };
    },
  },

  Softmax: softmax(false),
  LogSoftmax: softmax(true),

  Gemm: {
    inputs: [2, 3], outputs: 1,
    build: (c) => {
      c.attrs.only(['alpha', 'beta', 'transA', 'transB', 'broadcast']);
      const alpha = c.attrs.float('alpha', 1), beta = c.attrs.float('beta', 1);
      const transA = c.attrs.int('transA', 0) !== 0, transB = c.attrs.int('transB', 0) !== 0;
      const B = c.constant(1), C = c.has(2) ? c.constant(2) : null;
      // a constant B and bias: F.linear with the weight as PyTorch lays it out ([N, K])
      if (!transA && alpha === 1 && B instanceof Tensor && B.ndim === 2 && (C === null || C instanceof Tensor)) {
        const N = transB ? B.shape[0] : B.shape[1];
        if (C === null || (C.numel() === N && C.shape[C.ndim - 1] === N)) {
          const w = transB ? B : B.t().contiguous();
          const b = C === null ? null : beta === 1 ? C.reshape([N]).contiguous() : torch.mul(C.reshape([N]), beta);
          return ([a]) => [F.linear(tensorOf(a, 'input A'), w, b)];
        }
      }
      return ([a, b, cIn]) => {
        let x = tensorOf(a, 'input A'), y = tensorOf(b, 'input B');
        if (transA) x = x.t();
        if (transB) y = y.t();
        let out = torch.matmul(x, y);
        if (alpha !== 1) out = torch.mul(out, alpha);
        if (cIn !== undefined) out = torch.add(out, beta === 1 ? tensorOf(cIn, 'input C') : torch.mul(tensorOf(cIn, 'input C'), beta));
        return [out];
      };
    },
  },
  MatMul: {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only([]);
      const w = linearWeight(c.constant(1));
      if (w) return ([a]) => [F.linear(tensorOf(a, 'input A'), w)];
      return ([a, b]) => [torch.matmul(tensorOf(a, 'input A'), tensorOf(b, 'input B'))];
    },
  },
  LayerNormalization: {
    inputs: [2, 3], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis', 'epsilon', 'stash_type']);
      const at = c.attrs.int('axis', -1), eps = c.attrs.float('epsilon', 1e-5);
      return ([x, scale, bias]) => [layerNorm(tensorOf(x, 'input X'), at, eps, scale, bias)];
    },
  },

  Flatten: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      const at = c.attrs.int('axis', 1);
      return ([x]) => {
        const t = tensorOf(x, 'the input');
        const a = at < 0 ? at + t.ndim : at;
        if (a < 0 || a > t.ndim) throw new Error(`axis ${at} is out of range for a tensor of rank ${t.ndim}`);
        if (a === 1 && t.ndim >= 2) return [torch.flatten(t, 1)];
        const tail = product(t.shape.slice(a));
        // -1 for the leading part keeps the batch dimension free
        return [torch.reshape(t, tail > 0 ? [-1, tail] : [product(t.shape.slice(0, a)), 0])];
      };
    },
  },
  Reshape: {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset >= 14 ? ['allowzero'] : []);
      const allowzero = c.attrs.int('allowzero', 0) !== 0;
      return ([x, s]) => {
        const dims = x instanceof Ints ? x.dims : tensorOf(x, 'the data input').shape;
        // 0 copies the input's dimension (unless allowzero); -1 is left to reshape, or inferred here for integers
        const shape = intsOf(s, 'its shape input').data.map((d, i) => (d === 0 && !allowzero ? dims[i] : d));
        if (!(x instanceof Ints)) return [torch.reshape(x as Tensor, shape)];
        const known = product(shape.filter((d) => d !== -1));
        return [new Ints(shape.map((d) => (d === -1 ? x.size / known : d)), x.data)];
      };
    },
  },
  Transpose: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['perm']);
      const perm = c.attrs.ints('perm');
      return ([x]) => {
        const t = tensorOf(x, 'the input');
        return [torch.permute(t, perm ?? t.shape.map((_, i) => t.ndim - 1 - i))];
      };
    },
  },
  Unsqueeze: {
    inputs: [1, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset < 13 ? ['axes'] : []);
      const fixed = c.opset < 13 ? c.attrs.ints('axes') : undefined;
      return ([x, axesIn]) => {
        const given = fixed ?? intsOf(axesIn, 'its axes input').data;
        const rank = (x instanceof Ints ? x.dims.length : tensorOf(x, 'the input').ndim) + given.length;
        const axes = given.map((a) => axis(a, rank)).sort((p, q) => p - q);
        if (x instanceof Ints) {
          const dims = [...x.dims];
          for (const a of axes) dims.splice(a, 0, 1);
          return [new Ints(dims, x.data)];
        }
        let t = x as Tensor;
        for (const a of axes) t = torch.unsqueeze(t, a);
        return [t];
      };
    },
  },
  Squeeze: {
    inputs: [1, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset < 13 ? ['axes'] : []);
      const fixed = c.opset < 13 ? c.attrs.ints('axes') : undefined;
      return ([x, axesIn]) => {
        const given = fixed ?? (axesIn === undefined ? undefined : [...intsOf(axesIn, 'its axes input').data]);
        const dims = x instanceof Ints ? x.dims : tensorOf(x, 'the input').shape;
        const axes = given?.map((a) => axis(a, dims.length));
        for (const a of axes ?? []) if (dims[a] !== 1) throw new Error(`cannot squeeze axis ${a}: its size is ${dims[a]}, not 1`);
        if (x instanceof Ints) return [new Ints(dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)), x.data)];
        return [axes ? torch.squeeze(x as Tensor, axes) : torch.squeeze(x as Tensor)];
      };
    },
  },
  Concat: {
    inputs: [1, Infinity], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      const at = c.attrs.int('axis', 0);
      return (xs) => {
        if (xs.every((v) => v instanceof Ints)) {
          const ints = xs as Ints[];
          if (ints.some((v) => v.dims.length !== 1) || (at !== 0 && at !== -1)) throw new Error('integer tensors are concatenated only as 1-D lists');
          return [new Ints([ints.reduce((n, v) => n + v.size, 0)], ints.flatMap((v) => v.data))];
        }
        const ts = xs.map((v, i) => tensorOf(v, `input ${i}`));
        return [torch.cat(ts, axis(at, ts[0].ndim))];
      };
    },
  },
  Shape: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset >= 15 ? ['start', 'end'] : []);
      const start = c.attrs.int('start', 0), end = c.attrs.has('end') ? c.attrs.int('end', 0) : undefined;
      return ([x]) => {
        const dims = x instanceof Ints ? x.dims : (x as Tensor).shape;
        const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + dims.length : a, 0), dims.length);
        const d = dims.slice(clampAxis(start), end === undefined ? dims.length : clampAxis(end));
        return [new Ints([d.length], d)];
      };
    },
  },
  Gather: {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      const at = c.attrs.int('axis', 0);
      return ([x, idx]) => {
        const index = intsOf(idx, 'its indices input');
        if (index.dims.length > 1) throw new Error('indices of rank above 1 are not supported');
        if (x instanceof Ints) {
          if (x.dims.length !== 1) throw new Error('integer data of rank above 1 is not supported');
          const n = x.size;
          const data = index.data.map((i) => {
            if (i < -n || i >= n) throw new Error(`index ${i} is out of range for ${n} elements`);
            return x.data[i < 0 ? i + n : i];
          });
          return [new Ints(index.dims, data)];
        }
        const t = tensorOf(x, 'the data input');
        const a = axis(at, t.ndim);
        const n = t.shape[a];
        const wrapped = index.data.map((i) => (i < 0 ? i + n : i));
        if (index.dims.length === 0) return [torch.select(t, a, wrapped[0])];
        return [torch.index_select(t, a, torch.tensor(wrapped, { dtype: int64 }))];
      };
    },
  },
  Cast: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset >= 19 ? ['to', 'saturate'] : ['to']);
      const to = c.attrs.int('to', 0);
      const toInt = to === DataType.INT64 || to === DataType.INT32;
      if (to !== DataType.FLOAT && !toInt) throw new Error(`casting to ${dataTypeName(to)} is not supported (FLOAT, and INT64/INT32 for shape values, are)`);
      return ([x]) => {
        if ((x instanceof Ints) !== toInt) throw new Error(`casting ${x instanceof Ints ? 'an integer' : 'a float'} tensor to ${dataTypeName(to)} is not supported`);
        return [x!];
      };
    },
  },
};

/** A Constant node's value, from whichever of its attributes it has. */
function constantValue(c: NodeCtx): Val {
  const a = c.attrs;
  const t = a.tensor('value');
  if (t) return readTensor(t, `${c.label}: its value`);
  if (a.has('value_float')) return torch.tensor(a.float('value_float', 0));
  if (a.has('value_floats')) return torch.tensor(a.floats('value_floats')!);
  if (a.has('value_int')) return new Ints([], [a.int('value_int', 0)]);
  const ints = a.ints('value_ints');
  if (ints) return new Ints([ints.length], ints);
  throw new Error('it has no value attribute');
}

function softmax(log: boolean): OpDef {
  return {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      // before opset 13 the input is flattened to 2-D at `axis` and normalized over the second part
      const legacy = c.opset < 13;
      const at = c.attrs.int('axis', legacy ? 1 : -1);
      const f = log ? torch.log_softmax : torch.softmax;
      return ([x]) => {
        const t = tensorOf(x, 'the input');
        const a = axis(at, Math.max(t.ndim, 1));
        if (!legacy || a >= t.ndim - 1) return [f(t, t.ndim === 0 ? 0 : a === t.ndim - 1 ? -1 : a)];
        return [torch.reshape(f(torch.flatten(t, a), -1), t.shape)];
      };
    },
  };
}

/** A constant MatMul right-hand side [K, N] as F.linear's weight [N, K], or null. */
export function linearWeight(b: Val | undefined): Tensor | null {
  return b instanceof Tensor && b.ndim === 2 ? b.t().contiguous() : null;
}

/** LayerNormalization over the dimensions from `at` on, with optional scale and bias. */
export function layerNorm(x: Tensor, at: number, eps: number, scale: Val | undefined, bias: Val | undefined): Tensor {
  const shape = x.shape.slice(axis(at, x.ndim));
  const fit = (v: Val | undefined, what: string) => {
    if (v === undefined) return null;
    const t = tensorOf(v, what);
    return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : torch.reshape(t, shape);
  };
  return F.layer_norm(x, shape, fit(scale, 'its scale'), fit(bias, 'its bias'), eps);
}
