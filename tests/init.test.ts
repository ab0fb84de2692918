import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

const fx = loadFixture<{ gains: Record<string, number>; fans: Record<string, [number, number]>; errors: Record<string, string> }>('init');
const init = nn.init;

function stats(t: torch.Tensor) {
  const d = Array.from(t.toTypedArray());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { min: Math.min(...d), max: Math.max(...d), mean, std };
}

describe('nn.init', () => {
  it('calculate_gain and fans match PyTorch', () => {
    for (const [key, want] of Object.entries(fx.gains)) {
      const [name, param] = key.split(':');
      expect(init.calculate_gain(name, param === undefined ? undefined : Number(param)), key).toBeCloseTo(want, 14);
    }
    for (const [shape, want] of Object.entries(fx.fans)) {
      const dims = shape.replace(/[()]/g, '').split(',').map(Number);
      expect(init._calculate_fan_in_and_fan_out(torch.empty(dims))).toEqual(want);
    }
  });

  it('throws PyTorch\'s messages', () => {
    expect(() => init.calculate_gain('bogus')).toThrow(fx.errors.gain);
    expect(() => init.kaiming_uniform_(torch.empty(3))).toThrow(fx.errors.fan1d);
    expect(() => init.kaiming_uniform_(torch.empty(3, 3), { mode: 'fan_avg' as never })).toThrow(fx.errors.mode);
    expect(() => init.eye_(torch.empty(2, 2, 2))).toThrow(fx.errors.eye3d);
    expect(() => init.orthogonal_(torch.empty(3))).toThrow(fx.errors.orth1d);
  });

  it('uniform, normal, constant, ones, zeros, eye', () => {
    torch.manual_seed(0);
    const u = stats(init.uniform_(torch.empty(100, 100), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    const n = stats(init.normal_(torch.empty(100, 100), 1, 2));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(2, 1);
    expect(init.constant_(torch.empty(2), 7).tolist()).toEqual([7, 7]);
    expect(init.ones_(torch.empty(2)).tolist()).toEqual([1, 1]);
    expect(init.zeros_(torch.ones(2)).tolist()).toEqual([0, 0]);
    expect(init.eye_(torch.empty(2, 3)).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });

  it('xavier and kaiming draw with the documented bounds and spreads', () => {
    torch.manual_seed(1);
    const [fi, fo] = [300, 200];
    const xu = stats(init.xavier_uniform_(torch.empty(fo, fi), 2));
    const xb = 2 * Math.sqrt(6 / (fi + fo));
    expect(xu.max).toBeLessThanOrEqual(xb);
    expect(xu.max).toBeGreaterThan(xb * 0.99);
    expect(stats(init.xavier_normal_(torch.empty(fo, fi))).std).toBeCloseTo(Math.sqrt(2 / (fi + fo)), 2);
    const ku = stats(init.kaiming_uniform_(torch.empty(fo, fi), { mode: 'fan_in', nonlinearity: 'relu' }));
    expect(ku.max).toBeLessThanOrEqual(Math.sqrt(2) * Math.sqrt(3 / fi));
    expect(stats(init.kaiming_normal_(torch.empty(fo, fi), 0, 'fan_out')).std).toBeCloseTo(Math.sqrt(2 / fo), 2);
  });

  it('trunc_normal_ stays in [a, b]; orthogonal_ gives orthonormal rows or columns', () => {
    torch.manual_seed(2);
    const t = stats(init.trunc_normal_(torch.empty(200, 50), 0.5, 1, -1, 1.5));
    expect(t.min).toBeGreaterThanOrEqual(-1);
    expect(t.max).toBeLessThanOrEqual(1.5);
    for (const [r, c] of [[6, 4], [4, 6], [5, 5]]) {
      const q = init.orthogonal_(torch.empty(r, c), 1.5);
      const gram = r >= c ? q.t().matmul(q) : q.matmul(q.t());
      expect(gram.allclose(torch.eye(Math.min(r, c)).mul(2.25), { atol: 1e-5 })).toBe(true);
    }
  });

  it('run without recording gradients, on parameters that require grad', () => {
    const p = new nn.Parameter(torch.empty(3, 4));
    init.kaiming_uniform_(p, Math.sqrt(5));
    expect(p.grad_fn).toBe(null);
    expect(p.requires_grad).toBe(true);
  });
});
