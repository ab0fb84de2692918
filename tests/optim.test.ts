import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, optim, Tensor } from '../src/index.js';
import { loadFixture, type Encoded } from './helpers/fixtures.js';

const S = optim.lr_scheduler;

type Nested = number[] | number[][];
interface OptimCase {
  name: string;
  cls: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  kwargs: Record<string, unknown>;
  groups: ({ params: ('w' | 'b')[] } & Record<string, unknown>)[] | null;
  skip_b: number[];
  float32: number[][][];
  float64: number[][][];
}
interface SchedCase {
  name: string;
  lrs: number[][];
  initial_lr?: (number | null)[];
  last_epoch?: number;
  momentum?: number[][];
  beta1?: number[][];
}
interface Fixture {
  init: { w: number[][]; b: number[] };
  grads: { w: number[][]; b: number[] }[];
  optimizers: OptimCase[];
  schedulers: SchedCase[];
  closed_form: { name: string; epochs: number[]; lrs: number[][] }[];
  state_dicts: Record<string, { state: Record<string, Record<string, Encoded | number | null>>; param_groups: Record<string, unknown>[] }>;
  reprs: Record<string, string>;
  errors: Record<string, { type: string; message: string }>;
}
const fx = loadFixture<Fixture>('optim');

const OPTIMIZERS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad };
type AnyOptimizer = optim.Optimizer;

function makeOptimizer(cls: OptimCase['cls'], params: unknown, kwargs: Record<string, unknown>): AnyOptimizer {
  const Ctor = OPTIMIZERS[cls] as unknown as new (p: unknown, o: Record<string, unknown>) => AnyOptimizer;
  return new Ctor(params, kwargs);
}

function params(dtype: 'float32' | 'float64' = 'float32'): { w: Tensor; b: Tensor } {
  return {
    w: torch.tensor(fx.init.w, { dtype, requires_grad: true }),
    b: torch.tensor(fx.init.b, { dtype, requires_grad: true }),
  };
}

function setGrads(ps: { w: Tensor; b: Tensor }, k: number, dtype: 'float32' | 'float64' = 'float32', skipB = false): void {
  ps.w.grad = torch.tensor(fx.grads[k].w as Nested, { dtype });
  ps.b.grad = skipB ? null : torch.tensor(fx.grads[k].b as Nested, { dtype });
}

/** Largest |a − e| / max(|e|, floor) over two flat lists. */
function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>, floor: number): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
  return worst;
}

function maxAbs(v: number[]): number {
  return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as Float32Array);
}

describe('optimizers follow PyTorch 1.13 step for step', () => {
  for (const c of fx.optimizers) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${c.name} (${dtype})`, () => {
        const ps = params(dtype);
        const groups = c.groups === null ? [ps.w, ps.b] : c.groups.map((g) => ({ ...g, params: g.params.map((n) => ps[n]) }));
        const opt = makeOptimizer(c.cls, groups, c.kwargs);
        // Relative to the tensor's scale: PyTorch fuses add_(x, alpha) into one FMA where we round
        // twice, an ulp per step that shows up large, elementwise, on entries crossing zero.
        const tol = dtype === 'float32' ? 1e-6 : 1e-13;
        for (let k = 0; k < 5; k++) {
          setGrads(ps, k, dtype, c.skip_b.includes(k));
          opt.step();
          const [w, b] = c[dtype][k];
          expect(relErr(flat(ps.w), w, maxAbs(w)), `${c.name} step ${k + 1} w`).toBeLessThanOrEqual(tol);
          expect(relErr(flat(ps.b), b, maxAbs(b)), `${c.name} step ${k + 1} b`).toBeLessThanOrEqual(tol);
        }
        expect(ps.w.requires_grad && ps.w.is_leaf && ps.w.grad_fn === null).toBe(true);
      });
    }
  }

  it('positional arguments bind in PyTorch order, same as the options object', () => {
    const cases: [AnyOptimizer, AnyOptimizer][] = [];
    const a = params(), b = params();
    cases.push([new optim.SGD([a.w], 0.1, 0.9, 0.5, 0.01, false, { maximize: true }), new optim.SGD([b.w], { lr: 0.1, momentum: 0.9, dampening: 0.5, weight_decay: 0.01, maximize: true })]);
    cases.push([new optim.Adam([a.b], 0.02, [0.8, 0.99], 1e-6, 0.1, true), new optim.Adam([b.b], { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.1, amsgrad: true })]);
    for (const [x, y] of cases) expect(x.param_groups[0]).toEqual({ ...y.param_groups[0], params: x.param_groups[0].params });
    expect(new optim.RMSprop([a.w], 0.1, 0.9, 1e-6, 0, 0.5, true).param_groups[0]).toMatchObject({ lr: 0.1, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true });
    expect(new optim.Adagrad([a.w], 0.1, 0.01, 0.2, 0.3, 1e-6).param_groups[0]).toMatchObject({ lr: 0.1, lr_decay: 0.01, weight_decay: 0.2, initial_accumulator_value: 0.3, eps: 1e-6 });
    expect(() => new optim.SGD([a.w], 0.1, { lr: 0.2 })).toThrow(new TypeError("SGD.__init__() got multiple values for argument 'lr'"));
  });

  it('trains an nn.Module: the loss goes down under every optimizer', () => {
    for (const make of [
      (p: Iterable<Tensor>) => new optim.SGD(p, 0.1, 0.9),
      (p: Iterable<Tensor>) => new optim.Adam(p, 0.05),
      (p: Iterable<Tensor>) => new optim.AdamW(p, 0.05),
      (p: Iterable<Tensor>) => new optim.RMSprop(p, 0.01),
      (p: Iterable<Tensor>) => new optim.Adagrad(p, 0.3),
    ]) {
      torch.manual_seed(0);
      const model = new nn.Linear(3, 1);
      const X = torch.randn(16, 3);
      const y = X.matmul(torch.tensor([[1.0], [-2.0], [0.5]])).add(0.3);
      const opt = make(model.parameters());
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) {
        opt.zero_grad();
        const loss = model(X).sub(y).square().mean();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      expect(losses[29]).toBeLessThan(losses[0] * 0.5);
    }
  });

  it('step(closure) runs the closure with grad enabled and returns its loss; async closures are awaited first', async () => {
    const p = torch.tensor([1.0, 2.0], { requires_grad: true });
    const opt = new optim.SGD([p], 0.1);
    const closure = () => {
      opt.zero_grad();
      const loss = p.square().sum();
      loss.backward();
      return loss;
    };
    const loss = torch.no_grad(() => opt.step(closure)) as Tensor;
    expect(loss.item()).toBe(5);
    expect(Array.from(p.toTypedArray())).toEqual([Math.fround(0.8), Math.fround(1.6)]);
    const asyncLoss = await opt.step(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return closure();
    });
    expect((asyncLoss as Tensor).item()).toBeCloseTo(0.8 ** 2 + 1.6 ** 2, 5);
    expect(p.toTypedArray()[0]).toBeCloseTo(0.64, 6);
  });

  it('updates run without recording a graph, and leave the parameters leaves', () => {
    const ps = params();
    const opt = new optim.Adam([ps.w, ps.b], { lr: 0.1 });
    setGrads(ps, 0);
    opt.step();
    expect(ps.w.grad_fn).toBeNull();
    expect(ps.w.requires_grad).toBe(true);
    const st = opt.state.get(ps.w)!;
    expect((st.exp_avg as Tensor).requires_grad).toBe(false);
    expect((st.step as Tensor).item()).toBe(1);
  });
});

describe('parameter groups', () => {
  it('fill missing options from the defaults, keep per-group ones, and accept add_param_group', () => {
    const ps = params();
    const extra = torch.zeros([2], { requires_grad: true });
    const opt = new optim.SGD([{ params: [ps.w] }, { params: ps.b, lr: 0.01, nesterov: true }], { lr: 0.1, momentum: 0.9 });
    expect(opt.param_groups.map((g) => g.lr)).toEqual([0.1, 0.01]);
    expect(opt.param_groups[1].params).toEqual([ps.b]);
    expect(opt.param_groups[1].nesterov).toBe(true);
    expect(Object.keys(opt.param_groups[1])).toEqual(['params', 'lr', 'nesterov', 'momentum', 'dampening', 'weight_decay', 'maximize', 'foreach', 'differentiable']);
    opt.add_param_group({ params: [extra], momentum: 0 });
    expect(opt.param_groups[2]).toMatchObject({ lr: 0.1, momentum: 0 });
    expect(() => opt.add_param_group({ params: [extra] })).toThrow(new Error('some parameters appear in more than one parameter group'));
    expect(() => opt.add_param_group({ params: new Set([torch.zeros([1], { requires_grad: true })]) })).toThrow(TypeError);

    // each group steps with its own lr
    setGrads(ps, 0);
    extra.grad = torch.ones([2]);
    opt.step();
    expect(Array.from(extra.toTypedArray())).toEqual([Math.fround(-0.1), Math.fround(-0.1)]);
    expect(opt.state.get(extra)).toEqual({ momentum_buffer: null });
  });

  it('accepts a generator such as model.parameters(), once', () => {
    const model = new nn.Linear(4, 2);
    const opt = new optim.Adam(model.parameters());
    expect(opt.param_groups[0].params).toEqual([model.weight, model.bias]);
  });

  it('skips parameters without a gradient and creates no state for them', () => {
    const ps = params();
    const opt = new optim.Adam([ps.w, ps.b]);
    const before = flat(ps.b);
    setGrads(ps, 0, 'float32', true);
    opt.step();
    expect(flat(ps.b)).toEqual(before);
    expect(opt.state.has(ps.b)).toBe(false);
    expect(opt.state.has(ps.w)).toBe(true);
  });
});

describe('zero_grad', () => {
  it('zeroes gradients in place by default (set_to_none=false, as PyTorch 1.13) and drops them with set_to_none=true', () => {
    const ps = params();
    const opt = new optim.SGD([ps.w, ps.b], 0.1);
    setGrads(ps, 0);
    const g = ps.w.grad!;
    opt.zero_grad(false);
    expect(ps.w.grad).toBe(g);
    expect(flat(g).every((v) => v === 0)).toBe(true);
    opt.zero_grad({ set_to_none: false });
    expect(ps.w.grad).toBe(g);
    opt.zero_grad();
    expect(ps.w.grad).toBe(g);
    opt.zero_grad(true);
    expect(ps.w.grad).toBeNull();
    expect(ps.b.grad).toBeNull();
    setGrads(ps, 1);
    opt.zero_grad({ set_to_none: true });
    expect(ps.w.grad).toBeNull();
  });

  it('detaches a gradient that carries a graph before zeroing it', () => {
    const p = torch.zeros([2], { requires_grad: true });
    const q = torch.ones([2], { requires_grad: true });
    p.grad = q.mul(2);
    new optim.SGD([p], 0.1).zero_grad(false);
    expect(p.grad!.grad_fn).toBeNull();
    expect(p.grad!.requires_grad).toBe(false);
    expect(Array.from(p.grad!.toTypedArray())).toEqual([0, 0]);
  });
});

function plain(v: unknown): unknown {
  if (v instanceof Tensor) return { dtype: v.dtype.name, shape: v.shape, data: Array.from(v.toTypedArray()) };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('state_dict', () => {
  const configs: Record<string, [OptimCase['cls'], Record<string, unknown>]> = {
    SGD: ['SGD', { lr: 0.1, momentum: 0.9 }],
    SGD_plain: ['SGD', { lr: 0.1 }],
    Adam: ['Adam', { lr: 0.01, amsgrad: true }],
    AdamW: ['AdamW', {}],
    RMSprop: ['RMSprop', { centered: true, momentum: 0.5 }],
    Adagrad: ['Adagrad', { lr_decay: 0.01 }],
  };

  for (const [name, [cls, kwargs]] of Object.entries(configs)) {
    it(`${name}: PyTorch's layout, keys in PyTorch's order`, () => {
      const ps = params();
      const opt = makeOptimizer(cls, [{ params: [ps.w] }, { params: [ps.b], lr: 0.005 }], kwargs);
      for (let k = 0; k < 2; k++) {
        setGrads(ps, k);
        opt.step();
      }
      const expected = fx.state_dicts[name];
      const sd = plain(opt.state_dict()) as typeof expected;
      expect(sd.param_groups).toEqual(expected.param_groups);
      expect(JSON.stringify(sd.param_groups)).toBe(JSON.stringify(expected.param_groups));
      expect(Object.keys(sd.state)).toEqual(Object.keys(expected.state));
      for (const [i, st] of Object.entries(expected.state)) {
        expect(Object.keys(sd.state[i])).toEqual(Object.keys(st));
        for (const [k, v] of Object.entries(st)) {
          const got = sd.state[i][k];
          if (v === null || typeof v === 'number') {
            expect(got).toBe(v);
          } else {
            const g = got as Encoded;
            expect([g.dtype, g.shape]).toEqual([v.dtype, v.shape]);
            expect(relErr(g.data as number[], v.data as number[], 1e-3)).toBeLessThanOrEqual(1e-6);
          }
        }
      }
    });
  }

  for (const name of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad'] as const) {
    it(`${name}: a copy loaded from state_dict continues identically`, () => {
      const [cls, kwargs] = configs[name];
      const a = params(), b = params();
      const optA = makeOptimizer(cls, [{ params: [a.w] }, { params: [a.b], lr: 0.005 }], kwargs);
      for (let k = 0; k < 2; k++) {
        setGrads(a, k);
        optA.step();
      }
      b.w.detach().copy_(a.w);
      b.b.detach().copy_(a.b);
      // built with other options: load_state_dict restores the groups' options along with the state
      const optB = makeOptimizer(cls, [{ params: [b.w] }, { params: [b.b] }], { lr: 0.5 });
      optB.load_state_dict(optA.state_dict());
      expect(optB.param_groups[1].lr).toBe(0.005);
      expect(optB.param_groups[0].params).toEqual([b.w]);
      // a deep copy: state tensors are new, not shared
      for (const key of Object.keys(optA.state.get(a.w)!)) {
        const sa = optA.state.get(a.w)![key], sb = optB.state.get(b.w)![key];
        if (sa instanceof Tensor) expect(sb).not.toBe(sa);
      }
      for (let k = 2; k < 5; k++) {
        setGrads(a, k);
        setGrads(b, k);
        optA.step();
        optB.step();
        expect(flat(b.w)).toEqual(flat(a.w));
        expect(flat(b.b)).toEqual(flat(a.b));
      }
    });
  }

  it('loads older checkpoints: missing options take the defaults, a numeric step becomes a tensor', () => {
    const p = torch.zeros([2], { requires_grad: true });
    const opt = new optim.Adam([p], 0.1);
    opt.load_state_dict({
      state: { 0: { step: 3, exp_avg: torch.tensor([0.1, 0.2]), exp_avg_sq: torch.tensor([0.01, 0.04]) } },
      param_groups: [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, params: [0] }],
    });
    expect(opt.param_groups[0]).toMatchObject({ lr: 0.01, maximize: false, foreach: null, capturable: false, fused: false });
    const st = opt.state.get(p)!;
    expect(st.step).toBeInstanceOf(Tensor);
    p.grad = torch.ones([2]);
    opt.step();
    expect((st.step as Tensor).item()).toBe(4);
  });

  it('SGD without a default lr works when every group gives one', () => {
    const p = torch.zeros([2], { requires_grad: true });
    const opt = new optim.SGD([{ params: [p], lr: 0.5 }]);
    expect(opt.defaults.lr).toBe(optim.required);
    p.grad = torch.ones([2]);
    opt.step();
    expect(Array.from(p.toTypedArray())).toEqual([-0.5, -0.5]);
    expect(() => opt.add_param_group({ params: [torch.zeros([1], { requires_grad: true })] })).toThrow(
      new Error("parameter group didn't specify a value of required optimization parameter lr"),
    );
    expect(opt.state_dict().param_groups[0].lr).toBe(0.5);
  });

  it('load_state_dict casts floating state to the parameter dtype but keeps the step counter', () => {
    const a = params('float32');
    const opt = new optim.Adam([a.w]);
    setGrads(a, 0);
    opt.step();
    const p64 = torch.zeros([3, 4], { dtype: 'float64', requires_grad: true });
    const opt64 = new optim.Adam([p64]);
    opt64.load_state_dict(opt.state_dict());
    const st = opt64.state.get(p64)!;
    expect((st.exp_avg as Tensor).dtype).toBe(torch.float64);
    expect((st.step as Tensor).dtype).toBe(torch.float32);
  });
});

describe('error messages match PyTorch', () => {
  const p = () => torch.zeros([2], { requires_grad: true });
  const q = () => torch.zeros([3], { requires_grad: true });
  const sgd = () => new optim.SGD([p()], 0.1);
  const thunks: Record<string, () => unknown> = {
    sgd_no_lr: () => new optim.SGD([p()]),
    sgd_lr: () => new optim.SGD([p()], -1),
    sgd_momentum: () => new optim.SGD([p()], { lr: 0.1, momentum: -0.5 }),
    sgd_weight_decay: () => new optim.SGD([p()], { lr: 0.1, weight_decay: -1e-5 }),
    sgd_nesterov: () => new optim.SGD([p()], { lr: 0.1, nesterov: true }),
    sgd_nesterov_dampening: () => new optim.SGD([p()], 0.1, 0.9, 0.1, 0, true),
    sgd_unknown_kwarg: () => new optim.SGD([p()], { lr: 0.1, foo: 1 } as never),
    adam_lr: () => new optim.Adam([p()], -0.001),
    adam_eps: () => new optim.Adam([p()], { eps: -1e-8 }),
    adam_beta0: () => new optim.Adam([p()], { betas: [1.5, 0.999] }),
    adam_beta1: () => new optim.Adam([p()], { betas: [0.9, 1] }),
    adam_weight_decay: () => new optim.Adam([p()], { weight_decay: -0.1 }),
    adamw_beta0: () => new optim.AdamW([p()], { betas: [-0.1, 0.999] }),
    rmsprop_alpha: () => new optim.RMSprop([p()], { alpha: -0.5 }),
    rmsprop_momentum: () => new optim.RMSprop([p()], { momentum: -0.5 }),
    rmsprop_eps: () => new optim.RMSprop([p()], { eps: -1 }),
    adagrad_lr_decay: () => new optim.Adagrad([p()], { lr_decay: -0.1 }),
    adagrad_initial_accumulator_value: () => new optim.Adagrad([p()], { initial_accumulator_value: -1 }),
    empty: () => new optim.SGD([], 0.1),
    duplicate: () => {
      const x = p();
      return new optim.SGD([{ params: [x] }, { params: [x, q()] }], 0.1);
    },
    tensor_params: () => new optim.SGD(p() as never, 0.1),
    not_tensor: () => new optim.SGD([p(), 3] as never, 0.1),
    non_leaf: () => new optim.SGD([p().mul(2)], 0.1),
    group_no_lr: () => new optim.SGD([{ params: [p()] }, { params: [q()] }]),
    load_group_count: () => sgd().load_state_dict(new optim.SGD([{ params: [p()] }, { params: [q()] }], 0.1).state_dict()),
    load_group_size: () => sgd().load_state_dict(new optim.SGD([p(), q()], 0.1).state_dict()),
    linear_start: () => new S.LinearLR(sgd(), { start_factor: 2 }),
    linear_end: () => new S.LinearLR(sgd(), { end_factor: -1 }),
    lambda_count: () => new S.LambdaLR(sgd(), [() => 1, () => 2]),
    resume_without_initial_lr: () => new S.StepLR(sgd(), 2, { last_epoch: 5 }),
    plateau_factor: () => new S.ReduceLROnPlateau(sgd(), { factor: 1.0 }),
    plateau_mode: () => new S.ReduceLROnPlateau(sgd(), { mode: 'foo' as 'min' }),
    plateau_threshold_mode: () => new S.ReduceLROnPlateau(sgd(), { threshold_mode: 'foo' }),
    plateau_min_lrs: () => new S.ReduceLROnPlateau(sgd(), { min_lr: [0.1, 0.2] }),
    onecycle_no_steps: () => new S.OneCycleLR(sgd(), 0.1),
    onecycle_total_steps: () => new S.OneCycleLR(sgd(), 0.1, 0),
    onecycle_epochs: () => new S.OneCycleLR(sgd(), { max_lr: 0.1, epochs: -2, steps_per_epoch: 3 }),
    onecycle_pct_start: () => new S.OneCycleLR(sgd(), 0.1, { total_steps: 10, pct_start: 1.5 }),
    onecycle_anneal: () => new S.OneCycleLR(sgd(), 0.1, { total_steps: 10, anneal_strategy: 'exp' }),
    onecycle_max_lr_count: () => new S.OneCycleLR(sgd(), [0.1, 0.2], 10),
    onecycle_no_momentum: () => new S.OneCycleLR(new optim.Adagrad([p()]), 0.1, 10),
    onecycle_too_many_steps: () => {
      const s = new S.OneCycleLR(sgd(), 0.1, 3);
      for (let i = 0; i < 4; i++) s.step();
    },
    not_an_optimizer: () => new S.StepLR(p() as never, 2),
  };

  it('covers every recorded case', () => {
    expect(Object.keys(thunks).sort()).toEqual(Object.keys(fx.errors).sort());
  });

  for (const [name, { type, message }] of Object.entries(fx.errors)) {
    it(name, () => {
      let err: unknown;
      try {
        thunks[name]();
      } catch (e) {
        err = e;
      }
      expect(err, `${name} did not throw`).toBeInstanceOf(Error);
      expect((err as Error).message).toBe(message);
      // ValueError and KeyError become Error; TypeError stays TypeError
      expect(err instanceof TypeError).toBe(type === 'TypeError');
    });
  }

  it('missing required scheduler arguments read like Python', () => {
    expect(() => new (S.StepLR as unknown as new (o: unknown) => unknown)(new optim.SGD([p()], 0.1))).toThrow(new TypeError("StepLR.__init__() missing 1 required positional argument: 'step_size'"));
  });
});

describe('printing', () => {
  it('prints each optimizer as PyTorch does', () => {
    const p = torch.zeros([2], { requires_grad: true });
    expect(String(new optim.SGD([p], 0.1, 0.9))).toBe(fx.reprs.SGD);
    expect(String(new optim.Adam([{ params: [p] }, { params: [torch.zeros([1], { requires_grad: true })], lr: 0.01 }]))).toBe(fx.reprs.Adam);
    expect(String(new optim.AdamW([p]))).toBe(fx.reprs.AdamW);
    expect(String(new optim.RMSprop([p]))).toBe(fx.reprs.RMSprop);
    expect(String(new optim.Adagrad([p]))).toBe(fx.reprs.Adagrad);
  });
});

// ---- schedulers -------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ReduceLROnPlateau.step takes a metric, the others an optional epoch
type Sched = { step(x?: any): void; get_last_lr(): number[]; last_epoch: number };

function twoGroupSGD(momentum = 0.9): optim.SGD {
  const a = torch.zeros([2], { requires_grad: true });
  const b = torch.zeros([3], { requires_grad: true });
  return new optim.SGD([{ params: [a] }, { params: [b], lr: 0.05 }], { lr: 0.1, momentum });
}
function twoGroupAdam(): optim.Adam {
  const a = torch.zeros([2], { requires_grad: true });
  const b = torch.zeros([3], { requires_grad: true });
  return new optim.Adam([{ params: [a] }, { params: [b], lr: 0.05 }], 0.1);
}

const PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.5, 0.5, 0.5, 0.49, 0.5, 0.5, 0.5, 0.5, 0.4, 0.41, 0.42, 0.43, 0.44];

const SCHEDULERS: Record<string, [() => AnyOptimizer, (o: AnyOptimizer) => Sched]> = {
  StepLR: [twoGroupSGD, (o) => new S.StepLR(o, { step_size: 5, gamma: 0.5 })],
  StepLR_default_gamma: [twoGroupSGD, (o) => new S.StepLR(o, 3)],
  MultiStepLR: [twoGroupSGD, (o) => new S.MultiStepLR(o, [3, 8, 8, 15], 0.3)],
  ExponentialLR: [twoGroupSGD, (o) => new S.ExponentialLR(o, 0.9)],
  CosineAnnealingLR: [twoGroupSGD, (o) => new S.CosineAnnealingLR(o, { T_max: 10, eta_min: 0.001 })],
  CosineAnnealingLR_default: [twoGroupSGD, (o) => new S.CosineAnnealingLR(o, 7)],
  LinearLR: [twoGroupSGD, (o) => new S.LinearLR(o, 0.25, 1.0, 8)],
  LinearLR_default: [twoGroupSGD, (o) => new S.LinearLR(o)],
  LinearLR_decay: [twoGroupSGD, (o) => new S.LinearLR(o, { start_factor: 1.0, end_factor: 0.1, total_iters: 10 })],
  LambdaLR: [twoGroupSGD, (o) => new S.LambdaLR(o, [(e) => 0.95 ** e, (e) => 1 / (1 + e)])],
  LambdaLR_single: [twoGroupSGD, (o) => new S.LambdaLR(o, (e) => 0.5 ** Math.floor(e / 4))],
  OneCycleLR: [twoGroupSGD, (o) => new S.OneCycleLR(o, [0.1, 0.05], 25)],
  OneCycleLR_linear_three_phase: [twoGroupSGD, (o) => new S.OneCycleLR(o, 0.2, { total_steps: 25, anneal_strategy: 'linear', three_phase: true, pct_start: 0.4 })],
  OneCycleLR_adam: [twoGroupAdam, (o) => new S.OneCycleLR(o, { max_lr: 0.01, epochs: 5, steps_per_epoch: 5, div_factor: 10.0, final_div_factor: 100.0, base_momentum: 0.8, max_momentum: 0.9 })],
  OneCycleLR_no_momentum: [twoGroupSGD, (o) => new S.OneCycleLR(o, 0.3, { total_steps: 20, cycle_momentum: false })],
  ReduceLROnPlateau: [twoGroupSGD, (o) => new S.ReduceLROnPlateau(o, { mode: 'min', factor: 0.5, patience: 2, threshold: 0.01, cooldown: 1, min_lr: [0.01, 0.001] })],
  ReduceLROnPlateau_max_abs: [twoGroupSGD, (o) => new S.ReduceLROnPlateau(o, 'max', 0.3, 1, 0.05, 'abs')],
  ReduceLROnPlateau_default: [twoGroupSGD, (o) => new S.ReduceLROnPlateau(o)],
};

function expectLrs(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  // same formulas in the same order: equal up to libm differences in cos/pow (an ulp or two)
  actual.forEach((row, i) => expect(relErr(row, expected[i], 1e-300), `${what} step ${i}`).toBeLessThanOrEqual(1e-14));
}

describe('lr schedulers follow PyTorch 1.13', () => {
  for (const c of fx.schedulers.filter((s) => s.name in SCHEDULERS)) {
    it(c.name, () => {
      const [makeOpt, makeSched] = SCHEDULERS[c.name];
      const opt = makeOpt();
      const sched = makeSched(opt);
      const plateau = sched instanceof S.ReduceLROnPlateau;
      const lrs: number[][] = plateau ? [] : [sched.get_last_lr().slice()];
      const extras: number[][] = [];
      const record = () => {
        if (c.momentum) extras.push(opt.param_groups.map((g) => g.momentum as number));
        if (c.beta1) extras.push(opt.param_groups.map((g) => (g.betas as number[])[0]));
      };
      if (!plateau) record();
      const steps = lrs.length ? c.lrs.length - 1 : c.lrs.length;
      for (let k = 0; k < steps; k++) {
        if (plateau) {
          sched.step(c.name === 'ReduceLROnPlateau_max_abs' ? 1 - PLATEAU_METRICS[k] : PLATEAU_METRICS[k]);
          lrs.push(opt.param_groups.map((g) => g.lr));
          expect(sched.get_last_lr()).toEqual(lrs[lrs.length - 1]);
        } else {
          sched.step();
          lrs.push(sched.get_last_lr().slice());
          record();
        }
      }
      expectLrs(lrs, c.lrs, c.name);
      if (c.momentum) expectLrs(extras, c.momentum, `${c.name} momentum`);
      if (c.beta1) expectLrs(extras, c.beta1, `${c.name} beta1`);
      if (c.initial_lr) expect(opt.param_groups.map((g) => g.initial_lr ?? null)).toEqual(c.initial_lr);
      if (c.last_epoch !== undefined) expect(sched.last_epoch).toBe(c.last_epoch);
    });
  }

  it('chained schedulers compose through the recursive forms', () => {
    const c = fx.schedulers.find((s) => s.name === 'chained_Exponential_Step')!;
    const opt = twoGroupSGD();
    const s1 = new S.ExponentialLR(opt, 0.9);
    const s2 = new S.StepLR(opt, 4, 0.5);
    const lrs = [opt.param_groups.map((g) => g.lr)];
    for (let i = 0; i < 15; i++) {
      s1.step();
      s2.step();
      lrs.push(opt.param_groups.map((g) => g.lr));
    }
    expectLrs(lrs, c.lrs, c.name);
  });

  it('step(epoch) uses the closed forms', () => {
    const makers: Record<string, (o: AnyOptimizer) => Sched> = {
      StepLR: (o) => new S.StepLR(o, 3, 0.5),
      MultiStepLR: (o) => new S.MultiStepLR(o, [2, 5, 5], 0.1),
      ExponentialLR: (o) => new S.ExponentialLR(o, 0.8),
      CosineAnnealingLR: (o) => new S.CosineAnnealingLR(o, 6, 0.01),
      LinearLR: (o) => new S.LinearLR(o, { start_factor: 0.5, total_iters: 4 }),
    };
    const prev = process.listeners('warning');
    process.removeAllListeners('warning'); // the deprecation warning is expected here
    try {
      for (const c of fx.closed_form) {
        const sched = makers[c.name](twoGroupSGD());
        const lrs = c.epochs.map((e) => {
          sched.step(e);
          return sched.get_last_lr().slice();
        });
        expectLrs(lrs, c.lrs, `${c.name} closed form`);
      }
    } finally {
      for (const l of prev) process.on('warning', l);
    }
  });

  it('sets initial_lr in the groups and resumes from it with last_epoch', () => {
    const opt = twoGroupSGD();
    const s = new S.StepLR(opt, 2, 0.5);
    expect(opt.param_groups.map((g) => g.initial_lr)).toEqual([0.1, 0.05]);
    for (let i = 0; i < 3; i++) s.step();
    const resumed = new S.StepLR(opt, 2, 0.5, s.last_epoch);
    expect(resumed.base_lrs).toEqual([0.1, 0.05]);
    expect(resumed.last_epoch).toBe(4);
    expect(opt.state_dict().param_groups[0].initial_lr).toBe(0.1);
  });

  it('state_dict round trip: a restored scheduler continues the same sequence', () => {
    for (const name of ['CosineAnnealingLR', 'OneCycleLR', 'MultiStepLR', 'LambdaLR', 'ReduceLROnPlateau']) {
      const [makeOpt, makeSched] = SCHEDULERS[name];
      const optA = makeOpt();
      const a = makeSched(optA) as Sched & { state_dict(): Record<string, unknown>; load_state_dict(s: Record<string, unknown>): void };
      const stepOnce = (s: Sched, k: number) => (s instanceof S.ReduceLROnPlateau ? s.step(PLATEAU_METRICS[k]) : s.step());
      for (let k = 0; k < 7; k++) stepOnce(a, k);
      const optB = makeOpt();
      optB.load_state_dict(optA.state_dict());
      const b = makeSched(optB) as typeof a;
      const sd = a.state_dict();
      expect(sd).not.toHaveProperty('optimizer');
      b.load_state_dict(JSON.parse(JSON.stringify(sd, (_k, v) => (v === Infinity ? 'Infinity' : v)), (_k, v) => (v === 'Infinity' ? Infinity : v)));
      for (let k = 7; k < 15; k++) {
        stepOnce(a, k);
        stepOnce(b, k);
        expect(b.get_last_lr(), `${name} step ${k}`).toEqual(a.get_last_lr());
        expect(optB.param_groups.map((g) => g.lr)).toEqual(optA.param_groups.map((g) => g.lr));
      }
    }
  });

  it('LambdaLR saves its functions as nulls and keeps its own on load', () => {
    const opt = twoGroupSGD();
    const s = new S.LambdaLR(opt, (e) => 1 / (e + 1));
    s.step();
    const sd = s.state_dict();
    expect(sd.lr_lambdas).toEqual([null, null]);
    s.load_state_dict(sd);
    s.step();
    expect(s.get_last_lr()[0]).toBeCloseTo(0.1 / 3, 15);
  });

  it('is reachable as torch.optim.lr_scheduler and drives an optimizer during training', () => {
    const p = torch.tensor([1.0], { requires_grad: true });
    const opt = new torch.optim.SGD([p], 0.1);
    const sched = new torch.optim.lr_scheduler.StepLR(opt, 1, 0.5);
    for (let i = 0; i < 3; i++) {
      p.grad = torch.ones([1]);
      opt.step();
      sched.step();
    }
    // 1 − 0.1 − 0.05 − 0.025
    expect(p.item()).toBeCloseTo(0.825, 6);
    expect(sched.get_last_lr()).toEqual([0.0125]);
  });
});

describe('in-place helpers the optimizers use', () => {
  it('addcmul_ and addcdiv_ compute self + value·t1·t2 and self + value·t1/t2', () => {
    const x = torch.tensor([1.0, 2.0, 3.0]);
    x.addcmul_(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 2.0, 2.0]), 0.5);
    expect(Array.from(x.toTypedArray())).toEqual([2, 4, 6]);
    x.addcdiv_(torch.tensor([2.0, 4.0, 6.0]), torch.tensor([2.0, 2.0, 2.0]), { value: -1 });
    expect(Array.from(x.toTypedArray())).toEqual([1, 2, 3]);
    x.add_(torch.tensor([1.0, 1.0, 1.0]), -2);
    expect(Array.from(x.toTypedArray())).toEqual([-1, 0, 1]);
    expect(() => x.addcmul_(3 as never, x)).toThrow(TypeError);
  });

  it('addcmul_ records a graph when an input requires grad', () => {
    const a = torch.tensor([1.0, 2.0], { requires_grad: true });
    const y = torch.zeros([2]);
    y.addcmul_(a, a, 3);
    y.sum().backward();
    expect(Array.from(a.grad!.toTypedArray())).toEqual([6, 12]);
  });
});
