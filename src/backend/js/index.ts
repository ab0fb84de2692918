/** The pure-JS backend: complete, and the reference every other backend is tested against. */
import type { Backend } from '../contract.js';
import { binary, clamp, copy, unary, unaryGrad, where } from './elementwise.js';
import { reduce } from './reduce.js';
import { softmax, softmaxBackward } from './softmax.js';
import { gather, scatterAdd } from './gather.js';
import { gemm } from './gemm.js';
import { adamStep, sgdStep } from './optim.js';
import { col2im, im2col } from './im2col.js';
import { maxPool2d } from './pool.js';

export const jsBackend: Backend = {
  name: 'js',
  unary,
  unaryGrad,
  clamp,
  binary,
  where,
  copy,
  reduce,
  softmax,
  softmaxBackward,
  gemm,
  gather,
  scatterAdd,
  im2col,
  col2im,
  maxPool2d,
  sgdStep,
  adamStep,
};
