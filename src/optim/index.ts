/** torch.optim: optimizers and, as torch.optim.lr_scheduler, the learning-rate schedulers. */
export { Optimizer, required } from './optimizer.js';
export type { ParamGroup, ParamGroupInput, ParamsArg, ParamState, OptimizerStateDict, Closure } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDGroup } from './sgd.js';
export { Adam } from './adam.js';
export type { AdamOptions, AdamGroup } from './adam.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions, AdamWGroup } from './adamw.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions, RMSpropGroup } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions, AdagradGroup } from './adagrad.js';
export * as lr_scheduler from './lr_scheduler.js';
