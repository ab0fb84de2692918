/** JS reductions over the middle dim of a contiguous [outer, size, inner] array. */
import type { DataArray, ReduceOp } from '../contract.js';

export function reduce(op: ReduceOp, x: DataArray, out: DataArray, outer: number, size: number, inner: number): void {
  if (inner === 1) {
    reduceRows(op, x, out, outer, size);
    return;
  }
  // Columns: walk rows in memory order and update an inner-length strip, so reads stay sequential.
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    const ob = o * inner;
    switch (op) {
      case 'sum':
      case 'prod': {
        const acc = new Float64Array(inner).fill(op === 'sum' ? 0 : 1);
        for (let s = 0; s < size; s++) {
          const r = base + s * inner;
          if (op === 'sum') for (let i = 0; i < inner; i++) acc[i] += x[r + i];
          else for (let i = 0; i < inner; i++) acc[i] *= x[r + i];
        }
        for (let i = 0; i < inner; i++) out[ob + i] = acc[i];
        break;
      }
      case 'any':
      case 'all':
        for (let i = 0; i < inner; i++) {
          let v = op === 'all' ? 1 : 0;
          for (let s = 0; s < size; s++) {
            const t = x[base + s * inner + i] !== 0;
            if (op === 'any' && t) { v = 1; break; }
            if (op === 'all' && !t) { v = 0; break; }
          }
          out[ob + i] = v;
        }
        break;
      default: {
        // max/min/argmax/argmin: the first extreme wins; NaN beats everything, as in PyTorch
        const isMax = op === 'max' || op === 'argmax';
        const best = new Float64Array(inner);
        const arg = new Float64Array(inner);
        for (let i = 0; i < inner; i++) best[i] = x[base + i];
        for (let s = 1; s < size; s++) {
          const r = base + s * inner;
          for (let i = 0; i < inner; i++) {
            const v = x[r + i];
            const b = best[i];
            if (b !== b) continue;
            if (v !== v || (isMax ? v > b : v < b)) {
              best[i] = v;
              arg[i] = s;
            }
          }
        }
        const res = op === 'max' || op === 'min' ? best : arg;
        for (let i = 0; i < inner; i++) out[ob + i] = res[i];
      }
    }
  }
}

function reduceRows(op: ReduceOp, x: DataArray, out: DataArray, outer: number, size: number): void {
  for (let o = 0; o < outer; o++) {
    const base = o * size;
    const end = base + size;
    switch (op) {
      case 'sum': {
        // four independent accumulators: shorter dependency chain, and less rounding drift
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = base;
        for (; i + 3 < end; i += 4) {
          s0 += x[i];
          s1 += x[i + 1];
          s2 += x[i + 2];
          s3 += x[i + 3];
        }
        for (; i < end; i++) s0 += x[i];
        out[o] = s0 + s1 + (s2 + s3);
        break;
      }
      case 'prod': {
        let p = 1;
        for (let i = base; i < end; i++) p *= x[i];
        out[o] = p;
        break;
      }
      case 'any': {
        let v = 0;
        for (let i = base; i < end; i++) if (x[i] !== 0) { v = 1; break; }
        out[o] = v;
        break;
      }
      case 'all': {
        let v = 1;
        for (let i = base; i < end; i++) if (x[i] === 0) { v = 0; break; }
        out[o] = v;
        break;
      }
      default: {
        const isMax = op === 'max' || op === 'argmax';
        let best = x[base];
        let arg = 0;
        if (best === best) {
          for (let i = base + 1; i < end; i++) {
            const v = x[i];
            if (v !== v) { best = v; arg = i - base; break; }
            if (isMax ? v > best : v < best) { best = v; arg = i - base; }
          }
        }
        out[o] = op === 'max' || op === 'min' ? best : arg;
      }
    }
  }
}
