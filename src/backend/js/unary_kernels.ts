/**
 * The JS backend's unary kernels, one entry per op: the forward expression `f` of x (and p, the
 * op's parameter), and for the hot activations the gradient `grad` of x, the saved tensor (the
 * forward `output` or `input`, as `saved` says), and g, the upstream gradient. The contract's
 * UnaryOp and UnaryGradOp are this table's keys, so a new op is one entry here (plus its native
 * entry in native/kernels/activation/unary_ops.def, if any).
 * `h.` names the helpers of math.js; `e` is a scratch variable.
 */
interface UnaryKernel {
  readonly f: string;
  readonly grad?: string;
  readonly saved?: 'input' | 'output';
}

export const UNARY_KERNELS = {
  neg: { f: '-x' },
  abs: { f: 'Math.abs(x)' },
  // NaN gives 0, as PyTorch's (0 < x) - (x < 0)
  sign: { f: 'x > 0 ? 1 : x < 0 ? -1 : 0' },
  exp: { f: 'Math.exp(x)' },
  log: { f: 'Math.log(x)' },
  log1p: { f: 'Math.log1p(x)' },
  expm1: { f: 'Math.expm1(x)' },
  sqrt: { f: 'Math.sqrt(x)' },
  rsqrt: { f: '1 / Math.sqrt(x)' },
  sin: { f: 'Math.sin(x)' },
  cos: { f: 'Math.cos(x)' },
  tanh: { f: 'Math.tanh(x)', grad: 'g * (1 - x * x)', saved: 'output' },
  // evaluated on -|x| so exp never overflows
  sigmoid: { f: 'x >= 0 ? 1 / (1 + Math.exp(-x)) : (e = Math.exp(x), e / (1 + e))', grad: 'g * x * (1 - x)', saved: 'output' },
  // relu(-0) = -0 and NaN stays NaN, as PyTorch; its threshold_backward zeroes where the output
  // is <= 0, so a NaN output still passes its gradient
  relu: { f: 'x < 0 ? 0 : x', grad: 'x <= 0 ? 0 : g', saved: 'output' },
  reciprocal: { f: '1 / x' },
  floor: { f: 'Math.floor(x)' },
  ceil: { f: 'Math.ceil(x)' },
  round: { f: 'h.roundHalfEven(x)' },
  trunc: { f: 'Math.trunc(x)' },
  square: { f: 'x * x' },
  logical_not: { f: 'x ? 0 : 1' },
  erf: { f: 'h.erf(x)' },
  // beta 1, threshold 20
  softplus: { f: 'x > 20 ? x : Math.log1p(Math.exp(x))', grad: 'g * h.softplusGrad(x)', saved: 'input' },
  silu: { f: 'x >= 0 ? x / (1 + Math.exp(-x)) : (e = Math.exp(x), x * e / (1 + e))', grad: 'g * h.siluGrad(x)', saved: 'input' },
  gelu: { f: '0.5 * x * (1 + h.erf(x * 0.7071067811865476))', grad: 'g * h.geluGrad(x)', saved: 'input' },
  gelu_tanh: { f: '0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))', grad: 'g * h.geluTanhGrad(x)', saved: 'input' },
  // p = negative slope
  leaky_relu: { f: 'x > 0 ? x : x * p', grad: 'x > 0 ? g : g * p', saved: 'input' },
  // x·relu6(x + 3)/6; the gradient as PyTorch's vectorised kernel (g from 3 on, NaN stays NaN)
  hardswish: { f: 'x * Math.min(Math.max(x + 3, 0), 6) / 6', grad: 'x < -3 ? 0 : x >= 3 ? g : g * (x / 3 + 0.5)', saved: 'input' },
  // p = alpha
  elu: { f: 'x > 0 ? x : p * Math.expm1(x)', grad: 'x <= 0 ? g * p * Math.exp(x) : g', saved: 'input' },
} as const satisfies Record<string, UnaryKernel>;

type Kernels = typeof UNARY_KERNELS;
export type UnaryOpName = keyof Kernels;
export type UnaryGradOpName = { [K in UnaryOpName]: Kernels[K] extends { grad: string } ? K : never }[UnaryOpName];
