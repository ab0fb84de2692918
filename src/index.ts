/**
 * kindling: PyTorch's API for Node.js. `import * as torch from 'kindling'` gives the `torch`
 * namespace: Tensor, creation functions, ops, autograd, nn, dtypes and the backend in use.
 */
export { Tensor, Storage } from './tensor.js';
export type { NestedArray, ReduceResult } from './tensor.js';
export { DType, float32, float64, int64, bool, float, double, long, get_default_dtype } from './dtype.js';
export type { DTypeLike, DTypeName } from './dtype.js';
export * from './torch_functions.js';
export { var_ as var } from './torch_functions.js';
export type { TensorOptions } from './ops/creation.js';
export { no_grad, enable_grad, is_grad_enabled, inference_mode } from './autograd/grad_mode.js';
export { is_anomaly_enabled, is_anomaly_check_nan_enabled } from './autograd/anomaly_mode.js';
export { Generator, default_generator } from './random.js';
export { save, load } from './serialization/checkpoint.js';
export type { LoadOptions } from './serialization/checkpoint.js';
export { backendInfo, get_num_threads } from './backend/index.js';
export { Device, cuda, backends } from './device.js';
export { Size } from './shape.js';
export type { DeviceLike } from './device.js';
export type { BackendInfo } from './backend/index.js';
export * as autograd from './autograd/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as jit from './inference/jit.js';
export * as onnx from './onnx/export.js';
export * as utils from './utils/index.js';
export * as serve from './serve/index.js';
export * as safetensors from './serialization/safetensors.js';
