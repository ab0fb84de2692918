/** nn.Dropout: F.dropout while the module is training, the identity in eval mode. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { checkDropoutProbability, dropout } from '../ops/dropout.js';
import { bindUntyped } from '../python.js';
import { pyRepr } from '../python.js';

export class Dropout extends Module {
  declare p: number;
  declare inplace: boolean;

  constructor(p?: number | { p?: number; inplace?: boolean }, inplace?: boolean) {
    super();
    const [prob, ip] = bindUntyped('Dropout.__init__', [p, inplace], ['p', 'inplace']);
    this.p = checkDropoutProbability(prob ?? 0.5);
    this.inplace = Boolean(ip ?? false);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace);
  }

  override extra_repr(): string {
    return `p=${pyRepr(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}
