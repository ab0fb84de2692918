/**
 * Rewrites of the node patterns PyTorch's exporter emits for one PyTorch op back into that op, so
 * the traced plan sees what serving's plan sees: MatMul + Add of a constant (Linear on 3-D input)
 * → F.linear; x·½·(1 + erf(x/√2)) (exact GELU below opset 20) and its tanh form → F.gelu;
 * x·sigmoid(x) → F.silu; x·hardsigmoid(x) → F.hardswish; the mean/sub/pow/mean/add/sqrt/div
 * (/mul/add) chain of LayerNorm below opset 17 → F.layer_norm. A pattern matches only when its intermediate values are read by
 * nothing else, so the rewrite changes no value the graph exposes.
 */
import { Tensor } from '../tensor.js';
import * as torch from '../torch_functions.js';
import * as F from '../nn/functional.js';
import { AttributeType, type NodeProto } from './proto.js';
import { layerNorm, linearWeight } from './ops_math.js';
import type { OpDef } from './op_def.js';
import type { Val } from './values.js';

/** The domain of the nodes the rewrites make (never accepted from a file: validate.ts rejects it). */
export const FUSED_DOMAIN = 'kindling.fused';

export const FUSED_OPS: Record<string, OpDef> = {
  // MatMul(x, W) + b with W [K, N] and b [N] constants
  Linear: {
    inputs: [3, 3], outputs: 1,
    build: (c) => {
      const w = linearWeight(c.constant(1))!, b = (c.constant(2) as Tensor).reshape([w.shape[0]]).contiguous();
      return ([x]) => [F.linear(x as Tensor, w, b)];
    },
  },
  Silu: { inputs: [1, 1], outputs: 1, build: () => ([x]) => [F.silu(x as Tensor)] },
  // over the last dimension, scale and bias optional
  LayerNorm: {
    inputs: [1, 3], outputs: 1,
    build: (c) => {
      const eps = c.attrs.float('epsilon', 1e-5);
      const scale = c.has(1) ? c.constant(1) as Tensor : undefined, bias = c.has(2) ? c.constant(2) as Tensor : undefined;
      return ([x]) => {
        const t = x as Tensor, n = t.shape[t.ndim - 1];
        // a scale or bias that broadcasts instead of matching the last dimension is applied as the graph did
        const fits = (v: Tensor | undefined) => v === undefined || (v.ndim === 1 && v.shape[0] === n);
        if (fits(scale) && fits(bias)) return [layerNorm(t, -1, eps, scale, bias)];
        let y = layerNorm(t, -1, eps, undefined, undefined);
        if (scale) y = torch.mul(y, scale);
        return [bias ? torch.add(y, bias) : y];
      };
    },
  },
};

interface Graph {
  nodes: (NodeProto | null)[];
  outputs: Set<string>;
  /** each value's readers (node indices), built once and kept current by replace */
  readers: Map<string, Set<number>>;
  constant(name: string): Val | undefined;
}

/** The nodes with every pattern replaced by its one op. */
export function fuse(nodes: readonly NodeProto[], outputs: readonly string[], constant: (name: string) => Val | undefined): NodeProto[] {
  const g: Graph = { nodes: [...nodes], outputs: new Set(outputs), readers: new Map(), constant };
  g.nodes.forEach((_, j) => addReads(g, j));
  for (let i = 0; i < g.nodes.length; i++) {
    for (const rule of RULES) if (g.nodes[i] && rule(g, i)) break;
  }
  return g.nodes.filter((n): n is NodeProto => n !== null);
}

type Rule = (g: Graph, i: number) => boolean;

// ---- matching helpers -------------------------------------------------------------------------------

function consumers(g: Graph, name: string): number[] {
  return [...(g.readers.get(name) ?? [])].sort((a, b) => a - b);
}

function addReads(g: Graph, j: number): void {
  for (const name of g.nodes[j]!.input ?? []) {
    const r = g.readers.get(name);
    if (r) r.add(j);
    else g.readers.set(name, new Set([j]));
  }
}

function dropReads(g: Graph, j: number): void {
  for (const name of g.nodes[j]!.input ?? []) g.readers.get(name)?.delete(j);
}

/** The one node reading `name`, when nothing else (no other node, not the graph's outputs) does. */
function soleReader(g: Graph, name: string, op: string): number {
  if (g.outputs.has(name)) return -1;
  const c = consumers(g, name);
  return c.length === 1 && g.nodes[c[0]]!.op_type === op ? c[0] : -1;
}

const out0 = (n: NodeProto) => (n.output ?? [])[0];
const ins = (n: NodeProto) => n.input ?? [];

/** A constant float holding one value. */
function scalar(g: Graph, name: string | undefined): number | undefined {
  const v = name === undefined ? undefined : g.constant(name);
  return v instanceof Tensor && v.numel() === 1 ? (v.item() as number) : undefined;
}

/** The other input of a two-input node, given one of them. */
function otherInput(n: NodeProto, name: string): string | undefined {
  const [a, b] = ins(n);
  return a === name ? b : b === name ? a : undefined;
}

/** A two-input node reading exactly `p` and `q`, in either order. */
function readsPair(n: NodeProto, p: string, q: string): boolean {
  const [a, b] = ins(n);
  return ins(n).length === 2 && ((a === p && b === q) || (a === q && b === p));
}

function axesAreLast(g: Graph, n: NodeProto): boolean {
  const attr = (n.attribute ?? []).find((a) => a.name === 'axes');
  const keep = (n.attribute ?? []).find((a) => a.name === 'keepdims');
  if (keep && keep.i === 0) return false;
  const given = ins(n)[1];
  const axes = attr ? attr.ints ?? [] : given !== undefined ? (g.constant(given) as { data?: readonly number[] } | undefined)?.data : undefined;
  return axes !== undefined && axes.length === 1 && axes[0] === -1 && (n.attribute ?? []).every((a) => a.name === 'axes' || a.name === 'keepdims');
}

function replace(g: Graph, remove: number[], at: number, node: NodeProto): true {
  for (const j of [...remove, at]) dropReads(g, j);
  for (const j of remove) g.nodes[j] = null;
  g.nodes[at] = node;
  addReads(g, at);
  return true;
}

function fused(op: string, from: NodeProto, input: string[], output: string, domain = FUSED_DOMAIN, attribute: NodeProto['attribute'] = []): NodeProto {
  return { op_type: op, domain, name: from.name, input, output: [output], attribute };
}

// ---- the rules: each starts at the pattern's first node ---------------------------------------------

const matmulAdd: Rule = (g, i) => {
  const m = g.nodes[i]!;
  if (m.op_type !== 'MatMul' || !(linearWeightShape(g, ins(m)[1]))) return false;
  const j = soleReader(g, out0(m), 'Add');
  if (j < 0) return false;
  const add = g.nodes[j]!;
  const bias = otherInput(add, out0(m));
  const b = bias === undefined ? undefined : g.constant(bias);
  const N = (g.constant(ins(m)[1]) as Tensor).shape[1];
  if (!(b instanceof Tensor) || b.numel() !== N || b.shape[b.ndim - 1] !== N) return false;
  return replace(g, [i], j, fused('Linear', m, [ins(m)[0], ins(m)[1], bias!], out0(add)));
};

function linearWeightShape(g: Graph, name: string | undefined): boolean {
  const w = name === undefined ? undefined : g.constant(name);
  return w instanceof Tensor && w.ndim === 2;
}

/** x · act(x) where act is the node at i. */
function gated(act: string, fusedOp: string, domain: string, accept: (n: NodeProto) => boolean): Rule {
  return (g, i) => {
    const a = g.nodes[i]!;
    if (a.op_type !== act || !accept(a)) return false;
    const x = ins(a)[0];
    const j = soleReader(g, out0(a), 'Mul');
    if (j < 0 || !readsPair(g.nodes[j]!, x, out0(a))) return false;
    return replace(g, [i], j, fused(fusedOp, a, [x], out0(g.nodes[j]!), domain));
  };
}

const silu = gated('Sigmoid', 'Silu', FUSED_DOMAIN, () => true);
const hardswish = gated('HardSigmoid', 'HardSwish', '', (n) => {
  const alpha = (n.attribute ?? []).find((a) => a.name === 'alpha')?.f ?? 0.2;
  const beta = (n.attribute ?? []).find((a) => a.name === 'beta')?.f ?? 0.5;
  return Math.fround(alpha) === Math.fround(1 / 6) && beta === 0.5 && (n.attribute ?? []).every((a) => a.name === 'alpha' || a.name === 'beta');
});

const near = (v: number | undefined, want: number) => v !== undefined && Math.abs(v - want) <= 1e-6 * Math.abs(want);

/** Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5): exact GELU as PyTorch exports it. */
const erfGelu: Rule = (g, i) => {
  const div = g.nodes[i]!;
  if (div.op_type !== 'Div' || !near(scalar(g, ins(div)[1]), Math.SQRT2)) return false;
  const x = ins(div)[0];
  const e = soleReader(g, out0(div), 'Erf');
  if (e < 0) return false;
  const a = soleReader(g, out0(g.nodes[e]!), 'Add');
  if (a < 0 || !near(scalar(g, otherInput(g.nodes[a]!, out0(g.nodes[e]!))), 1)) return false;
  const m = soleReader(g, out0(g.nodes[a]!), 'Mul');
  if (m < 0 || !readsPair(g.nodes[m]!, x, out0(g.nodes[a]!))) return false;
  const h = soleReader(g, out0(g.nodes[m]!), 'Mul');
  if (h < 0 || !near(scalar(g, otherInput(g.nodes[h]!, out0(g.nodes[m]!))), 0.5)) return false;
  return replace(g, [i, e, a, m], h, fused('Gelu', div, [x], out0(g.nodes[h]!), ''));
};

/**
 * x·x → ·x → ·0.044715 → x+· → ·√(2/π) → Tanh → 1+· → x·· → ·0.5: GELU with approximate='tanh'
 * as PyTorch exports it below opset 20.
 */
const tanhGelu: Rule = (g, i) => {
  const sq = g.nodes[i]!;
  const x = ins(sq)[0];
  if (sq.op_type !== 'Mul' || ins(sq)[1] !== x) return false;
  const chain = [i];
  // each step: the next node's op, and what it must read besides the previous result
  const step = (op: string, other: (name: string | undefined) => boolean): boolean => {
    const prev = out0(g.nodes[chain[chain.length - 1]]!);
    const j = soleReader(g, prev, op);
    if (j < 0 || !other(otherInput(g.nodes[j]!, prev)) || (op !== 'Tanh' && ins(g.nodes[j]!).length !== 2)) return false;
    chain.push(j);
    return true;
  };
  const isX = (v: string | undefined) => v === x;
  const is = (want: number) => (v: string | undefined) => near(scalar(g, v), want);
  const ok = step('Mul', isX) && step('Mul', is(0.044715)) && step('Add', isX) && step('Mul', is(Math.sqrt(2 / Math.PI))) &&
    step('Tanh', () => true) && step('Add', is(1)) && step('Mul', isX) && step('Mul', is(0.5));
  if (!ok) return false;
  const last = chain.pop()!;
  const tanh = { name: 'approximate', type: AttributeType.STRING, s: new TextEncoder().encode('tanh') };
  return replace(g, chain, last, fused('Gelu', sq, [x], out0(g.nodes[last]!), '', [tanh]));
};

/** PyTorch 1.13's LayerNorm below opset 17, over the last dimension. */
const layerNormChain: Rule = (g, i) => {
  const mean = g.nodes[i]!;
  if (mean.op_type !== 'ReduceMean' || !axesAreLast(g, mean)) return false;
  const x = ins(mean)[0];
  const s = soleReader(g, out0(mean), 'Sub');
  if (s < 0 || ins(g.nodes[s]!)[0] !== x) return false;
  const d = out0(g.nodes[s]!);
  if (g.outputs.has(d)) return false;
  const readers = consumers(g, d);
  const p = readers.find((j) => g.nodes[j]!.op_type === 'Pow'), q = readers.find((j) => g.nodes[j]!.op_type === 'Div');
  if (readers.length !== 2 || p === undefined || q === undefined || scalar(g, ins(g.nodes[p]!)[1]) !== 2 || ins(g.nodes[q]!)[0] !== d) return false;
  const v = soleReader(g, out0(g.nodes[p]!), 'ReduceMean');
  if (v < 0 || !axesAreLast(g, g.nodes[v]!)) return false;
  const a = soleReader(g, out0(g.nodes[v]!), 'Add');
  const eps = a < 0 ? undefined : scalar(g, otherInput(g.nodes[a]!, out0(g.nodes[v]!)));
  if (eps === undefined) return false;
  const r = soleReader(g, out0(g.nodes[a]!), 'Sqrt');
  if (r < 0 || soleReader(g, out0(g.nodes[r]!), 'Div') !== q || ins(g.nodes[q]!)[1] !== out0(g.nodes[r]!)) return false;
  const removed = [i, s, p, v, a, r];
  let last = q, scale = '', bias = '';
  const affine = (op: string): string => {
    const j = soleReader(g, out0(g.nodes[last]!), op);
    const other = j < 0 ? undefined : otherInput(g.nodes[j]!, out0(g.nodes[last]!));
    const c = other === undefined ? undefined : g.constant(other);
    if (!(c instanceof Tensor) || c.ndim !== 1) return '';
    removed.push(last);
    last = j;
    return other!;
  };
  scale = affine('Mul');
  bias = affine('Add');
  const epsilon = { name: 'epsilon', type: AttributeType.FLOAT, f: eps };
  return replace(g, removed, last, fused('LayerNorm', mean, [x, scale, bias], out0(g.nodes[last]!), FUSED_DOMAIN, [epsilon]));
};

const RULES: Rule[] = [matmulAdd, silu, hardswish, erfGelu, tanhGelu, layerNormChain];
