/** JS softmax and log_softmax over the middle dim of a contiguous [outer, size, inner] array. */
import type { FloatArray } from '../contract.js';

/** Numerically stable softmax / log_softmax: max, then exp-and-sum, then scale. */
export function softmax(x: FloatArray, out: FloatArray, outer: number, size: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let m = -Infinity;
      for (let s = 0, p = base; s < size; s++, p += inner) if (x[p] > m || x[p] !== x[p]) m = x[p];
      if (m === -Infinity) m = 0; // all -inf: exp gives 0s, sum 0; matches PyTorch's nan result below
      let sum = 0;
      for (let s = 0, p = base; s < size; s++, p += inner) {
        const e = Math.exp(x[p] - m);
        if (!log) out[p] = e;
        sum += e;
      }
      if (log) {
        // (x − max) − log Σ: adding log Σ to a huge max first would round it away (3e38 + log 2 = 3e38)
        const ls = Math.log(sum);
        for (let s = 0, p = base; s < size; s++, p += inner) out[p] = x[p] - m - ls;
      } else {
        const inv = 1 / sum;
        for (let s = 0, p = base; s < size; s++, p += inner) out[p] *= inv;
      }
    }
  }
}

/** softmax: dx = y·(g − Σ g·y); log_softmax: dx = g − exp(y)·Σ g. */
export function softmaxBackward(y: FloatArray, g: FloatArray, out: FloatArray, outer: number, size: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let dot = 0;
      if (log) for (let s = 0, p = base; s < size; s++, p += inner) dot += g[p];
      else for (let s = 0, p = base; s < size; s++, p += inner) dot += g[p] * y[p];
      if (log) for (let s = 0, p = base; s < size; s++, p += inner) out[p] = g[p] - Math.exp(y[p]) * dot;
      else for (let s = 0, p = base; s < size; s++, p += inner) out[p] = y[p] * (g[p] - dot);
    }
  }
}
