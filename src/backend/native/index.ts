/**
 * The native backend: the JS backend with the kernels the addon accelerates swapped in, one file
 * per kernel family. Each kernel falls back to JS for what the addon does not cover (other dtypes,
 * strided operands) and for work so small that the N-API crossing would cost more than it saves.
 */
import type { Backend } from '../contract.js';
import { jsBackend } from '../js/index.js';
import type { NativeBinding } from './binding.js';
import { elementwiseKernels } from './elementwise.js';
import { gemmKernels } from './gemm.js';
import { reduceKernels } from './reduce.js';
import { optimKernels } from './optim.js';
import { convKernels } from './conv.js';

export function nativeBackend(b: NativeBinding): Backend {
  const elementwise = elementwiseKernels(b);
  return {
    ...jsBackend,
    name: 'native',
    ...elementwise,
    ...gemmKernels(b, elementwise.unary),
    ...reduceKernels(b),
    ...optimKernels(b),
    ...convKernels(b),
  };
}
