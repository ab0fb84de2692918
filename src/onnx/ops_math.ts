/**
 * The arithmetic ONNX operators: activations, elementwise arithmetic (JS arithmetic on shape
 * integers), reductions, softmax, Gemm/MatMul as F.linear where the weight is a constant, and
 * LayerNormalization. Each kernel calls public kindling functions only, so torch.jit.trace
 * records it, and the activations, products and softmax land in the plan.
 */
import { Tensor } from '../tensor.js';
import * as torch from '../torch_functions.js';
import * as F from '../nn/functional.js';
import { Ints, type Val } from './values.js';
import { axis, intsOf, scalarOf, tensorOf, type OpDef } from './op_def.js';

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

export const MATH_OPS: Record<string, OpDef> = {
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
};

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
