/** torch.optim.RMSprop (optionally centered, with momentum), step for step as PyTorch 1.13. */
import { Tensor } from '../tensor.js';
import { pyRepr } from '../python.js';
import { zeros_like } from '../ops/creation.js';
import { Optimizer, bindArgs, type Closure, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  /** Accepted for PyTorch compatibility; the update is the same either way. */
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

export interface RMSpropGroup extends ParamGroup {
  momentum: number;
  alpha: number;
  eps: number;
  centered: boolean;
  weight_decay: number;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
}

type Arg<T> = T | RMSpropOptions;

export class RMSprop extends Optimizer<RMSpropGroup> {
  constructor(params: ParamsArg, lr?: Arg<number>, alpha?: Arg<number>, eps?: Arg<number>, weight_decay?: Arg<number>, momentum?: Arg<number>, centered?: Arg<boolean>,
    foreach?: Arg<boolean | null>, maximize?: Arg<boolean>, differentiable?: Arg<boolean>, opts?: RMSpropOptions) {
    const a = bindArgs('RMSprop.__init__', [lr, alpha, eps, weight_decay, momentum, centered, foreach, maximize, differentiable, opts],
      ['lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'foreach', 'maximize', 'differentiable'], {
        lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weight_decay: 0, foreach: null, maximize: false, differentiable: false,
      });
    const check = (name: string, label: string) => {
      if (!(0 <= (a[name] as number))) throw new Error(`Invalid ${label} value: ${pyRepr(a[name])}`);
    };
    if (!(0 <= (a.lr as number))) throw new Error(`Invalid learning rate: ${pyRepr(a.lr)}`);
    check('eps', 'epsilon');
    check('momentum', 'momentum');
    check('weight_decay', 'weight_decay');
    check('alpha', 'alpha');
    super(params, a);
  }

  override step(closure?: Closure): unknown {
    return this._step(closure, () => {
      for (const group of this.param_groups) {
        const { lr, alpha, eps, weight_decay, momentum, centered, maximize } = group;
        for (const p of group.params) {
          if (p.grad === null) continue;
          const state = this._state(p);
          if (Object.keys(state).length === 0) {
            // PyTorch 1.13 counts RMSprop's steps in a plain number
            state.step = 0;
            state.square_avg = zeros_like(p);
            if (momentum > 0) state.momentum_buffer = zeros_like(p);
            if (centered) state.grad_avg = zeros_like(p);
          }
          (state.step as number)++;
          rmspropUpdate(p, p.grad, state.square_avg as Tensor, centered ? (state.grad_avg as Tensor) : null, momentum > 0 ? (state.momentum_buffer as Tensor) : null,
            lr, alpha, eps, weight_decay, momentum, maximize);
        }
      }
    });
  }
}

/** One parameter's update (PyTorch's _single_tensor_rmsprop). */
function rmspropUpdate(param: Tensor, grad: Tensor, square_avg: Tensor, grad_avg: Tensor | null, buf: Tensor | null,
  lr: number, alpha: number, eps: number, weight_decay: number, momentum: number, maximize: boolean): void {
  if (maximize) grad = grad.neg();
  if (weight_decay !== 0) grad = grad.add(param, weight_decay);
  square_avg.mul_(alpha).addcmul_(grad, grad, 1 - alpha);
  let avg: Tensor;
  if (grad_avg !== null) {
    grad_avg.mul_(alpha).add_(grad, 1 - alpha);
    // square_avg.addcmul(grad_avg, grad_avg, value=-1): (−g)·g is exactly −(g·g)
    avg = square_avg.sub(grad_avg.mul(grad_avg)).sqrt_();
  } else {
    avg = square_avg.sqrt();
  }
  avg.add_(eps);
  if (buf !== null) {
    buf.mul_(momentum).addcdiv_(grad, avg);
    param.add_(buf, -lr);
  } else {
    param.addcdiv_(grad, avg, -lr);
  }
}
