/** torch.nn.utils.parameters_to_vector and vector_to_parameters. */
import { Tensor } from '../../tensor.js';
import { pyfn, pyType } from '../../python.js';
import * as J from '../../ops/join.js';
import * as V from '../../ops/view.js';
import { tensorsOf, type Parameters } from './clip_grad.js';

const PY = { python: true };

/** The parameters flattened and joined into one vector (differentiable, as torch.cat). */
export const parameters_to_vector = pyfn('parameters_to_vector(Any parameters)',
  (parameters: Parameters) => J.cat(tensorsOf(parameters).map((p) => V.view(p, [-1]))), PY);

/**
 * Points each parameter at its slice of vec (no copy, as PyTorch's param.data = ...), in order;
 * a vector too short fails at the first parameter it cannot fill.
 */
export const vector_to_parameters = pyfn('vector_to_parameters(Any vec, Any parameters)', (vec: Tensor, parameters: Parameters) => {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${pyType(vec)}`);
  let pointer = 0;
  const n = vec.numel();
  for (const p of tensorsOf(parameters)) {
    const k = p.numel();
    // Python's slice vec[pointer:pointer + k] stops at the end of vec
    const start = Math.min(pointer, n), end = Math.min(pointer + k, n);
    p.data = V.view(V.narrow(vec, 0, start, end - start), [p.shape]).detach();
    pointer += k;
  }
}, PY);
