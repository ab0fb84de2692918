/** Every differentiable op through the op-check helper: all backends, float32 vs float64, gradients. */
import { describe, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { BINARY_SHAPES, UNARY_SHAPES, checkOp } from './helpers/opcheck.js';

/** Ops whose kernels have no native implementation: every backend runs them in JS. */
const JS_KERNELS = new Set(['log1p', 'expm1', 'rsqrt', 'sin', 'cos', 'reciprocal', 'square', 'erf', 'pow scalar', 'pow fractional', 'pow', 'where', '2 ** x']);
/** Ops the native kernels compute with the JS backend's roundings (IEEE + − × ÷ and √, sign and NaN rules of max/min). */
const EXACT = new Set(['neg', 'abs', 'sqrt', 'relu', 'relu negative', 'clamp', 'clamp both sides', 'add', 'add alpha', 'sub', 'sub alpha', 'mul', 'div', 'maximum', 'minimum', 'x + 2', 'x * -1.5', 'x / 4']);
const optsOf = (name: string, domain?: [number, number]) => ({ domain, native: !JS_KERNELS.has(name), exact: EXACT.has(name) });

describe('unary', () => {
  const cases: [string, (x: Tensor) => Tensor, [number, number]?][] = [
    ['neg', (x) => x.neg()],
    ['abs', (x) => x.abs(), [0.1, 2]],
    ['exp', (x) => x.exp()],
    ['log', (x) => x.log(), [0.1, 3]],
    ['log1p', (x) => x.log1p(), [-0.5, 3]],
    ['expm1', (x) => x.expm1()],
    ['sqrt', (x) => x.sqrt(), [0.1, 3]],
    ['rsqrt', (x) => x.rsqrt(), [0.1, 3]],
    ['sin', (x) => x.sin()],
    ['cos', (x) => x.cos()],
    ['tanh', (x) => x.tanh()],
    ['sigmoid', (x) => x.sigmoid()],
    ['relu', (x) => torch.relu(x), [0.05, 2]],
    ['relu negative', (x) => torch.relu(x), [-2, -0.05]],
    ['reciprocal', (x) => x.reciprocal(), [0.2, 3]],
    ['square', (x) => x.square()],
    ['erf', (x) => x.erf()],
    ['clamp', (x) => x.clamp(-10, 10)],
    ['clamp both sides', (x) => x.clamp(-0.5, 0.7)],
    ['pow scalar', (x) => x.pow(3)],
    ['pow fractional', (x) => x.pow(1.5), [0.1, 2]],
    ['softmax', (x) => x.softmax(-1)],
    ['log_softmax', (x) => x.log_softmax(-1)],
  ];
  for (const [name, fn, domain] of cases) it(name, () => checkOp(name, fn, UNARY_SHAPES, optsOf(name, domain)));
  it('floor, ceil, round, trunc, sign (zero gradient)', () => {
    for (const f of ['floor', 'ceil', 'round', 'trunc', 'sign'] as const) {
      checkOp(f, (x) => x[f](), UNARY_SHAPES, { domain: [-3.3, 3.3], grad: false, native: false });
    }
  });
});

describe('binary with broadcasting', () => {
  const cases: [string, (a: Tensor, b: Tensor) => Tensor, [number, number]?][] = [
    ['add', (a, b) => a.add(b)],
    ['add alpha', (a, b) => torch.add(a, b, { alpha: -2.5 })],
    ['sub', (a, b) => a.sub(b)],
    ['sub alpha', (a, b) => a.sub(b, 3)],
    ['mul', (a, b) => a.mul(b)],
    ['div', (a, b) => a.div(b), [0.5, 3]],
    ['pow', (a, b) => a.pow(b), [0.5, 2]],
    ['maximum', (a, b) => torch.maximum(a, b)],
    ['minimum', (a, b) => torch.minimum(a, b)],
    ['where', (a, b) => torch.where(a.gt(0), a, b)],
    ['masked_fill', (a, b) => a.add(b).masked_fill(b.lt(0), 0.5)],
  ];
  for (const [name, fn, domain] of cases) it(name, () => checkOp(name, fn, BINARY_SHAPES, optsOf(name, domain)));
  it('scalar operands', () => {
    checkOp('x + 2', (x) => x.add(2), UNARY_SHAPES, optsOf('x + 2'));
    checkOp('x * -1.5', (x) => x.mul(-1.5), UNARY_SHAPES, optsOf('x * -1.5'));
    checkOp('x / 4', (x) => x.div(4), UNARY_SHAPES, optsOf('x / 4'));
    checkOp('2 ** x', (x) => torch.pow(2, x), UNARY_SHAPES, optsOf('2 ** x'));
  });
});

describe('linear algebra', () => {
  // above the native GEMM's threshold (4096 multiply-adds): a float32 sum of K products of
  // magnitude <= 4 may differ from the float64 one by ~K ulps of 4, in any summation order
  const gemmTol = (k: number) => ({ atol: k * 2 ** -23 * 4, rtol: 1e-5 });
  it('matmul in all of PyTorch\'s rank combinations', () => {
    const shapes: number[][][] = [
      [[4], [4]],
      [[3, 4], [4]],
      [[4], [4, 5]],
      [[3, 4], [4, 5]],
      [[2, 3, 4], [4, 5]],
      [[3, 4], [2, 4, 5]],
      [[2, 1, 3, 4], [5, 4, 2]],
      [[2, 3, 4], [4]],
      [[4], [2, 4, 3]],
      [[1, 1], [1, 1]],
      [[7, 13], [13, 3]],
    ];
    checkOp('matmul', (a, b) => a.matmul(b), shapes);
    checkOp('matmul', (a, b) => a.matmul(b), [[[17, 33], [33, 19]], [[2, 9, 31], [31, 23]]], gemmTol(33));
  });
  it('matmul of transposed views', () => {
    checkOp('a.t() @ b', (a, b) => a.t().matmul(b), [[[4, 3], [4, 5]]]);
    checkOp('a.t() @ b', (a, b) => a.t().matmul(b), [[[33, 17], [33, 19]]], gemmTol(33));
    checkOp('a @ b.t()', (a, b) => a.matmul(b.t()), [[[3, 4], [5, 4]]]);
    checkOp('a @ b.t()', (a, b) => a.matmul(b.t()), [[[17, 33], [19, 33]]], gemmTol(33));
    checkOp('a.t() @ b.t()', (a, b) => a.t().matmul(b.t()), [[[4, 3], [5, 4]]]);
    checkOp('a.t() @ b.t()', (a, b) => a.t().matmul(b.t()), [[[33, 17], [19, 33]]], gemmTol(33));
  });
  it('mm, bmm, dot, outer, mv, addmm', () => {
    checkOp('mm', (a, b) => torch.mm(a, b), [[[5, 7], [7, 3]]]);
    checkOp('mm', (a, b) => torch.mm(a, b), [[[17, 33], [33, 19]]], gemmTol(33));
    checkOp('bmm', (a, b) => torch.bmm(a, b), [[[2, 5, 7], [2, 7, 3]]]);
    checkOp('bmm', (a, b) => torch.bmm(a, b), [[[2, 17, 33], [2, 33, 19]]], gemmTol(33));
    checkOp('dot', (a, b) => torch.dot(a, b), [[[7], [7]]]);
    checkOp('outer', (a, b) => torch.outer(a, b), [[[3], [5]]]);
    checkOp('mv', (a, b) => torch.mv(a, b), [[[3, 5], [5]]]);
    checkOp('addmm', (c, a, b) => torch.addmm(c, a, b, { beta: 0.5, alpha: 2 }), [[[3, 4], [3, 5], [5, 4]], [[4], [3, 5], [5, 4]]]);
    checkOp('addmm', (c, a, b) => torch.addmm(c, a, b, { beta: 0.5, alpha: 2 }), [[[17, 19], [17, 33], [33, 19]]], gemmTol(2 * 33));
  });
  it('F.linear with and without bias, 1-D to 3-D input', () => {
    const F = torch.nn.functional;
    checkOp('linear', (x, w, b) => F.linear(x, w, b), [[[4, 10], [3, 10], [3]], [[2, 5, 10], [3, 10], [3]], [[10], [3, 10], [3]], [[1, 10], [1, 10], [1]]]);
    checkOp('linear', (x, w, b) => F.linear(x, w, b), [[[17, 40], [19, 40], [19]], [[2, 9, 40], [19, 40], [19]]], gemmTol(40));
    checkOp('linear no bias', (x, w) => F.linear(x, w), [[[4, 10], [3, 10]]]);
    checkOp('linear no bias', (x, w) => F.linear(x, w), [[[17, 40], [19, 40]]], gemmTol(40));
  });
});

describe('reductions', () => {
  const S: number[][][] = [[[2, 3, 5]]];
  it('sum and mean over all, one and several dims', () => {
    for (const f of ['sum', 'mean'] as const) {
      checkOp(f, (x) => x[f](), [[[]], [[7]], [[2, 3, 5]]]);
      checkOp(`${f}(1)`, (x) => x[f](1), S);
      checkOp(`${f}(-1, keepdim)`, (x) => x[f](-1, true), S);
      checkOp(`${f}([0, 2])`, (x) => x[f]([0, 2]), S);
      checkOp(`${f}({dim: [0, 1], keepdim})`, (x) => x[f]({ dim: [0, 1], keepdim: true }), S);
    }
  });
  it('prod', () => {
    checkOp('prod', (x) => x.prod(), [[[7]]], { domain: [0.5, 1.5] });
    checkOp('prod(1)', (x) => x.prod(1), S, { domain: [0.5, 1.5] });
  });
  it('max, min (values), amax, amin', () => {
    checkOp('max(1)', (x) => x.max(1).values, S);
    checkOp('min(0, keepdim)', (x) => x.min(0, true).values, S);
    checkOp('max()', (x) => x.max(), S);
    checkOp('amax([0, 2])', (x) => x.amax([0, 2]), S);
    checkOp('amin(1)', (x) => x.amin(1), S);
  });
  it('var, std, logsumexp, norm', () => {
    checkOp('var', (x) => x.var(), S);
    checkOp('var(1, correction 0)', (x) => x.var(1, { correction: 0 }), S);
    checkOp('std(2, keepdim)', (x) => x.std(2, { keepdim: true }), S);
    checkOp('logsumexp(1)', (x) => x.logsumexp(1), S);
    checkOp('norm', (x) => x.norm(), S);
    checkOp('norm(1, dim 1)', (x) => x.norm(1, 1), S, { domain: [0.1, 2] });
    checkOp('norm(2, dim -1)', (x) => x.norm(2, -1), S);
  });
  it('softmax and log_softmax along every dim', () => {
    for (const d of [0, 1, 2]) {
      checkOp(`softmax(${d})`, (x) => x.softmax(d), S);
      checkOp(`log_softmax(${d})`, (x) => x.log_softmax(d), S);
    }
  });
});

describe('views, joining and indexing', () => {
  const S: number[][][] = [[[2, 3, 5]]];
  it('views carry gradients back', () => {
    checkOp('view', (x) => x.view(6, 5), S);
    checkOp('reshape(-1)', (x) => x.reshape(-1), S);
    checkOp('transpose', (x) => x.transpose(0, 2), S);
    checkOp('permute', (x) => x.permute(2, 0, 1), S);
    checkOp('unsqueeze', (x) => x.unsqueeze(1), S);
    checkOp('squeeze', (x) => x.unsqueeze(0).squeeze(), S);
    checkOp('expand', (x) => x.unsqueeze(0).expand(4, 2, 3, 5), S);
    checkOp('narrow', (x) => x.narrow(2, 1, 3), S);
    checkOp('select', (x) => x.select(1, -1), S);
    checkOp('flatten', (x) => x.flatten(1), S);
    checkOp('contiguous of transpose', (x) => x.transpose(1, 2).contiguous(), S);
    checkOp('reshape of transpose (copies)', (x) => x.transpose(1, 2).reshape(-1), S);
  });
  it('cat, stack, split, chunk, repeat', () => {
    checkOp('cat', (a, b) => torch.cat([a, b], 1), [[[2, 3, 5], [2, 4, 5]]]);
    checkOp('stack', (a, b) => torch.stack([a, b], -1), [[[2, 3], [2, 3]]]);
    checkOp('split', (x) => x.split(2, 2)[1], S);
    checkOp('split sections', (x) => x.split([1, 4], 2)[1], S);
    checkOp('chunk', (x) => x.chunk(2, 1)[0], S);
    checkOp('repeat', (x) => x.repeat(2, 1, 1, 3), S);
  });
  it('index_select and gather', () => {
    const idx = torch.tensor([2, 0, 2, 1], { dtype: torch.int64 });
    checkOp('index_select', (x) => x.index_select(1, idx), S);
    const gidx = torch.tensor([[[0, 1, 2, 0, 1], [2, 2, 1, 0, 0]]], { dtype: torch.int64 }).expand(2, 2, 5);
    checkOp('gather', (x) => x.gather(1, gidx), S);
  });
});
