/** nn.Parameter: a Tensor that a Module registers as a learnable parameter. */
import { Tensor } from '../tensor.js';
import { setRequiresGrad } from '../autograd/api.js';

export class Parameter extends Tensor {
  /** Wraps `data`'s memory (no copy) as a leaf that requires grad unless told otherwise. */
  constructor(data: Tensor, requires_grad = true) {
    if (!(data instanceof Tensor)) throw new TypeError(`Parameter(): argument 'data' must be Tensor, not ${typeof data}`);
    super(data._storage, data.shape, data.dtype, data._strides, data._offset);
    if (requires_grad) setRequiresGrad(this, true, 'creation');
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
