/**
 * From a recorded forward (record.ts) to a program: runs of steps the plan understands become
 * segments (instructions over slots: one native call each, or one tight loop of JS kernels), and
 * every other step replays eagerly between them. Inside a segment, a Linear and the activation
 * that alone reads its result become one GEMM with that activation as its epilogue, views cost
 * nothing (they share their source's slot), and intermediate results live in arena slots reused
 * once dead; only what later steps or the caller read leaves a segment, in fresh memory.
 *
 * Every value a segment touches is float32 with the batch as its first dimension, so a segment
 * runs at any batch: each slot holds batch × perRow floats.
 */
import { Tensor } from '../tensor.js';
import { float32 } from '../dtype.js';
import { Module } from '../nn/module.js';
import type { UnaryOp } from '../backend/contract.js';
import { isContiguousLayout } from '../ops/util.js';
import { mapLeaves, Ref, type Recording, type Step, type Value } from './record.js';

export type Instr =
  | { op: 'linear'; x: number; out: number; w: number; rowsPer: number; K: number; N: number; act: UnaryOp | null }
  | { op: 'unary'; x: number; out: number; u: UnaryOp; param: number; n: number }
  | { op: 'softmax'; x: number; out: number; log: boolean; rowsPer: number; cols: number }
  | { op: 'binary'; a: number; b: number; out: number; bop: BinaryName; n: number }
  | { op: 'copy'; x: number; out: number; n: number };

type BinaryName = 'add' | 'sub' | 'mul' | 'div';
export const BINARY_CODES: Record<BinaryName, number> = { add: 0, sub: 1, mul: 2, div: 3 };

/** A Linear's weights, read live from the tensors (a change after tracing is seen). */
export interface Weight {
  w: Tensor;
  b: Tensor | null;
  K: number;
  N: number;
  /** where the weight came from, for the graph listing */
  label: string;
}

export interface Segment {
  kind: 'segment';
  code: Instr[];
  /** floats per batch row of each slot; slots [0, ins.length + outs.length) are external */
  slots: number[];
  /** value → external slot, inputs first (slot i = ins[i]), then outputs */
  ins: number[];
  outs: number[];
  weights: Weight[];
  /** every output value's views that later steps read: [view value, its slot] */
  views: [number, number][];
  /** steps covered, for the graph listing */
  steps: number[];
  /** instructions as written into the listing */
  listing: string[];
}

export interface Eager {
  kind: 'eager';
  step: number;
}

export interface Program {
  recording: Recording;
  items: (Segment | Eager)[];
  /** the batch size at trace time: the first dimension every batched value shares */
  batch0: number;
}

/** The compiled form of one step, before slots are assigned (values by id). */
type Form =
  | { op: 'linear'; x: number; out: number; weight: Weight }
  | { op: 'unary'; x: number; out: number; u: UnaryOp; param: number }
  | { op: 'softmax'; x: number; out: number; log: boolean }
  | { op: 'binary'; a: number; b: number; out: number; bop: BinaryName }
  | { op: 'alias'; x: number; out: number };

/** Unary ops every executor has (the native op table and the JS kernels): name → [op, param]. */
const PLAIN_UNARY: Partial<Record<string, UnaryOp>> = {
  relu: 'relu', relu_: 'relu', sigmoid: 'sigmoid', sigmoid_: 'sigmoid', tanh: 'tanh', tanh_: 'tanh',
  exp: 'exp', exp_: 'exp', log: 'log', log_: 'log', neg: 'neg', neg_: 'neg', negative: 'neg',
  abs: 'abs', abs_: 'abs', sqrt: 'sqrt', sqrt_: 'sqrt', silu: 'silu', hardswish: 'hardswish',
};

/** Module classes whose call is a unary op (by class name; the instance is a library class itself). */
function moduleUnary(m: Module): [UnaryOp, number] | null {
  const a = m as unknown as Record<string, unknown>;
  switch (m._get_name()) {
    case 'ReLU': return ['relu', 0];
    case 'Sigmoid': return ['sigmoid', 0];
    case 'Tanh': return ['tanh', 0];
    case 'SiLU': return ['silu', 0];
    case 'Hardswish': return ['hardswish', 0];
    case 'GELU': return a.approximate === 'tanh' ? ['gelu_tanh', 0] : a.approximate === 'none' ? ['gelu', 0] : null;
    case 'LeakyReLU': return typeof a.negative_slope === 'number' ? ['leaky_relu', a.negative_slope] : null;
    case 'ELU': return typeof a.alpha === 'number' ? ['elu', a.alpha] : null;
    case 'Softplus': return a.beta === 1 && a.threshold === 20 ? ['softplus', 0] : null;
    default: return null;
  }
}

function callUnary(name: string, a: Record<string, unknown>): [UnaryOp, number] | null {
  const plain = PLAIN_UNARY[name];
  if (plain) return [plain, 0];
  switch (name) {
    case 'gelu': return a.approximate === 'tanh' ? ['gelu_tanh', 0] : a.approximate === 'none' ? ['gelu', 0] : null;
    case 'leaky_relu': case 'leaky_relu_': return typeof a.negative_slope === 'number' ? ['leaky_relu', a.negative_slope] : null;
    case 'elu': case 'elu_': return typeof a.alpha === 'number' && (a.scale ?? 1) === 1 && (a.input_scale ?? 1) === 1 ? ['elu', a.alpha] : null;
    case 'softplus': return a.beta === 1 && a.threshold === 20 ? ['softplus', 0] : null;
    default: return null;
  }
}

const UNARY_PARAMS = new Set(['input', 'self', 'inplace', 'approximate', 'negative_slope', 'alpha', 'beta', 'threshold', 'scale', 'input_scale']);
const VIEW_CALLS = new Set(['view', 'reshape', 'flatten', 'contiguous', 'squeeze', 'unsqueeze', 'view_as', 'reshape_as', 'detach', 'clone', 'unflatten']);
const IDENTITY_MODULES = new Set(['Identity', 'Dropout', 'AlphaDropout', 'FeatureAlphaDropout', 'Dropout1d', 'Dropout2d', 'Dropout3d']);

export function compile(rec: Recording, labels: Map<Tensor, string>): Program {
  const values = rec.values;
  const first = values[rec.inputs[0]];
  const batch0 = first !== undefined && first.shape.length > 0 ? first.shape[0] : -1;
  // a plan's slots hold at least one float per row: an empty layer is replayed eagerly
  const batched = (id: number) => {
    const v = values[id];
    return v.dtype === float32 && v.shape.length >= 1 && v.shape[0] === batch0 && batch0 > 0 && v.shape.every((d) => d > 0);
  };
  const perRow = (id: number) => values[id].shape.slice(1).reduce((p, s) => p * s, 1);

  // Values that share memory (a view and its source, an in-place result and its input). An
  // in-place step becomes an out-of-place instruction only when nothing else sees that memory;
  // otherwise every view is replayed eagerly, so that memory is shared exactly as eagerly.
  const root = values.map((v) => v.id);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
  for (const s of rec.steps) if (s.aliases) for (const w of s.writes) for (const r of s.reads) root[find(w)] = find(r);
  const classSize = new Map<number, number>();
  for (const v of values) classSize.set(find(v.id), (classSize.get(find(v.id)) ?? 0) + 1);
  const shared = (id: number) => (classSize.get(find(id)) ?? 0) > 1;
  const mutatesShared = rec.steps.some((s) => s.inplace && s.reads.some((r) => shared(r)));

  const forms = rec.steps.map((s) => classify(s));
  const outputIds = outputIdsOf(rec);

  function classify(s: Step): Form | null {
    if (s.writes.length !== 1 || !(s.out instanceof Ref)) return null;
    const out = s.writes[0];
    if (!batched(out)) return null;
    const a: Record<string, unknown> = {};
    s.names.forEach((n, i) => { a[n] = s.args[i]; });
    const ref = (v: unknown) => (v instanceof Ref && batched(v.id) ? v.id : -1);
    const x = s.kind === 'module' ? ref(s.args[0]) : ref(a.input ?? a.self);
    if (x < 0) return null;
    // an in-place step is compiled as out of place only on memory nobody else sees
    if (s.inplace && (mutatesShared || values[x].step < 0)) return null;
    const m = s.module;
    if (m) {
      if (s.args.length !== 1 || m._hasHooks()) return null;
      const name = m._get_name();
      const u = moduleUnary(m);
      if (u && fitsFloat32(u[1])) return { op: 'unary', x, out, u: u[0], param: u[1] };
      if (name === 'Linear') return linearForm(x, out, (m as unknown as { weight: Tensor }).weight, (m as unknown as { bias: Tensor | null }).bias);
      if (name === 'Softmax' || name === 'LogSoftmax') return lastDim((m as unknown as { dim: number | null }).dim, x) ? { op: 'softmax', x, out, log: name === 'LogSoftmax' } : null;
      if (IDENTITY_MODULES.has(name)) {
        const r = m as unknown as { p?: number; training: boolean };
        return (name === 'Identity' || !r.training || r.p === 0) ? aliasForm(x, out) : null;
      }
      if (name === 'Flatten' || name === 'Unflatten') return aliasForm(x, out);
      return null;
    }
    if (s.name === 'linear') {
      return a.weight instanceof Tensor && (a.bias === null || a.bias instanceof Tensor) ? linearForm(x, out, a.weight, a.bias) : null;
    }
    const u = callUnary(s.name, a);
    if (u && !fitsFloat32(u[1])) return null;
    // only the parameters callUnary read, and `out` left unset (an out= is replayed eagerly)
    if (u) return s.names.every((k) => UNARY_PARAMS.has(k) || (k === 'out' && a.out == null)) ? { op: 'unary', x, out, u: u[0], param: u[1] } : null;
    if (s.name === 'softmax' || s.name === 'log_softmax') {
      return lastDim(a.dim as number | null, x) && a.dtype == null ? { op: 'softmax', x, out, log: s.name === 'log_softmax' } : null;
    }
    if (s.name in BINARY_CODES || s.name.endsWith('_') && s.name.slice(0, -1) in BINARY_CODES) {
      const b = ref(a.other);
      const bop = s.name.replace(/_$/, '') as BinaryName;
      const plain = (a.alpha === undefined || a.alpha === 1) && (a.rounding_mode === undefined || a.rounding_mode === null);
      const same = b >= 0 && values[b].shape.length === values[x].shape.length && values[b].shape.every((d, i) => d === values[x].shape[i]);
      return plain && same && perRow(out) === perRow(x) ? { op: 'binary', a: x, b, out, bop } : null;
    }
    if (s.name === 'dropout') return a.training === false || a.p === 0 ? aliasForm(x, out) : null;
    if (VIEW_CALLS.has(s.name)) return aliasForm(x, out);
    return null;
  }

  function lastDim(dim: number | null | undefined, x: number): boolean {
    const nd = values[x].shape.length;
    // dim=None picks PyTorch's legacy dim: 0 for 0-, 1- and 3-D inputs, else 1
    const d = dim === null || dim === undefined ? (nd === 0 || nd === 1 || nd === 3 ? 0 : 1) : dim < 0 ? dim + nd : dim;
    return nd >= 2 && d === nd - 1;
  }

  function linearForm(x: number, out: number, w: Tensor, b: Tensor | null): Form | null {
    if (w.dtype !== float32 || w.ndim !== 2 || values[x].shape.length < 2) return null;
    const [N, K] = w.shape;
    if (values[x].shape[values[x].shape.length - 1] !== K || !isContiguousLayout(w)) return null;
    if (b !== null && (b.dtype !== float32 || b.ndim !== 1 || b.shape[0] !== N || !isContiguousLayout(b))) return null;
    return { op: 'linear', x, out, weight: { w, b, K, N, label: labels.get(w) ?? 'weight' } };
  }

  function aliasForm(x: number, out: number): Form | null {
    // a view that keeps the batch rows as they are: the same floats per row, in the same order
    if (mutatesShared || perRow(x) !== perRow(out)) return null;
    return { op: 'alias', x, out };
  }

  // ---- segments: maximal runs of compiled steps ------------------------------------------------
  const items: (Segment | Eager)[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) items.push(segment(run));
    run = [];
  };
  rec.steps.forEach((_, i) => {
    if (forms[i]) run.push(i);
    else {
      flush();
      items.push({ kind: 'eager', step: i });
    }
  });
  flush();

  /** Reads of each value after step `i` (by later steps or the output). */
  function readLater(id: number, after: number): boolean {
    for (let j = after + 1; j < rec.steps.length; j++) if (rec.steps[j].reads.includes(id)) return true;
    return outputIds.has(id);
  }

  function segment(stepIds: number[]): Segment {
    const fs = stepIds.map((i) => forms[i]!);
    const lastStep = stepIds[stepIds.length - 1];
    // home: the value whose memory a value is (views share their source's)
    const home = new Map<number, number>();
    const homeOf = (v: number) => home.get(v) ?? v;
    for (const f of fs) if (f.op === 'alias') home.set(f.out, homeOf(f.x));
    const produced = new Set(fs.filter((f) => f.op !== 'alias').map((f) => f.out));
    // inputs: homes read here that were made before; outputs: values read after the segment
    const ins: number[] = [];
    for (const f of fs) {
      for (const r of f.op === 'binary' ? [f.a, f.b] : [f.x]) {
        const h = homeOf(r);
        if (!produced.has(h) && !ins.includes(h)) ins.push(h);
      }
    }
    const needed = [...new Set(fs.map((f) => f.out))].filter((v) => readLater(v, lastStep));
    const outs: number[] = [];
    const views: [number, number][] = [];
    const code: Instr[] = [];
    const listing: string[] = [];
    const slots: number[] = [];
    const slotOf = new Map<number, number>();
    ins.forEach((v, i) => { slots.push(perRow(v)); slotOf.set(v, i); });
    // an output whose memory is an input's (a view of it) gets its own copy: results never alias inputs
    const copies: number[] = [];
    for (const v of needed) {
      const h = homeOf(v);
      if (!produced.has(h)) copies.push(v);
      else if (!outs.includes(h)) outs.push(h);
    }
    for (const v of copies) outs.push(v);
    outs.forEach((v) => { slotOf.set(v, slots.length); slots.push(perRow(v)); });
    for (const v of needed) if (homeOf(v) !== v && !copies.includes(v)) views.push([v, slotOf.get(homeOf(v))!]);

    // the last form reading each home (views included), for reusing arena slots
    const lastUse = new Map<number, number>();
    fs.forEach((f, j) => {
      for (const r of f.op === 'binary' ? [f.a, f.b] : [f.x]) lastUse.set(homeOf(r), j);
    });
    const free: number[] = [];
    const weights: Weight[] = [];
    const fused = new Set<number>();
    const place = (v: number) => {
      let s = slotOf.get(v);
      if (s !== undefined) return s;
      const k = free.findIndex((f) => slots[f] === perRow(v));
      s = k >= 0 ? free.splice(k, 1)[0] : (slots.push(perRow(v)), slots.length - 1);
      slotOf.set(v, s);
      return s;
    };
    const release = (j: number) => {
      for (const [h, last] of lastUse) {
        const s = slotOf.get(h);
        if (last === j && s !== undefined && s >= ins.length + outs.length && !free.includes(s)) free.push(s);
      }
    };
    fs.forEach((f, j) => {
      if (f.op === 'alias') listing.push(`%${f.out} = view(%${f.x}, [${shapeText(values[f.out])}])  # ${rec.steps[stepIds[j]].name}`);
      if (fused.has(j) || f.op === 'alias') return release(j);
      const x = f.op === 'binary' ? f.a : f.x;
      if (f.op === 'linear') {
        // the activation alone reading this result becomes the GEMM's epilogue
        const g = fs[j + 1];
        let out = f.out, act: UnaryOp | null = null;
        if (g && g.op === 'unary' && g.x === f.out && g.param === 0 && EPILOGUES.has(g.u) && lastUse.get(f.out) === j + 1 &&
          !needed.includes(f.out) && !fs.some((h) => h.op === 'alias' && h.x === f.out)) {
          out = g.out;
          act = g.u;
          fused.add(j + 1);
        }
        const w = weights.push(f.weight) - 1;
        const rowsPer = perRow(x) / f.weight.K;
        code.push({ op: 'linear', x: slotOf.get(homeOf(x))!, out: place(out), w, rowsPer, K: f.weight.K, N: f.weight.N, act });
        listing.push(`%${out} = linear${act ? `+${act}` : ''}(%${x}, ${f.weight.label}${f.weight.b ? `, ${labels.get(f.weight.b) ?? 'bias'}` : ''})`);
        release(j);
        if (act) release(j + 1);
        return;
      }
      const inSlot = slotOf.get(homeOf(x))!;
      const outSlot = place(f.out);
      if (f.op === 'unary') {
        code.push({ op: 'unary', x: inSlot, out: outSlot, u: f.u, param: f.param, n: perRow(f.out) });
        listing.push(`%${f.out} = ${f.u}(%${f.x}${f.param !== 0 ? `, ${f.param}` : ''})`);
      } else if (f.op === 'softmax') {
        const cols = values[f.x].shape[values[f.x].shape.length - 1];
        code.push({ op: 'softmax', x: inSlot, out: outSlot, log: f.log, rowsPer: perRow(f.x) / cols, cols });
        listing.push(`%${f.out} = ${f.log ? 'log_softmax' : 'softmax'}(%${f.x}, dim=-1)`);
      } else {
        code.push({ op: 'binary', a: inSlot, b: slotOf.get(homeOf(f.b))!, out: outSlot, bop: f.bop, n: perRow(f.out) });
        listing.push(`%${f.out} = ${f.bop}(%${f.a}, %${f.b})`);
      }
      release(j);
    });
    for (const v of copies) {
      code.push({ op: 'copy', x: slotOf.get(homeOf(v))!, out: slotOf.get(v)!, n: perRow(v) });
      listing.push(`%${v} = copy(%${homeOf(v)})`);
    }
    return { kind: 'segment', code, slots, ins, outs, weights, views, steps: stepIds, listing };
  }

  return { recording: rec, items, batch0 };
}

/** Values the forward returns. */
function outputIdsOf(rec: Recording): Set<number> {
  const ids = new Set<number>();
  mapLeaves(rec.output, (x) => x instanceof Ref && ids.add(x.id));
  return ids;
}

/** The GEMM epilogues every executor applies (tests check them against the addon's list) with the unfused kernel's bits (unary_ops.def's flag). */
export const EPILOGUES = new Set<UnaryOp>(['relu', 'sigmoid', 'tanh', 'gelu', 'silu', 'hardswish']);

/** A parameter the kernels take as a float32 (finite there too). */
function fitsFloat32(v: number): boolean {
  return Number.isFinite(Math.fround(v));
}

function shapeText(v: Value): string {
  return v.shape.map((d, i) => (i === 0 ? 'B' : String(d))).join(', ');
}
