/**
 * Running a compiled program (compile.ts) on new inputs, synchronously or off the JS thread.
 * Segments run through SegmentRunner; the steps between them replay eagerly on the JS thread.
 */
import { Tensor } from '../tensor.js';
import { float32 } from '../dtype.js';
import { activeBinding } from '../backend/index.js';
import { no_grad } from '../autograd/grad_mode.js';
import { newArrayForOverwrite } from '../memory.js';
import { data } from '../ops/util.js';
import { Ref, mapLeaves, mapTensors, type Value } from './record.js';
import type { Program, Segment } from './compile.js';
import { SegmentRunner } from './segment_run.js';

/** Multiply-adds the JS fallback runs between two turns of the event loop (about a millisecond). */
const SLICE_MACS = 2e6;

/** Steps whose results are random (never compared by the trace check). */
export const RANDOM_STEPS = /^(rand|randn|randint|rand_like|randn_like|randint_like|randperm|bernoulli|multinomial|normal|dropout|alpha_dropout|feature_alpha_dropout|dropout[123]d|.*Dropout.*)$/;

export class ProgramRunner {
  private runners = new Map<Segment, SegmentRunner>();
  /** Set when the program holds only at the traced batch size (see jit.ts's check). */
  eagerAtOtherBatches: ((...inputs: Tensor[]) => unknown) | null = null;

  /** The common case, one plan from the single input to the single output, with its call prepared. */
  private direct: { runner: SegmentRunner; inRest: readonly number[]; outRest: readonly number[]; outPerRow: number } | null = null;

  constructor(readonly program: Program) {
    for (const it of program.items) if (it.kind === 'segment') this.runners.set(it, new SegmentRunner(it));
    const rec = program.recording, seg = program.items[0];
    if (program.items.length === 1 && seg.kind === 'segment' && rec.inputs.length === 1 && seg.ins.length === 1 && seg.ins[0] === rec.inputs[0] &&
      seg.outs.length === 1 && seg.views.length === 0 && rec.output instanceof Ref && rec.output.id === seg.outs[0]) {
      const rest = (id: number) => rec.values[id].shape.slice(1);
      this.direct = { runner: this.runners.get(seg)!, inRest: rest(seg.ins[0]), outRest: rest(seg.outs[0]), outPerRow: seg.slots[1] };
    }
  }

  private get values(): Value[] {
    return this.program.recording.values;
  }

  /** Checks the inputs against the traced ones; returns the batch size. */
  private batchOf(inputs: readonly unknown[]): number {
    const rec = this.program.recording;
    if (inputs.length !== rec.inputs.length) {
      throw new TypeError(`forward() expected ${rec.inputs.length} input${rec.inputs.length === 1 ? '' : 's'}, but got ${inputs.length}`);
    }
    const b0 = this.program.batch0;
    let batch = -1;
    inputs.forEach((x, i) => {
      const v = this.values[rec.inputs[i]];
      if (!(x instanceof Tensor)) throw new TypeError(`forward(): input ${i} must be a Tensor, but got ${typeof x}`);
      if (x.dtype !== v.dtype) throw new TypeError(`forward(): input ${i} has dtype ${x.dtype.name}, but the module was traced with ${v.dtype.name}`);
      const rest = v.shape.slice(1);
      if (x.ndim !== v.shape.length || x.shape.slice(1).some((d, k) => d !== rest[k])) {
        throw new RangeError(`forward(): input ${i} has shape [${x.shape.join(', ')}], but the module was traced with [${v.shape.join(', ')}] (the first dimension may vary)`);
      }
      if (v.shape[0] === b0) {
        if (batch >= 0 && x.shape[0] !== batch) throw new RangeError(`forward(): the inputs' first dimensions differ (${batch} and ${x.shape[0]})`);
        batch = x.shape[0];
      } else if (x.shape[0] !== v.shape[0]) {
        throw new RangeError(`forward(): input ${i} has shape [${x.shape.join(', ')}], but the module was traced with [${v.shape.join(', ')}]`);
      }
    });
    return batch;
  }

  run(inputs: readonly Tensor[]): unknown {
    const d = this.direct;
    if (d !== null && inputs.length === 1) {
      const x = inputs[0];
      if (x instanceof Tensor && x.dtype === float32 && x.ndim === d.inRest.length + 1 && sameRest(x.shape, d.inRest) && (this.eagerAtOtherBatches === null || x.shape[0] === this.program.batch0)) {
        const batch = x.shape[0];
        const out = newArrayForOverwrite(float32, batch * d.outPerRow) as Float32Array;
        d.runner.run(activeBinding(), [data(x) as Float32Array, out], batch);
        return new Tensor(out, [batch, ...d.outRest], float32);
      }
    }
    const batch = this.batchOf(inputs);
    if (this.eagerAtOtherBatches && batch !== this.program.batch0) return no_grad(() => this.eagerAtOtherBatches!(...inputs));
    const binding = activeBinding();
    const env = this.start(inputs);
    for (const it of this.program.items) {
      if (it.kind === 'eager') this.replay(it.step, env, batch);
      else {
        const arrays = this.arrays(it, env, batch);
        this.runners.get(it)!.run(binding, arrays, batch);
        this.finish(it, env, batch, arrays);
      }
    }
    return this.result(env);
  }

  async runAsync(inputs: readonly Tensor[]): Promise<unknown> {
    const batch = this.batchOf(inputs);
    const d = this.direct, binding = activeBinding();
    if (d !== null && binding !== null && (this.eagerAtOtherBatches === null || batch === this.program.batch0)) {
      // planRunAsync copies the input before it returns: no copy of our own
      const [out] = await d.runner.runNativeAsync(binding, [data(inputs[0]) as Float32Array], batch);
      return new Tensor(out, [batch, ...d.outRest], float32);
    }
    // from here on the caller may change or drop its inputs: work on copies
    const own = inputs.map((x) => x.clone());
    if (this.eagerAtOtherBatches && batch !== this.program.batch0) {
      await turn();
      return no_grad(() => this.eagerAtOtherBatches!(...own));
    }
    const env = this.start(own);
    for (const it of this.program.items) {
      if (it.kind === 'eager') {
        this.replay(it.step, env, batch);
        continue;
      }
      const runner = this.runners.get(it)!;
      const arrays = this.arrays(it, env, batch);
      if (binding) {
        const outs = await runner.runNativeAsync(binding, arrays.slice(0, it.ins.length), batch);
        this.finish(it, env, batch, [...arrays.slice(0, it.ins.length), ...outs]);
      } else {
        await this.jsSlices(runner, arrays, batch);
        this.finish(it, env, batch, arrays);
      }
    }
    return this.result(env);
  }

  /** The JS loop over rows in slices, yielding to the event loop between them. */
  private async jsSlices(runner: SegmentRunner, arrays: Float32Array[], batch: number): Promise<void> {
    let macs = 0;
    for (const ins of runner.seg.code) macs += ins.op === 'linear' ? ins.rowsPer * ins.K * ins.N : ins.op === 'softmax' ? ins.rowsPer * ins.cols : ins.n;
    const step = Math.max(1, Math.floor(SLICE_MACS / Math.max(1, macs)));
    const arena: Float32Array[] = [];
    for (let r = 0; r < batch; r += step) {
      await nextSlice();
      runner.runJsRows(arrays, r, Math.min(batch, r + step), arena);
    }
  }

  private start(inputs: readonly Tensor[]): Map<number, Tensor> {
    const env = new Map<number, Tensor>();
    this.program.recording.inputs.forEach((id, i) => env.set(id, inputs[i]));
    return env;
  }

  /** The segment's external arrays: its inputs' data, then fresh memory for its outputs. */
  private arrays(seg: Segment, env: Map<number, Tensor>, batch: number): Float32Array[] {
    const arrays: Float32Array[] = [];
    for (const v of seg.ins) arrays.push(data(env.get(v)!) as Float32Array);
    for (let i = 0; i < seg.outs.length; i++) arrays.push(newArrayForOverwrite(float32, batch * seg.slots[seg.ins.length + i]) as Float32Array);
    return arrays;
  }

  private finish(seg: Segment, env: Map<number, Tensor>, batch: number, arrays: Float32Array[]): void {
    const shaped = (v: number, a: Float32Array) => new Tensor(a, [batch, ...this.values[v].shape.slice(1)], float32);
    seg.outs.forEach((v, i) => env.set(v, shaped(v, arrays[seg.ins.length + i])));
    for (const [v, s] of seg.views) env.set(v, shaped(v, arrays[s]));
  }

  /** Replays a step eagerly on this call's tensors. */
  private replay(i: number, env: Map<number, Tensor>, batch: number): void {
    const step = this.program.recording.steps[i];
    const b0 = this.program.batch0;
    const args = step.args.map((a, k) => {
      const v = instantiate(a, env);
      // a size naming the traced batch (x.view(x.size(0), -1)) names this call's batch
      return b0 > 1 && batch !== b0 && SIZE_PARAMS.has(step.names[k]) && Array.isArray(v) && v[0] === b0 ? [batch, ...v.slice(1)] : v;
    });
    const result = no_grad(() => step.run(args));
    let k = 0;
    mapTensors(result, (t) => {
      env.set(step.writes[k++], t);
      return t;
    });
  }

  private result(env: Map<number, Tensor>): unknown {
    return instantiate(this.program.recording.output, env);
  }
}

function sameRest(shape: readonly number[], rest: readonly number[]): boolean {
  for (let i = 0; i < rest.length; i++) if (shape[i + 1] !== rest[i]) return false;
  return true;
}

/** Sizes given as lists (view, reshape, expand and the creation functions). */
const SIZE_PARAMS = new Set(['size', 'shape', 'sizes']);

/** A template with each Ref replaced by this call's tensor for it (constants kept). */
function instantiate(a: unknown, env: Map<number, Tensor>): unknown {
  return mapLeaves(a, (x) => (x instanceof Ref ? env.get(x.id) : x));
}

/**
 * Every JS-backend run in flight takes its slices from one queue, one slice per turn of the event
 * loop: with 64 calls in flight, each taking a slice per turn kept the loop's p50 delay at 114-201 ms.
 */
const waiting: (() => void)[] = [];
let pumping = false;
function nextSlice(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}
function pump(): void {
  // the slice runs in this turn's microtasks, right after this callback
  waiting.shift()!();
  if (waiting.length > 0) setImmediate(pump);
  else pumping = false;
}

/** One turn of the event loop. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

