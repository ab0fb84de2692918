/**
 * Inference fast path inside nn.Sequential. A Linear (optionally followed by an activation module
 * that names its unary op, fused as the GEMM's epilogue while each tile is in cache) runs as one call of
 * linear's forward kernel, and an intermediate result that only the next such step reads is
 * written into one of two scratch buffers the Sequential keeps, instead of fresh memory (a fresh
 * buffer is cold: at 512 KB its first writes cost more than the GEMM that fills it).
 * Only when the steps behave exactly as the module calls would: the library's own classes
 * (forward not overridden), no hooks, and no graph being recorded (the fused op keeps no
 * pre-activation for backward; the consumer keeps no reference to its input).
 */
import type { DataArray, UnaryOp } from '../backend/contract.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor.js';
import { float32 } from '../dtype.js';
import { newArrayForOverwrite } from '../memory.js';
import { Module } from './module.js';
import { Linear } from './linear.js';

/**
 * The op an activation module names as its forward (nn/activation.ts, `fusedOp`), only when the
 * module is an instance of that library class itself (a subclass may override forward). inplace
 * or not: the result is the same new tensor here.
 */
function epilogueOf(m: Module): UnaryOp | null {
  const proto = Object.getPrototypeOf(m) as { fusedOp?: (this: Module) => UnaryOp | null };
  return Object.prototype.hasOwnProperty.call(proto, 'fusedOp') ? proto.fusedOp!.call(m) : null;
}

/** A Linear, and the activation fused into it (`width` 2) or none (`width` 1). */
export interface LinearStep {
  lin: Linear;
  act: UnaryOp | undefined;
  width: 1 | 2;
}

/**
 * The step starting at items[i] if it can run on the fast path with an input that does (not)
 * require grad, else null (the module is then called as usual).
 */
export function linearStep(items: readonly Module[], i: number, inputRequiresGrad: boolean): LinearStep | null {
  const lin = items[i];
  if (Object.getPrototypeOf(lin) !== Linear.prototype || lin._hasHooks()) return null;
  const l = lin as Linear;
  if (l.weight.ndim !== 2) return null;
  if (is_grad_enabled() && (inputRequiresGrad || l.weight.requires_grad || (l.bias !== null && l.bias.requires_grad))) return null;
  const next = i + 1 < items.length ? items[i + 1] : null;
  const act = next && !next._hasHooks() ? epilogueOf(next) : null;
  return act ? { lin: l, act, width: 2 } : { lin: l, act: undefined, width: 1 };
}

/**
 * Two float32 buffers that alternate as the outputs of consecutive intermediate steps (step j
 * writes buffer j % 2 while reading buffer (j − 1) % 2). Each grows to the largest result seen
 * and is kept, as PyTorch's caching allocator keeps freed blocks.
 */
export class Scratch {
  private bufs: [DataArray | null, DataArray | null] = [null, null];

  /** A tensor of `shape` over buffer `j % 2`; valid until that buffer is handed out again. */
  tensor(j: number, shape: readonly number[]): Tensor {
    let n = 1;
    for (const s of shape) n *= s;
    const k = j & 1;
    let b = this.bufs[k];
    if (b === null || b.length < n) b = this.bufs[k] = newArrayForOverwrite(float32, n);
    return new Tensor(b.length === n ? b : b.subarray(0, n), shape, float32);
  }
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
