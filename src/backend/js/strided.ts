/**
 * Strided iteration for the JS kernels: dims are collapsed first (so a contiguous or a simply
 * broadcast operand becomes one long row), then a row kernel runs over the innermost dim.
 */

export interface Collapsed {
  shape: number[];
  /** strides[k] are operand k's strides over the collapsed shape. */
  strides: number[][];
}

/** Drops size-1 dims and merges adjacent dims that every operand walks as one. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let k = 0; k < strides.length; k++) {
        // the previous (outer) dim continues this one for operand k
        if (outStrides[k][last] !== strides[k][d] * size) { merge = false; break; }
      }
    }
    if (merge) {
      outShape[last] *= size;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(size);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let k = 0; k < strides.length; k++) outStrides[k].push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls row(offsets, n) for every innermost row, where offsets[k] is operand k's start offset
 * (starting from base[k]) and n the row length. Output operand 0 is assumed contiguous by callers
 * that pass its strides too. `offsets` is reused between calls.
 */
export function forEachRow(
  c: Collapsed,
  base: readonly number[],
  row: (offsets: number[], n: number) => void,
): void {
  const nd = c.shape.length;
  const nops = base.length;
  const inner = c.shape[nd - 1];
  const offsets = base.slice();
  if (nd === 1) {
    row(offsets, inner);
    return;
  }
  const idx = new Array<number>(nd - 1).fill(0);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= c.shape[d];
  const cur = base.slice();
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < nops; k++) offsets[k] = cur[k];
    row(offsets, inner);
    // advance the outer multi-index (odometer), updating offsets incrementally
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      if (idx[d] < c.shape[d]) {
        for (let k = 0; k < nops; k++) cur[k] += c.strides[k][d];
        break;
      }
      idx[d] = 0;
      for (let k = 0; k < nops; k++) cur[k] -= c.strides[k][d] * (c.shape[d] - 1);
    }
  }
}
