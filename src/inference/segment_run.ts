/**
 * Running one compiled segment (compile.ts) at a batch size: as one native call when the native
 * kernels are in use (the plan is built on first use and its weights repacked only when a
 * parameter's memory or version changes), else as one loop over the backend's kernels with the
 * intermediates in arena arrays kept between calls.
 */
import type { DataArray, FloatArray } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { data } from '../ops/util.js';
import type { NativeBinding, NativePlan } from '../backend/native/binding.js';
import { BINARY_CODES, type Instr, type Segment, type Weight } from './compile.js';

const OPCODES = { linear: 1, unary: 2, softmax: 3, binary: 4, copy: 5 } as const;

/** A weight as last packed: repacked when its memory or version moved since. */
interface Packed {
  wData: DataArray | null;
  wVersion: number;
  bData: DataArray | null;
  bVersion: number;
}

export class SegmentRunner {
  private plan: NativePlan | null = null;
  private planBinding: NativeBinding | null = null;
  private packed: Packed[];
  /** the JS loop's arena: one array per slot, grown to the largest batch */
  private arena: Float32Array[] = [];

  constructor(readonly seg: Segment) {
    this.packed = seg.weights.map(() => ({ wData: null, wVersion: -1, bData: null, bVersion: -1 }));
  }

  get externals(): number {
    return this.seg.ins.length + this.seg.outs.length;
  }

  /** Runs synchronously: `arrays` holds the inputs' data then the outputs' memory. */
  run(binding: NativeBinding | null, arrays: Float32Array[], batch: number): void {
    if (binding) {
      const plan = this.nativePlan(binding);
      binding.planRun(plan, arrays, batch);
    } else this.runJs(arrays, batch, this.arena);
  }

  /** Runs off the JS thread (native): the inputs are copied before this returns. */
  runNativeAsync(binding: NativeBinding, inputs: Float32Array[], batch: number): Promise<Float32Array[]> {
    const plan = this.nativePlan(binding);
    const args: (Float32Array | null)[] = [...inputs, ...this.seg.outs.map(() => null)];
    return binding.planRunAsync(plan, args, batch);
  }

  /**
   * Runs rows [row0, row1) of a batch on the JS kernels, into `arena` (a caller that interleaves
   * several runs passes its own). Every instruction treats rows independently.
   */
  runJsRows(arrays: Float32Array[], row0: number, row1: number, arena: Float32Array[]): void {
    const rows = row1 - row0;
    const view = arrays.map((a, s) => a.subarray(row0 * this.seg.slots[s], row1 * this.seg.slots[s]));
    this.runJs(view, rows, arena);
  }

  private nativePlan(binding: NativeBinding): NativePlan {
    const b = binding;
    if (this.plan === null || this.planBinding !== binding) {
      this.plan = b.planCreate(encode(this.seg.code, binding.unaryOps), Float64Array.from(this.seg.slots), this.externals, this.seg.weights.length);
      this.planBinding = binding;
      for (const p of this.packed) p.wData = null;
    }
    this.seg.weights.forEach((w, i) => {
      const p = this.packed[i];
      if (this.stale(w, p)) {
        b.planSetWeight(this.plan!, i, data(w.w) as Float32Array, w.b ? (data(w.b) as Float32Array) : null);
        p.wData = w.w._storage.data;
        p.wVersion = w.w._storage.version;
        p.bData = w.b ? w.b._storage.data : null;
        p.bVersion = w.b ? w.b._storage.version : -1;
      }
    });
    return this.plan;
  }

  /** Whether the packed copy may differ from the weights now (memory that JS code writes directly is never trusted). */
  private stale(w: Weight, p: Packed): boolean {
    const ws = w.w._storage;
    if (p.wData !== ws.data || p.wVersion !== ws.version || ws.shared) return true;
    if (w.b === null) return false;
    const bs = w.b._storage;
    return p.bData !== bs.data || p.bVersion !== bs.version || bs.shared;
  }

  private runJs(arrays: Float32Array[], batch: number, arena: Float32Array[]): void {
    const seg = this.seg, ext = arrays.length;
    const slot = (s: number): Float32Array => {
      if (s < ext) return arrays[s];
      const need = seg.slots[s] * batch;
      let a = arena[s];
      if (a === undefined || a.length < need) a = arena[s] = new Float32Array(need);
      return a;
    };
    for (const ins of seg.code) runInstr(ins, slot, batch, seg.weights);
  }
}

function runInstr(ins: Instr, slot: (s: number) => Float32Array, batch: number, weights: Weight[]): void {
  switch (ins.op) {
    case 'linear': {
      const w = weights[ins.w];
      const M = batch * ins.rowsPer;
      if (M === 0) return;
      const bias = w.b ? (data(w.b) as FloatArray) : null;
      K.gemm({
        transA: false, transB: true, M, N: ins.N, K: ins.K, alpha: 1, beta: 0, bias,
        A: slot(ins.x), aOffset: 0, lda: ins.K, B: w.w._storage.data as FloatArray, bOffset: w.w._offset, ldb: ins.K,
        C: slot(ins.out), cOffset: 0, ldc: ins.N, batch: 1, strideA: 0, strideB: 0, strideC: 0,
        epilogue: ins.act ?? undefined,
      });
      return;
    }
    case 'unary': {
      const n = batch * ins.n;
      K.unary(ins.u, slot(ins.x).subarray(0, n), slot(ins.out).subarray(0, n), n, ins.param);
      return;
    }
    case 'softmax':
      K.softmax(slot(ins.x), slot(ins.out), batch * ins.rowsPer, ins.cols, 1, ins.log);
      return;
    case 'binary': {
      const n = batch * ins.n;
      K.binary(ins.bop, { data: slot(ins.a), offset: 0, strides: [1] }, { data: slot(ins.b), offset: 0, strides: [1] }, slot(ins.out), [n]);
      return;
    }
    case 'copy': {
      const n = batch * ins.n;
      slot(ins.out).set(slot(ins.x).subarray(0, n));
      return;
    }
  }
}

/** The instructions as the native plan reads them: 8 numbers each (binding.ts, planCreate). */
function encode(code: Instr[], unaryOps: Readonly<Record<string, number>>): Float64Array {
  const unaryCode = (op: string) => {
    const c = unaryOps[op];
    if (c === undefined) throw new Error(`torch.jit.trace: the native kernels have no unary op '${op}'`);
    return c;
  };
  const out = new Float64Array(code.length * 8);
  code.forEach((ins, i) => {
    const o = i * 8;
    out[o] = OPCODES[ins.op];
    switch (ins.op) {
      case 'linear': out.set([ins.x, ins.out, ins.w, ins.rowsPer, ins.K, ins.N, ins.act ? unaryCode(ins.act) : -1], o + 1); break;
      case 'unary': out.set([ins.x, ins.out, unaryCode(ins.u), ins.param, ins.n], o + 1); break;
      case 'softmax': out.set([ins.x, ins.out, ins.log ? 1 : 0, ins.rowsPer, ins.cols], o + 1); break;
      case 'binary': out.set([ins.a, ins.b, ins.out, BINARY_CODES[ins.bop], ins.n], o + 1); break;
      case 'copy': out.set([ins.x, ins.out, ins.n], o + 1); break;
    }
  });
  return out;
}
