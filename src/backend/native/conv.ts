/** Native im2col and col2im for fp32; other dtypes and small images stay JS. */
import type { Backend, ColumnsLayout, ConvGeom } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { exact, isF32, MIN_ELEMENTWISE, overlaps } from './util.js';

function dims(N: number, g: ConvGeom, layout: ColumnsLayout): Float64Array {
  return new Float64Array([N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, layout === 'rows' ? 1 : 0]);
}

export function convKernels(b: NativeBinding): Pick<Backend, 'im2col' | 'col2im'> {
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
  };
}
