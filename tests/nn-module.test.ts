import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';

class SimpleNN extends nn.Module {
  fc1 = new nn.Linear(10, 50);
  fc2 = new nn.Linear(50, 1);
  forward(x: Tensor) {
    x = torch.relu(this.fc1(x));
    return this.fc2(x);
  }
}

class AdvancedNN extends nn.Module {
  fc1 = new nn.Linear(10, 50);
  fc2 = new nn.Linear(50, 50);
  fc3 = new nn.Linear(50, 1);
  forward(x: Tensor) {
    x = torch.relu(this.fc1(x));
    x = torch.sigmoid(this.fc2(x));
    return this.fc3(x);
  }
}

class Block extends nn.Module {
  proj = new nn.Linear(4, 4, false);
  body = new nn.Sequential(new nn.Linear(4, 8), new nn.Identity(), new nn.Linear(8, 4));
}

class Net extends nn.Module {
  stem: nn.Linear;
  blocks: nn.ModuleList;
  heads: nn.ModuleDict;
  named: nn.Sequential;
  empty: nn.Sequential;
  constructor() {
    super();
    // assigned in the constructor instead of as fields: registered all the same, in this order
    this.stem = new nn.Linear(3, 4);
    this.blocks = new nn.ModuleList([new Block(), new Block()]);
    this.heads = new nn.ModuleDict({ b: new nn.Linear(4, 2), a: new nn.Linear(4, 1) });
    this.named = new nn.Sequential({ first: new nn.Linear(4, 4), second: new nn.Identity() });
    this.empty = new nn.Sequential();
  }
}

interface NNFixture {
  reprs: Record<string, string>;
  state_dict_keys: Record<string, string[]>;
  X: Encoded;
  y: Encoded;
  training: { model: string; momentum: number; lr: number; state_dict: Record<string, Encoded>; losses: number[]; final: Record<string, Encoded> }[];
}
const fx = loadFixture<NNFixture>('nn');

describe('printing and state_dict match PyTorch', () => {
  it('prints every model byte for byte', () => {
    expect(String(new SimpleNN())).toBe(fx.reprs.SimpleNN);
    expect(String(new AdvancedNN())).toBe(fx.reprs.AdvancedNN);
    expect(String(new Net())).toBe(fx.reprs.Net);
    expect(String(new nn.Linear(3, 2, false))).toBe(fx.reprs.LinearNoBias);
    expect(String(new nn.Sequential())).toBe(fx.reprs.EmptySequential);
  });
  it('uses PyTorch\'s dotted state_dict keys', () => {
    expect(Object.keys(new Net().state_dict())).toEqual(fx.state_dict_keys.Net);
    expect(Object.keys(new AdvancedNN().state_dict())).toEqual(fx.state_dict_keys.AdvancedNN);
  });
});

describe('the seed networks train exactly like PyTorch', () => {
  for (const t of fx.training) {
    it(`${t.model}, SGD(lr=${t.lr}, momentum=${t.momentum}), 20 steps`, () => {
      const model = t.model === 'SimpleNN' ? new SimpleNN() : new AdvancedNN();
      model.load_state_dict(Object.fromEntries(Object.entries(t.state_dict).map(([k, v]) => [k, decode(v)])));
      const X = decode(fx.X), y = decode(fx.y);
      const opt = new torch.optim.SGD(model.parameters(), { lr: t.lr, momentum: t.momentum });
      const lossFn = new nn.MSELoss();
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) {
        opt.zero_grad();
        const loss = lossFn(model(X), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      losses.forEach((l, i) => expect(Math.abs(l - t.losses[i]) / Math.abs(t.losses[i]), `step ${i}: ${l} vs ${t.losses[i]}`).toBeLessThan(1e-5));
      const final = model.state_dict();
      for (const [k, v] of Object.entries(t.final)) expect(final[k].allclose(decode(v), { rtol: 1e-4, atol: 1e-6 }), k).toBe(true);
    });
  }
});

describe('nn.Module behaviour', () => {
  it('is callable and runs forward hooks and pre-hooks; handles remove them', () => {
    const m = new SimpleNN();
    const x = torch.randn(3, 10);
    const calls: string[] = [];
    const pre = m.register_forward_pre_hook((_mod, input) => {
      calls.push('pre');
      return [(input[0] as Tensor).mul(0)];
    });
    const post = m.register_forward_hook((_mod, _in, out) => {
      calls.push('post');
      return (out as Tensor).add(1);
    });
    const y = m(x) as Tensor;
    expect(calls).toEqual(['pre', 'post']);
    expect(y.allclose(m.fc2.bias!.add(torch.relu(m.fc1.bias!).matmul(m.fc2.weight.t())).add(1).expand(3, 1))).toBe(true);
    pre.remove();
    post.remove();
    expect((m(x) as Tensor).allclose(m.forward(x))).toBe(true);
  });

  it('a module without forward says so', () => {
    class NoForward extends nn.Module {}
    expect(() => new NoForward()(torch.ones(1))).toThrow('Module [NoForward] is missing the required "forward" function');
  });

  it('lists parameters, children and modules; shared modules once', () => {
    const shared = new nn.Linear(2, 2);
    class Tied extends nn.Module {
      a = shared;
      b = shared;
      c = new nn.Linear(2, 1);
    }
    const m = new Tied();
    expect([...m.named_parameters()].map(([k]) => k)).toEqual(['a.weight', 'a.bias', 'c.weight', 'c.bias']);
    expect([...m.named_children()].map(([k]) => k)).toEqual(['a', 'c']);
    expect([...m.named_modules()].map(([k]) => k)).toEqual(['', 'a', 'c']);
    expect([...m.parameters()].length).toBe(4);
    expect([...m.children()].length).toBe(2);
  });

  it('register_parameter, register_buffer (persistent or not), add_module validate names', () => {
    class M extends nn.Module {
      constructor() {
        super();
        this.register_parameter('w', new nn.Parameter(torch.ones(2)));
        this.register_buffer('running', torch.zeros(2));
        this.register_buffer('scratch', torch.zeros(3), { persistent: false });
        this.add_module('sub', new nn.Linear(2, 2));
      }
    }
    const m = new M();
    expect(Object.keys(m.state_dict())).toEqual(['w', 'running', 'sub.weight', 'sub.bias']);
    expect([...m.named_buffers()].map(([k]) => k)).toEqual(['running', 'scratch']);
    expect(() => m.add_module('a.b', new nn.Identity())).toThrow('module name can\'t contain ".", got: a.b');
    expect(() => m.register_buffer('', torch.ones(1))).toThrow('buffer name can\'t be empty string ""');
    expect(() => m.register_parameter('p', torch.ones(1) as never)).toThrow(/torch.nn.Parameter or None required/);
  });

  it('train/eval, zero_grad, requires_grad_, apply, to(double)', () => {
    const m = new AdvancedNN();
    m.eval();
    expect([...m.modules()].every((c) => !c.training)).toBe(true);
    m.train();
    expect(m.fc2.training).toBe(true);
    (m(torch.randn(2, 10)) as Tensor).sum().backward();
    expect(m.fc1.weight.grad).not.toBe(null);
    m.zero_grad(false);
    expect(m.fc1.weight.grad!.abs().sum().item()).toBe(0);
    m.zero_grad();  // PyTorch 1.13: zeroed in place
    expect(m.fc1.weight.grad!.abs().sum().item()).toBe(0);
    m.zero_grad(true);
    expect(m.fc1.weight.grad).toBe(null);
    m.requires_grad_(false);
    expect([...m.parameters()].some((p) => p.requires_grad)).toBe(false);
    const seen: string[] = [];
    m.apply((c) => seen.push(c._get_name()));
    expect(seen).toEqual(['Linear', 'Linear', 'Linear', 'AdvancedNN']);
    const w = m.fc1.weight;
    m.double();
    expect(m.fc1.weight).toBe(w);
    expect(w.dtype).toBe(torch.float64);
    expect((m(torch.randn(2, 10, { dtype: torch.float64 })) as Tensor).dtype).toBe(torch.float64);
  });

  it('load_state_dict reports missing and unexpected keys, and PyTorch\'s message when strict', () => {
    const m = new SimpleNN();
    const sd = m.state_dict();
    const partial = { 'fc1.weight': sd['fc1.weight'], extra: torch.ones(1) };
    expect(m.load_state_dict(partial, false)).toEqual({ missing_keys: ['fc1.bias', 'fc2.weight', 'fc2.bias'], unexpected_keys: ['extra'] });
    expect(() => m.load_state_dict({ ...sd, 'fc1.weight': torch.zeros(50, 9) })).toThrow(
      'Error(s) in loading state_dict for SimpleNN:\n\tsize mismatch for fc1.weight: copying a param with shape torch.Size([50, 9]) from checkpoint, the shape in current model is torch.Size([50, 10]).',
    );
    expect(() => m.load_state_dict(partial)).toThrow(/Missing key\(s\) in state_dict: "fc1.bias", "fc2.weight", "fc2.bias". \n\tUnexpected key\(s\) in state_dict: "extra". /);
  });

  it('state_dict shares memory and load_state_dict copies into the same Parameters', () => {
    const a = new SimpleNN(), b = new SimpleNN();
    const w = b.fc1.weight;
    b.load_state_dict(a.state_dict());
    expect(b.fc1.weight).toBe(w);
    expect(b.fc1.weight.equal(a.fc1.weight)).toBe(true);
    const x = torch.randn(4, 10);
    expect((a(x) as Tensor).equal(b(x) as Tensor)).toBe(true);
  });

  it('Linear initialises as PyTorch: kaiming_uniform(a=√5) weights, U(±1/√fan_in) biases', () => {
    torch.manual_seed(3);
    const l = new nn.Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    expect(l.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(l.weight.abs().max().item()).toBeGreaterThan(bound * 0.99);
    expect(l.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    // uniform on ±b has variance b²/3
    expect(Math.abs((l.weight.var().item()) / (bound ** 2 / 3) - 1)).toBeLessThan(0.02);
  });
});

describe('containers', () => {
  it('Sequential: varargs or named, indexing, length, append, slicing', () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.Identity(), new nn.Linear(3, 1));
    expect(s.length).toBe(3);
    expect(s.at(-1)).toBeInstanceOf(nn.Linear);
    expect(s.slice(0, 2).length).toBe(2);
    s.append(new nn.Identity());
    expect(s.length).toBe(4);
    expect((s(torch.ones(5, 2)) as Tensor).shape).toEqual([5, 1]);
    const named = new nn.Sequential({ z: new nn.Linear(2, 2), y: new nn.Identity() });
    expect([...named.named_children()].map(([k]) => k)).toEqual(['z', 'y']);
    // a Map keeps integer-like names in the given order too (object literals sort them first)
    const mapped = new nn.Sequential(new Map<string, nn.Module>([['z', new nn.Linear(2, 2)], ['1', new nn.Identity()]]));
    expect([...mapped.named_children()].map(([k]) => k)).toEqual(['z', '1']);
    expect([...s].length).toBe(4);
  });
  it('ModuleList and ModuleDict register their members', () => {
    const l = new nn.ModuleList([new nn.Linear(1, 1)]);
    l.append(new nn.Linear(1, 2));
    l.insert(0, new nn.Identity());
    expect([...l.named_children()].map(([k, m]) => `${k}:${m._get_name()}`)).toEqual(['0:Identity', '1:Linear', '2:Linear']);
    const d = new nn.ModuleDict({ b: new nn.Linear(1, 1) });
    d.set('a', new nn.Linear(1, 1));
    expect(d.keys()).toEqual(['b', 'a']);
    expect(Object.keys(d.state_dict())).toEqual(['b.weight', 'b.bias', 'a.weight', 'a.bias']);
  });
});
