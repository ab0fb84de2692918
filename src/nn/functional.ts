/** torch.nn.functional: stateless forms of the layers and activations. */
export { linear } from '../ops/linalg.js';
export * from '../ops/loss.js';
export * from '../ops/activation.js';
export { dropout } from '../ops/dropout.js';
export { embedding } from '../ops/embedding.js';
export { layer_norm, batch_norm } from '../ops/normalization.js';
