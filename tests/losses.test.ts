/** Losses against PyTorch fixtures (values, gradients, grad_fn, modules, reprs), op checks on every backend, errors. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { checkOp, expectClose } from './helpers/opcheck.js';

const F = nn.functional;

interface Case {
  name: string;
  fn: string;
  input: Encoded;
  target: Encoded;
  kwargs: Record<string, unknown>;
  out: Encoded;
  grad_fn: string;
  upstream: Encoded;
  grad_input: Encoded;
  grad_target?: Encoded;
}
interface Fixture {
  cases: Case[];
  reprs: string[];
  state_dict_keys: Record<string, string[]>;
  defaults: { MSELoss: string; CrossEntropyLoss: [number, number]; SmoothL1Loss: number; HuberLoss: number; KLDivLoss: boolean; legacy: string };
}
const fx = loadFixture<Fixture>('losses');

type LossFn = (input: Tensor, target: Tensor, opts: Record<string, unknown>) => Tensor;
type LossModule = new (opts: Record<string, unknown>) => nn.Module;
const LOSSES: Record<string, [LossFn, LossModule]> = {
  mse_loss: [F.mse_loss as LossFn, nn.MSELoss as unknown as LossModule],
  l1_loss: [F.l1_loss as LossFn, nn.L1Loss as unknown as LossModule],
  smooth_l1_loss: [F.smooth_l1_loss as LossFn, nn.SmoothL1Loss as unknown as LossModule],
  huber_loss: [F.huber_loss as LossFn, nn.HuberLoss as unknown as LossModule],
  cross_entropy: [F.cross_entropy as LossFn, nn.CrossEntropyLoss as unknown as LossModule],
  nll_loss: [F.nll_loss as LossFn, nn.NLLLoss as unknown as LossModule],
  binary_cross_entropy: [F.binary_cross_entropy as LossFn, nn.BCELoss as unknown as LossModule],
  binary_cross_entropy_with_logits: [F.binary_cross_entropy_with_logits as LossFn, nn.BCEWithLogitsLoss as unknown as LossModule],
  kl_div: [F.kl_div as LossFn, nn.KLDivLoss as unknown as LossModule],
};

// Where kindling's graph differs from PyTorch's in name only: the value and gradients still match.
const GRAD_FN_ALIASES: Record<string, string> = {
  DivBackward1: 'DivBackward0', // division by a Python number has its own node in PyTorch
  ViewBackward0: 'NllLoss2DBackward0', // nll_loss over [N, C, d1] is nll_loss2d and a view there
};

function isEncoded(v: unknown): v is Encoded {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'data' in v;
}
function kwargsOf(c: Case): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, isEncoded(v) ? decode(v) : v]));
}

describe('losses against PyTorch 1.13 (float64)', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const [fn, Module] = LOSSES[c.fn];
      const x = decode(c.input).requires_grad_();
      const t = decode(c.target);
      if (c.grad_target) t.requires_grad_();
      const out = fn(x, t, kwargsOf(c));
      expectClose(out, decode(c.out), 1e-10, 1e-12, `${c.name}: value`);
      expect(out.dtype).toBe(torch.float64);
      expect(out.grad_fn?.name()).toBe(GRAD_FN_ALIASES[c.grad_fn] ?? c.grad_fn);
      out.mul(decode(c.upstream)).sum().backward();
      // nll's gradient is gather's, scattered into zeros: where the upstream gradient is 0 it is
      // +0, where PyTorch's nll kernel writes −weight·0 = −0
      expectClose(x.grad!, decode(c.grad_input), 1e-9, 1e-12, `${c.name}: grad of input`, { zeroSign: !/^(nll|ce) 3d/.test(c.name) });
      if (c.grad_target) expectClose(t.grad!, decode(c.grad_target), 1e-9, 1e-12, `${c.name}: grad of target`);
      // the module with the same keyword arguments gives the same value
      const m = new Module(kwargsOf(c));
      expectClose(m(decode(c.input), decode(c.target)), decode(c.out), 1e-10, 1e-12, `${c.name}: module`);
    });
  }
});

class Classifier extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  fc2 = new nn.Linear(16, 3);
  forward(x: Tensor) {
    return this.fc2(torch.relu(this.fc1(x)));
  }
}

describe('loss modules', () => {
  it('print as PyTorch prints them', () => {
    const modules = [
      new nn.MSELoss(), new nn.L1Loss(), new nn.SmoothL1Loss({ beta: 0.5 }), new nn.HuberLoss({ delta: 2.0 }), new nn.CrossEntropyLoss(),
      new nn.CrossEntropyLoss({ weight: torch.ones(3), ignore_index: 1, label_smoothing: 0.1 }), new nn.NLLLoss({ weight: torch.ones(3) }),
      new nn.BCELoss(), new nn.BCEWithLogitsLoss({ pos_weight: torch.ones(3) }), new nn.KLDivLoss({ reduction: 'batchmean', log_target: true }),
    ];
    expect(modules.map(String)).toEqual(fx.reprs);
  });
  it('hold weight and pos_weight as buffers', () => {
    const keys = (m: nn.Module) => Object.keys(m.state_dict());
    expect(keys(new nn.CrossEntropyLoss())).toEqual(fx.state_dict_keys['CrossEntropyLoss']);
    expect(keys(new nn.CrossEntropyLoss(torch.ones(3)))).toEqual(fx.state_dict_keys['CrossEntropyLoss(weight)']);
    expect(keys(new nn.BCEWithLogitsLoss({ pos_weight: torch.ones(3) }))).toEqual(fx.state_dict_keys['BCEWithLogitsLoss(pos_weight)']);
    expect(keys(new nn.BCEWithLogitsLoss(torch.ones(3), null, null, 'mean', torch.ones(3)))).toEqual(fx.state_dict_keys['BCEWithLogitsLoss(weight, pos_weight)']);
    const m = new nn.CrossEntropyLoss({ weight: torch.ones(3) }).double();
    expect(m.weight!.dtype).toBe(torch.float64);
    expect([...m.parameters()]).toHaveLength(0);
  });
  it('have PyTorch\'s defaults and positional order', () => {
    const d = fx.defaults;
    expect(new nn.MSELoss().reduction).toBe(d.MSELoss);
    const ce = new nn.CrossEntropyLoss();
    expect([ce.ignore_index, ce.label_smoothing]).toEqual(d.CrossEntropyLoss);
    expect(ce.weight).toBeNull();
    expect(new nn.SmoothL1Loss().beta).toBe(d.SmoothL1Loss);
    expect(new nn.HuberLoss().delta).toBe(d.HuberLoss);
    expect(new nn.KLDivLoss().log_target).toBe(d.KLDivLoss);
    expect(new nn.MSELoss(false).reduction).toBe(d.legacy);
    expect(new nn.HuberLoss('sum', 0.5).delta).toBe(0.5);
    expect(new nn.CrossEntropyLoss(null, null, 3, null, 'none', 0.2).label_smoothing).toBe(0.2);
    expect(() => new nn.MSELoss({ weight: torch.ones(2) } as never)).toThrow(new TypeError("MSELoss.__init__() got an unexpected keyword argument 'weight'"));
  });
  it('forward one functional call, training a classifier end to end', () => {
    torch.manual_seed(0);
    const model = new Classifier();
    const X = torch.randn(32, 4);
    const y = X.argmax(1).clamp(0, 2);
    const lossFn = new nn.CrossEntropyLoss({ label_smoothing: 0.05 });
    const first = (lossFn(model(X), y) as Tensor).item();
    let last = first;
    for (let step = 0; step < 60; step++) {
      model.zero_grad();
      const loss = lossFn(model(X), y) as Tensor;
      loss.backward();
      torch.no_grad(() => {
        for (const p of model.parameters()) p.sub_(p.grad!.mul(0.5));
      });
      last = loss.item();
    }
    expect(last).toBeLessThan(first * 0.5);
  });
});

describe('op checks: float32 on every backend against float64, gradients by finite differences', () => {
  const REDUCTIONS = ['none', 'mean', 'sum'] as const;
  const PAIRS: number[][][] = [[[], []], [[7], [7]], [[4, 3], [4, 3]], [[4, 3], [3]], [[3], [2, 3]], [[17, 19], [17, 19]], [[17, 19], [19]]];
  it('regression losses, broadcasting included', () => {
    for (const reduction of REDUCTIONS) {
      checkOp(`mse ${reduction}`, (x, t) => F.mse_loss(x, t, { reduction }), PAIRS);
      checkOp(`l1 ${reduction}`, (x, t) => F.l1_loss(x, t, { reduction }), PAIRS);
      checkOp(`smooth_l1 ${reduction}`, (x, t) => F.smooth_l1_loss(x, t, { reduction, beta: 0.7 }), PAIRS);
      checkOp(`huber ${reduction}`, (x, t) => F.huber_loss(x, t, { reduction, delta: 0.8 }), PAIRS);
    }
  });
  it('cross_entropy and nll_loss with class indices', () => {
    const tgt = torch.tensor([2n, 0n, 3n, 1n, -100n]);
    const tgt3 = torch.tensor([[0n, 3n, 1n], [2n, -100n, 1n]]);
    const tgtLarge = torch.tensor(Array.from({ length: 37 }, (_, i) => BigInt((i * 7) % 11)));
    const w = torch.tensor([0.5, 2, 1, 1.5], { dtype: torch.float64 });
    for (const reduction of REDUCTIONS) {
      const opts = (x: Tensor) => ({ reduction, weight: w.to(x.dtype) });
      checkOp(`ce ${reduction}`, (x) => F.cross_entropy(x, tgt, opts(x)), [[[5, 4]]]);
      checkOp(`ce smoothing ${reduction}`, (x) => F.cross_entropy(x, tgt, { ...opts(x), label_smoothing: 0.2 }), [[[5, 4]]]);
      checkOp(`ce 3d ${reduction}`, (x) => F.cross_entropy(x, tgt3, { ...opts(x), label_smoothing: 0.1 }), [[[2, 4, 3]]]);
      checkOp(`ce unbatched ${reduction}`, (x) => F.cross_entropy(x, torch.tensor(1n), opts(x)), [[[4]]]);
      checkOp(`nll ${reduction}`, (x) => F.nll_loss(x, torch.tensor([2n, 0n, 3n, 1n, 0n]), { reduction, ignore_index: 0 }), [[[5, 4]]]);
      checkOp(`ce native-sized ${reduction}`, (x) => F.cross_entropy(x, tgtLarge, { reduction, label_smoothing: 0.1 }), [[[37, 11]]]);
    }
  });
  it('cross_entropy with class probabilities (gradient into the target too)', () => {
    for (const reduction of REDUCTIONS) {
      checkOp(`ce probs ${reduction}`, (x, t) => F.cross_entropy(x, t.softmax(1), { reduction, label_smoothing: 0.1 }), [[[5, 4], [5, 4]], [[2, 3, 4], [2, 3, 4]]]);
    }
  });
  it('binary cross entropy, on probabilities and on logits', () => {
    const w = torch.tensor([0.5, 1, 2], { dtype: torch.float64 });
    for (const reduction of REDUCTIONS) {
      checkOp(`bce ${reduction}`, (x, t) => F.binary_cross_entropy(x, t, { reduction, weight: w.to(x.dtype) }), [[[4, 3], [4, 3]], [[], []]], { domain: [0.05, 0.95] });
      checkOp(`bce logits ${reduction}`, (x, t) => F.binary_cross_entropy_with_logits(x, t.sigmoid(), { reduction, weight: w.to(x.dtype), pos_weight: w.add(1).to(x.dtype) }), [[[4, 3], [4, 3]], [[7, 3], [7, 3]]], { domain: [-4, 4] });
      checkOp(`bce logits plain ${reduction}`, (x, t) => F.binary_cross_entropy_with_logits(x, t, { reduction }), [[[5], [5]]], { domain: [0.05, 0.95] });
    }
  });
  it('kl_div with probability and log-probability targets', () => {
    for (const reduction of [...REDUCTIONS, 'batchmean'] as const) {
      checkOp(`kl ${reduction}`, (x, t) => F.kl_div(x.log_softmax(-1), t.softmax(-1), { reduction }), [[[3, 4], [3, 4]], [[5], [5]]]);
      checkOp(`kl log_target ${reduction}`, (x, t) => F.kl_div(x, t.log_softmax(-1), { reduction, log_target: true }), [[[3, 4], [3, 4]]]);
    }
  });
});

describe('numerics and argument forms', () => {
  it('cross_entropy stays finite for logits like 1e4 in float32', () => {
    const x = torch.tensor([[1e4, 0, -1e4], [-1e4, 1e4, 0]], { requires_grad: true });
    const loss = F.cross_entropy(x, torch.tensor([2n, 1n]));
    expect(loss.item()).toBeCloseTo(1e4, 0);
    loss.backward();
    expect(x.grad!.tolist()).toEqual([[0.5, 0, -0.5], [0, 0, 0]]);
  });
  it('binary_cross_entropy_with_logits stays finite for large logits in float32', () => {
    const l = F.binary_cross_entropy_with_logits(torch.tensor([1e4, -1e4, 100]), torch.tensor([0, 1, 1]), { reduction: 'none' });
    expect(l.tolist()).toEqual([1e4, 1e4, 0]);
  });
  it('positional arguments in PyTorch\'s order, legacy size_average/reduce, trailing options', () => {
    const x = torch.tensor([[0.2, -1.0, 3.0], [1.5, 0.1, -0.3]]);
    const t = torch.tensor([2n, 0n]);
    const w = torch.tensor([1, 2, 3]);
    const byKw = F.cross_entropy(x, t, { weight: w, reduction: 'sum', label_smoothing: 0.1 }).item();
    expect(F.cross_entropy(x, t, w, null, -100, null, 'sum', 0.1).item()).toBe(byKw);
    expect(F.cross_entropy(x, t, w, { reduction: 'sum', label_smoothing: 0.1 }).item()).toBe(byKw);
    const y = torch.tensor([[0, 1, 2], [1, 1, 1]]);
    expect(F.mse_loss(x, y, false).item()).toBe(F.mse_loss(x, y, { reduction: 'sum' }).item());
    expect(F.mse_loss(x, y, null, false).shape).toEqual([2, 3]);
    expect(F.mse_loss(x, y, null, null, 'sum').item()).toBe(F.mse_loss(x, y, { reduction: 'sum' }).item());
    expect(F.huber_loss(x, y, 'sum', 0.5).item()).toBe(F.huber_loss(x, y, { reduction: 'sum', delta: 0.5 }).item());
    // an int64 target promotes as in PyTorch
    expect(F.mse_loss(x, torch.tensor([[0n, 1n, 2n], [1n, 1n, 1n]])).item()).toBe(F.mse_loss(x, y).item());
  });
  it('a weight shared by two uses accumulates, and create_graph gives second derivatives', () => {
    const x = torch.tensor([0.3, -0.2, 0.9], { dtype: torch.float64, requires_grad: true });
    const t = torch.tensor([0.1, 0.4, 0.5], { dtype: torch.float64 });
    const loss = F.mse_loss(x, t, { reduction: 'sum' }).add(F.smooth_l1_loss(x, t, { reduction: 'sum' }));
    const [g] = torch.autograd.grad(loss, x, { create_graph: true });
    const [h] = torch.autograd.grad(g!.sum(), x);
    expect(h!.tolist()).toEqual([3, 3, 3]); // 2 from mse, 1/beta from smooth_l1 inside the quadratic zone
  });
});

describe('errors carry PyTorch\'s messages', () => {
  const x = torch.zeros(3, 5);
  const throws = (f: () => unknown, cls: ErrorConstructor, msg: string) => expect(f).toThrow(new cls(msg));
  it('class targets', () => {
    throws(() => F.cross_entropy(x, torch.tensor([0n, 5n, 1n])), RangeError, 'Target 5 is out of bounds.');
    throws(() => F.cross_entropy(x, torch.tensor([0n, -1n, 1n])), RangeError, 'Target -1 is out of bounds.');
    throws(() => F.nll_loss(torch.zeros(2, 3, 4), torch.full([2, 4], 7, { dtype: torch.int64 })), RangeError, 'Target 7 is out of bounds.');
    throws(() => F.cross_entropy(x, torch.tensor([0n, 1n])), RangeError, 'Expected input batch_size (3) to match target batch_size (2).');
    throws(() => F.nll_loss(x, torch.tensor([0, 1, 2])), TypeError, 'expected scalar type Long but found Float');
    throws(() => F.cross_entropy(x, torch.tensor([0, 1, 2])), TypeError, 'expected scalar type Long but found Float');
    throws(() => F.nll_loss(x, torch.zeros([3, 1], { dtype: torch.int64 })), RangeError, '0D or 1D target tensor expected, multi-target not supported');
    throws(() => F.cross_entropy(torch.zeros(2, 5, 4), torch.zeros([2, 3], { dtype: torch.int64 })), RangeError, 'Expected target size [2, 4], got [2, 3]');
    throws(() => F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros([2, 4], { dtype: torch.int64 })), RangeError, 'only batches of spatial targets supported (3D tensors) but got targets of dimension: 2');
    throws(() => F.cross_entropy(torch.zeros(5), torch.tensor([3n])), RangeError, 'size mismatch (got input: [5], target: [1])');
    throws(() => F.nll_loss(torch.tensor(1), torch.tensor(0n)), RangeError, 'Expected 1 or more dimensions (got 0)');
    throws(() => F.cross_entropy(x, torch.tensor([0n, 1n, 2n]), torch.ones(4)), RangeError, 'weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [4]');
    throws(() => F.nll_loss(x, torch.tensor([0n, 1n, 2n]), torch.ones([5], { dtype: torch.float64 })), TypeError, 'expected scalar type Float but found Double');
    throws(() => F.cross_entropy(x, torch.tensor([0n, 1n, 2n]), { label_smoothing: 1.5 }), RangeError, 'label_smoothing must be between 0.0 and 1.0. Got: 1.5');
  });
  it('probability targets', () => {
    throws(() => F.cross_entropy(x, torch.rand(3, 5), { ignore_index: 1 }), Error, 'ignore_index is not supported for floating point target');
    throws(() => F.cross_entropy(torch.tensor(1), torch.tensor(0n)), TypeError, 'Expected floating point type for target with class probabilities, got Long');
    throws(() => F.cross_entropy(x, torch.rand(3, 5), { weight: torch.ones(4) }), RangeError, 'cross_entropy: weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [4]');
  });
  it('shapes, values and reduction', () => {
    throws(() => F.mse_loss(x, torch.zeros(3)), RangeError, 'The size of tensor a (5) must match the size of tensor b (3) at non-singleton dimension 1');
    throws(() => F.l1_loss(x, torch.zeros(4, 3)), RangeError, 'The size of tensor a (5) must match the size of tensor b (3) at non-singleton dimension 1');
    throws(() => F.mse_loss(x, torch.zeros(3, 5), { reduction: 'mean2' as never }), RangeError, 'mean2 is not a valid value for reduction');
    throws(() => F.cross_entropy(x, torch.tensor([0n, 1n, 2n]), { reduction: 'batchmean' as never }), RangeError, 'batchmean is not a valid value for reduction');
    throws(() => F.kl_div(x, x, { reduction: null as never }), RangeError, 'None is not a valid value for reduction');
    throws(() => F.cross_entropy(x, torch.tensor([0n, 1n, 2n]), { foo: 1 } as never), TypeError, "cross_entropy() got an unexpected keyword argument 'foo'");
    throws(() => F.binary_cross_entropy(torch.rand(3), torch.rand(3, 1)), RangeError, 'Using a target size (torch.Size([3, 1])) that is different to the input size (torch.Size([3])) is deprecated. Please ensure they have the same size.');
    throws(() => F.binary_cross_entropy(torch.tensor([1.5]), torch.rand(1)), RangeError, 'all elements of input should be between 0 and 1');
    throws(() => F.binary_cross_entropy(torch.rand(2, { dtype: torch.float64 }), torch.rand(2)), TypeError, 'Found dtype Float but expected Double');
    throws(() => F.binary_cross_entropy_with_logits(torch.rand(3), torch.rand(3, 1)), RangeError, 'Target size (torch.Size([3, 1])) must be the same as input size (torch.Size([3]))');
    throws(() => F.binary_cross_entropy_with_logits(torch.rand(3), torch.rand(3), { pos_weight: torch.ones(2) }), RangeError, 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0');
    throws(() => F.smooth_l1_loss(x, x, { beta: -1 }), RangeError, 'smooth_l1_loss does not support negative values for beta.');
    throws(() => F.huber_loss(x, x, { delta: 0 }), RangeError, 'huber_loss does not support non-positive values for delta.');
    throws(() => F.mse_loss(x.long(), x.long()), TypeError, '"mse_cpu" not implemented for \'Long\'');
    throws(() => F.kl_div(x, x.long()), TypeError, 'kl_div: Integral inputs not supported.');
  });
});
