/** torch.optim.Adam, step for step as PyTorch 1.13 (its single-tensor path); AdamW shares the update. */
import { Tensor } from '../tensor.js';
import { pyRepr } from '../python.js';
import { maximum } from '../ops/binary.js';
import { zeros_like } from '../ops/creation.js';
import { K } from '../backend/index.js';
import { Optimizer, bindArgs, stepTensor, type Closure, type ParamGroup, type ParamState, type ParamsArg } from './optimizer.js';
import { bumpVersion, floats, fusable } from './kernel.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** Accepted for PyTorch compatibility; the update is the same either way. */
  foreach?: boolean | null;
  /** CUDA-only in PyTorch: true fails as it does on a CPU tensor. */
  capturable?: boolean;
  differentiable?: boolean;
  /** CUDA-only in PyTorch: true fails as it does on a CPU tensor. */
  fused?: boolean;
}

export interface AdamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  foreach: boolean | null;
  capturable: boolean;
}

type Arg<T> = T | AdamOptions;

/** PyTorch's checks shared by Adam and AdamW. */
export function checkAdamArgs(a: Record<string, unknown>): void {
  const lr = a.lr as number, eps = a.eps as number, wd = a.weight_decay as number;
  const betas = a.betas as number[];
  if (!(0 <= lr)) throw new Error(`Invalid learning rate: ${pyRepr(lr)}`);
  if (!(0 <= eps)) throw new Error(`Invalid epsilon value: ${pyRepr(eps)}`);
  if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`betas must be a pair of numbers, but got ${pyRepr(betas)}`);
  if (!(0 <= betas[0] && betas[0] < 1)) throw new Error(`Invalid beta parameter at index 0: ${pyRepr(betas[0])}`);
  if (!(0 <= betas[1] && betas[1] < 1)) throw new Error(`Invalid beta parameter at index 1: ${pyRepr(betas[1])}`);
  if (!(0 <= wd)) throw new Error(`Invalid weight_decay value: ${pyRepr(wd)}`);
}

export class Adam extends Optimizer<AdamGroup> {
  constructor(params: ParamsArg, lr?: Arg<number>, betas?: Arg<[number, number]>, eps?: Arg<number>, weight_decay?: Arg<number>, amsgrad?: Arg<boolean>, opts?: AdamOptions) {
    const a = bindArgs('Adam.__init__', [lr, betas, eps, weight_decay, amsgrad, opts], ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad'], {
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false,
    });
    checkAdamArgs(a);
    super(params, a);
    if (a.fused) {
      if (a.differentiable) throw new Error('`fused` cannot be `differentiable`');
      throw new Error('FusedAdam requires all the params to be CUDA, floating point');
    }
  }

  override step(closure?: Closure): unknown {
    return this._step(closure, () => {
      for (const group of this.param_groups) adamGroupStep(this.state, group, false);
    });
  }

  protected override _upgrade_state(): void {
    super._upgrade_state();
    upgradeStep(this);
  }
}

/** The step of one group for Adam (decoupled = false) and AdamW (decoupled = true). */
export function adamGroupStep(states: Map<Tensor, ParamState>, group: AdamGroup, decoupled: boolean): void {
  const { lr, betas, eps, weight_decay, amsgrad, maximize } = group;
  for (const p of group.params) {
    // the fused kernel keeps no reference to the gradient; the ops' update may (p.grad marks it seen)
    const g = p._gradUnseen();
    if (g === null) continue;
    let state = states.get(p);
    if (state === undefined || Object.keys(state).length === 0) {
      state = { step: stepTensor(), exp_avg: zeros_like(p), exp_avg_sq: zeros_like(p) };
      if (amsgrad) state.max_exp_avg_sq = zeros_like(p);
      states.set(p, state);
    }
    if (group.capturable) throw new Error('If capturable=True, params and state_steps must be CUDA tensors.');
    const step = (state.step as Tensor).add_(1).item();
    const m = state.exp_avg as Tensor, v = state.exp_avg_sq as Tensor, vmax = amsgrad ? (state.max_exp_avg_sq as Tensor) : null;
    if (fusable(p, vmax === null ? [g, m, v] : [g, m, v, vmax])) {
      K.adamStep(floats(p), floats(g), floats(m), floats(v), vmax === null ? null : floats(vmax), p.numel(), {
        lr, beta1: betas[0], beta2: betas[1], eps, weight_decay, step, maximize, decoupled,
      });
      // versions advance as the ops' would: AdamW's mul_ and every addcdiv_, the moments' mul_ and add_, the max's copy_
      bumpVersion(p, decoupled ? 2 : 1);
      bumpVersion(m, 2);
      bumpVersion(v, 2);
      if (vmax !== null) bumpVersion(vmax, 1);
    } else {
      adamUpdate(p, p.grad!, m, v, vmax, step, lr, betas[0], betas[1], eps, weight_decay, maximize, decoupled);
    }
  }
}

/**
 * One parameter's update as ops, for what the fused kernel does not take (a differentiable
 * optimizer records it for autograd; strided or mismatched tensors), as PyTorch's
 * _single_tensor_adam / _single_tensor_adamw: weight decay
 * added to the gradient (Adam) or applied to the parameter (AdamW), then the moments, then
 * param += -step_size · exp_avg / (sqrt(v) / sqrt(bias_correction2) + eps).
 */
function adamUpdate(param: Tensor, grad: Tensor, exp_avg: Tensor, exp_avg_sq: Tensor, max_exp_avg_sq: Tensor | null, step: number,
  lr: number, beta1: number, beta2: number, eps: number, weight_decay: number, maximize: boolean, decoupled: boolean): void {
  if (maximize) grad = grad.neg();
  if (decoupled) param.mul_(1 - lr * weight_decay);
  else if (weight_decay !== 0) grad = grad.add(param, weight_decay);
  exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  const step_size = lr / (1 - beta1 ** step);
  const bias_correction2_sqrt = Math.sqrt(1 - beta2 ** step);
  let v = exp_avg_sq;
  if (max_exp_avg_sq !== null) v = max_exp_avg_sq.copy_(maximum(max_exp_avg_sq, exp_avg_sq));
  const denom = v.sqrt().div_(bias_correction2_sqrt).add_(eps);
  param.addcdiv_(exp_avg, denom, -step_size);
}

/** PyTorch's __setstate__: checkpoints that stored `step` as a number get a tensor counter. */
export function upgradeStep(opt: { state: Map<Tensor, ParamState> }): void {
  for (const s of opt.state.values()) if (typeof s.step === 'number') s.step = stepTensor(s.step);
}
