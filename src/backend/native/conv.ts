/** Native im2col, col2im and max pooling for fp32; other dtypes and small images stay JS. */
import type { Backend, ColumnsLayout, ConvGeom } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isF32, MIN_ELEMENTWISE, overlaps } from './util.js';

function dims(N: number, g: ConvGeom, layout: ColumnsLayout): Float64Array {
  return new Float64Array([N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, layout === 'rows' ? 1 : 0]);
}

const NO_INDICES = new Float64Array(0);

export function convKernels(b: NativeBinding): Pick<Backend, 'im2col' | 'col2im' | 'maxPool2d'> {
  return {
    im2col(x, cols, N, g, layout) {
      const n = N * g.C * g.H * g.W, m = N * g.C * g.kh * g.kw * g.oh * g.ow;
      if (m < MIN_ELEMENTWISE || !isF32(x) || !isF32(cols) || x.length < n || cols.length < m || overlaps(x, cols)) return jsBackend.im2col(x, cols, N, g, layout);
      b.im2col(exact(x, n), exact(cols, m), dims(N, g, layout));
    },
    col2im(cols, img, N, g, layout) {
      const n = N * g.C * g.H * g.W, m = N * g.C * g.kh * g.kw * g.oh * g.ow;
      if (m < MIN_ELEMENTWISE || !isF32(img) || !isF32(cols) || img.length < n || cols.length < m || overlaps(img, cols)) return jsBackend.col2im(cols, img, N, g, layout);
      b.col2im(exact(cols, m), exact(img, n), dims(N, g, layout));
    },
    maxPool2d(x, out, ind, P, H, W, g) {
      const n = P * H * W, m = P * g.oh * g.ow;
      if (n < MIN_ELEMENTWISE || !isF32(x) || !isF32(out) || x.length < n || out.length < m || overlaps(x, out) || (ind && (ind.length < m || overlaps(x, ind) || overlaps(out, ind)))) {
        return jsBackend.maxPool2d(x, out, ind, P, H, W, g);
      }
      b.maxPool2d(exact(x, n), exact(out, m), ind ? (ind.length === m ? ind : ind.subarray(0, m)) : NO_INDICES,
        new Float64Array([P, H, W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow]));
    },
  };
}
