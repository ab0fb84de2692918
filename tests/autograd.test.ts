import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

describe('autograd', () => {
  it('runs the README example and accumulates into .grad', () => {
    torch.manual_seed(0);
    const x = torch.randn(4, 10, { requires_grad: true });
    const w = torch.randn(10, 3, { requires_grad: true });
    const loss = torch.relu(x.matmul(w)).sum();
    loss.backward();
    expect(w.grad!.shape).toEqual([10, 3]);
    // d/dw sum(relu(xw)) = xᵀ · 1[xw > 0]
    const mask = x.matmul(w).gt(0).to(torch.float32);
    expect(w.grad!.allclose(x.t().matmul(mask), { atol: 1e-5 })).toBe(true);
    const before = w.clone();
    torch.no_grad(() => w.sub_(w.grad!.mul(0.1)));
    expect(w.allclose(before.sub(before.grad ?? w.grad!.mul(0.1)), { atol: 1e-6 })).toBe(true);
  });

  it('a tensor used twice gets both contributions', () => {
    const a = torch.tensor([1, 2, 3], { requires_grad: true });
    a.mul(a).add(a).sum().backward();
    expect(a.grad!.tolist()).toEqual([3, 5, 7]);
    a.mul(2).sum().backward();
    expect(a.grad!.tolist()).toEqual([5, 7, 9]);
  });

  it('leaves never share gradient memory with each other or with the caller', () => {
    // add's backward hands one tensor to both inputs: each leaf's .grad must be its own
    const a = torch.tensor([1, 2, 3], { requires_grad: true });
    const b = torch.tensor([4, 5, 6], { requires_grad: true });
    a.add(b).mul(2).sum().backward();
    a.grad!.add_(100);
    expect(b.grad!.tolist()).toEqual([2, 2, 2]);
    a.add(b).mul(2).sum().backward();
    expect(a.grad!.tolist()).toEqual([104, 104, 104]);
    expect(b.grad!.tolist()).toEqual([4, 4, 4]);
    // the same through a reshape (a view of the shared gradient)
    const c = torch.ones(2, 2, { requires_grad: true });
    const d = torch.ones(4, { requires_grad: true });
    c.reshape(4).add(d).mul(3).sum().backward();
    d.grad!.mul_(0);
    expect(c.grad!.tolist()).toEqual([[3, 3], [3, 3]]);
    // a gradient passed by the caller stays the caller's
    const x = torch.zeros(3, { requires_grad: true });
    const g = torch.tensor([1, 2, 3]);
    x.add(0).backward(g);
    g.add_(10);
    expect(x.grad!.tolist()).toEqual([1, 2, 3]);
    x.grad!.add_(1);
    expect(g.tolist()).toEqual([11, 12, 13]);
  });

  it('leaf, grad_fn and requires_grad bookkeeping', () => {
    const a = torch.ones(2, { requires_grad: true });
    const b = a.mul(3);
    expect(a.is_leaf).toBe(true);
    expect(b.is_leaf).toBe(false);
    expect(b.grad_fn!.name()).toBe('MulBackward0');
    expect(String(b)).toBe('tensor([3., 3.], grad_fn=<MulBackward0>)');
    expect(b.detach().requires_grad).toBe(false);
    expect(torch.ones(2).add(1).requires_grad).toBe(false);
    expect(() => (b.requires_grad = false)).toThrow(/only change requires_grad flags of leaf variables/);
    expect(() => torch.arange(3).requires_grad_()).toThrow('only Tensors of floating point dtype can require gradients');
  });

  it('frees the graph after backward unless retain_graph', () => {
    const a = torch.tensor([0.5, 1.5], { requires_grad: true });
    const y = a.exp().sum();
    y.backward({ retain_graph: true });
    y.backward(undefined, { retain_graph: false });
    expect(a.grad!.allclose(a.exp().mul(2).detach())).toBe(true);
    expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time/);
  });

  it('backward on a non-scalar needs a gradient', () => {
    const a = torch.ones(3, { requires_grad: true });
    const y = a.mul(2);
    expect(() => y.backward()).toThrow('grad can be implicitly created only for scalar outputs');
    y.backward(torch.tensor([1, 2, 3]));
    expect(a.grad!.tolist()).toEqual([2, 4, 6]);
    expect(() => a.mul(2).backward(torch.ones(4))).toThrow(/Mismatch in shape/);
  });

  it('a 100 000-op chain does not overflow the stack', () => {
    const a = torch.tensor(1, { dtype: torch.float64, requires_grad: true });
    let y = a;
    for (let i = 0; i < 100000; i++) y = y.mul(1.0000001);
    y.backward();
    expect(a.grad!.item()).toBeCloseTo(Math.pow(1.0000001, 100000), 3);
  });

  it('in-place modification of a saved tensor throws at backward', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const y = a.sigmoid();
    const z = y.mul(2).sum();
    y.mul_(3);
    expect(() => z.backward()).toThrow(/modified by an inplace operation/);
  });

  it('in-place ops on leaves that require grad throw; under no_grad they work', () => {
    const w = torch.ones(2, { requires_grad: true });
    expect(() => w.add_(1)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    torch.no_grad(() => w.add_(1));
    expect(w.tolist()).toEqual([2, 2]);
  });

  it('in-place ops on non-leaves are recorded', () => {
    const a = torch.tensor([1, 2, 3], { requires_grad: true });
    const b = a.mul(2);
    b.add_(1).mul_(torch.tensor([1, 2, 3]));
    expect(b.grad_fn!.name()).toBe('MulBackward0');
    expect(b.tolist()).toEqual([3, 10, 21]);
    b.sum().backward();
    // b = (2a + 1) * c: db/da = 2c
    expect(a.grad!.tolist()).toEqual([2, 4, 6]);
  });

  it('autograd.grad returns gradients without touching .grad', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = x.pow(3).sum();
    const [g] = torch.autograd.grad(y, [x]);
    expect(g!.tolist()).toEqual([3, 12]);
    expect(x.grad).toBe(null);
  });

  it('autograd.grad with create_graph gives second derivatives', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float64, requires_grad: true });
    const [g] = torch.autograd.grad(x.pow(3).sum(), [x], { create_graph: true });
    const [gg] = torch.autograd.grad(g!.sum(), [x]);
    expect(gg!.tolist()).toEqual([6, 12]);
  });

  it('gradcheck passes for correct gradients and reports wrong ones', () => {
    const x = torch.rand(3, 4, { dtype: torch.float64, requires_grad: true });
    expect(torch.autograd.gradcheck((t) => t.sigmoid().mul(t).sum(1), [x])).toBe(true);
    expect(() => torch.autograd.gradcheck((t) => t.detach().mul(t), [x])).toThrow(/Jacobian mismatch for output 0 with respect to input 0/);
    expect(torch.autograd.gradcheck((t) => t.detach().mul(t), [x], { raise_exception: false })).toBe(false);
  });

  it('retain_grad keeps a non-leaf gradient', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const b = a.mul(2);
    b.retain_grad();
    b.sum().backward();
    expect(b.grad!.tolist()).toEqual([1, 1]);
  });
});

describe('backward(inputs=...)', () => {
  // values from PyTorch 1.13 (the same sequence of calls)
  const graph = () => {
    const a = torch.tensor([1, 2], { requires_grad: true }), b = torch.tensor([3, 4], { requires_grad: true });
    const h = a.mul(b);
    h.retain_grad();
    return { a, b, h, y: h.mul(a).sum() };
  };
  it('accumulates only into the given tensors, leaves or not; retained gradients on the way still fill', () => {
    const { a, b, h, y } = graph();
    y.backward({ inputs: [a], retain_graph: true });
    expect([a.grad!.tolist(), b.grad, h.grad!.tolist()]).toEqual([[6, 16], null, [1, 2]]);
    y.backward({ inputs: h, retain_graph: true });
    expect([a.grad!.tolist(), b.grad, h.grad!.tolist()]).toEqual([[6, 16], null, [2, 4]]);
    y.backward({ inputs: [b], retain_graph: true });
    expect([a.grad!.tolist(), b.grad!.tolist(), h.grad!.tolist()]).toEqual([[6, 16], [1, 4], [3, 6]]);
    torch.autograd.backward([y], null, { inputs: [a] });
    expect(a.grad!.tolist()).toEqual([12, 32]);
  });
  it('leaves a tensor the output does not depend on without a gradient', () => {
    const { a, h, y } = graph();
    const c = torch.tensor([1], { requires_grad: true });
    y.backward({ inputs: [c] });
    expect([c.grad, a.grad, h.grad]).toEqual([null, null, null]);
  });
  it("rejects PyTorch's bad inputs with its messages", () => {
    const { y } = graph();
    expect(() => y.backward({ inputs: [], retain_graph: true })).toThrow("'inputs' argument to backward() cannot be empty.");
    expect(() => y.backward({ inputs: [torch.tensor([1])], retain_graph: true })).toThrow("can't retain_grad on Tensor that has requires_grad=False");
    expect(() => y.backward({ inputs: [1 as never], retain_graph: true })).toThrow('all inputs have to be Tensors, but got number');
  });
});

describe('grad mode', () => {
  it('no_grad, enable_grad, set_grad_enabled', () => {
    const a = torch.ones(2, { requires_grad: true });
    expect(torch.no_grad(() => a.mul(2)).requires_grad).toBe(false);
    expect(torch.no_grad(() => torch.enable_grad(() => a.mul(2))).requires_grad).toBe(true);
    expect(torch.is_grad_enabled()).toBe(true);
    torch.set_grad_enabled(false);
    try {
      expect(a.mul(2).requires_grad).toBe(false);
    } finally {
      torch.set_grad_enabled(true);
    }
    expect(a.mul(2).requires_grad).toBe(true);
  });

  it('async no_grad holds across await and does not leak into concurrent work', async () => {
    const a = torch.ones(2, { requires_grad: true });
    const tick = () => new Promise((r) => setTimeout(r, 5));
    let inside: boolean | undefined;
    let concurrent: boolean | undefined;
    const p1 = torch.no_grad(async () => {
      await tick();
      await tick();
      inside = a.mul(2).requires_grad;
    });
    const p2 = (async () => {
      await tick();
      concurrent = a.mul(2).requires_grad;
    })();
    await Promise.all([p1, p2]);
    expect(inside).toBe(false);
    expect(concurrent).toBe(true);
    expect(torch.is_grad_enabled()).toBe(true);
  });
});
