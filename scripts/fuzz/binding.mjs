/**
 * Fuzz cases for the raw native binding: every entry point with shapes that reach the kernels and
 * lengths one off, with arrays that are detached, over resizable buffers (shrunk or length-tracking),
 * over SharedArrayBuffers, overlapping one another or of the wrong type, junk in every number and
 * dims or plan-code slot, and forged packed-weight and plan objects. A call may return or throw an
 * Error (planRunAsync: or reject with one); it must never crash the process, throw a non-Error, or
 * write outside the arrays it was given (each array sits between guard bytes that are checked
 * after the call).
 */
import fc from 'fast-check';

const GUARD = 16;  // floats of guard on each side
const SENTINEL = -12345.5;

const JUNK = [NaN, -1, 0, 1, 1.5, 2 ** 31, 2 ** 40, 1e20, -0, Infinity, null, undefined, 'a', {}, []];
const junk = fc.constantFrom(...JUNK);
const kind = fc.oneof(
  { weight: 30, arbitrary: fc.constant('plain') },
  { weight: 1, arbitrary: fc.constantFrom('detached', 'shrunk', 'tracking', 'shared', 'overlap', 'f64', 'i32', 'null', 'number') },
);
const lenAdj = fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, 7, -1000) });
const dimSize = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 9 }) }, { weight: 1, arbitrary: fc.constantFrom(16, 17, 31, 64, 300) });

export const bindingCase = fc.record({
  fn: fc.constantFrom('unary', 'unaryGrad', 'clamp', 'binary', 'reduce', 'softmax', 'softmaxGrad', 'gemm', 'gemm', 'packB', 'sgdStep', 'adamStep', 'setNumThreads',
    'planCreate', 'planSetWeight', 'planRun', 'planRun', 'planRunAsync', 'planRunAsync'),
  m: dimSize, n: dimSize, k: dimSize, batch: fc.constantFrom(1, 1, 2, 3),
  op: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 8 }) }, { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 9, max: 14 }), junk) }),
  param: fc.oneof({ weight: 5, arbitrary: fc.double({ min: -3, max: 3 }) }, { weight: 1, arbitrary: fc.oneof(fc.double(), junk) }),
  trans: fc.tuple(fc.boolean(), fc.boolean()),
  flag: fc.oneof({ weight: 10, arbitrary: fc.boolean() }, { weight: 1, arbitrary: junk }),
  arrays: fc.array(fc.record({ kind, adj: lenAdj }), { minLength: 5, maxLength: 5 }),
  mutations: fc.oneof(
    { weight: 3, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat({ max: 24 }), fc.oneof(junk, fc.integer({ min: -3, max: 400 }))), { minLength: 1, maxLength: 3 }) },
  ),
  extraDims: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  packed: fc.constantFrom('none', 'none', 'real', 'real-other', 'forged', 'forged-proto', 'number'),
  threads: fc.constantFrom(0, -1, NaN, 1.5, 'x', 1, 2),
});

/** Arrays of a case, built by kind, and the guards to check afterwards. */
class Arena {
  constructor() {
    this.guarded = [];
    this.base = null;  // the buffer 'overlap' arrays alias
  }
  f32(spec, n, type = Float32Array) {
    const len = Math.max(0, n + spec.adj);
    switch (spec.kind) {
      case 'null': return null;
      case 'number': return len;
      case 'f64': return new Float64Array(len);
      case 'i32': return new Int32Array(len);
      case 'detached': {
        const a = new type(len + 1);
        structuredClone(a.buffer, { transfer: [a.buffer] });
        return a;
      }
      case 'shrunk': {
        const buf = new ArrayBuffer((len + 4) * type.BYTES_PER_ELEMENT, { maxByteLength: (len + 8) * type.BYTES_PER_ELEMENT });
        const a = new type(buf, 0, len + 4);
        buf.resize(type.BYTES_PER_ELEMENT);
        return a;
      }
      case 'tracking': {
        const buf = new ArrayBuffer(len * type.BYTES_PER_ELEMENT, { maxByteLength: (len + 8) * type.BYTES_PER_ELEMENT });
        return new type(buf);
      }
      case 'shared': return new type(new SharedArrayBuffer(len * type.BYTES_PER_ELEMENT));
      case 'overlap': {
        if (!this.base || this.base.length < len + 2) this.base = new type(len + 2 + GUARD).fill(1);
        if (this.base.constructor !== type) return new type(len);
        return this.base.subarray(1, 1 + len);
      }
      default: {
        const all = new type(len + 2 * GUARD);
        all.fill(SENTINEL);
        const a = all.subarray(GUARD, GUARD + len);
        for (let i = 0; i < len; i++) a[i] = ((i * 7919) % 13) - 6;
        this.guarded.push(all);
        return a;
      }
    }
  }
  /** The first guard that changed, or null. */
  breach() {
    for (const all of this.guarded) {
      for (let i = 0; i < GUARD; i++) if (!Object.is(all[i], SENTINEL) || !Object.is(all[all.length - 1 - i], SENTINEL)) return `wrote outside a ${all.constructor.name} of ${all.length - 2 * GUARD}`;
    }
    return null;
  }
}

function dims(values, c) {
  const d = new Float64Array(values.length + (c.extraDims ? 2 : 0));
  d.set(values);
  for (const [slot, v] of c.mutations) d[slot % d.length] = typeof v === 'number' ? v : NaN;
  return d;
}

/** gemm's dims (packB takes the same, batch 1): C[m, n] = op(A)[m, k] · op(B)[k, n]. */
function gemmValues(c, batch, epilogue) {
  const { m, n, k } = c;
  const [ta, tb] = c.trans;
  return [ta ? 1 : 0, tb ? 1 : 0, m, n, k, Math.max(1, ta ? m : k), Math.max(1, tb ? k : n), Math.max(1, n), 0, 0, 0, 1, 0, epilogue, batch, m * k, k * n, m * n];
}

function packed(b, c, a) {
  switch (c.packed) {
    case 'real': return b.packB(a.f32({ kind: 'plain', adj: 0 }, c.n * c.k), new Float64Array(gemmValues(c, 1, 0)));
    case 'real-other': return b.packB(new Float32Array(6), new Float64Array(gemmValues({ m: 1, n: 3, k: 2, trans: [false, false] }, 1, 0)));
    case 'forged': return { __packedB: 1 };
    case 'forged-proto': return Object.create(b.packB(new Float32Array(4), new Float64Array(gemmValues({ m: 2, n: 2, k: 2, trans: [false, false] }, 1, 0))));
    case 'number': return 7;
    default: return null;
  }
}

/**
 * A plan x[k] -> LINEAR (weight 0, epilogue op % 4 - 1) -> h[n] -> UNARY op -> y[n], its code
 * and slots with the case's mutations; k and n at least 1.
 */
function planSpec(c) {
  const k = Math.max(1, c.k), n = Math.max(1, c.n);
  const op = typeof c.op === 'number' ? c.op : 0;
  const code = dims([1, 0, 2, 0, 1, k, n, (op % 4) - 1, 2, 2, 1, op, typeof c.param === 'number' ? c.param : 0, n, 0, 0], c);
  return { k, n, code, slots: new Float64Array([k, n, n]) };
}

/** The plan argument of a case: a valid plan (its weight set unless both trans), or a forged one. */
function planArg(b, c, a, spec) {
  const real = () => {
    const plan = b.planCreate(new Float64Array([1, 0, 2, 0, 1, spec.k, spec.n, -1, 2, 2, 1, 0, 0, spec.n, 0, 0]), spec.slots, 2, 1);
    if (!c.trans[0] || !c.trans[1]) b.planSetWeight(plan, 0, a.f32({ kind: 'plain', adj: 0 }, spec.n * spec.k), c.trans[1] ? a.f32({ kind: 'plain', adj: 0 }, spec.n) : null);
    return plan;
  };
  switch (c.packed) {
    case 'real-other': return b.packB(new Float32Array(4), new Float64Array(gemmValues({ m: 2, n: 2, k: 2, trans: [false, false] }, 1, 0)));
    case 'forged': return { __nativePlan: 1 };
    case 'forged-proto': return Object.create(real());
    case 'number': return 7;
    default: return real();
  }
}

/** Runs one case; returns null, { kind: 'failure', why }, or a promise of either (planRunAsync). */
export function runBindingCase(b, c) {
  const a = new Arena();
  const [A, B, C, D, E] = c.arrays;
  const { m, n, k, batch } = c;
  let call;
  switch (c.fn) {
    case 'unary': call = () => b.unary(c.op, a.f32(A, n * m), a.f32(B, n * m), c.param); break;
    case 'unaryGrad': call = () => b.unaryGrad(c.op, a.f32(A, n * m), a.f32(B, n * m), a.f32(C, n * m), c.param); break;
    case 'clamp': call = () => b.clamp(a.f32(A, n * m), a.f32(B, n * m), c.param, c.flag === true ? Infinity : c.param); break;
    case 'binary': {
      // [m, n] op [n] (a row broadcast) or [m, n] op [m, n]: nd 2, offsets 0, strides per operand
      const rowB = c.flag === true;
      const dv = dims([2, 0, 0, m, n, n, 1, rowB ? 0 : n, 1], c);
      call = () => b.binary(c.op, a.f32(A, m * n), a.f32(B, rowB ? n : m * n), a.f32(C, m * n), dv);
      break;
    }
    case 'reduce': {
      const idx = c.op === 3 || c.op === 4;
      call = () => b.reduce(c.op, a.f32(A, m * n * k), a.f32(B, m * k, idx ? Float64Array : Float32Array), m, n, k);
      break;
    }
    case 'softmax': call = () => b.softmax(a.f32(A, m * n), a.f32(B, m * n), m, n, c.flag); break;
    case 'softmaxGrad': call = () => b.softmaxGrad(a.f32(A, m * n), a.f32(B, m * n), a.f32(C, m * n), m, n, c.flag); break;
    case 'gemm': {
      const dv = dims(gemmValues(c, batch, typeof c.op === 'number' ? c.op % 4 : 0), c);
      call = () => b.gemm(a.f32(A, batch * m * k), a.f32(B, batch * k * n), a.f32(C, batch * m * n), c.flag === true ? a.f32(D, n) : null, dv, packed(b, c, a));
      break;
    }
    case 'packB': call = () => b.packB(a.f32(A, n * k), dims(gemmValues(c, 1, 0), c)); break;
    case 'sgdStep': {
      const hv = dims([0.1, c.flag === true ? 0.9 : 0, 0, 0.01, 0, 0, 1], c);
      call = () => b.sgdStep(a.f32(A, n * m), a.f32(B, n * m), a.f32(C, n * m), hv);
      break;
    }
    case 'adamStep': {
      const hv = dims([1e-3, 0.9, 0.999, 1e-8, 0, 1e-3, 1, 0, 0], c);
      call = () => b.adamStep(a.f32(A, n * m), a.f32(B, n * m), a.f32(C, n * m), a.f32(D, n * m), c.flag === true ? a.f32(E, n * m) : null, hv);
      break;
    }
    case 'setNumThreads': call = () => {
      try {
        b.setNumThreads(c.threads);
      } finally {
        b.setNumThreads(1);  // one core for the fuzz
      }
    }; break;
    case 'planCreate': {
      const s = planSpec(c);
      call = () => b.planCreate(s.code, c.flag === true ? s.slots : dims([s.k, s.n, s.n], c), c.extraDims ? c.threads : 2, c.batch);
      break;
    }
    case 'planSetWeight': {
      const s = planSpec(c);
      call = () => b.planSetWeight(planArg(b, c, a, s), c.extraDims ? c.threads : c.batch - 1, a.f32(A, s.n * s.k), c.flag === true ? a.f32(B, s.n) : null);
      break;
    }
    case 'planRun': {
      const s = planSpec(c), batch = c.extraDims ? c.threads : c.batch;
      call = () => b.planRun(planArg(b, c, a, s), c.extraDims ? [a.f32(A, c.batch * s.k)] : [a.f32(A, c.batch * s.k), a.f32(B, c.batch * s.n)], batch);
      break;
    }
    case 'planRunAsync': {
      const s = planSpec(c), batch = c.extraDims ? c.threads : c.batch;
      call = () => b.planRunAsync(planArg(b, c, a, s), [a.f32(A, c.batch * s.k), c.flag === true ? a.f32(B, c.batch * s.n) : null], batch);
      break;
    }
    default: throw new Error(`unknown binding function ${c.fn}`);
  }
  let result;
  try {
    result = call();
  } catch (e) {
    if (!(e instanceof Error)) return { kind: 'failure', why: `${c.fn} threw a non-Error: ${String(e)}` };
  }
  if (c.fn === 'planRunAsync' && result) {
    const s = planSpec(c);
    return result.then(
      (out) => {
        const breach = a.breach();
        if (breach) return { kind: 'failure', why: `${c.fn} ${breach}` };
        const ok = Array.isArray(out) && out.length === 1 && out[0] instanceof Float32Array && out[0].length === c.batch * s.n;
        return ok ? null : { kind: 'failure', why: `${c.fn} resolved to ${String(out)}` };
      },
      (e) => (e instanceof Error ? null : { kind: 'failure', why: `${c.fn} rejected with a non-Error: ${String(e)}` }),
    );
  }
  const breach = a.breach();
  return breach ? { kind: 'failure', why: `${c.fn} ${breach}` } : null;
}

export function describeBindingCase(c) {
  return `${c.fn} m=${c.m} n=${c.n} k=${c.k} batch=${c.batch} op=${String(c.op)} trans=${c.trans} flag=${String(c.flag)} arrays=${c.arrays.map((x) => `${x.kind}${x.adj ? (x.adj > 0 ? '+' : '') + x.adj : ''}`).join(',')} mutations=${JSON.stringify(c.mutations.map(([s, v]) => [s, String(v)]))} packed=${c.packed}`;
}
