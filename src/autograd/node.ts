/**
 * Graph nodes, and `apply`: the one place that decides whether an op records a node.
 * Ops compute their output with kernels, then call `apply` with a backward closure written
 * with ops, so every backend gets gradients for free.
 */
import type { Tensor } from '../tensor.js';
import { is_grad_enabled } from './grad_mode.js';

/** Gradients for each input, in input order; null/undefined where an input needs none. */
export type Grads = readonly (Tensor | null | undefined)[];
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => Grads;

export class Node {
  /** Where each input's gradient goes: its grad_fn, its AccumulateGrad, or null (no grad needed). */
  next: (Node | null)[];
  /** Input shapes, to sum broadcast gradients back to them. */
  inputShapes: (readonly number[])[];
  saved: Tensor[];
  savedVersions: number[];
  /** Which saved tensors are this node's own output (named by this node in the in-place error). */
  savedOutputs: boolean[] | null = null;
  freed = false;
  /** Set by retain_grad(): the non-leaf tensor whose .grad receives this node's gradient. */
  retained: Tensor | null = null;

  constructor(
    readonly _name: string,
    inputs: readonly Tensor[],
    public fn: BackwardFn | null,
    saved: readonly Tensor[],
  ) {
    const n = inputs.length;
    this.next = new Array(n);
    this.inputShapes = new Array(n);
    for (let i = 0; i < n; i++) {
      const t = inputs[i];
      this.next[i] = t.requires_grad ? (t.grad_fn ?? t._accumulator()) : null;
      this.inputShapes[i] = t.shape;
    }
    this.saved = saved as Tensor[];
    this.savedVersions = saved.map((t) => t._version);
  }

  name(): string {
    return this._name;
  }

  /** PyTorch's `next_functions`: one (node, 0) pair per input. */
  get next_functions(): [Node | null, number][] {
    return this.next.map((n) => [n, 0]);
  }

  toString(): string {
    return `<${this._name}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The sink of a leaf tensor that requires grad: adds incoming gradients into `.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], null, []);
  }
}

/**
 * Records `out` as the result of op `name` over `inputs` when grad mode is on and any input
 * requires grad; `saved` lists the tensors backward reads, checked for in-place changes.
 */
export function apply(name: string, inputs: readonly Tensor[], out: Tensor, backward: BackwardFn, saved: readonly Tensor[] = []): Tensor {
  let any = false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i].requires_grad) { any = true; break; }
  if (!any || !is_grad_enabled()) return out;
  const node = new Node(name, inputs, backward, saved);
  if (saved.includes(out)) node.savedOutputs = saved.map((t) => t === out);
  out._setGradFn(node);
  return out;
}
