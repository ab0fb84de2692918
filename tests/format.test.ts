import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bool, float32, float64, int64, set_default_dtype, toDType, type DTypeName } from '../src/dtype.js';
import { formatExp, formatFixed, formatTensor, printOptions, set_printoptions, type PrintOptions } from '../src/format.js';

type Num = number | 'nan' | 'inf' | '-inf';
interface Case {
  input: { dtype: DTypeName; shape: number[]; data: Num[] };
  requires_grad: boolean;
  grad_fn: string | null;
  expected: string;
  print_options?: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' };
  default_dtype?: DTypeName;
}

const decode = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

const cases: Case[] = JSON.parse(readFileSync(new URL('./fixtures/repr.json', import.meta.url), 'utf8'));

function reset(): void {
  set_printoptions({ profile: 'default' });
  set_default_dtype('float32');
}

afterEach(reset);

describe('formatTensor matches PyTorch 1.13 repr (golden)', () => {
  it('has a substantial fixture', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  it.each(cases.map((c, i) => [i, c.expected.split('\n')[0]!.slice(0, 60), c] as const))('#%i %s', (_i, _title, c) => {
    if (c.print_options) set_printoptions(c.print_options);
    if (c.default_dtype) set_default_dtype(c.default_dtype);
    const got = formatTensor(c.input.data.map(decode), c.input.shape, toDType(c.input.dtype), {
      requires_grad: c.requires_grad,
      grad_fn: c.grad_fn,
    });
    expect(got).toBe(c.expected);
  });
});

describe('formatTensor, hand-written cases', () => {
  const f = (v: number[], shape: number[], dt = float32, s: { requires_grad?: boolean; grad_fn?: string | null } = {}) =>
    formatTensor(v, shape, dt, s);

  it('scalars and simple vectors', () => {
    expect(f([3], [])).toBe('tensor(3.)');
    expect(f([1, 1.5], [2])).toBe('tensor([1.0000, 1.5000])');
    expect(f([1, 2, 3], [3], int64)).toBe('tensor([1, 2, 3])');
    expect(f([1, 0], [2], bool)).toBe('tensor([ True, False])');
    expect(f([1e5, 1], [2])).toBe('tensor([1.0000e+05, 1.0000e+00])');
    expect(f([NaN, -Infinity, 2], [3])).toBe('tensor([nan, -inf, 2.])');
    expect(f([-0], [1])).toBe('tensor([-0.])');
  });

  it('float32 values are rounded to float32 first', () => {
    // 0.1 as a double rounds differently from float32(0.1) at 9 digits of precision
    set_printoptions({ precision: 9 });
    expect(f([0.1, 0.5], [2])).toBe('tensor([0.100000001, 0.500000000])');
    expect(f([0.1, 0.5], [2], float64)).toBe('tensor([0.100000000, 0.500000000], dtype=torch.float64)');
  });

  it('2-D layout and suffixes', () => {
    expect(f([1, 2, 3, 4], [2, 2], float64, { requires_grad: true })).toBe(
      'tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64, requires_grad=True)',
    );
    expect(f([1, 2], [2], float32, { requires_grad: true, grad_fn: 'AddBackward0' })).toBe(
      'tensor([1., 2.], grad_fn=<AddBackward0>)',
    );
    expect(f([], [0, 3], int64)).toBe('tensor([], size=(0, 3), dtype=torch.int64)');
  });

  it('summarises above the threshold using only the edge values', () => {
    const v = Array.from({ length: 2000 }, () => 1);
    v[1000] = 1e-8;
    expect(f(v, [2000])).toBe('tensor([1., 1., 1.,  ..., 1., 1., 1.])');
    expect(f(v.slice(1, 1001), [1000]).includes('e-08')).toBe(true);
  });

  it('set_printoptions resets sci_mode and applies profiles', () => {
    set_printoptions({ sci_mode: true });
    expect(printOptions.sci_mode).toBe(true);
    expect(f([1.5], [1])).toBe('tensor([1.5000e+00])');
    set_printoptions({ precision: 2 });
    expect(printOptions.sci_mode).toBe(null);
    expect(f([1.5], [1])).toBe('tensor([1.50])');
    set_printoptions({ profile: 'full' });
    expect(printOptions).toEqual({ precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80, sci_mode: null });
    expect(f(Array.from({ length: 1001 }, (_, i) => i), [1001], int64)).not.toContain('...');
  });

  it('uses the current default dtype for the dtype= annotation', () => {
    set_default_dtype('float64');
    expect(f([1, 2], [2], float32)).toBe('tensor([1., 2.], dtype=torch.float32)');
    expect(f([1, 2], [2], float64)).toBe('tensor([1., 2.])');
  });
});

describe('number formatting helpers (Python float.__format__)', () => {
  it('fixed, round half to even on the exact binary value', () => {
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(1.03125, 4)).toBe('1.0312');
    expect(formatFixed(0.125, 2)).toBe('0.12'); // JS toFixed gives 0.13
    expect(formatFixed(2.675, 2)).toBe('2.67'); // just below the tie in binary
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(1e22, 0)).toBe('10000000000000000000000');
    expect(formatFixed(0.000049, 4)).toBe('0.0000');
  });
  it('exponent, at least two exponent digits', () => {
    expect(formatExp(1e5, 4)).toBe('1.0000e+05');
    expect(formatExp(9.99994, 4)).toBe('9.9999e+00');
    expect(formatExp(1.03125, 4)).toBe('1.0312e+00'); // JS toExponential gives 1.0313e+0
    expect(formatExp(9.99996, 4)).toBe('1.0000e+01');
    expect(formatExp(1e-300, 4)).toBe('1.0000e-300');
    expect(formatExp(5e-324, 4)).toBe('4.9407e-324');
    expect(formatExp(2.5, 0)).toBe('2e+00');
    expect(formatExp(0, 4)).toBe('0.0000e+00');
    expect(formatExp(-0, 4)).toBe('-0.0000e+00');
  });
});
