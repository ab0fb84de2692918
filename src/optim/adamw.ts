/** torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2), step for step as PyTorch 1.13. */
import { Optimizer, bindArgs, type Closure, type ParamsArg } from './optimizer.js';
import { adamGroupStep, checkAdamArgs, upgradeStep, type AdamGroup } from './adam.js';

export interface AdamWOptions {
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
}

export type AdamWGroup = AdamGroup;

type Arg<T> = T | AdamWOptions;

export class AdamW extends Optimizer<AdamWGroup> {
  constructor(params: ParamsArg, lr?: Arg<number>, betas?: Arg<[number, number]>, eps?: Arg<number>, weight_decay?: Arg<number>, amsgrad?: Arg<boolean>, opts?: AdamWOptions) {
    const a = bindArgs('AdamW.__init__', [lr, betas, eps, weight_decay, amsgrad, opts], ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad'], {
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, foreach: null, maximize: false, capturable: false,
    });
    checkAdamArgs(a);
    super(params, a);
  }

  override step(closure?: Closure): unknown {
    return this._step(closure, () => {
      for (const group of this.param_groups) adamGroupStep(this.state, group, true);
    });
  }

  protected override _upgrade_state(): void {
    super._upgrade_state();
    upgradeStep(this);
  }
}
