/** Flatten, Unflatten, Dropout, Embedding, LayerNorm and the batch norms against PyTorch 1.13. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { checkOp, expectClose } from './helpers/opcheck.js';

const F = nn.functional;

interface Step {
  train: boolean;
  input: Encoded;
  w: Encoded;
  output: Encoded;
  grads: Record<string, Encoded>;
  state_dict: Record<string, Encoded>;
}
interface LayersFixture {
  cases: { key: string; state_dict: Record<string, Encoded>; steps: Step[] }[];
  reprs: Record<string, string>;
  state_dict_keys: Record<string, string[]>;
  errors: Record<string, { type: string; message: string }>;
}
const fx = loadFixture<LayersFixture>('layers');

/** The JS spelling of each PyTorch constructor call the fixture is keyed by. */
const MODULES: Record<string, () => nn.Module> = {
  'Flatten()': () => new nn.Flatten(),
  'Flatten(0, -2)': () => new nn.Flatten(0, -2),
  'Flatten(0, 2)': () => new nn.Flatten(0, 2),
  'Flatten(start_dim=2, end_dim=3)': () => new nn.Flatten({ start_dim: 2, end_dim: 3 }),
  'Unflatten(1, (2, 5))': () => new nn.Unflatten(1, [2, 5]),
  'Unflatten(-1, (2, -1))': () => new nn.Unflatten(-1, [2, -1]),
  'Unflatten(-1, (3, -1))': () => new nn.Unflatten(-1, [3, -1]),
  'Dropout()': () => new nn.Dropout(),
  'Dropout(p=0.0)': () => new nn.Dropout({ p: 0.0 }),
  'Dropout(p=1.0)': () => new nn.Dropout({ p: 1.0 }),
  'Dropout(0.2, inplace=True)': () => new nn.Dropout(0.2, true),
  'Dropout(p=0.25)': () => new nn.Dropout({ p: 0.25 }),
  'Embedding(10, 3)': () => new nn.Embedding(10, 3),
  'Embedding(10, 3, padding_idx=0)': () => new nn.Embedding(10, 3, 0),
  'Embedding(10, 3, padding_idx=-2)': () => new nn.Embedding(10, 3, { padding_idx: -2 }),
  'Embedding(7, 4, padding_idx=-1)': () => new nn.Embedding(7, 4, -1),
  'Embedding(6, 4, max_norm=1.0)': () => new nn.Embedding(6, 4, { max_norm: 1.0 }),
  'Embedding(6, 3, max_norm=2.5, norm_type=1.5)': () => new nn.Embedding(6, 3, null, 2.5, 1.5),
  'Embedding(6, 3, scale_grad_by_freq=True)': () => new nn.Embedding(6, 3, { scale_grad_by_freq: true }),
  'Embedding(6, 3, padding_idx=1, scale_grad_by_freq=True)': () => new nn.Embedding(6, 3, { padding_idx: 1, scale_grad_by_freq: true }),
  'Embedding(10, 3, max_norm=1.5, norm_type=1.5, scale_grad_by_freq=True, sparse=True)': () =>
    new nn.Embedding(10, 3, { max_norm: 1.5, norm_type: 1.5, scale_grad_by_freq: true, sparse: true }),
  'LayerNorm(10)': () => new nn.LayerNorm(10),
  'LayerNorm([3, 4])': () => new nn.LayerNorm([3, 4]),
  'LayerNorm(5, elementwise_affine=False)': () => new nn.LayerNorm(5, { elementwise_affine: false }),
  'LayerNorm(6, eps=0.001)': () => new nn.LayerNorm(6, 0.001),
  'LayerNorm([2, 3], eps=0.001, elementwise_affine=False)': () => new nn.LayerNorm([2, 3], 0.001, false),
  'BatchNorm1d(4)': () => new nn.BatchNorm1d(4),
  'BatchNorm1d(3)': () => new nn.BatchNorm1d(3),
  'BatchNorm1d(10)': () => new nn.BatchNorm1d(10),
  'BatchNorm1d(4, momentum=None)': () => new nn.BatchNorm1d(4, { momentum: null }),
  'BatchNorm1d(4, eps=0.01, momentum=0.3)': () => new nn.BatchNorm1d(4, 0.01, 0.3),
  'BatchNorm1d(4, affine=False)': () => new nn.BatchNorm1d(4, { affine: false }),
  'BatchNorm1d(4, track_running_stats=False)': () => new nn.BatchNorm1d(4, { track_running_stats: false }),
  'BatchNorm1d(10, eps=0.001, momentum=None, affine=False, track_running_stats=False)': () => new nn.BatchNorm1d(10, 0.001, null, false, false),
  'BatchNorm1d(5, momentum=0.3)': () => new nn.BatchNorm1d(5, { momentum: 0.3 }),
  'BatchNorm2d(3)': () => new nn.BatchNorm2d(3),
};

function build(key: string): nn.Module {
  const make = MODULES[key];
  expect(make, `no JS constructor for ${key}`).toBeDefined();
  return make();
}

const decodeAll = (d: Record<string, Encoded>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, decode(v)]));

function close(actual: Tensor | null, expected: Encoded, what: string): void {
  expect(actual, what).not.toBeNull();
  const e = decode(expected);
  expect(actual!.dtype, `${what}: dtype`).toBe(e.dtype);
  // int64 buffers (num_batches_tracked) exactly, floats to float32 accuracy
  if (e.dtype === torch.int64) expect(actual!.tolist(), what).toEqual(e.tolist());
  else expectClose(actual!, e, 1e-4, 2e-5, what);
}

describe('layers match PyTorch step by step', () => {
  for (const c of fx.cases) {
    it(c.key, () => {
      const model = build(c.key);
      model.load_state_dict(decodeAll(c.state_dict));
      const params = Object.fromEntries(model.named_parameters());
      c.steps.forEach((s, i) => {
        const at = `${c.key} step ${i} (${s.train ? 'train' : 'eval'})`;
        model.train(s.train);
        const x = decode(s.input);
        if (x.dtype.is_floating_point) x.requires_grad_(true);
        const out = model(x) as Tensor;
        close(out, s.output, `${at}: output`);
        model.zero_grad();
        out.mul(decode(s.w)).sum().backward();
        for (const [k, g] of Object.entries(s.grads)) close(k === 'input' ? x.grad : params[k].grad, g, `${at}: grad of ${k}`);
        const sd = model.state_dict();
        expect(Object.keys(sd)).toEqual(Object.keys(s.state_dict));
        for (const [k, v] of Object.entries(s.state_dict)) close(sd[k], v, `${at}: ${k}`);
      });
    });
  }
});

describe('printing and state_dict keys match PyTorch', () => {
  for (const [key, repr] of Object.entries(fx.reprs)) {
    it(key, () => {
      const m = build(key);
      expect(String(m)).toBe(repr);
      expect(Object.keys(m.state_dict())).toEqual(fx.state_dict_keys[key]);
    });
  }
});

describe('PyTorch error messages', () => {
  // each key of the fixture, with the JS error class PyTorch's exception maps to
  const cases: Record<string, [() => unknown, ErrorConstructor]> = {
    'dropout p=1.5': [() => new nn.Dropout(1.5), RangeError],
    'F.dropout p=-1': [() => F.dropout(torch.zeros(2), -1), RangeError],
    'embedding index 10 of 10': [() => new nn.Embedding(10, 3)(torch.tensor([1n, 10n])), RangeError],
    'embedding index -1': [() => new nn.Embedding(10, 3)(torch.tensor([-1n])), RangeError],
    'embedding float indices': [() => new nn.Embedding(10, 3)(torch.tensor([1.0])), TypeError],
    'embedding padding_idx=10': [() => new nn.Embedding(10, 3, 10), Error],
    'embedding 1-D weight': [() => F.embedding(torch.tensor([1n]), torch.zeros(3)), RangeError],
    'batchnorm batch of one': [() => new nn.BatchNorm1d(10)(torch.zeros(1, 10)), RangeError],
    'batchnorm batch of one, L=1': [() => new nn.BatchNorm1d(10)(torch.zeros(1, 10, 1)), RangeError],
    'batchnorm1d 4D input': [() => new nn.BatchNorm1d(10)(torch.zeros(3, 10, 1, 1)), RangeError],
    'batchnorm2d 3D input': [() => new nn.BatchNorm2d(10)(torch.zeros(3, 10, 1)), RangeError],
    'batchnorm wrong features': [() => new nn.BatchNorm1d(10)(torch.zeros(3, 9)), RangeError],
    'F.batch_norm eval without stats': [() => F.batch_norm(torch.zeros(3, 9), null, null), Error],
    'layernorm wrong shape': [() => new nn.LayerNorm(10)(torch.zeros(3, 9)), RangeError],
    'F.layer_norm weight shape': [() => F.layer_norm(torch.zeros(3, 9), [9], torch.ones(8)), RangeError],
    'F.layer_norm empty shape': [() => F.layer_norm(torch.zeros(3, 9), []), RangeError],
    'unflatten bad sizes': [() => new nn.Unflatten(1, [2, 4])(torch.zeros(3, 10)), RangeError],
    'unflatten int size': [() => new nn.Unflatten(1, 5 as never), TypeError],
    'flatten 0-d': [() => new nn.Flatten()(torch.tensor(1.0)), RangeError],
  };
  it('covers every recorded error', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(fx.errors).sort());
  });
  for (const [key, { message }] of Object.entries(fx.errors)) {
    it(key, () => {
      const [fn, cls] = cases[key];
      expect(fn).toThrow(cls);
      expect(fn).toThrow(message);
      let msg = '';
      try {
        fn();
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toBe(message);
    });
  }
});

describe('functional forms: values and gradients on every backend', () => {
  it('layer_norm', () => {
    checkOp('layer_norm', (x, w, b) => F.layer_norm(x, [x.shape[x.ndim - 1]], w, b), [[[3, 5], [5], [5]], [[2, 3, 5], [5], [5]], [[19, 37], [37], [37]]]);
    checkOp('layer_norm [3, 4]', (x, w, b) => F.layer_norm(x, [3, 4], { weight: w, bias: b, eps: 1e-3 }), [[[2, 3, 4], [3, 4], [3, 4]]]);
    checkOp('layer_norm without affine', (x) => F.layer_norm(x, [7]), [[[7]], [[3, 7]], [[3, 13, 7]]]);
  });
  it('batch_norm in training (batch statistics)', () => {
    const fn = (x: Tensor, w: Tensor, b: Tensor) => F.batch_norm(x, null, null, w, b, true);
    checkOp('batch_norm train', fn, [[[6, 3], [3], [3]], [[4, 3, 5], [3], [3]], [[2, 3, 2, 2], [3], [3]], [[37, 11], [11], [11]]]);
    checkOp('batch_norm train, no affine', (x) => F.batch_norm(x, null, null, { training: true, eps: 1e-3 }), [[[5, 2, 3]]]);
  });
  it('batch_norm in eval (running statistics)', () => {
    const rm = torch.tensor([0.5, -0.25, 1.0]), rv = torch.tensor([1.5, 0.75, 2.0]);
    checkOp('batch_norm eval', (x, w, b) => F.batch_norm(x, rm, rv, w, b), [[[6, 3], [3], [3]], [[4, 3, 5], [3], [3]], [[2, 3, 61], [3], [3]]]);
  });
  it('embedding', () => {
    const idx = torch.tensor([[1n, 0n, 3n], [3n, 3n, 5n]]);
    checkOp('embedding', (w) => F.embedding(idx, w), [[[6, 4]]]);
    checkOp('embedding, 1-D indices', (w) => F.embedding(torch.tensor([2n, 2n, 0n]), w), [[[3, 1]]]);
  });
});

describe('embedding', () => {
  const idx = torch.tensor([[1n, 0n, 3n], [3n, 3n, 5n]]);
  const weight = () => torch.arange(24, { dtype: torch.float32 }).reshape(6, 4).div(10).requires_grad_(true);
  const gradOf = (fn: (w: Tensor) => Tensor) => {
    const w = weight();
    fn(w).sum().backward();
    return w.grad!;
  };

  it('looks up rows for indices of any shape', () => {
    const w = weight();
    const out = F.embedding(idx, w);
    expect(out.shape).toEqual([2, 3, 4]);
    expect(out.select(0, 1).select(0, 2).tolist()).toEqual(w.select(0, 5).tolist());
    expect(F.embedding(torch.tensor(2n), w).shape).toEqual([4]);
    expect(out.grad_fn!.name()).toBe('EmbeddingBackward0');
  });
  it('accumulates repeated indices and gives the padding row no gradient', () => {
    const plain = gradOf((w) => F.embedding(idx, w));
    expect(plain.select(0, 3).tolist()).toEqual([3, 3, 3, 3]);
    const padded = gradOf((w) => F.embedding(idx, w, 3));
    expect(padded.select(0, 3).tolist()).toEqual([0, 0, 0, 0]);
    expect(padded.select(0, 1).tolist()).toEqual(plain.select(0, 1).tolist());
    // the forward still returns the padding row's actual values
    expect(F.embedding(idx, weight(), { padding_idx: 3 }).select(0, 1).select(0, 0).tolist()).toEqual(weight().select(0, 3).tolist());
  });
  it('scale_grad_by_freq divides each row by its count', () => {
    const g = gradOf((w) => F.embedding(idx, w, { scale_grad_by_freq: true }));
    expect(g.select(0, 3).tolist()).toEqual([1, 1, 1, 1]);
    expect(g.select(0, 2).tolist()).toEqual([0, 0, 0, 0]);
  });
  it('is twice differentiable (create_graph)', () => {
    const w = weight();
    const y = F.embedding(idx, w).pow(2).sum();
    const [g] = torch.autograd.grad(y, [w], { create_graph: true }) as Tensor[];
    g.sum().backward();
    // d/dw sum(count_i · 2 w_i) = 2 · count_i
    expect(w.grad!.select(0, 3).tolist()).toEqual([6, 6, 6, 6]);
    expect(w.grad!.select(0, 2).tolist()).toEqual([0, 0, 0, 0]);
  });
  it('is initialised N(0, 1) with the padding row zeroed', () => {
    torch.manual_seed(0);
    const e = new nn.Embedding(400, 50, 7);
    const w = e.weight.detach();
    expect(w.select(0, 7).abs().sum().item()).toBe(0);
    expect(Math.abs(w.mean().item())).toBeLessThan(0.02);
    expect(Math.abs((w.std().item()) - 1)).toBeLessThan(0.02);
    expect(e.weight.requires_grad).toBe(true);
  });
  it('from_pretrained shares the matrix and freezes it by default', () => {
    const m = torch.tensor([[1, 2], [3, 4], [5, 6]]);
    const e = nn.Embedding.from_pretrained(m);
    expect(e.weight.requires_grad).toBe(false);
    expect(String(e)).toBe('Embedding(3, 2)');
    expect((e(torch.tensor([2n, 0n])) as Tensor).tolist()).toEqual([[5, 6], [1, 2]]);
    m.fill_(0);
    expect(e.weight.sum().item()).toBe(0);
    expect(nn.Embedding.from_pretrained(m, { freeze: false, padding_idx: 1 }).weight.requires_grad).toBe(true);
  });
});

describe('dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1-p), gradient through the same mask', () => {
    torch.manual_seed(0);
    const x = torch.ones(100000).requires_grad_(true);
    const y = F.dropout(x, 0.3);
    const v = y.detach().toTypedArray();
    const scale = Math.fround(1 / Math.fround(0.7));
    let zeros = 0, others = 0;
    for (const e of v) {
      if (e === 0) zeros++;
      else if (e !== scale) others++;
    }
    expect(others).toBe(0);
    expect(Math.abs(zeros / v.length - 0.3)).toBeLessThan(0.01);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual(y.detach().tolist());
    expect(y.grad_fn!.name()).toBe('MulBackward0');
  });
  it('draws its mask from the seeded generator', () => {
    torch.manual_seed(3);
    const a = F.dropout(torch.ones(64)).tolist();
    torch.manual_seed(3);
    expect(F.dropout(torch.ones(64)).tolist()).toEqual(a);
    expect(F.dropout(torch.ones(64)).tolist()).not.toEqual(a);
  });
  it('is the identity outside training and for p = 0; p = 1 gives zeros', () => {
    const x = torch.randn(5, 4);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, { training: false })).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout(x, 1).abs().sum().item()).toBe(0);
  });
  it('the module follows train() and eval()', () => {
    const d = new nn.Dropout(0.5);
    const x = torch.ones(1000);
    expect((d(x) as Tensor).eq(0).any().item()).toBe(true);
    d.eval();
    expect(d(x)).toBe(x);
    d.train();
    expect(d.training).toBe(true);
  });
  it('inplace writes into its input', () => {
    torch.manual_seed(1);
    const x = torch.ones(200);
    const y = new nn.Dropout(0.5, true)(x) as Tensor;
    expect(y).toBe(x);
    expect(x.eq(0).any().item()).toBe(true);
    expect(x.eq(2).any().item()).toBe(true);
  });
});

describe('batch norm', () => {
  it('tracks num_batches_tracked (int64) in training only, and uses running stats in eval', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(Object.fromEntries(bn.named_buffers()).num_batches_tracked.dtype).toBe(torch.int64);
    const x = torch.tensor([[1, 2, 3], [3, 6, 9], [5, 1, 0], [7, 3, 4]]);
    bn(x);
    bn(x);
    expect(bn.num_batches_tracked!.item()).toBe(2);
    // mean [4, 3, 4], unbiased var [20/3, 14/3, 42/3] after two updates with momentum 0.1
    const keep = 0.9 * 0.9;
    expectClose(bn.running_mean!, torch.tensor([4, 3, 4]).mul(1 - keep), 1e-5, 1e-6, 'running_mean');
    expectClose(bn.running_var!, torch.tensor([20 / 3, 14 / 3, 14]).mul(1 - keep).add(keep), 1e-5, 1e-6, 'running_var');
    bn.eval();
    const rm = bn.running_mean!.clone(), rv = bn.running_var!.clone();
    const y = bn(x) as Tensor;
    expect(bn.num_batches_tracked!.item()).toBe(2);
    expectClose(y, x.sub(rm).div(rv.add(1e-5).sqrt()), 1e-5, 1e-6, 'eval output');
    expect(bn.running_mean!.tolist()).toEqual(rm.tolist());
  });
  it('momentum=None keeps a cumulative average', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null });
    bn(torch.tensor([[0, 0], [2, 4]]));
    bn(torch.tensor([[4, 0], [6, 0]]));
    bn(torch.tensor([[1, 1], [1, 1]]));
    expectClose(bn.running_mean!, torch.tensor([(1 + 5 + 1) / 3, (2 + 0 + 1) / 3]), 1e-6, 1e-6, 'running_mean');
  });
  it('a batch of one still fails in eval only when there are no running stats', () => {
    const bn = new nn.BatchNorm1d(2).eval();
    expect((bn(torch.tensor([[1, 2]])) as Tensor).shape).toEqual([1, 2]);
    expect(() => new nn.BatchNorm1d(2, { track_running_stats: false }).eval()(torch.tensor([[1, 2]]))).toThrow(RangeError);
  });
  it('reset_running_stats and to(float64) keep the int64 counter', () => {
    const bn = new nn.BatchNorm1d(2);
    bn(torch.randn(4, 2));
    bn.to(torch.float64);
    expect(bn.running_mean!.dtype).toBe(torch.float64);
    expect(bn.num_batches_tracked!.dtype).toBe(torch.int64);
    bn.reset_running_stats();
    expect(bn.running_mean!.tolist()).toEqual([0, 0]);
    expect(bn.running_var!.tolist()).toEqual([1, 1]);
    expect(bn.num_batches_tracked!.item()).toBe(0);
  });
});

describe('flatten and unflatten', () => {
  it('reshape as PyTorch does', () => {
    const x = torch.zeros(2, 3, 4, 5);
    expect((new nn.Flatten()(x) as Tensor).shape).toEqual([2, 60]);
    expect((new nn.Flatten(1, 2)(x) as Tensor).shape).toEqual([2, 12, 5]);
    expect((new nn.Unflatten(1, [3, 1])(x) as Tensor).shape).toEqual([2, 3, 1, 4, 5]);
    expect((new nn.Flatten(0)(torch.zeros([])) as Tensor).shape).toEqual([1]);
  });
});
