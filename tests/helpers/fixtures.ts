/** Loading the committed PyTorch fixtures: JSON with NaN/Infinity spelled as strings. */
import { readFileSync } from 'node:fs';
import * as torch from '../../src/index.js';

export interface Encoded {
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  shape: number[];
  data: (number | string)[];
}

export function loadFixture<T = unknown>(area: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${area}.json`, import.meta.url), 'utf8')) as T;
}

export function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
}

export function decode(e: Encoded): torch.Tensor {
  const values = Float64Array.from(e.data, decodeNumber);
  return torch.tensor(e.dtype === 'float32' ? Float32Array.from(values) : values, { dtype: e.dtype }).reshape(e.shape);
}
