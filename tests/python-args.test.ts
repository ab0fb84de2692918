import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { pyfn, pyRepr, pyType } from '../src/python.js';

// messages checked against PyTorch 1.13 (torch.mm, torch.unsqueeze, F.linear, torch.zeros, torch.transpose)
const mm = pyfn('mm(Tensor input, Tensor mat2)', (a: torch.Tensor, b: torch.Tensor) => [a, b]);
const unsqueeze = pyfn('unsqueeze(Tensor input, int dim)', (x: torch.Tensor, dim: number) => [x, dim]);
const linear = pyfn('linear(Tensor input, Tensor weight, Tensor? bias=None)', (x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | null) => [x, w, b]);
const zeros = pyfn('zeros(SymInt... size, *, ScalarType? dtype=None)', (size: number[], dtype: unknown) => [size, dtype]) as unknown as (...a: unknown[]) => unknown;
const transpose = pyfn(['transpose(Tensor input, int dim0, int dim1)'], (x: torch.Tensor, a: number, b: number) => [x, a, b]);
const max = pyfn(['max(Tensor input)', 'max(Tensor input, Tensor other)', 'max(Tensor input, int dim, bool keepdim=False)'], (...v: unknown[]) => v) as unknown as (...a: unknown[]) => unknown;
const a = torch.ones(2, 2);
/** Calls the types reject on purpose (unknown keywords, too many arguments). */
const call = (f: unknown, ...args: unknown[]) => (f as (...x: unknown[]) => unknown)(...args);

describe('the Python call form', () => {
  it('takes positional arguments, an options object, or both', () => {
    expect(unsqueeze(a, 1)).toEqual([a, 1]);
    expect(unsqueeze(a, { dim: 1 })).toEqual([a, 1]);
    expect(unsqueeze({ input: a, dim: 1 })).toEqual([a, 1]);
    expect(linear(a, a)).toEqual([a, a, null]);
    expect(linear(a, a, { bias: a })).toEqual([a, a, a]);
    expect(linear(a, a, null)).toEqual([a, a, null]);
  });
  it('collects sizes given as varargs', () => {
    expect(zeros(2, 3)).toEqual([[2, 3], null]);
    expect(zeros([2, 3], { dtype: torch.int64 })).toEqual([[2, 3], torch.int64]);
    expect(zeros(2, 3, { dtype: 'float64' })).toEqual([[2, 3], 'float64']);
    expect(zeros(4)).toEqual([[4], null]);
  });
  it('resolves overloads in order, values in first-appearance order of the names', () => {
    expect(max(a)).toEqual([a, undefined, undefined, undefined]);
    expect(max(a, a)).toEqual([a, a, undefined, undefined]);
    expect(max(a, 1)).toEqual([a, undefined, 1, false]);
    expect(max(a, { dim: 0, keepdim: true })).toEqual([a, undefined, 0, true]);
  });
  it("raises PyTorch's messages", () => {
    const m = (f: () => unknown) => expect(f).toThrow(TypeError);
    m(() => call(mm, a, a, { foo: 1 }));
    expect(() => call(mm, a, a, { foo: 1 })).toThrow("mm() got an unexpected keyword argument 'foo'");
    expect(() => mm(a, a, { mat2: a })).toThrow("mm() got multiple values for argument 'mat2'");
    expect(() => mm(a, 'x' as never)).toThrow("mm(): argument 'mat2' (position 2) must be Tensor, not str");
    expect(() => mm(a, { mat2: 'x' as never })).toThrow("mm(): argument 'mat2' must be Tensor, not str");
    expect(() => mm(a)).toThrow('mm() missing 1 required positional arguments: "mat2"');
    expect(() => call(mm, a, a, a)).toThrow('mm() takes 2 positional arguments but 3 were given');
    expect(() => unsqueeze(a, 1.5)).toThrow("unsqueeze(): argument 'dim' (position 2) must be int, not float");
    expect(() => call(linear, a, a, a, a)).toThrow('linear() takes from 2 to 3 positional arguments but 4 were given');
    expect(() => zeros(2, 'x' as never)).toThrow("zeros(): argument 'size' must be tuple of SymInts, but found element of type str at pos 2");
    expect(() => transpose(a, 0)).toThrow('transpose() missing 1 required positional arguments: "dim1"');
    expect(() => max(a, 'x' as never)).toThrow(
      'max() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n' +
        ' * (Tensor input)\n * (Tensor input, Tensor other)\n * (Tensor input, int dim, bool keepdim)\n',
    );
  });
  it('names JS values as Python would', () => {
    expect([1, 1.5, true, 'x', null, undefined, a, [1], {}, torch.float32].map(pyType)).toEqual(
      ['int', 'float', 'bool', 'str', 'NoneType', 'NoneType', 'Tensor', 'list', 'dict', 'torch.dtype'],
    );
    expect(pyRepr([1e-5, 0.1], true)).toBe('(1e-05, 0.1)');
  });
});
