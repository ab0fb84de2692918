/**
 * torch.nn.utils against PyTorch 1.13 (the nn_utils part of tests/fixtures/elementwise.json):
 * clip_grad_norm_ gives PyTorch's total norm and clipped float32 gradients bit for bit,
 * clip_grad_value_ clamps in place, and the parameter/vector conversions round-trip.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { decode, decodeNumber, loadFixture, type Encoded } from './helpers/fixtures.js';
import { expectSameBits } from './helpers/opcheck.js';

interface Clip {
  max_norm: number;
  norm_type: number | string;
  single?: boolean;
  grads: (Encoded | null)[];
  total: Encoded;
  clipped: (Encoded | null)[];
}
interface NnUtils {
  clip_grad_norm_: Clip[];
  empty: Encoded;
  totals: { grad: Encoded; norm_type: number | string; total: Encoded }[];
  clip_grad_value_: { clip_value: number; grads: (Encoded | null)[]; clipped: (Encoded | null)[] }[];
  parameters: Encoded[];
  vector: Encoded;
  new_vector: Encoded;
  new_parameters: Encoded[];
}

const golden = loadFixture<{ nn_utils: NnUtils }>('elementwise').nn_utils;

/**
 * Norms other than p = 0, 1, 2, ±inf raise |x| to p with pow, whose last bit differs between V8
 * and glibc (powf is not correctly rounded): those agree within 2 ulp; the others to the bit.
 */
const viaPow = (p: number | string) => ![0, 1, 2, Infinity, -Infinity].includes(decodeNumber(p));
function expectNorm(got: Tensor, want: Tensor, p: number | string, what: string): void {
  if (!viaPow(p)) return expectSameBits(got, want, what);
  expect(got.dtype, what).toBe(want.dtype);
  const eps = got.dtype === torch.float32 ? 2 ** -23 : Number.EPSILON;
  const a = got.toTypedArray(), e = want.toTypedArray();
  e.forEach((v, i) => expect(Math.abs(a[i] - v), `${what}[${i}]`).toBeLessThanOrEqual(2 * eps * Math.abs(v)));
}
const { utils } = torch.nn;

/** Parameters holding the recorded gradients (a parameter without one stays without). */
function withGrads(grads: (Encoded | null)[]): torch.nn.Parameter[] {
  return grads.map((g, i) => {
    const p = new torch.nn.Parameter(torch.zeros(g ? g.shape : [i + 1], { dtype: g ? g.dtype : 'float32' }));
    if (g) p.grad = decode(g);
    return p;
  });
}

describe('clip_grad_norm_', () => {
  it.each(golden.clip_grad_norm_.map((c) => ({ ...c, label: `max_norm=${c.max_norm} norm_type=${c.norm_type}${c.single ? ' (one tensor)' : ''}` })))('$label', (c) => {
    const params = withGrads(c.grads);
    const norm_type = typeof c.norm_type === 'string' && c.norm_type !== 'inf' ? decodeNumber(c.norm_type) : c.norm_type;
    const total = utils.clip_grad_norm_(c.single ? params[0] : params, c.max_norm, { norm_type });
    expectNorm(total, decode(c.total), c.norm_type, 'total norm');
    params.forEach((p, i) => {
      const want = c.clipped[i];
      if (want === null) expect(p.grad).toBeNull();
      else expectNorm(p.grad!, decode(want), c.norm_type, `grad ${i}`);
    });
  });

  it("the total norm of one gradient of any length has PyTorch's bits (float32 and float64, p = 2, 1, 0, -inf; 3 and 0.5 within 2 ulp)", () => {
    expect(golden.totals.length).toBeGreaterThan(70);
    golden.totals.forEach(({ grad, norm_type, total }) => {
      const p = new torch.nn.Parameter(torch.zeros(grad.shape, { dtype: grad.dtype }));
      p.grad = decode(grad);
      expectNorm(utils.clip_grad_norm_(p, 1e30, decodeNumber(norm_type)), decode(total), norm_type, `${grad.dtype}[${grad.shape}] p=${norm_type}`);
    });
  });

  it('takes model.parameters() (a generator), returns a tensor that needs no grad, and a float32 0 for no gradients', () => {
    const model = new torch.nn.Linear(3, 2);
    model(torch.ones(4, 3)).sum().backward();
    const total = utils.clip_grad_norm_(model.parameters(), 0.5);
    expect([total.ndim, total.requires_grad]).toEqual([0, false]);
    const after = torch.cat([model.weight.grad!.flatten(), model.bias!.grad!]).norm();
    expect(after.item()).toBeCloseTo(0.5, 5);
    expectSameBits(utils.clip_grad_norm_([], 1.0), decode(golden.empty), 'no gradients');
  });

  it('clip_grad_norm is the deprecated name, with a warning', () => {
    const p = new torch.nn.Parameter(torch.zeros(2));
    p.grad = torch.tensor([3, 4]);
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.message);
    process.on('warning', listener);
    const total = utils.clip_grad_norm(p, 1);
    return new Promise<void>((resolve) => setImmediate(() => {
      process.off('warning', listener);
      expect(total.item()).toBe(5);
      expect(warnings.some((m) => m.includes('clip_grad_norm is now deprecated'))).toBe(true);
      resolve();
    }));
  });

  it('mistakes get PyTorch-style messages', () => {
    expect(() => utils.clip_grad_norm_(3 as unknown as Tensor, 1)).toThrow("'int' object is not iterable");
    expect(() => utils.clip_grad_norm_([], 1, { norm_type: 'two' })).toThrow("could not convert string to float: 'two'");
    expect(() => utils.clip_grad_norm_([], 1, { foo: 1 } as never)).toThrow("clip_grad_norm_() got an unexpected keyword argument 'foo'");
  });
});

describe('clip_grad_value_', () => {
  it.each(golden.clip_grad_value_)('clip_value=$clip_value', (c) => {
    const params = withGrads(c.grads);
    const grads = params.map((p) => p.grad);
    expect(utils.clip_grad_value_(params, c.clip_value)).toBeUndefined();
    params.forEach((p, i) => {
      const want = c.clipped[i];
      if (want === null) return expect(p.grad).toBeNull();
      expect(p.grad, 'clamped in place').toBe(grads[i]);
      expectSameBits(p.grad!, decode(want), `grad ${i}`);
    });
  });
});

describe('parameters_to_vector / vector_to_parameters', () => {
  it('flattens in order, differentiably', () => {
    const params = golden.parameters.map((e) => decode(e).requires_grad_());
    const vec = utils.parameters_to_vector(params);
    expectSameBits(vec.detach(), decode(golden.vector), 'vector');
    expect(vec.grad_fn?.name()).toBe('CatBackward0');
    vec.mul(torch.arange(vec.numel(), { dtype: torch.float64 })).sum().backward();
    expect(params[1].grad!.tolist()).toEqual([6, 7, 8, 9]);
  });

  it("points each parameter at its slice of the vector (PyTorch's param.data =)", () => {
    const targets = golden.parameters.map((e) => new torch.nn.Parameter(torch.zeros(e.shape, { dtype: torch.float64 })));
    const vec = decode(golden.new_vector);
    utils.vector_to_parameters(vec, targets);
    targets.forEach((t, i) => {
      expect(t).toBeInstanceOf(torch.nn.Parameter);
      expectSameBits(t.detach(), decode(golden.new_parameters[i]), `parameter ${i}`);
    });
    // the same memory as the vector, as PyTorch's view
    vec.fill_(0);
    expect(targets[0].sum().item()).toBe(0);
  });
});
