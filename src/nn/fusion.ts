/**
 * Inference fusion inside nn.Sequential: a Linear followed by relu, gelu, sigmoid, tanh or silu
 * runs as one GEMM whose epilogue applies the activation while the tile is in cache. Only when
 * the pair behaves exactly as the two calls would: both are the library's own classes (forward
 * not overridden), neither has hooks, and no graph is being recorded (the fused op keeps no
 * pre-activation for backward).
 */
import type { GemmEpilogue } from '../backend/contract.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { GELU, ReLU, Sigmoid, SiLU, Tanh } from './activation.js';

function epilogueOf(m: Module): GemmEpilogue | null {
  switch (Object.getPrototypeOf(m)) {
    case ReLU.prototype: return 'relu';  // inplace or not: the result is the same new tensor here
    case Sigmoid.prototype: return 'sigmoid';
    case Tanh.prototype: return 'tanh';
    case SiLU.prototype: return 'silu';
    case GELU.prototype: return (m as GELU).approximate === 'none' ? 'gelu' : null;
    default: return null;
  }
}

/** The activation to fuse into `lin` when it is followed by `next` and fed `x`; null if they must run apart. */
export function fusableActivation(lin: Module, next: Module, x: unknown): GemmEpilogue | null {
  if (Object.getPrototypeOf(lin) !== Linear.prototype || !(x instanceof Tensor) || lin._hasHooks() || next._hasHooks()) return null;
  const act = epilogueOf(next);
  if (!act) return null;
  const l = lin as Linear;
  if (l.weight.ndim !== 2) return null;
  if (is_grad_enabled() && (x.requires_grad || l.weight.requires_grad || (l.bias !== null && l.bias.requires_grad))) return null;
  return act;
}
