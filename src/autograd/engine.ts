/**
 * The backward pass: an iterative topological walk (no recursion, so a 100 000-op chain is fine),
 * gradients accumulated per node, broadcast gradients summed back to each input's shape.
 */
import type { Storage, Tensor } from '../tensor.js';
import { sizeStr, shapesEqual } from '../shape.js';
import { AccumulateGrad, Node } from './node.js';
import { set_grad_enabled } from './grad_mode.js';
import { sumToShape, addGrads, describeTensor } from './helpers.js';
import { Recycler } from './recycle.js';
import { is_anomaly_enabled, is_anomaly_check_nan_enabled } from './anomaly_mode.js';
import { contiguousData } from '../ops/convert.js';
import type { Grads } from './node.js';

const FREED_MSG =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
  'Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

export interface RunOptions {
  retain_graph: boolean;
  create_graph: boolean;
  /** autograd.grad: collect the gradients of these nodes instead of accumulating into leaves. */
  capture?: Map<Node, number>;
  captured?: (Tensor | null)[];
  /**
   * backward(inputs=...): only these tensors (by their node: grad_fn, or a leaf's accumulator)
   * receive .grad, and only nodes on a path to one of them run.
   */
  inputs?: Map<Node, Tensor>;
}

/** The nodes from which one of `targets` can be reached (the targets included). */
function leadingTo(deps: Map<Node, number>, targets: Iterable<Node>): Set<Node> {
  const parents = new Map<Node, Node[]>();
  for (const node of deps.keys()) {
    for (const nx of node.next) {
      if (!nx) continue;
      const p = parents.get(nx);
      if (p) p.push(node);
      else parents.set(nx, [node]);
    }
  }
  const out = new Set<Node>();
  const stack = [...targets].filter((t) => deps.has(t));
  for (const t of stack) out.add(t);
  while (stack.length) {
    for (const p of parents.get(stack.pop()!) ?? []) {
      if (!out.has(p)) {
        out.add(p);
        stack.push(p);
      }
    }
  }
  return out;
}

/** Counts, for every node reachable from the roots, how many edges lead into it. */
function dependencies(roots: readonly Node[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (!deps.has(r)) {
      deps.set(r, 0);
      stack.push(r);
    }
  }
  while (stack.length) {
    const node = stack.pop()!;
    for (const nx of node.next) {
      if (!nx) continue;
      const d = deps.get(nx);
      if (d === undefined) {
        deps.set(nx, 1);
        stack.push(nx);
      } else deps.set(nx, d + 1);
    }
  }
  return deps;
}

export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: RunOptions): void {
  const rootNodes: Node[] = [];
  const grads = new Map<Node, Tensor>();
  for (let i = 0; i < roots.length; i++) {
    const node = roots[i].grad_fn ?? roots[i]._accumulator();
    rootNodes.push(node);
    const prev = grads.get(node);
    grads.set(node, prev ? addGrads(prev, rootGrads[i]) : rootGrads[i]);
  }
  const deps = dependencies(rootNodes);
  const needed = opts.inputs ? leadingTo(deps, opts.inputs.keys()) : null;
  // Storages a leaf's .grad must not adopt: the caller's root gradients, and storages already
  // adopted by another leaf in this pass (a pass-through backward such as add's hands the same
  // tensor to several inputs).
  const taken = new Set<Storage>(rootGrads.map((g) => g._storage));
  // Roots may also be reachable from other roots: only nodes with no pending inputs are ready.
  const ready: Node[] = [];
  for (const n of new Set(rootNodes)) if (deps.get(n) === 0 && (!needed || needed.has(n))) ready.push(n);
  const visited: Node[] = [];
  // With a graph of the backward itself (create_graph), gradients are graph values users can reach:
  // nothing is recycled then.
  const bin = opts.create_graph ? null : new Recycler();
  const nanCheck = is_anomaly_enabled() && is_anomaly_check_nan_enabled();

  set_grad_enabled(opts.create_graph, () => {
    while (ready.length) {
      const node = ready.pop()!;
      visited.push(node);
      const g = grads.get(node)!;
      grads.delete(node);
      const slot = opts.capture?.get(node);
      if (slot !== undefined) {
        const c = opts.captured!;
        if (c[slot]) c[slot] = addGrads(c[slot]!, g);
        else {
          c[slot] = g;
          bin?.escape(g);
        }
      }
      const input = opts.inputs?.get(node);
      if (node instanceof AccumulateGrad) {
        if (!opts.capture && (!opts.inputs || input)) {
          if (accumulate(node.variable, g, opts.create_graph, taken)) bin?.escape(g);
        }
        bin?.drop(g);
        continue;
      }
      // a non-leaf input gets its .grad as retain_grad() would give it (once if both)
      if (input) accumulate(input, g, opts.create_graph);
      else if (node.retained && !opts.capture) accumulate(node.retained, g, opts.create_graph);
      if (!node.fn || node.freed) throw new Error(FREED_MSG);
      checkSaved(node);
      const needs = node.next.map((n) => n !== null && (!needed || needed.has(n)));
      const fn = node.fn;
      const inGrads = bin ? bin.run(() => fn(g, needs)) : fn(g, needs);
      if (nanCheck) checkNan(node, inGrads);
      for (let i = 0; i < node.next.length; i++) {
        const nx = node.next[i];
        if (!nx) continue;
        let gi = needs[i] ? inGrads[i] : null;
        if (gi) {
          const shape = node.inputShapes[i];
          if (!shapesEqual(gi.shape, shape)) {
            const whole = gi;
            gi = bin ? bin.run(() => sumToShape(whole, shape)) : sumToShape(whole, shape);
          }
          const prev = grads.get(nx);
          if (prev) {
            const sum = bin ? bin.run(() => addGrads(prev, gi!)) : addGrads(prev, gi);
            grads.set(nx, sum);
            bin?.hold(sum);
            bin?.drop(prev);
          } else {
            grads.set(nx, gi);
            bin?.hold(gi);
          }
        }
        const d = deps.get(nx)! - 1;
        deps.set(nx, d);
        if (d === 0) {
          if (grads.has(nx)) ready.push(nx);
          else propagateNone(nx, deps, ready, grads);
        }
      }
      bin?.settle();
      bin?.drop(g);
    }
  });
  if (!opts.retain_graph) {
    for (const n of visited) {
      if (n.saved.length) {
        n.freed = true;
        n.saved = [];
      }
    }
  }
}

/** A node all of whose incoming gradients were null: its inputs get no gradient from it either. */
function propagateNone(start: Node, deps: Map<Node, number>, ready: Node[], grads: Map<Node, Tensor>): void {
  const stack = [start];
  while (stack.length) {
    const node = stack.pop()!;
    for (const nx of node.next) {
      if (!nx) continue;
      const d = deps.get(nx)! - 1;
      deps.set(nx, d);
      if (d === 0) {
        if (grads.has(nx)) ready.push(nx);
        else stack.push(nx);
      }
    }
  }
}

function checkSaved(node: Node): void {
  for (let i = 0; i < node.saved.length; i++) {
    const t = node.saved[i];
    if (t._version !== node.savedVersions[i]) {
      // PyTorch names the node a saved output belongs to, else the saved input's grad_fn now
      const owner = node.savedOutputs?.[i] ? node : t.grad_fn;
      const hint = is_anomaly_enabled()
        ? 'Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!'
        : 'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).';
      throw new Error(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${describeTensor(t)}]${owner ? `, which is output 0 of ${owner.name()},` : ''} is at version ${t._version}; ` +
          `expected version ${node.savedVersions[i]} instead. ${hint}`,
      );
    }
  }
}

/** Anomaly mode's check of a backward function's results. */
function checkNan(node: Node, grads: Grads): void {
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (!g || !g.dtype.is_floating_point) continue;
    const d = contiguousData(g);
    for (let j = 0; j < d.length; j++) {
      if (d[j] !== d[j]) throw new Error(`Function '${node.name()}' returned nan values in its ${i}th output.`);
    }
  }
}

/**
 * `.grad` accumulates with +=, so a tensor used twice (or two backward calls) sums correctly.
 * Returns whether the leaf adopted `g` itself as its .grad.
 * A first gradient is adopted without a copy when nothing else can see its memory (PyTorch's
 * AccumulateGrad steals a gradient nobody else references the same way): `taken` is given only
 * for leaves (AccumulateGrad), never for retain_grad() tensors whose gradient flows on.
 */
function accumulate(variable: Tensor, g: Tensor, createGraph: boolean, taken?: Set<Storage>): boolean {
  if (!shapesEqual(g.shape, variable.shape)) {
    throw new RangeError(`Function AccumulateGrad returned an invalid gradient - got ${sizeStr(g.shape)} but expected shape compatible with ${sizeStr(variable.shape)}`);
  }
  if (g.dtype !== variable.dtype) g = g.to(variable.dtype);
  // zeros zero_grad() left unwritten: the sum is g, so the leaf takes it as a first gradient would
  if (variable._gradZerosArePending()) variable._dropGrad();
  const current = variable._gradUnseen();
  if (current === null) {
    if (createGraph) variable.grad = g;
    else if (taken && adoptable(g, taken)) {
      taken.add(g._storage);
      variable._setGradUnseen(g.detach());
      return true;
    } else variable._setGradUnseen(g.detach().clone());
  } else if (createGraph) {
    variable.grad = current.add(g);
  } else {
    current.add_(g.detach());
  }
  return false;
}

/**
 * A gradient a leaf may keep as its .grad: a dense tensor that is the whole of a storage made
 * during this backward pass (not a view, not memory JS code outside kindling can write).
 */
function adoptable(g: Tensor, taken: Set<Storage>): boolean {
  return (
    g._base === null &&
    g._offset === 0 &&
    !g._storage.shared &&
    !taken.has(g._storage) &&
    g._storage.data.length === g.numel() &&
    g.is_contiguous()
  );
}

export { Node };
