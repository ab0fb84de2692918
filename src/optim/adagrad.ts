/** torch.optim.Adagrad, step for step as PyTorch 1.13 (dense gradients). */
import { Tensor } from '../tensor.js';
import { pyRepr } from '../python.js';
import { full_like } from '../ops/creation.js';
import { Optimizer, bindArgs, stepTensor, type Closure, type ParamGroup, type ParamsArg } from './optimizer.js';
import { upgradeStep } from './adam.js';

export interface AdagradOptions {
  lr?: number;
  lr_decay?: number;
  weight_decay?: number;
  initial_accumulator_value?: number;
  eps?: number;
  /** Accepted for PyTorch compatibility; the update is the same either way. */
  foreach?: boolean | null;
  maximize?: boolean;
}

export interface AdagradGroup extends ParamGroup {
  lr_decay: number;
  eps: number;
  weight_decay: number;
  initial_accumulator_value: number;
  foreach: boolean | null;
  maximize: boolean;
}

type Arg<T> = T | AdagradOptions;

export class Adagrad extends Optimizer<AdagradGroup> {
  constructor(params: ParamsArg, lr?: Arg<number>, lr_decay?: Arg<number>, weight_decay?: Arg<number>, initial_accumulator_value?: Arg<number>, eps?: Arg<number>,
    foreach?: Arg<boolean | null>, opts?: AdagradOptions) {
    const a = bindArgs('Adagrad.__init__', [lr, lr_decay, weight_decay, initial_accumulator_value, eps, foreach, opts],
      ['lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'foreach'], {
        lr: 1e-2, lr_decay: 0, eps: 1e-10, weight_decay: 0, initial_accumulator_value: 0, foreach: null, maximize: false,
      });
    if (!(0 <= (a.lr as number))) throw new Error(`Invalid learning rate: ${pyRepr(a.lr)}`);
    for (const k of ['lr_decay', 'weight_decay', 'initial_accumulator_value']) {
      if (!(0 <= (a[k] as number))) throw new Error(`Invalid ${k} value: ${pyRepr(a[k])}`);
    }
    if (!(0 <= (a.eps as number))) throw new Error(`Invalid epsilon value: ${pyRepr(a.eps)}`);
    super(params, a);
    // Adagrad's state exists from construction on, as in PyTorch
    for (const g of this.param_groups) for (const p of g.params) this._initState(p, g);
  }

  private _initState(p: Tensor, group: AdagradGroup): void {
    this.state.set(p, { step: stepTensor(), sum: full_like(p, group.initial_accumulator_value) });
  }

  override step(closure?: Closure): unknown {
    return this._step(closure, () => {
      for (const group of this.param_groups) {
        const { lr, lr_decay, weight_decay, eps, maximize } = group;
        for (const p of group.params) {
          if (p.grad === null) continue;
          // groups added after construction have no state yet (PyTorch 1.13 would fail with a KeyError)
          if (this.state.get(p)?.sum === undefined) this._initState(p, group);
          const state = this.state.get(p)!;
          const step = (state.step as Tensor).add_(1).item();
          adagradUpdate(p, p.grad, state.sum as Tensor, step, lr, lr_decay, weight_decay, eps, maximize);
        }
      }
    });
  }

  protected override _upgrade_state(): void {
    super._upgrade_state();
    upgradeStep(this);
  }
}

/** One parameter's update (PyTorch's _single_tensor_adagrad, dense case). */
function adagradUpdate(param: Tensor, grad: Tensor, state_sum: Tensor, step: number, lr: number, lr_decay: number, weight_decay: number, eps: number, maximize: boolean): void {
  if (maximize) grad = grad.neg();
  if (weight_decay !== 0) grad = grad.add(param, weight_decay);
  const clr = lr / (1 + (step - 1) * lr_decay);
  state_sum.addcmul_(grad, grad, 1);
  const std = state_sum.sqrt().add_(eps);
  param.addcdiv_(grad, std, -clr);
}
