/** torch.nn. */
export { Module } from './module.js';
export type { RemovableHandle, LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, Identity } from './linear.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export {
  ReLU, ReLU6, LeakyReLU, PReLU, ELU, SELU, CELU, GELU, Sigmoid, Tanh, SiLU, Mish, Softplus, Softsign, Hardtanh,
  Hardsigmoid, Hardswish, LogSigmoid, Softmax, LogSoftmax, Softmin, Threshold, Tanhshrink, Hardshrink, Softshrink, GLU,
} from './activation.js';
export { Flatten, Unflatten } from './flatten.js';
export { Conv1d, Conv2d, ConvTranspose2d } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { ConstantPad1d, ConstantPad2d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d } from './padding.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsampling.js';
export { Dropout } from './dropout.js';
export { CosineSimilarity, PairwiseDistance } from './distance.js';
export { Embedding } from './embedding.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './normalization.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear, TransformerEncoderLayer } from './transformer.js';
export { L1Loss, MSELoss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss } from './loss.js';
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
