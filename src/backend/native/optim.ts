/** Native fused optimizer updates for fp32 parameters; fp64 and small parameters stay JS (same results). */
import type { Backend, FloatArray } from '../contract.js';
import { jsBackend } from '../js/index.js';
import { adamScalars } from '../js/optim.js';
import type { NativeBinding } from './binding.js';
import { exact, isF32, MIN_ELEMENTWISE, overlaps } from './util.js';

/** Distinct memory: the kernels read and write element by element, so aliased arrays stay JS. */
function distinct(arrays: (FloatArray | null)[]): boolean {
  for (let i = 0; i < arrays.length; i++) {
    for (let j = i + 1; j < arrays.length; j++) {
      const x = arrays[i], y = arrays[j];
      if (x !== null && y !== null && overlaps(x, y)) return false;
    }
  }
  return true;
}

export function optimKernels(b: NativeBinding): Pick<Backend, 'sgdStep' | 'adamStep'> {
  const sgd = new Float64Array(7), adam = new Float64Array(9);
  return {
    sgdStep(param, grad, buf, n, h, init) {
      if (n < MIN_ELEMENTWISE || !isF32(param) || !isF32(grad) || (buf !== null && !isF32(buf)) || !distinct([param, grad, buf])) {
        return jsBackend.sgdStep(param, grad, buf, n, h, init);
      }
      sgd[0] = h.lr; sgd[1] = h.momentum; sgd[2] = h.dampening; sgd[3] = h.weight_decay;
      sgd[4] = h.nesterov ? 1 : 0; sgd[5] = h.maximize ? 1 : 0; sgd[6] = init ? 1 : 0;
      b.sgdStep(exact(param, n), exact(grad, n), buf === null ? null : exact(buf, n), sgd);
    },

    adamStep(param, grad, m, v, vmax, n, h) {
      if (n < MIN_ELEMENTWISE || !isF32(param) || !isF32(grad) || !isF32(m) || !isF32(v) || (vmax !== null && !isF32(vmax)) || !distinct([param, grad, m, v, vmax])) {
        return jsBackend.adamStep(param, grad, m, v, vmax, n, h);
      }
      const { stepSize, bc2Sqrt } = adamScalars(h);
      adam[0] = h.lr; adam[1] = h.beta1; adam[2] = h.beta2; adam[3] = h.eps; adam[4] = h.weight_decay;
      adam[5] = stepSize; adam[6] = bc2Sqrt; adam[7] = h.maximize ? 1 : 0; adam[8] = h.decoupled ? 1 : 0;
      b.adamStep(exact(param, n), exact(grad, n), exact(m, n), exact(v, n), vmax === null ? null : exact(vmax, n), adam);
    },
  };
}
