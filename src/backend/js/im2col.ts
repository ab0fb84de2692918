/** im2col and col2im: a convolution's columns, and their adjoint. */
import type { ColumnsLayout, ConvGeom, FloatArray } from '../contract.js';

function colStrides(g: ConvGeom, N: number, layout: ColumnsLayout): [number, number] {
  const L = g.oh * g.ow, rows = g.C * g.kh * g.kw;
  return layout === 'rows' ? [N * L, L] : [L, rows * L];
}

/** cols[r, n, l] (strided as `layout`) = x[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw], 0 outside. */
export function im2col(x: FloatArray, cols: FloatArray, N: number, g: ConvGeom, layout: ColumnsLayout): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const [sR, sN] = colStrides(g, N, layout);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const base = ((c * kh + i) * kw + j) * sR + n * sN;
          const x0 = j * dw - pw;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            const o = base + y * ow;
            if (iy < 0 || iy >= H) {
              cols.fill(0, o, o + ow);
              continue;
            }
            const src = plane + iy * W + x0;
            for (let xx = 0, ix = x0; xx < ow; xx++, ix += sw) cols[o + xx] = ix >= 0 && ix < W ? x[src + xx * sw] : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: every column entry is added back into the pixel it came from (img pre-zeroed). */
export function col2im(cols: FloatArray, img: FloatArray, N: number, g: ConvGeom, layout: ColumnsLayout): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const [sR, sN] = colStrides(g, N, layout);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const base = ((c * kh + i) * kw + j) * sR + n * sN;
          const x0 = j * dw - pw;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= H) continue;
            const o = base + y * ow, dst = plane + iy * W + x0;
            for (let xx = 0, ix = x0; xx < ow; xx++, ix += sw) if (ix >= 0 && ix < W) img[dst + xx * sw] += cols[o + xx];
          }
        }
      }
    }
  }
}
