/** torch.nn.functional: stateless forms of the layers and activations. */
export { linear } from '../ops/linalg.js';
export * from '../ops/loss.js';
export { relu, sigmoid, tanh } from '../ops/unary.js';
export { softmax, log_softmax } from '../ops/reduce.js';
export { dropout } from '../ops/dropout.js';
export { embedding } from '../ops/embedding.js';
export { layer_norm, batch_norm } from '../ops/normalization.js';
