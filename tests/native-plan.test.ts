/**
 * The native plan executor (planCreate / planSetWeight / planRun / planRunAsync): a whole forward
 * in one call, bit-equal to the same kernels called one by one through the binding; every check
 * of planCreate and of a run; and planRunAsync, which must give the same bits off the JS thread,
 * copy its inputs before returning, keep the weights a run started with, and never crash when its
 * environment goes away (worker.terminate(), process.exit()) with jobs in flight.
 */
import { describe, expect, it } from 'vitest';
import { loadBinding, type NativeBinding, type NativePlan } from '../src/backend/native/binding.js';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { runNode, terminatingWorkers, type ChildResult } from './helpers/child.js';
import { rand } from './helpers/random.js';
import { throws } from './helpers/throws.js';

const loaded = loadBinding();

function binding(): NativeBinding {
  if (!loaded.binding) throw new Error(`the native addon did not load: ${loaded.reason} (build it with npm run build:native)`);
  return loaded.binding;
}

function addonPath(): string {
  binding();
  return (loaded as { path: string }).path;
}

// resizable ArrayBuffers (ES2024) are beyond this project's TypeScript lib
const ResizableBuffer = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };

/** The first index where a and b differ in bits (NaN payloads aside), or -1. */
function firstDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

// ---- the same ops through the binding's one-kernel calls ----------------------------------------

/** A Linear as the native backend runs it with pre-packed weights: C[M, N] = epi(x[M, K]·Wᵀ + bias). */
function linearRef(x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number, epi: number): Float32Array {
  const b = binding();
  const C = new Float32Array(M * N);
  const dims = new Float64Array([0, 1, M, N, K, K, K, N, 0, 0, 0, 1, 0, epi, 1, 0, 0, 0]);
  expect(b.gemm(x, W, C, bias, dims, b.packB(W, dims))).toBe(true);
  return C;
}
function unaryRef(op: number, x: Float32Array, param = 0): Float32Array {
  const out = new Float32Array(x.length);
  binding().unary(op, x, out, param);
  return out;
}
function softmaxRef(x: Float32Array, rows: number, cols: number, log: boolean): Float32Array {
  const out = new Float32Array(x.length);
  binding().softmax(x, out, rows, cols, log);
  return out;
}
function binaryRef(op: number, a: Float32Array, c: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  binding().binary(op, a, c, out, new Float64Array([1, 0, 0, a.length, 1, 1]));
  return out;
}

// ---- a 3-layer MLP: x[20] -> Linear+relu [128] -> Linear+sigmoid [64] -> Linear [10] -> softmax -----

const L = { in: 20, h1: 128, h2: 64, out: 10 };

interface Mlp {
  plan: NativePlan;
  W: Float32Array[];
  bias: (Float32Array | null)[];
}

function mlp(seed = 1): Mlp {
  const b = binding();
  const { relu, sigmoid } = b.unaryOps;
  // slots: 0 x, 1 probabilities (the output), 2 h1, 3 h2, 4 logits
  const code = new Float64Array([
    1, 0, 2, 0, 1, L.in, L.h1, relu,
    1, 2, 3, 1, 1, L.h1, L.h2, sigmoid,
    1, 3, 4, 2, 1, L.h2, L.out, -1,
    3, 4, 1, 0, 1, L.out, 0, 0,
  ]);
  const plan = b.planCreate(code, new Float64Array([L.in, L.out, L.h1, L.h2, L.out]), 2, 3);
  const W = [rand(L.h1 * L.in, seed), rand(L.h2 * L.h1, seed + 1), rand(L.out * L.h2, seed + 2)];
  const bias = [rand(L.h1, seed + 3), rand(L.h2, seed + 4), null];
  W.forEach((w, i) => b.planSetWeight(plan, i, w, bias[i]));
  return { plan, W, bias };
}

function mlpRef(m: Mlp, x: Float32Array, batch: number): Float32Array {
  const { relu, sigmoid } = binding().unaryOps;
  const h1 = linearRef(x, m.W[0], m.bias[0], batch, L.in, L.h1, relu);
  const h2 = linearRef(h1, m.W[1], m.bias[1], batch, L.h1, L.h2, sigmoid);
  const logits = linearRef(h2, m.W[2], m.bias[2], batch, L.h2, L.out, -1);
  return softmaxRef(logits, batch, L.out, false);
}

function mlpRun(m: Mlp, x: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(batch * L.out).fill(NaN);
  binding().planRun(m.plan, [x, out], batch);
  return out;
}

describe('planRun', () => {
  it('runs a 3-layer MLP bit-equal to the same GEMMs, epilogues and softmax called one by one, at any batch', () => {
    const m = mlp();
    for (const batch of [7, 1, 300, 2, 300, 1]) {
      const x = rand(batch * L.in, batch);
      expect(firstDiff(mlpRun(m, x, batch), mlpRef(m, x, batch)), `batch ${batch}`).toBe(-1);
    }
  });

  it('sees weights set again, with or without bias', () => {
    const b = binding();
    const m = mlp();
    const x = rand(7 * L.in, 3);
    const before = mlpRun(m, x, 7);
    m.W[1] = rand(L.h2 * L.h1, 50);
    b.planSetWeight(m.plan, 1, m.W[1], m.bias[1]);  // repacked in place
    const after = mlpRun(m, x, 7);
    expect(firstDiff(after, before)).not.toBe(-1);
    expect(firstDiff(after, mlpRef(m, x, 7))).toBe(-1);
    m.bias[2] = rand(L.out, 51);
    b.planSetWeight(m.plan, 2, m.W[2], m.bias[2]);  // a bias where there was none: new memory
    expect(firstDiff(mlpRun(m, x, 7), mlpRef(m, x, 7))).toBe(-1);
    m.bias[0] = null;
    b.planSetWeight(m.plan, 0, m.W[0], null);
    expect(firstDiff(mlpRun(m, x, 7), mlpRef(m, x, 7))).toBe(-1);
  });

  it('runs every instruction kind, in place where allowed, bit-equal to the binding calls', () => {
    const b = binding();
    const n = 37, batch = 5;
    const x = rand(batch * n, 7), y = rand(batch * n, 8).map((v) => v + 2);  // y away from 0 for div
    // one-instruction plans over external slots: x (0), y (1), out (2)
    const run = (ins: number[], ext = 3): Float32Array => {
      const plan = b.planCreate(new Float64Array(ins), new Float64Array(Array(ext).fill(n)), ext, 0);
      const out = new Float32Array(batch * n).fill(NaN);
      b.planRun(plan, ext === 3 ? [x, y, out] : [x, out], batch);
      return out;
    };
    for (const [name, op] of Object.entries(b.unaryOps)) {
      const param = name === 'leaky_relu' ? 0.2 : name === 'elu' ? 1.5 : 0;
      expect(firstDiff(run([2, 0, 1, op, param, n, 0, 0], 2), unaryRef(op, x, param)), name).toBe(-1);
    }
    for (const op of [0, 1, 2, 3]) expect(firstDiff(run([4, 0, 1, 2, op, n, 0, 0]), binaryRef(op, x, y)), `binop ${op}`).toBe(-1);
    expect(firstDiff(run([5, 0, 1, n, 0, 0, 0, 0], 2), x)).toBe(-1);
    for (const log of [0, 1]) {
      // softmax over rows of 37 and over 37 rows of 1 per batch row
      expect(firstDiff(run([3, 0, 1, log, 1, n, 0, 0], 2), softmaxRef(x, batch, n, log === 1)), `log ${log}`).toBe(-1);
      expect(firstDiff(run([3, 0, 1, log, n, 1, 0, 0], 2), softmaxRef(x, batch * n, 1, log === 1))).toBe(-1);
    }
    // in place on arena slot 3: copy x in, tanh in place, add y in place (out == a), mul by
    // itself (a == b == out), copy onto itself, copy out
    const { tanh } = b.unaryOps;
    const inPlace = [5, 0, 3, n, 0, 0, 0, 0, 2, 3, 3, tanh, 0, n, 0, 0, 4, 3, 1, 3, 0, n, 0, 0, 4, 3, 3, 3, 2, n, 0, 0, 5, 3, 3, n, 0, 0, 0, 0, 5, 3, 2, n, 0, 0, 0, 0];
    const plan = b.planCreate(new Float64Array(inPlace), new Float64Array([n, n, n, n]), 3, 0);
    const out = new Float32Array(batch * n);
    b.planRun(plan, [x, y, out], batch);
    const t = binaryRef(0, unaryRef(tanh, x), y);
    expect(firstDiff(out, binaryRef(2, t, t))).toBe(-1);
  });

  it('LINEAR over several rows per batch row, with N = 1 and every epilogue', () => {
    const b = binding();
    const rows = 3, K = 33, batch = 9;
    for (const N of [1, 17, 70]) {
      for (const epi of [-1, ...b.epilogueOps.map((e) => b.unaryOps[e])]) {
        const plan = b.planCreate(new Float64Array([1, 0, 1, 0, rows, K, N, epi]), new Float64Array([rows * K, rows * N]), 2, 1);
        const W = rand(N * K, N), bias = rand(N, 2);
        b.planSetWeight(plan, 0, W, bias);
        const x = rand(batch * rows * K, 3), out = new Float32Array(batch * rows * N);
        b.planRun(plan, [x, out], batch);
        expect(firstDiff(out, linearRef(x, W, bias, batch * rows, K, N, epi)), `N ${N} epilogue ${epi}`).toBe(-1);
      }
    }
  });

  it('batch 0 runs nothing; outputs may be views of one buffer that do not overlap', () => {
    const b = binding();
    const m = mlp();
    b.planRun(m.plan, [new Float32Array(0), new Float32Array(0)], 0);
    const buf = new Float32Array(4 * L.in + 4 * L.out);
    buf.set(rand(4 * L.in, 9));
    const x = buf.subarray(0, 4 * L.in), out = buf.subarray(4 * L.in);
    b.planRun(m.plan, [x, out], 4);
    expect(firstDiff(out, mlpRef(m, x, 4))).toBe(-1);
  });
});

describe('plan checks', () => {
  const b = binding;
  const create = (code: number[], slots: number[], ext = 2, w = 1) => () => b().planCreate(new Float64Array(code), new Float64Array(slots), ext, w);
  const lin = (epi = -1) => [1, 0, 1, 0, 1, 4, 3, epi];

  it('planCreate names the bad argument, instruction and field', () => {
    const { relu, exp } = b().unaryOps;
    throws(() => b().planCreate([] as unknown as Float64Array, new Float64Array([1]), 0, 0), TypeError, "argument 'code' must be a Float64Array");
    throws(() => b().planCreate(new Float64Array(0), new Float32Array(1) as unknown as Float64Array, 0, 0), TypeError, "argument 'slots' must be a Float64Array");
    throws(create(lin(), [4, 3], 2.5), RangeError, "argument 'externals' must be an integer in [0, 65536]");
    throws(create(lin(), [4, 3], 2, -1), RangeError, "argument 'weights' must be an integer in [0, 65536]");
    throws(create(lin(), [], 0), RangeError, "planCreate: argument 'slots' must have 1 to 65536 entries");
    throws(create(lin(), [4, 3], 3), RangeError, "planCreate: argument 'externals' exceeds the number of slots");
    throws(create([1, 0, 1], [4, 3]), RangeError, "planCreate: argument 'code' must hold whole instructions of 8 numbers");
    throws(create(lin(), [4, 0]), RangeError, 'planCreate: slots[1] must be an integer in [1, 4294967296]');
    throws(create(lin(), [4, NaN]), RangeError, 'planCreate: slots[1] must be an integer in [1, 4294967296]');
    throws(create([6, 0, 1, 0, 0, 0, 0, 0], [4, 3]), RangeError, "planCreate: instruction 0 (?) field 'op' must be an integer in [1, 5]");
    throws(create([...lin(), 1, 0, 2, 0, 1, 4, 3, -1], [4, 3]), RangeError, "planCreate: instruction 1 (LINEAR) field 'out' must be an integer in [0, 1]");
    throws(create([1, 0, 1, 1, 1, 4, 3, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR) field 'w' must be an integer in [0, 0]");
    throws(create(lin(), [4, 3], 2, 0), RangeError, 'planCreate: instruction 0 (LINEAR): the plan was created with no weights');
    throws(create(lin(exp), [4, 3]), RangeError, 'planCreate: instruction 0 (LINEAR): epilogue must be -1 or a unary op in binding.epilogueOps');
    throws(create(lin(99), [4, 3]), RangeError, /field 'epilogue' must be an integer in \[-1, /);
    throws(create([1, 0, 0, 0, 1, 4, 4, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR): 'in' and 'out' must be different slots");
    throws(create([1, 0, 1, 0, 2, 2, 3, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR): slot 1 ('out') has 3 floats per row but the instruction needs 6");
    throws(create([1, 0, 1, 0, 1, 5, 3, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR): slot 0 ('in') has 4 floats per row but the instruction needs 5");
    throws(create([1, 0, 1, 0, 2 ** 32, 2 ** 32, 1, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR): slot 0 ('in') has 4 floats per row but the instruction needs over 2^53");
    throws(create([1, 0, 1, 0, 1, 2 ** 32, 2 ** 32, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR): the weight's N·K exceeds 2^40");
    throws(create([1, 0, 1, 0, 1, 1.5, 3, -1], [4, 3]), RangeError, "planCreate: instruction 0 (LINEAR) field 'K' must be an integer in [1, 4294967296]");
    throws(create([...lin(), 1, 0, 2, 0, 2, 2, 3, -1], [4, 3, 6], 2), RangeError,
      'planCreate: instruction 1 (LINEAR): weight 0 is used as [N, K] = [3, 2] here but [3, 4] by an earlier instruction');
    throws(create([2, 0, 1, relu, 0, 4, 1, 0], [4, 4]), RangeError, 'planCreate: instruction 0 (UNARY) field 6 is unused and must be 0');
    throws(create([2, 0, 1, 99, 0, 4, 0, 0], [4, 4]), RangeError, /instruction 0 \(UNARY\) field 'op' must be an integer in \[0, /);
    throws(create([2, 0, 1, relu, Infinity, 4, 0, 0], [4, 4]), RangeError, "planCreate: instruction 0 (UNARY) field 'param' must be a finite float32");
    throws(create([2, 0, 1, relu, 1e39, 4, 0, 0], [4, 4]), RangeError, "planCreate: instruction 0 (UNARY) field 'param' must be a finite float32");
    throws(create([3, 0, 1, 2, 1, 4, 0, 0], [4, 4]), RangeError, "planCreate: instruction 0 (SOFTMAX) field 'log' must be an integer in [0, 1]");
    throws(create([3, 0, 0, 0, 1, 4, 0, 0], [4, 4]), RangeError, "planCreate: instruction 0 (SOFTMAX): 'in' and 'out' must be different slots");
    throws(create([4, 0, 0, 1, 4, 4, 0, 0], [4, 4]), RangeError, "planCreate: instruction 0 (BINARY) field 'binop' must be an integer in [0, 3]");
    throws(create([4, 0, 2, 1, 0, 4, 0, 0], [4, 4, 5], 2), RangeError, "planCreate: instruction 0 (BINARY): slot 2 ('b') has 5 floats per row but the instruction needs 4");
    throws(create([5, 0, 1, 4, 0, 0, 0, 1], [4, 4]), RangeError, 'planCreate: instruction 0 (COPY) field 7 is unused and must be 0');
    // outputs and arena slots are written before they are read
    throws(create([5, 2, 1, 4, 0, 0, 0, 0], [4, 4, 4]), RangeError, 'planCreate: instruction 0 (COPY) reads slot 2, an arena slot, before any instruction writes it');
    throws(create([5, 1, 1, 4, 0, 0, 0, 0], [4, 4]), RangeError, 'planCreate: instruction 0 (COPY) reads slot 1, an output, before any instruction writes it');
    throws(create([5, 0, 1, 4, 0, 0, 0, 0, 4, 0, 2, 1, 0, 4, 0, 0, 5, 2, 1, 4, 0, 0, 0, 0], [4, 4, 4]), RangeError,
      'planCreate: instruction 1 (BINARY) reads slot 2, an arena slot, before any instruction writes it');
  });

  it('planSetWeight checks the plan, index and lengths', () => {
    const plan = b().planCreate(new Float64Array([...lin(), 5, 0, 2, 4, 0, 0, 0, 0]), new Float64Array([4, 3, 4]), 3, 2);
    throws(() => b().planSetWeight({} as NativePlan, 0, new Float32Array(12), null), TypeError, "planSetWeight: argument 'plan' must be an object returned by planCreate");
    throws(() => b().planSetWeight(Object.create(plan) as NativePlan, 0, new Float32Array(12), null), TypeError, /argument 'plan' must be an object returned by planCreate/);
    const packed = b().packB(new Float32Array(4), new Float64Array([0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 0, -1, 1, 0, 0, 0]));
    throws(() => b().planSetWeight(packed as unknown as NativePlan, 0, new Float32Array(12), null), TypeError, /argument 'plan' must be an object returned by planCreate/);
    throws(() => b().planSetWeight(plan, 2, new Float32Array(12), null), RangeError, "planSetWeight: argument 'index' is 2 but the plan has 2 weights");
    throws(() => b().planSetWeight(plan, 1, new Float32Array(12), null), RangeError, 'planSetWeight: weight 1 is used by no LINEAR instruction');
    throws(() => b().planSetWeight(plan, 0, new Float32Array(11), null), RangeError, "planSetWeight: argument 'W' has 11 elements but weight 0 is [N, K] = [3, 4]");
    throws(() => b().planSetWeight(plan, 0, new Float64Array(12) as unknown as Float32Array, null), TypeError, "argument 'W' must be a Float32Array");
    throws(() => b().planSetWeight(plan, 0, new Float32Array(12), new Float32Array(4)), RangeError, "planSetWeight: argument 'bias' has 4 elements but N is 3");
    const W = new Float32Array(12);
    structuredClone(W.buffer, { transfer: [W.buffer] });
    throws(() => b().planSetWeight(plan, 0, W, null), RangeError, "planSetWeight: argument 'W' has 0 elements but weight 0 is [N, K] = [3, 4]");
  });

  it('planRun and planRunAsync check the arrays, the batch and the weights', async () => {
    const plan = b().planCreate(new Float64Array(lin()), new Float64Array([4, 3]), 2, 1);
    const x = new Float32Array(8), y = new Float32Array(6);
    throws(() => b().planRun(plan, [x, y], 2), Error, 'planRun: weight 0 was never set (call planSetWeight first)');
    throws(() => b().planRunAsync(plan, [x, null], 2), Error, 'planRunAsync: weight 0 was never set (call planSetWeight first)');
    b().planSetWeight(plan, 0, rand(12, 1), null);
    throws(() => b().planRun(7 as unknown as NativePlan, [x, y], 2), TypeError, "planRun: argument 'plan' must be an object returned by planCreate");
    throws(() => b().planRun(plan, x as unknown as Float32Array[], 2), TypeError, "planRun: argument 'arrays' must be an Array");
    throws(() => b().planRun(plan, [x], 2), RangeError, "planRun: argument 'arrays' has 1 entries but the plan has 2 external slots");
    throws(() => b().planRun(plan, [x, null as unknown as Float32Array], 2), TypeError, "planRun: argument 'arrays'[1] must be a Float32Array");
    throws(() => b().planRun(plan, [x, y], 3), RangeError, "planRun: argument 'arrays'[0] has 8 elements but batch × perRow is 12");
    throws(() => b().planRun(plan, [x, y], -1), RangeError, "argument 'batch' must be an integer in [0, 4294967296]");
    throws(() => b().planRun(plan, [x, y], 2 ** 40), RangeError, "argument 'batch' must be an integer in [0, 4294967296]");
    const wide = b().planCreate(new Float64Array([5, 0, 1, 2 ** 20, 0, 0, 0, 0]), new Float64Array([2 ** 20, 2 ** 20]), 2, 0);
    throws(() => b().planRun(wide, [x, y], 2 ** 21), RangeError, 'planRun: batch 2097152 × 1048576 floats per row of slot 0 exceeds 2^40 floats');
    const shared = new Float32Array(14);
    throws(() => b().planRun(plan, [shared.subarray(0, 8), shared.subarray(7, 13)], 2), RangeError, "planRun: argument 'arrays': output slot 1 shares memory with slot 0");
    const detached = new Float32Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    throws(() => b().planRun(plan, [detached, y], 2), RangeError, "planRun: argument 'arrays'[0] has 0 elements but batch × perRow is 8 (is its buffer detached?)");
    throws(() => b().planRunAsync(plan, [x, y], 2), TypeError, "planRunAsync: argument 'inputs'[1] is an output slot and must be null");
    throws(() => b().planRunAsync(plan, [null, null], 2), TypeError, "planRunAsync: argument 'inputs'[0] must be a Float32Array");
    throws(() => b().planRunAsync(plan, [detached, null], 2), RangeError, "planRunAsync: argument 'inputs'[0] has 0 elements but batch × perRow is 8 (is its buffer detached?)");
    // a getter on the array runs JS before any array's memory is looked at
    const victim = new Float32Array(8), sneaky = [victim, y];
    Object.defineProperty(sneaky, 1, { get: () => (structuredClone(victim.buffer, { transfer: [victim.buffer] }), y) });
    throws(() => b().planRun(plan, sneaky, 2), RangeError, "planRun: argument 'arrays'[0] has 0 elements but batch × perRow is 8 (is its buffer detached?)");
    const throwing = [x, y];
    Object.defineProperty(throwing, 1, { get: () => { throw new SyntaxError('from a getter'); } });
    throws(() => b().planRun(plan, throwing, 2), SyntaxError, 'from a getter');
    // resizable and shared buffers: read as they are at the call
    const rab = new ResizableBuffer(32, { maxByteLength: 64 });
    b().planRun(plan, [new Float32Array(rab), new Float32Array(new SharedArrayBuffer(24))], 2);
    expect((await b().planRunAsync(plan, [new Float32Array(rab), null], 2))[0]).toHaveLength(6);
  });

  it('an arena that cannot grow is an allocation error, in both forms', async () => {
    // in a child limited to 64 GiB of address space, so that the 4 TiB arena fails however the
    // system overcommits memory
    const r = await runLimited(arenaTooBig, [addonPath()]);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const message = "DefaultCPUAllocator: can't allocate memory: you tried to allocate 4398046511104 bytes. Error code 12 (Cannot allocate memory)";
    expect(r.stdout.trim().split('\n')).toEqual([`sync Error ${message}`, `async Error ${message}`, 'after 0,0']);
  });
});

describe('planRunAsync', () => {
  it('gives the synchronous results bit for bit, at batch 1, 7 and 300', async () => {
    const m = mlp();
    for (const batch of [1, 7, 300]) {
      const x = rand(batch * L.in, 20 + batch);
      const [out, ...rest] = await binding().planRunAsync(m.plan, [x, null], batch);
      expect(rest).toEqual([]);
      expect(out).toBeInstanceOf(Float32Array);
      expect(firstDiff(out, mlpRun(m, x, batch)), `batch ${batch}`).toBe(-1);
    }
    expect(await binding().planRunAsync(m.plan, [new Float32Array(0), null], 0)).toEqual([new Float32Array(0)]);
  });

  it('resolves 64 calls in flight to their own results, in order', async () => {
    const m = mlp();
    const xs = Array.from({ length: 64 }, (_, i) => rand((1 + (i % 9)) * L.in, 100 + i));
    const order: number[] = [];
    const results = await Promise.all(xs.map((x, i) => binding().planRunAsync(m.plan, [x, null], x.length / L.in).then((r) => (order.push(i), r))));
    expect(order).toEqual(xs.map((_, i) => i));
    results.forEach(([out], i) => expect(firstDiff(out, mlpRun(m, xs[i], xs[i].length / L.in)), `call ${i}`).toBe(-1));
  });

  it('reads the inputs as they were at the call, whatever happens to them after', async () => {
    const m = mlp();
    const batch = 64;
    const x = rand(batch * L.in, 5), want = mlpRun(m, x, batch);
    const mutated = x.slice(), transferred = x.slice(), rab = new ResizableBuffer(x.byteLength, { maxByteLength: x.byteLength });
    const shrunk = new Float32Array(rab);
    shrunk.set(x);
    const p1 = binding().planRunAsync(m.plan, [mutated, null], batch);
    const p2 = binding().planRunAsync(m.plan, [transferred, null], batch);
    const p3 = binding().planRunAsync(m.plan, [shrunk, null], batch);
    mutated.fill(NaN);
    structuredClone(transferred.buffer, { transfer: [transferred.buffer] });
    rab.resize(0);
    expect(transferred.length).toBe(0);
    for (const p of [p1, p2, p3]) expect(firstDiff((await p)[0], want)).toBe(-1);
  });

  it('keeps the weights a run started with when they are set again while it is in flight', async () => {
    const b = binding();
    const m = mlp();
    const batch = 300;
    const xs = Array.from({ length: 16 }, (_, i) => rand(batch * L.in, 200 + i));
    const before = xs.map((x) => mlpRun(m, x, batch));
    const pending = xs.map((x) => b.planRunAsync(m.plan, [x, null], batch));
    m.W.forEach((w, i) => {
      m.W[i] = w.map((v) => -v);
      b.planSetWeight(m.plan, i, m.W[i], m.bias[i]);
    });
    const after = b.planRunAsync(m.plan, [xs[0], null], batch);
    const results = await Promise.all(pending);
    results.forEach(([out], i) => expect(firstDiff(out, before[i]), `call ${i}`).toBe(-1));
    expect(firstDiff((await after)[0], mlpRef(m, xs[0], batch))).toBe(-1);
    expect(firstDiff((await after)[0], before[0])).not.toBe(-1);
  });

  it('runs on one thread named kindling-serve', async () => {
    const serving = () => readdirSync('/proc/self/task').filter((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === 'kindling-serve').length;
    const m = mlp();
    await Promise.all([1, 2, 3].map(() => binding().planRunAsync(m.plan, [rand(L.in, 1), null], 1)));
    expect(serving()).toBe(1);
  });

  it('leaves the JS thread free while a long run is in flight', async () => {
    const b = binding();
    // 784-512-512-10 at batch 8192: 11 GFLOP, over 50 ms on 2 vCPUs even at 100 GFLOP/s per core
    const dims = [784, 512, 512, 10];
    const code: number[] = [];
    for (let l = 0; l < 3; l++) code.push(1, l === 0 ? 0 : 1 + l, l === 2 ? 1 : 2 + l, l, 1, dims[l], dims[l + 1], l < 2 ? b.unaryOps.relu : -1);
    const plan = b.planCreate(new Float64Array(code), new Float64Array([784, 10, 512, 512]), 2, 3);
    for (let l = 0; l < 3; l++) b.planSetWeight(plan, l, rand(dims[l] * dims[l + 1], l), rand(dims[l + 1], 9 + l));
    const batch = 8192, x = rand(batch * 784, 1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const [out] = await b.planRunAsync(plan, [x, null], batch);
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(ms).toBeGreaterThan(10);
    expect(ticks).toBeGreaterThanOrEqual(5);
    const sync = new Float32Array(batch * 10);
    b.planRun(plan, [x, sync], batch);
    expect(firstDiff(out, sync)).toBe(-1);
  });
});

// ---- child processes: an abort fails the test instead of the run ------------------------------

/** runNode under a 64 GiB address-space limit (ulimit -v). */
function runLimited(code: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'ulimit -v 67108864 && exec "$0" -e "$1" "$2"', process.execPath, code, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// x[1] -> arena [2^20] -> y[1]: at batch 2^20 the arena needs 4 TiB.
const arenaTooBig = `
const b = require(process.argv[1]);
const plan = b.planCreate(new Float64Array([1, 0, 2, 0, 1, 1, 2 ** 20, -1, 1, 2, 1, 1, 1, 2 ** 20, 1, -1]), new Float64Array([1, 1, 2 ** 20]), 2, 2);
b.planSetWeight(plan, 0, new Float32Array(2 ** 20), null);
b.planSetWeight(plan, 1, new Float32Array(2 ** 20), null);
const batch = 2 ** 20;
try { b.planRun(plan, [new Float32Array(batch), new Float32Array(batch)], batch); console.log('sync ran'); }
catch (e) { console.log('sync ' + e.constructor.name + ' ' + e.message); }
b.planRunAsync(plan, [new Float32Array(batch), null], batch).then(() => console.log('async ran'), (e) => {
  console.log('async ' + e.constructor.name + ' ' + e.message);
  const out = new Float32Array(2);
  b.planRun(plan, [new Float32Array(2), out], 2);  // still runs at a batch that fits
  console.log('after ' + Array.from(out));
});
`;

// A plan of the MLP's shape and its weights, for the child scripts (CommonJS, `b` the addon).
const childPlan = `
function makePlan(b) {
  const code = new Float64Array([1, 0, 2, 0, 1, 20, 256, b.unaryOps.relu, 1, 2, 3, 1, 1, 256, 256, b.unaryOps.sigmoid, 1, 3, 1, 2, 1, 256, 10, -1]);
  const plan = b.planCreate(code, new Float64Array([20, 10, 256, 256]), 2, 3);
  [[256, 20], [256, 256], [10, 256]].forEach(([n, k], i) => b.planSetWeight(plan, i, new Float32Array(n * k).fill(0.01), new Float32Array(n).fill(0.1)));
  return plan;
}
`;

// Workers keep up to 32 planRunAsync calls in flight (batches up to 512, weights set again now and
// then) and are terminated at random points, for up to `ms` milliseconds; prints how many.
const terminateAsync = terminatingWorkers(`
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
${childPlan}
const plan = makePlan(b);
let n = 0;
function one() {
  const batch = 1 + (n++ % 7) * 85;
  if (n % 16 === 0) b.planSetWeight(plan, 1, new Float32Array(256 * 256).fill(n), null);
  b.planRunAsync(plan, [new Float32Array(batch * 20).fill(1), null], batch).then(one, (e) => { throw e; });
}
for (let i = 0; i < 32; i++) one();
parentPort.postMessage('ready');
`, 6);

// The main thread and a worker each put many runs in flight; the process exits with code 7 at a
// random point while they are queued, running or being settled.
const exitWhileAsync = `
const { Worker } = require('node:worker_threads');
const path = process.argv[1];
const b = require(path);
${childPlan}
const code = \`
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
${childPlan}
const plan = makePlan(b);
const go = () => b.planRunAsync(plan, [new Float32Array(256 * 20), null], 256).then(go);
for (let i = 0; i < 16; i++) go();
parentPort.postMessage('ready');
\`;
new Worker(code, { eval: true, workerData: { path } }).once('message', () => {
  const plan = makePlan(b);
  const go = () => b.planRunAsync(plan, [new Float32Array(64 * 20), null], 64).then(go);
  for (let i = 0; i < 16; i++) go();
  setTimeout(() => process.exit(7), Math.random() * 8);
});
`;

// Three workers share the one runner: each checks its async results against its own sync runs.
const workersShare = `
const { Worker } = require('node:worker_threads');
const path = process.argv[1];
const code = \`
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
${childPlan}
const plan = makePlan(b);
b.planSetWeight(plan, 2, new Float32Array(2560).map((_, i) => Math.sin(i + workerData.id)), null);
const xs = Array.from({ length: 24 }, (_, i) => new Float32Array((1 + i * 11) * 20).map((_, j) => Math.cos(j * (i + 1) + workerData.id)));
Promise.all(xs.map((x) => b.planRunAsync(plan, [x, null], x.length / 20))).then((outs) => {
  const same = outs.every(([y], i) => { const want = new Float32Array(y.length); b.planRun(plan, [xs[i], want], xs[i].length / 20); return want.every((v, j) => Object.is(v, y[j])); });
  parentPort.postMessage(same);
});
\`;
let ok = 0;
for (let id = 0; id < 3; id++) new Worker(code, { eval: true, workerData: { path, id } }).once('message', (same) => (ok += same));
process.on('exit', () => console.log('workers equal ' + ok));
`;

// The plan object becomes garbage while its runs are in flight: they keep what they read.
const collected = `
require('v8').setFlagsFromString('--expose-gc');
const gc = require('vm').runInNewContext('gc');
const b = require(process.argv[1]);
${childPlan}
const batch = 8192, x = new Float32Array(batch * 20).fill(1), want = new Float32Array(batch * 10);
let plan = makePlan(b);
b.planRun(plan, [x, want], batch);
const pending = [0, 1, 2, 3].map(() => b.planRunAsync(plan, [x, null], batch));
const ref = new WeakRef(plan);
plan = null;
setImmediate(() => {
  gc();
  // the finalizers of wrapped objects run on a later turn of the loop
  setImmediate(async () => {
    console.log('collected ' + (ref.deref() === undefined));
    const outs = await Promise.all(pending);
    console.log('equal ' + outs.every(([y]) => y.every((v, i) => Object.is(v, want[i]))));
  });
});
`;

// async_hooks' init runs JS inside planRunAsync (when it creates its channel, and its promise):
// a hook that detaches the input must find it either not yet looked at or already copied.
const hooked = `
const b = require(process.argv[1]);
const { createHook } = require('node:async_hooks');
const plan = b.planCreate(new Float64Array([2, 0, 1, b.unaryOps.neg, 0, 4, 0, 0]), new Float64Array([4, 4]), 2, 0);
let victim = null;
createHook({ init(id, type) {
  if (victim && (type === 'PROMISE' || type === 'kindling.planRunAsync')) {
    console.log('hook ' + type);
    structuredClone(victim.buffer, { transfer: [victim.buffer] });
    victim = null;
  }
} }).enable();
victim = new Float32Array([1, 2, 3, 4]);
try { b.planRunAsync(plan, [victim, null], 1); } catch (e) { console.log(e.constructor.name + ' ' + e.message); }
const x = victim = new Float32Array([1, 2, 3, 4]);
b.planRunAsync(plan, [x, null], 1).then(([y]) => console.log('result ' + Array.from(y)));
`;

// Nothing but one pending run: the process must stay alive until it resolves, then exit.
const awaitOnly = `
const b = require(process.argv[1]);
${childPlan}
const plan = makePlan(b);
b.planRunAsync(plan, [new Float32Array(4096 * 20).fill(1), null], 4096).then(([y]) => console.log('resolved ' + y.length + ' ' + y[0].toFixed(3)));
`;

describe('planRunAsync teardown', () => {
  it('survives worker.terminate() with runs queued, running and settling', async () => {
    const r = await runNode(terminateAsync, [addonPath(), '3000']);
    expect(r.stderr).not.toMatch(/terminate called|Abort|FATAL/);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(Number(/terminated (\d+)/.exec(r.stdout)?.[1])).toBeGreaterThanOrEqual(10);
  }, 30_000);

  it('survives process.exit() with runs in flight on the main thread and a worker', async () => {
    for (let run = 0; run < 8; run++) {
      const r = await runNode(exitWhileAsync, [addonPath()]);
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }, `run ${run}`).toEqual({ code: 7, signal: null, stderr: '' });
    }
  }, 30_000);

  it('serves several worker_threads at once, each getting its own results', async () => {
    const r = await runNode(workersShare, [addonPath()]);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, signal: null, stderr: '', stdout: 'workers equal 3\n' });
  });

  it('finishes runs in flight when their plan object is collected', async () => {
    const r = await runNode(collected, [addonPath()]);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, signal: null, stderr: '', stdout: 'collected true\nequal true\n' });
  });

  it('reads no input memory after async_hooks may have run JS', async () => {
    const r = await runNode(hooked, [addonPath()]);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(r.stdout.trim().split('\n')).toEqual([
      'hook kindling.planRunAsync',
      "RangeError planRunAsync: argument 'inputs'[0] has 0 elements but batch × perRow is 4 (is its buffer detached?)",
      'hook PROMISE',
      'result -1,-2,-3,-4',
    ]);
  });

  it('keeps an otherwise idle process alive until a pending run resolves, then lets it exit', async () => {
    const r = await runNode(awaitOnly, [addonPath()], 20_000);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(r.stdout.trim()).toMatch(/^resolved 40960 \d+\.\d{3}$/);
  });
});
