/** torch.optim.SGD: stochastic gradient descent with optional (Nesterov) momentum, step for step as PyTorch 1.13. */
import { Tensor } from '../tensor.js';
import type { SgdHyper } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { pyRepr } from '../python.js';
import { bumpVersion, floats, fusable } from './kernel.js';
import { Optimizer, bindArgs, required, type Closure, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** Accepted for PyTorch compatibility; the update is the same either way. */
  foreach?: boolean | null;
  differentiable?: boolean;
}

export interface SGDGroup extends ParamGroup {
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
  foreach: boolean | null;
  differentiable: boolean;
}

type Arg<T> = T | SGDOptions;

export class SGD extends Optimizer<SGDGroup> {
  /** `lr` has no default in PyTorch 1.13: leaving it out is an error unless every group gives its own. */
  constructor(params: ParamsArg, lr?: Arg<number>, momentum?: Arg<number>, dampening?: Arg<number>, weight_decay?: Arg<number>, nesterov?: Arg<boolean>, opts?: SGDOptions) {
    const a = bindArgs('SGD.__init__', [lr, momentum, dampening, weight_decay, nesterov, opts], ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov'], {
      lr: required, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false,
    });
    if (a.lr !== required && (a.lr as number) < 0) throw new Error(`Invalid learning rate: ${pyRepr(a.lr)}`);
    if ((a.momentum as number) < 0) throw new Error(`Invalid momentum value: ${pyRepr(a.momentum)}`);
    if ((a.weight_decay as number) < 0) throw new Error(`Invalid weight_decay value: ${pyRepr(a.weight_decay)}`);
    if (a.nesterov && ((a.momentum as number) <= 0 || a.dampening !== 0)) throw new Error('Nesterov momentum requires a momentum and zero dampening');
    super(params, a);
  }

  override step(closure?: Closure): unknown {
    return this._step(closure, () => {
      for (const group of this.param_groups) {
        const { lr, momentum, dampening, weight_decay, nesterov, maximize } = group;
        for (const p of group.params) {
          // the fused kernel keeps no reference to the gradient; the ops' update may (p.grad marks it seen)
          const g = p._gradUnseen();
          if (g === null) continue;
          const state = this._state(p);
          const buf = (state.momentum_buffer as Tensor | null | undefined) ?? null;
          // PyTorch stores the buffer for every stepped parameter, None when momentum is 0
          state.momentum_buffer = fusable(p, momentum !== 0 && buf !== null ? [g, buf] : [g])
            ? sgdKernelUpdate(p, g, buf, { lr, momentum, dampening, weight_decay, nesterov, maximize })
            : sgdUpdate(p, p.grad!, buf, lr, momentum, dampening, weight_decay, nesterov, maximize);
        }
      }
    });
  }
}

/**
 * One parameter's update in one kernel call (contiguous tensors of one floating dtype); returns
 * the momentum buffer, created on the first step. Versions advance as the ops' would: the
 * parameter's by its add_, an existing buffer's by its mul_ and add_, a new one (a clone) not at all.
 */
function sgdKernelUpdate(param: Tensor, grad: Tensor, buf: Tensor | null, h: SgdHyper): Tensor | null {
  const n = param.numel();
  const init = h.momentum !== 0 && buf === null;
  const b = init ? new Tensor(new param.dtype.Array(n), param.shape, param.dtype) : buf;
  const used = h.momentum !== 0 ? b : null;
  K.sgdStep(floats(param), floats(grad), used === null ? null : floats(used), n, h, init);
  bumpVersion(param, 1);
  if (used !== null && !init) bumpVersion(used, 2);
  return b;
}

/**
 * The same update as ops (PyTorch's _single_tensor_sgd), for what the kernel does not take: a
 * differentiable optimizer records it for autograd; strided or mismatched tensors.
 */
function sgdUpdate(param: Tensor, grad: Tensor, buf: Tensor | null, lr: number, momentum: number, dampening: number, weight_decay: number, nesterov: boolean, maximize: boolean): Tensor | null {
  let d_p = maximize ? grad.neg() : grad;
  if (weight_decay !== 0) d_p = d_p.add(param, weight_decay);
  if (momentum !== 0) {
    if (buf === null) buf = d_p.detach().clone();
    else buf.mul_(momentum).add_(d_p, 1 - dampening);
    d_p = nesterov ? d_p.add(buf, momentum) : buf;
  }
  param.add_(d_p, -lr);
  return buf;
}
