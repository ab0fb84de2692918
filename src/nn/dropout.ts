/** nn.Dropout: F.dropout while the module is training, the identity in eval mode. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { checkDropoutProbability, dropout } from '../ops/dropout.js';
import { isOptions } from '../ops/util.js';
import { pyRepr } from '../python.js';

export class Dropout extends Module {
  declare p: number;
  declare inplace: boolean;

  constructor(p: number | { p?: number; inplace?: boolean } = 0.5, inplace = false) {
    super();
    if (isOptions(p)) {
      inplace = p.inplace ?? false;
      p = p.p ?? 0.5;
    }
    this.p = checkDropoutProbability(p);
    this.inplace = inplace;
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace);
  }

  override extra_repr(): string {
    return `p=${pyRepr(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}
