/** The public autograd surface: backward, autograd.grad, requires_grad rules, retain_grad. */
import { Tensor } from '../tensor.js';
import { runBackward } from './engine.js';
import type { Node } from './node.js';
import { allocate } from '../ops/util.js';
import { shapesEqual, sizeStr } from '../shape.js';
import * as B from '../ops/binary.js';

/**
 * PyTorch words the refusal for integer tensors differently on each path: the attribute,
 * requires_grad_(), and creation (torch.zeros(..., requires_grad=True), nn.Parameter).
 */
const NOT_FLOAT = {
  attribute: 'only Tensors of floating point and complex dtype can require gradients',
  method: 'only Tensors of floating point dtype can require gradients',
  creation: 'Only Tensors of floating point and complex dtype can require gradients',
};

export function setRequiresGrad(t: Tensor, v: boolean, path: keyof typeof NOT_FLOAT = 'attribute'): void {
  if (typeof v !== 'boolean') throw new TypeError(`requires_grad must be a boolean, but got ${typeof v}`);
  if (!t.is_leaf) {
    if (!v) {
      throw new Error('you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn\'t require differentiation use var_no_grad = var.detach().');
    }
    return;
  }
  if (v && !t.dtype.is_floating_point) throw new TypeError(NOT_FLOAT[path]);
  t._setRequiresGrad(v);
}

export function retainGrad(t: Tensor): void {
  if (!t.requires_grad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
  if (t.grad_fn) t.grad_fn.retained = t;
}

function rootGrad(t: Tensor, g: Tensor | null | undefined, what: string): Tensor {
  if (g === null || g === undefined) {
    if (t.numel() !== 1) throw new Error(`grad can be implicitly created only for scalar outputs`);
    const one = allocate(t.shape, t.dtype);
    one._storage.data[0] = 1;
    return one;
  }
  if (!(g instanceof Tensor)) throw new TypeError(`${what} must be a Tensor`);
  if (!shapesEqual(g.shape, t.shape)) {
    throw new RangeError(`Mismatch in shape: grad_output[0] has a shape of ${sizeStr(g.shape)} and output[0] has a shape of ${sizeStr(t.shape)}.`);
  }
  return g;
}

function checkDifferentiable(t: Tensor, i: number): void {
  if (!(t instanceof Tensor)) throw new TypeError(`element ${i} of tensors is not a Tensor`);
  if (!t.requires_grad) throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
}

export interface BackwardOptions {
  retain_graph?: boolean;
  create_graph?: boolean;
  /** Accumulate gradients into these tensors only (leaves or not); others' .grad stay as they are. */
  inputs?: Tensor | Tensor[];
}

/** backward's `inputs`, by the node whose incoming gradient is each tensor's; undefined when not given. */
function inputNodes(inputs: Tensor | Tensor[] | undefined): Map<Node, Tensor> | undefined {
  if (inputs === undefined) return undefined;
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  if (ins.length === 0) throw new Error("'inputs' argument to backward() cannot be empty.");
  const nodes = new Map<Node, Tensor>();
  for (const t of ins) {
    if (!(t instanceof Tensor)) throw new TypeError(`all inputs have to be Tensors, but got ${t === null ? 'None' : typeof t}`);
    if (!t.requires_grad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    nodes.set(t.grad_fn ?? t._accumulator(), t);
  }
  return nodes;
}

/** tensor.backward(gradient, {retain_graph, create_graph, inputs}). */
export function backward(t: Tensor, gradient: Tensor | null | undefined, opts: BackwardOptions = {}): void {
  checkDifferentiable(t, 0);
  const g = rootGrad(t, gradient, 'gradient');
  const create = opts.create_graph ?? false;
  runBackward([t], [g], { retain_graph: opts.retain_graph ?? create, create_graph: create, inputs: inputNodes(opts.inputs) });
}

/** torch.autograd.backward(tensors, grad_tensors). */
export function backwardMany(tensors: Tensor | Tensor[], grad_tensors?: (Tensor | null)[] | Tensor | null, opts: BackwardOptions = {}): void {
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = Array.isArray(grad_tensors) ? grad_tensors : [grad_tensors ?? null];
  ts.forEach(checkDifferentiable);
  const create = opts.create_graph ?? false;
  runBackward(ts, ts.map((t, i) => rootGrad(t, gs[i], 'grad_tensors')), { retain_graph: opts.retain_graph ?? create, create_graph: create, inputs: inputNodes(opts.inputs) });
}

export interface GradOptions {
  grad_outputs?: (Tensor | null)[] | Tensor | null;
  retain_graph?: boolean;
  create_graph?: boolean;
  allow_unused?: boolean;
}

/** torch.autograd.grad(outputs, inputs): the gradients, without touching any `.grad`. */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = Array.isArray(opts.grad_outputs) ? opts.grad_outputs : [opts.grad_outputs ?? null];
  outs.forEach(checkDifferentiable);
  const capture = new Map<Node, number>();
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor) || !t.requires_grad) throw new Error(`One of the differentiated Tensors does not require grad`);
    capture.set(t.grad_fn ?? t._accumulator(), i);
  });
  const captured: (Tensor | null)[] = ins.map(() => null);
  const create = opts.create_graph ?? false;
  runBackward(outs, outs.map((t, i) => rootGrad(t, gos[i], 'grad_outputs')), {
    retain_graph: opts.retain_graph ?? create,
    create_graph: create,
    capture,
    captured,
  });
  captured.forEach((c, i) => {
    if (c === null && !opts.allow_unused) {
      throw new Error('One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.');
    }
    if (c && !shapesEqual(c.shape, ins[i].shape)) captured[i] = B.add(c, allocate(ins[i].shape, c.dtype));
  });
  return captured;
}
