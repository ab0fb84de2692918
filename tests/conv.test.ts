/**
 * The CNN layers against PyTorch 1.13 (scripts/golden/conv.py): forward values, the gradients of
 * every tensor argument, max-pool indices, module reprs, PyTorch's error messages, and the MNIST
 * example's CNN trained for 3 SGD steps from PyTorch's weights.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { checkOp, expectClose } from './helpers/opcheck.js';
import { loadBinding } from '../src/backend/native/binding.js';

type Json = unknown;
interface Case {
  fn: string;
  tensors: number[][];
  args: Json[];
  kwargs: Record<string, Json>;
  inputs: Encoded[];
  output: Encoded;
  upstream: Encoded;
  grads: Encoded[];
  indices?: Encoded;
}
interface Spec {
  fn?: string;
  module?: string;
  args: Json[];
  kwargs: Record<string, Json>;
}
interface ConvFixture {
  cases: Case[];
  reprs: (Spec & { repr: string })[];
  errors: Record<string, Spec & { type: string; message: string }>;
  module_errors: Record<string, Spec & { type: string; message: string }>;
  mnist: {
    repr: string;
    state_dict: Record<string, { shape: number[]; int16: string }>;
    input: Encoded;
    target: Encoded;
    steps: { output: Encoded; loss: number; grad_norms: Record<string, number> }[];
    final: Record<string, { sum: number; abs_sum: number; first: Encoded }>;
  };
}
const fx = loadFixture<ConvFixture>('conv');
type Fn = (...args: unknown[]) => unknown;
const F = nn.functional as unknown as Record<string, Fn>;
const NN = nn as unknown as Record<string, new (...args: unknown[]) => nn.Module>;

/** A spec's value in JS: {zeros: shape, dtype} becomes a tensor, everything else stays as is. */
function js(v: Json): unknown {
  if (Array.isArray(v)) return v.map(js);
  if (v !== null && typeof v === 'object' && 'zeros' in v) {
    const z = v as { zeros: number[]; dtype: string };
    return torch.zeros(z.zeros, { dtype: z.dtype as torch.DTypeLike });
  }
  return v;
}
const kwargs = (k: Record<string, Json>) => Object.fromEntries(Object.entries(k).map(([a, v]) => [a, js(v)]));
const label = (s: { args: Json[]; kwargs: Record<string, Json> }) => [...s.args.map((a) => JSON.stringify(a)), ...Object.entries(s.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(', ');

describe('F.* against PyTorch 1.13: values, gradients of every tensor argument, indices', () => {
  for (const c of fx.cases) {
    it(`${c.fn}(${c.tensors.map((s) => `[${s.join(',')}]`).join(', ')}${c.args.length + Object.keys(c.kwargs).length ? `, ${label(c)}` : ''})`, () => {
      const inputs = c.inputs.map((e) => decode(e).requires_grad_(true));
      let out = F[c.fn](...inputs, ...c.args.map(js), kwargs(c.kwargs)) as Tensor | [Tensor, Tensor];
      if (Array.isArray(out)) {
        expect(c.indices, 'indices returned only when PyTorch returns them').toBeDefined();
        expect(out[1].dtype).toBe(torch.int64);
        expect(out[1].tolist()).toEqual(decode(c.indices!).tolist());
        out = out[0];
      } else expect(c.indices).toBeUndefined();
      // float32 sums of up to a few dozen products of O(1) terms: absolute errors of ~1e-6
      expectClose(out, decode(c.output), 1e-5, 1e-5, 'output');
      out.mul(decode(c.upstream)).sum().backward();
      inputs.forEach((t, i) => expectClose(t.grad!, decode(c.grads[i]), 1e-5, 1e-5, `grad of tensor ${i}`));
    });
  }
});

describe('every backend and float64 finite differences (checkOp)', () => {
  it('conv2d with stride, padding, dilation and groups', () => {
    checkOp('conv2d', (x, w, b) => F.conv2d(x, w, b, 2, 1, [1, 2], 2) as Tensor, [[[2, 4, 6, 7], [4, 2, 3, 2], [4]], [[2, 8, 12, 12], [6, 4, 3, 3], [6]]], { rtol: 1e-4, atol: 1e-5, native: false });
  });
  it('conv1d, conv_transpose2d, unfold, fold', () => {
    checkOp('conv1d', (x, w) => F.conv1d(x, w, null, 1, 'same') as Tensor, [[[2, 3, 9], [2, 3, 4]]], { rtol: 1e-4, atol: 1e-5, native: false });
    checkOp('conv_transpose2d', (x, w, b) => F.conv_transpose2d(x, w, b, 2, 1, 1, 2) as Tensor, [[[2, 4, 3, 4], [4, 3, 3, 3], [6]]], { rtol: 1e-4, atol: 1e-5, native: false });
    checkOp('unfold', (x) => F.unfold(x, [2, 3], 1, 1, [1, 2]) as Tensor, [[[2, 3, 4, 5]]], { native: false });
    checkOp('fold', (x) => F.fold(x, [4, 5], 2) as Tensor, [[[2, 8, 12]]], { native: false });
  });
  it('im2col and col2im: the native kernels give the JS bits (copies, and sums in the same order)', () => {
    checkOp('unfold', (x) => F.unfold(x, 3, 1, 1, 1) as Tensor, [[[2, 3, 12, 11]]], { exact: true });
    checkOp('unfold strided', (x) => F.unfold(x, [2, 3], 2, [0, 2], [1, 3]) as Tensor, [[[2, 3, 12, 14]]], { exact: true });
    checkOp('fold', (x) => F.fold(x, [9, 8], 3, 1, 1, 2) as Tensor, [[[2, 27, 20]]], { exact: true });
  });
  it('the native im2col, col2im and max pooling check their arguments', () => {
    const { binding } = loadBinding();
    if (!binding) return;
    const dims = new Float64Array([1, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2, 2, 1]);
    expect(() => binding.im2col(new Float32Array(8), new Float32Array(16), dims)).toThrow("argument 'x' must have N * C * H * W elements");
    expect(() => binding.im2col(new Float32Array(9), new Float32Array(15), dims)).toThrow("argument 'cols' must have N * C * kh * kw * oh * ow elements");
    expect(() => binding.col2im(new Float32Array(16), new Float32Array(9), new Float64Array([1, 1, 3, 3, 0, 2, 1, 1, 0, 0, 1, 1, 2, 2, 1]))).toThrow('dims.kh must be an integer in [1,');
    const shared = new Float32Array(25);
    expect(() => binding.im2col(shared.subarray(0, 9), shared.subarray(9, 25), dims)).not.toThrow();
    expect(() => binding.im2col(shared.subarray(0, 9), shared.subarray(8, 24), dims)).toThrow("argument 'cols' must not share memory with 'x'");
    const pool = new Float64Array([2, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1, 2, 2]);
    expect(() => binding.maxPool2d(new Float32Array(32), new Float32Array(8), new Float64Array(0), pool)).not.toThrow();
    expect(() => binding.maxPool2d(new Float32Array(31), new Float32Array(8), new Float64Array(0), pool)).toThrow("argument 'x' must have P * H * W elements");
    expect(() => binding.maxPool2d(new Float32Array(32), new Float32Array(8), new Float64Array(7), pool)).toThrow("argument 'ind' must be empty or have P * oh * ow elements");
    expect(() => binding.maxPool2d(new Float32Array(32), new Float32Array(8), new Float64Array(0), new Float64Array([2, 4, 4, 2, 2, 0, 2, 0, 0, 1, 1, 2, 2]))).toThrow('dims.sh must be an integer in [1,');
  });
  it('pooling, padding and interpolation', () => {
    const noNative = { native: false };
    // max pooling has a native kernel: the same bits as JS (a max is exact)
    checkOp('max_pool2d', (x) => F.max_pool2d(x, 3, 2, 1) as Tensor, [[[2, 3, 7, 7]], [[2, 4, 19, 21]]], { exact: true });
    checkOp('max_pool2d dilated', (x) => F.max_pool2d(x, [2, 3], [1, 2], [1, 1], 2, true) as Tensor, [[[2, 4, 17, 19]]], { exact: true });
    checkOp('max_pool1d', (x) => F.max_pool1d(x, 2, { ceil_mode: true }) as Tensor, [[[2, 3, 9]], [[4, 8, 67]]], { exact: true });
    checkOp('avg_pool2d', (x) => F.avg_pool2d(x, 3, 2, 1, true, false) as Tensor, [[[2, 3, 7, 6]]], noNative);
    checkOp('avg_pool1d', (x) => F.avg_pool1d(x, 3, 2, 1) as Tensor, [[[2, 3, 9]]], noNative);
    checkOp('adaptive_avg_pool2d', (x) => F.adaptive_avg_pool2d(x, [3, 4]) as Tensor, [[[2, 3, 7, 9]]], noNative);
    checkOp('pad reflect', (x) => F.pad(x, [2, 1, 1, 2], 'reflect') as Tensor, [[[1, 2, 4, 5]]], noNative);
    checkOp('pad constant', (x) => F.pad(x, [2, -1, 1, 0], 'constant', 0.5) as Tensor, [[[1, 2, 4, 5]]], noNative);
    checkOp('interpolate bilinear', (x) => F.interpolate(x, { scale_factor: 1.5, mode: 'bilinear' }) as Tensor, [[[1, 2, 4, 5]]], noNative);
    checkOp('interpolate nearest', (x) => F.interpolate(x, { size: [5, 7] }) as Tensor, [[[1, 2, 3, 4]]], noNative);
  });
  it('double backward: the gradients of conv2d and max_pool2d are differentiable', () => {
    const x = torch.randn([1, 2, 5, 5], { dtype: torch.float64 }).requires_grad_(true);
    const w = torch.randn([3, 2, 3, 3], { dtype: torch.float64 }).requires_grad_(true);
    // gradcheck of a function that returns a gradient checks the second derivatives (its numerical
    // part runs under no_grad, so the inner gradient re-enables grad mode)
    const u = torch.randn([1, 3, 5, 5], { dtype: torch.float64 });
    const gradX = (a: Tensor, b: Tensor) => torch.enable_grad(() => torch.autograd.grad((F.conv2d(a, b, null, 1, 1) as Tensor).mul(u).sum(), [a], { create_graph: true })[0]!);
    expect(torch.autograd.gradcheck(gradX, [x, w])).toBe(true);
    const gradW = (a: Tensor, b: Tensor) => torch.enable_grad(() => torch.autograd.grad((F.conv2d(a, b, null, 2, 1) as Tensor).pow(2).sum(), [b], { create_graph: true })[0]!);
    expect(torch.autograd.gradcheck(gradW, [x, w])).toBe(true);
    const v = torch.randn([1, 2, 2, 2], { dtype: torch.float64 });
    const poolGrad = (a: Tensor) => torch.enable_grad(() => torch.autograd.grad((F.max_pool2d(a.mul(a), 2) as Tensor).mul(v).sum(), [a], { create_graph: true })[0]!);
    expect(torch.autograd.gradcheck(poolGrad, [x])).toBe(true);
  });
});

describe('modules print as PyTorch', () => {
  for (const r of fx.reprs) {
    it(`${r.module}(${label(r)})`, () => {
      const m = new NN[r.module!](...r.args.map(js), kwargs(r.kwargs));
      expect(String(m)).toBe(r.repr);
    });
  }
  it('a seeded Conv2d draws kaiming_uniform_(a=√5) weights and U(±1/√fan_in) biases', () => {
    torch.manual_seed(0);
    const m = new nn.Conv2d(2, 4, 3) as nn.Conv2d;
    const bound = 1 / Math.sqrt(2 * 9);
    expect(m.weight.shape).toEqual([4, 2, 3, 3]);
    expect(m.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m.weight.std().item()).toBeGreaterThan(bound / 3);
    expect(new nn.ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([4, 3, 3, 3]);
  });
  it("ConvTranspose2d's forward takes output_size, as PyTorch's", () => {
    const m = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
    const x = torch.randn([1, 2, 4, 4]);
    expect(m(x, [8, 8]).shape).toEqual([1, 3, 8, 8]);
    expect(m(x).shape).toEqual([1, 3, 7, 7]);
    expect(() => m(x, [9, 9])).toThrow('requested an output size of (9, 9), but valid sizes range from (7, 7) to (8, 8) (for an input of (4, 4))');
  });
  it('padding modes other than zeros pad with F.pad first', () => {
    const m = new nn.Conv2d(1, 1, 3, { padding: 1, padding_mode: 'circular', bias: false }) as nn.Conv2d;
    const x = torch.randn([1, 1, 4, 5]);
    const ref = F.conv2d(F.pad(x, [1, 1, 1, 1], 'circular'), m.weight) as Tensor;
    expectClose(m(x), ref, 0, 0, 'circular');
  });
});

/** PyTorch prints Python sets in hash order, which changes between runs: compare their members sorted. */
const sortSets = (s: string) => s.replace(/\{([^{}]*)\}/g, (_, inner: string) => `{${inner.split(', ').sort().join(', ')}}`);

describe("PyTorch's error messages", () => {
  for (const [key, e] of Object.entries(fx.errors)) {
    it(key, () => {
      expect(() => F[e.fn!](...e.args.map(js), kwargs(e.kwargs))).toThrow(Error);
      try {
        F[e.fn!](...e.args.map(js), kwargs(e.kwargs));
      } catch (err) {
        expect((err as Error).message).toBe(e.message);
        if (e.type === 'TypeError') expect(err).toBeInstanceOf(TypeError);
      }
    });
  }
  for (const [key, e] of Object.entries(fx.module_errors)) {
    it(key, () => {
      let msg = '';
      try {
        new NN[e.module!](...e.args.map(js), kwargs(e.kwargs));
      } catch (err) {
        msg = (err as Error).message;
      }
      expect(sortSets(msg)).toBe(sortSets(e.message));
    });
  }
});

/** PyTorch's examples/mnist/main.py, written as a kindling module. */
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(input: Tensor): Tensor {
    const F_ = nn.functional;
    let x = F_.relu(this.conv1(input));
    x = F_.relu(this.conv2(x));
    x = F_.max_pool2d(x, 2) as Tensor;
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = F_.relu(this.fc1(x));
    x = this.dropout2(x);
    return F_.log_softmax(this.fc2(x), { dim: 1 });
  }
}

describe("the MNIST example's CNN", () => {
  const m = fx.mnist;
  it('prints as PyTorch prints it', () => {
    expect(String(new Net())).toBe(m.repr);
  });
  it("trains for 3 SGD steps from PyTorch's weights to PyTorch's outputs, losses and parameters", () => {
    const model = new Net();
    const state: Record<string, Tensor> = {};
    for (const [k, { shape, int16 }] of Object.entries(m.state_dict)) {
      const bytes = Buffer.from(int16, 'base64');
      const q = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      state[k] = torch.tensor(Float32Array.from(q, (v) => v / 32768)).reshape(shape);
    }
    model.load_state_dict(state);
    model.eval();
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const x = decode(m.input), y = decode(m.target);
    for (const step of m.steps) {
      opt.zero_grad();
      const out = model(x) as Tensor;
      const loss = nn.functional.nll_loss(out, y);
      loss.backward();
      expectClose(out, decode(step.output), 1e-5, 1e-5, 'log-probabilities');
      expect(loss.item()).toBeCloseTo(step.loss, 5);
      for (const [k, p] of model.named_parameters()) {
        expect(Math.abs(p.grad!.norm().item() - step.grad_norms[k]) / step.grad_norms[k], `grad norm of ${k}`).toBeLessThan(1e-4);
      }
      opt.step();
    }
    for (const [k, p] of model.named_parameters()) {
      const f = m.final[k];
      expectClose(p.reshape(-1).narrow(0, 0, Math.min(16, p.numel())), decode(f.first), 1e-5, 1e-6, k);
      expect(Math.abs(p.abs().sum().item() - f.abs_sum) / f.abs_sum, `Σ|${k}|`).toBeLessThan(1e-5);
    }
  });
});
