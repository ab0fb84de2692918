/**
 * What a port from PyTorch hits in its first lines, against PyTorch 1.13's own results and messages
 * (scripts/golden/ports.py): devices, legacy constructors, x.type(), torch.Size, where() with
 * Python floats, default_collate, writes through detached views and `.data =`, and the autograd
 * errors a port meets.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';

const { nn } = torch;
const { default_collate } = torch.utils.data;

type Outcome =
  | { error: string; message: string }
  | { tensor: Encoded }
  | { device: string; str: string; type: string; index: number | null }
  | { size: number[]; str: string }
  | { dtype: string }
  | { value: unknown };

const { messages: goldenMessages, ...golden } = loadFixture<Record<string, Outcome> & { messages: Record<string, { error: string; message: string }> }>('ports');

const x = () => torch.tensor([[1, -2], [3, 4]]);
const weightOf = (l: InstanceType<typeof nn.Linear>) => l.weight;

function sigmoidThenInplace(): void {
  const a = torch.tensor([1, 2], { requires_grad: true });
  const b = a.sigmoid();
  b.mul_(2);
  b.sum().backward();
}

const CASES: Record<string, () => unknown> = {
  "device('cpu')": () => torch.device('cpu'),
  "device('cuda')": () => torch.device('cuda'),
  "device('cuda:1')": () => torch.device('cuda:1'),
  "device('cuda', 1)": () => torch.device('cuda', 1),
  "device('cpu', 0)": () => torch.device('cpu', 0),
  'device(0)': () => torch.device(0),
  "device('gpu')": () => torch.device('gpu'),
  "device('cuda:x')": () => torch.device('cuda:x'),
  'x.device': () => x().device,
  "x.to('cpu')": () => x().to('cpu'),
  "x.to('cpu', float64)": () => x().to('cpu', torch.float64),
  'x.to(device=cpu, dtype=float64)': () => x().to({ device: torch.device('cpu'), dtype: torch.float64 }),
  'x.to(int64 tensor)': () => x().to(torch.zeros(1, { dtype: torch.int64 })),
  "x.to('cuda')": () => x().to('cuda'),
  "x.to('mps')": () => x().to('mps'),
  'x.cuda()': () => x().cuda(),
  'x.cpu()': () => x().cpu(),
  'x.is_cuda': () => x().is_cuda,
  'x.get_device()': () => x().get_device(),
  "zeros(2, device='cpu')": () => torch.zeros(2, { device: 'cpu' }),
  "zeros(2, device='cuda')": () => torch.zeros(2, { device: 'cuda' }),
  "tensor([1.5], device=device('cpu'))": () => torch.tensor([1.5], { device: torch.device('cpu') }),
  'cuda.is_available()': () => torch.cuda.is_available(),
  'cuda.device_count()': () => torch.cuda.device_count(),
  'cuda.current_device()': () => torch.cuda.current_device(),
  'cuda.manual_seed(0)': () => torch.cuda.manual_seed(0) ?? null,
  'backends.mps.is_available()': () => torch.backends.mps.is_available(),
  "Linear.to('cuda')": () => new nn.Linear(2, 2).to('cuda'),
  'Linear.cuda()': () => new nn.Linear(2, 2).cuda(),
  'Linear.to(int64)': () => new nn.Linear(2, 2).to(torch.int64),
  "Linear.to('cpu', float64).weight.dtype": () => weightOf(new nn.Linear(2, 2).to('cpu', torch.float64)).dtype,
  'Linear.to(float64 tensor).weight.dtype': () => weightOf(new nn.Linear(2, 2).to(torch.zeros(1, { dtype: torch.float64 }))).dtype,
  'float32.type()': () => x().type(),
  'float64.type()': () => x().double().type(),
  'int64.type()': () => x().long().type(),
  'bool.type()': () => x().bool().type(),
  'x.type(float64)': () => x().type(torch.float64),
  "x.type('torch.LongTensor')": () => x().type('torch.LongTensor'),
  'Tensor([-4.0])': () => new torch.Tensor([-4.0]),
  'Tensor([[1, 2], [3, 4]])': () => new torch.Tensor([[1, 2], [3, 4]]),
  'Tensor(2, 3).shape': () => new torch.Tensor(2, 3).shape,
  'Tensor()': () => new torch.Tensor(),
  'Tensor(2.5)': () => new torch.Tensor(2.5),
  'Tensor(-1)': () => new torch.Tensor(-1),
  "Tensor('a')": () => new (torch.Tensor as unknown as new (a: unknown) => Tensor)('a'),
  'LongTensor([1.7, 2])': () => new torch.LongTensor([1.7, 2]),
  'BoolTensor([1, 0])': () => torch.BoolTensor([1, 0]),
  'DoubleTensor([1, 2])': () => torch.DoubleTensor([1, 2]),
  'FloatTensor(2).shape': () => torch.FloatTensor(2).shape,
  'shape [2, 3]': () => torch.zeros(2, 3).shape,
  'shape []': () => torch.zeros([]).shape,
  'size()': () => torch.zeros(4, 1).size(),
  'shape.numel()': () => (torch.zeros(2, 3, 4).shape as torch.Size).numel(),
  'where(c, 1.0, -1.0)': () => torch.where(x().gt(0), 1.0, -1.0),
  'where(c, x, -1.0)': () => torch.where(x().gt(0), x(), -1.0),
  'where(c, int64, 2.5)': () => torch.where(x().gt(0), x().long(), 2.5),
  'default_collate ints': () => default_collate([1, 2, 3]),
  'default_collate floats': () => default_collate([1.0, 2.5]),
  'detached view write': () => {
    const lin = new nn.Linear(2, 3);
    torch.no_grad(() => lin.weight.copy_(torch.arange(6.0).reshape(3, 2)));
    lin.weight.select(0, 1).detach().fill_(3);
    return lin.weight.detach();
  },
  'view of leaf write': () => new nn.Linear(2, 3).weight.select(0, 1).fill_(3),
  'p.data = arange(4)': () => {
    const p = new nn.Parameter(torch.ones(2, 3));
    p.data = torch.arange(4.0);
    return { value: p.detach().tolist(), shape: [...p.shape], requires_grad: p.requires_grad, is_param: p instanceof nn.Parameter };
  },
  'p.data = [1]': () => {
    const p = new nn.Parameter(torch.ones(2));
    (p as unknown as { data: unknown }).data = [1];
  },
  'int64: requires_grad = True': () => {
    torch.arange(3).requires_grad = true;
  },
  'int64: requires_grad_()': () => torch.arange(3).requires_grad_(),
  'int64: zeros(requires_grad=True)': () => torch.zeros(2, { dtype: torch.int64, requires_grad: true }),
  'int64: Parameter': () => new nn.Parameter(torch.arange(3)),
  'sigmoid then in-place': sigmoidThenInplace,
  'saved input modified': () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const c = a.mul(1);
    const b = c.mul(c);
    c.add_(1);
    b.sum().backward();
  },
  'constant modified': () => {
    const w = torch.tensor([1, 2], { requires_grad: true });
    const t = torch.tensor([3, 4]);
    const y = w.mul(t).sum();
    t.add_(1);
    y.backward();
  },
  'anomaly: nan': () => torch.autograd.detect_anomaly(() => {
    const a = torch.tensor([0, 2], { requires_grad: true });
    a.sqrt().mul(0).sum().backward();
  }),
  'anomaly: in-place': () => torch.autograd.detect_anomaly(sigmoidThenInplace),
};

/** Bad calls a port makes early: PyTorch's messages, word for word (the same calls as MESSAGES in the script). */
const MESSAGES: Record<string, () => unknown> = {
  add_shape: () => torch.zeros(2,3).add(torch.zeros(4)),
  mm_shape: () => torch.mm(torch.zeros(2,3), torch.zeros(2,3)),
  matmul_1d: () => torch.matmul(torch.zeros(3), torch.zeros(4)),
  view_bad: () => torch.zeros(2,3).view(4),
  view_noncontig: () => torch.zeros(2,3).t().view(6),
  reshape_two_neg: () => torch.zeros(6).reshape(-1,-1),
  sum_dim: () => torch.zeros(2,3).sum(3),
  item_multi: () => torch.zeros(2).item(),
  backward_nonscalar: () => torch.zeros(2, {requires_grad: true}).mul(2).backward(),
  backward_noreq: () => torch.zeros(2).sum().backward(),
  backward_twice: () => (() => { const a = torch.ones(2, {requires_grad: true}); const y = a.exp().sum(); y.backward(); y.backward(); })(),
  leaf_inplace: () => torch.ones(2, {requires_grad: true}).add_(1),
  linear_features: () => new torch.nn.Linear(3,2)(torch.zeros(4,5)),
  ce_target_float: () => new torch.nn.CrossEntropyLoss()(torch.zeros(2,3), torch.zeros(2)),
  ce_target_range: () => new torch.nn.CrossEntropyLoss()(torch.zeros(2,3), torch.tensor([0n,5n])),
  mse_shape: () => torch.nn.functional.mse_loss(torch.zeros(2,3), torch.zeros(3,2)),
  embedding_range: () => new torch.nn.Embedding(3,2)(torch.tensor([5n])),
  embedding_float: () => new torch.nn.Embedding(3,2)(torch.tensor([1.5])),
  unsqueeze_dim: () => torch.zeros(2).unsqueeze(3),
  squeeze_dim: () => torch.zeros(2).squeeze(2),
  ragged: () => torch.tensor([[1,2],[3]]),
  tensor_str: () => torch.tensor('a'),
  cat_dtype_dim: () => torch.cat([torch.zeros(2), torch.zeros(2,2)]),
  optim_empty: () => new torch.optim.SGD([], 0.1),
  optim_lr: () => new torch.optim.SGD([torch.zeros(1, {requires_grad: true})], -1),
  adam_betas: () => new torch.optim.Adam([torch.zeros(1, {requires_grad: true})], {betas: [1.5, 0.9]}),
  state_dict_missing: () => new torch.nn.Linear(2,2).load_state_dict({}),
  state_dict_shape: () => new torch.nn.Linear(2,2).load_state_dict({weight: torch.zeros(3,2), bias: torch.zeros(2)}),
  dropout_p: () => new torch.nn.Dropout(1.5),
  pow_neg_int: () => torch.tensor([2n]).pow(-1),
  div_int_mode: () => torch.tensor([5n]).div(2, { rounding_mode: 'bad' as 'floor' }),
  argmax_empty: () => torch.zeros(0).argmax(),
  max_empty: () => torch.zeros(0).max(),
  bmm_3d: () => torch.bmm(torch.zeros(2,3), torch.zeros(2,3)),
  expand_bad: () => torch.zeros(2,3).expand(3,3),
  permute_bad: () => torch.zeros(2,3).permute(0),
  transpose_bad: () => torch.zeros(2,3).transpose(0,2),
  index_select_float: () => torch.zeros(3).index_select(0, torch.tensor([0.0])),
  gather_dim: () => torch.zeros(2,3).gather(1, torch.zeros([2,3,1], {dtype: torch.int64})),
  zeros_float_size: () => torch.zeros(2.5),
  randint_bad: () => torch.randint(5, 2, [3]),
  arange_bad: () => torch.arange(0, 5, -1),
  linspace_steps: () => torch.linspace(0, 1, -1),
  layernorm_shape: () => new torch.nn.LayerNorm(4)(torch.zeros(2,3)),
  batchnorm_ch: () => new torch.nn.BatchNorm1d(4)(torch.zeros(2,3)),
  nll_dim: () => torch.nn.functional.nll_loss(torch.zeros(3), torch.tensor([0n,1n])),
  bce_range: () => torch.nn.functional.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
  grad_non_leaf_warn: () => torch.autograd.grad([torch.ones(2, {requires_grad: true}).sum()], [torch.ones(2, {requires_grad: true})]),
};

/** Python's exception classes as kindling throws them. */
const ERROR_CLASS: Record<string, ErrorConstructor> = { TypeError, RuntimeError: Error, AssertionError: Error };
/** Where kindling throws a narrower class than PyTorch's RuntimeError (a dtype is a type error). */
const NARROWER: Record<string, ErrorConstructor> = {
  'int64: requires_grad = True': TypeError, 'int64: requires_grad_()': TypeError, 'int64: zeros(requires_grad=True)': TypeError, 'int64: Parameter': TypeError,
};

function check(name: string, run: () => unknown, want: Outcome): void {
  if ('error' in want) {
    let caught: unknown = null;
    try {
      run();
    } catch (e) {
      caught = e;
    }
    expect(caught, `${name} should throw`).toBeInstanceOf(NARROWER[name] ?? ERROR_CLASS[want.error]);
    expect((caught as Error).message).toBe(want.message);
    return;
  }
  const got = run();
  if ('tensor' in want) {
    const t = got as Tensor;
    const e = decode(want.tensor);
    expect([t.dtype.name, [...t.shape], t.tolist()]).toEqual([e.dtype.name, [...e.shape], e.tolist()]);
  } else if ('device' in want) {
    const d = got as torch.Device;
    expect([inspect(d), String(d), d.type, d.index]).toEqual([want.device, want.str, want.type, want.index]);
  } else if ('size' in want) {
    expect(got).toBeInstanceOf(torch.Size);
    expect([[...(got as number[])], String(got), inspect(got)]).toEqual([want.size, want.str, want.str]);
  } else if ('dtype' in want) {
    expect(String(got)).toBe(want.dtype);
  } else {
    expect(got).toEqual(want.value);
  }
}

describe('a port from PyTorch: the same results and messages', () => {
  afterEach(() => torch.autograd.set_detect_anomaly(false));
  it('covers every golden case', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(golden).sort());
  });
  for (const [name, run] of Object.entries(CASES)) it(name, () => check(name, run, golden[name]));
});

describe("error messages a port meets are PyTorch's", () => {
  it('covers every golden case', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(Object.keys(goldenMessages).sort());
  });
  for (const [name, run] of Object.entries(MESSAGES)) {
    it(name, () => {
      let caught: unknown = null;
      try {
        run();
      } catch (e) {
        caught = e;
      }
      expect(caught, `${name} should throw`).toBeInstanceOf(Error);
      expect((caught as Error).message).toBe(goldenMessages[name].message);
    });
  }
});

describe('devices', () => {
  it('are interned: the same device is the same object, so === compares them', () => {
    expect(torch.device('cpu')).toBe(x().device);
    expect(torch.device('cuda', 1)).toBe(torch.device('cuda:1'));
  });
  it("the usual first lines of a script pick the CPU and move the model there", () => {
    const dev = torch.device(torch.cuda.is_available() ? 'cuda' : torch.backends.mps.is_available() ? 'mps' : 'cpu');
    const model = new nn.Sequential(new nn.Linear(3, 2)).to(dev);
    const out = model.forward(torch.ones(4, 3).to(dev));
    expect(out.device).toBe(dev);
  });
  it('a string that is neither a device nor a dtype names the device error', () => {
    expect(() => x().to('foo')).toThrow('Expected one of cpu, cuda');
  });
});

describe('torch.Size stays a plain array', () => {
  it('indexes, spreads and compares as one; array methods give plain arrays', () => {
    const s = torch.zeros(2, 3).shape;
    expect(Array.isArray(s)).toBe(true);
    expect(s).toEqual([2, 3]);
    expect([...s, 4]).toEqual([2, 3, 4]);
    expect(JSON.stringify(s)).toBe('[2,3]');
    expect(s.map((d) => d * 2)).not.toBeInstanceOf(torch.Size);
    expect(s.slice(1)).toEqual([3]);
  });
});

describe('anomaly mode', () => {
  it('is off by default, scoped by detect_anomaly, and restored after a throw', () => {
    expect(torch.is_anomaly_enabled()).toBe(false);
    expect(torch.autograd.detect_anomaly(() => torch.is_anomaly_enabled())).toBe(true);
    expect(() => torch.autograd.detect_anomaly(() => { throw new Error('x'); })).toThrow('x');
    expect(torch.is_anomaly_enabled()).toBe(false);
  });
  it('check_nan=false lets NaN gradients through', () => {
    torch.autograd.set_detect_anomaly(true, false);
    const a = torch.tensor([0, 2], { requires_grad: true });
    a.sqrt().mul(0).sum().backward();
    expect(Number.isNaN((a.grad!.tolist() as number[])[0])).toBe(true);
  });
});
