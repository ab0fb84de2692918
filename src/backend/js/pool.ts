/** Max pooling with argmax indices, ATen's rule: a value wins when greater or NaN. */
import type { FloatArray, PoolGeom } from '../contract.js';

/** Max over each window of planes [P, H, W]; ties keep the first, NaN wins (ATen's `val > max || isnan(val)`). */
export function maxPool2d(x: FloatArray, out: FloatArray, ind: Float64Array | null, P: number, H: number, W: number, g: PoolGeom): void {
  const { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  for (let pl = 0; pl < P; pl++) {
    const xo = pl * H * W, oo = pl * oh * ow;
    for (let i = 0; i < oh; i++) {
      let h0 = i * sh - ph;
      const h1 = Math.min(h0 + (kh - 1) * dh + 1, H);
      while (h0 < 0) h0 += dh;
      for (let j = 0; j < ow; j++) {
        let w0 = j * sw - pw;
        const w1 = Math.min(w0 + (kw - 1) * dw + 1, W);
        while (w0 < 0) w0 += dw;
        let best = -Infinity, at = h0 * W + w0;
        for (let y = h0; y < h1; y += dh) {
          const row = xo + y * W;
          for (let xx = w0; xx < w1; xx += dw) {
            const v = x[row + xx];
            if (v > best || v !== v) {
              best = v;
              at = y * W + xx;
            }
          }
        }
        out[oo + i * ow + j] = best;
        if (ind !== null) ind[oo + i * ow + j] = at;
      }
    }
  }
}
