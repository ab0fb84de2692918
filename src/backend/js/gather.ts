/** JS gather along a dim and its adjoint, scatter-add (index_select, gather and their gradients). */
import type { DataArray, FloatArray } from '../contract.js';

export function gather(x: DataArray, index: Float64Array, out: DataArray, outer: number, size: number, inner: number, k: number, indexIs1d: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const ob = (o * k + j) * inner;
      if (indexIs1d) {
        const src = (o * size + index[j]) * inner;
        for (let i = 0; i < inner; i++) out[ob + i] = x[src + i];
      } else {
        for (let i = 0; i < inner; i++) out[ob + i] = x[(o * size + index[ob + i]) * inner + i];
      }
    }
  }
}

export function scatterAdd(src: FloatArray, index: Float64Array, out: FloatArray, outer: number, size: number, inner: number, k: number, indexIs1d: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const sb = (o * k + j) * inner;
      if (indexIs1d) {
        const dst = (o * size + index[j]) * inner;
        for (let i = 0; i < inner; i++) out[dst + i] += src[sb + i];
      } else {
        for (let i = 0; i < inner; i++) out[(o * size + index[sb + i]) * inner + i] += src[sb + i];
      }
    }
  }
}
