/**
 * Fuzz cases for the public API. Each case is an op with generated tensors (every dtype, empty and
 * odd shapes, views, special values) and generated or junk arguments. It runs on every backend that
 * loads; the JS backend is the reference, so a native result that differs is a wrong result. On any
 * backend an error must be an Error, an int64 result must hold integers and a bool result 0 or 1.
 */
import fc from 'fast-check';

const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3, 7, NaN, Infinity, -Infinity, 1e38, -3e38, 1e16, 1e-40, 2 ** 53, -(2 ** 31)];
const DTYPES = ['float32', 'float32', 'float64', 'int64', 'bool'];

const value = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
);
const dim = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(7, 13, 300) });
const shape = fc.array(dim, { maxLength: 3 }).filter((s) => s.reduce((a, b) => a * b, 1) <= 4000);
/** A tensor: its elements repeat a small palette in a seeded order, so large ones cost nothing to generate. */
const tensorSpec = fc.record({
  shape,
  dtype: fc.constantFrom(...DTYPES),
  palette: fc.array(value, { minLength: 1, maxLength: 5 }),
  seed: fc.nat(),
  view: fc.constantFrom('none', 'none', 'none', 't', 'narrow', 'expand'),
});
/** Arguments a caller might pass, sensible or not. */
const junk = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -1, 0.5, 1.5, null, undefined, 'abc', true, false, [], {}, 1e20, -0, 2 ** 53, [0, 1], [-1]) },
);

function materialize(torch, s) {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const raw = new Float64Array(n);
  let h = s.seed >>> 0;
  for (let i = 0; i < n; i++) {
    h = (Math.imul(h ^ (h >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    raw[i] = s.palette[h % s.palette.length];
  }
  let t = torch.tensor(raw).reshape(s.shape).to(s.dtype);
  if (s.view === 't' && t.ndim >= 2) t = t.transpose(0, 1);
  else if (s.view === 'narrow' && t.ndim >= 1 && t.shape[0] > 1) t = t.narrow(0, 1, t.shape[0] - 1);
  else if (s.view === 'expand') t = t.unsqueeze(0).expand(2, ...t.shape);
  if (t.dtype.is_floating_point) t = t.detach().requires_grad_();
  return t;
}

const u = (name) => [name, 1, fc.constant([]), (T, [x]) => x[name]()];
const b = (name) => [name, 2, fc.constant([]), (T, [x, y]) => T[name](x, y)];
/** [name, tensors, argument arbitrary, run(torch, tensors, args)] */
const OPS = [
  ...['neg', 'abs', 'exp', 'log', 'sqrt', 'sigmoid', 'tanh', 'relu', 'floor', 'ceil', 'round', 'trunc', 'sign', 'reciprocal', 'square', 'erf', 'sin', 'cos', 'log1p', 'expm1', 'rsqrt', 'contiguous', 'clone', 'tolist', 'item', 'logical_not'].map(u),
  ...['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'ge', 'logical_and', 'logical_xor', 'matmul', 'mm', 'atan2', 'equal'].map(b),
  ['gelu', 1, fc.constantFrom('none', 'tanh'), (T, [x], a) => T.nn.functional.gelu(x, { approximate: a })],
  ['silu', 1, fc.constant(0), (T, [x]) => T.nn.functional.silu(x)],
  ['softplus', 1, fc.constant(0), (T, [x]) => T.nn.functional.softplus(x)],
  ['leaky_relu', 1, junk, (T, [x], a) => T.nn.functional.leaky_relu(x, a)],
  ['elu', 1, junk, (T, [x], a) => T.nn.functional.elu(x, a)],
  ['to', 1, fc.constantFrom('float32', 'float64', 'int64', 'bool', 'half', null), (T, [x], d) => x.to(d)],
  ['clamp', 1, fc.tuple(junk, junk), (T, [x], [lo, hi]) => x.clamp(lo, hi)],
  ['pow_scalar', 1, junk, (T, [x], e) => x.pow(e)],
  ['scalar_pow', 1, junk, (T, [x], e) => T.pow(e, x)],
  ['add_scalar', 1, fc.tuple(junk, junk), (T, [x], [s, al]) => x.add(s, al)],
  ['div_mode', 2, fc.constantFrom('trunc', 'floor', null, 'x'), (T, [x, y], m) => T.div(x, y, m)],
  ['div_scalar_mode', 1, fc.tuple(junk, fc.constantFrom('trunc', 'floor')), (T, [x], [s, m]) => T.div(x, s, m)],
  ['where', 3, fc.constant(0), (T, [c, x, y]) => T.where(c.to('bool'), x, y)],
  ['masked_fill', 2, junk, (T, [x, m], v) => x.masked_fill(m.to('bool'), v)],
  ['fill_', 1, junk, (T, [x], v) => x.detach().clone().fill_(v)],
  ['add_', 2, fc.constant(0), (T, [x, y]) => x.detach().clone().add_(y)],
  ['mul_', 1, junk, (T, [x], v) => x.detach().clone().mul_(v)],
  ['copy_', 2, fc.constant(0), (T, [x, y]) => x.detach().clone().copy_(y)],
  ...['sum', 'mean', 'amax', 'amin', 'prod', 'std', 'var', 'logsumexp', 'norm', 'all', 'any'].map((name) => [name, 1, fc.tuple(junk, fc.boolean()), (T, [x], [d, k]) => T[name](x, d, k)]),
  ...['max', 'min', 'argmax', 'argmin'].map((name) => [name, 1, fc.tuple(junk, fc.boolean()), (T, [x], [d, k]) => x[name](d, k)]),
  ['softmax', 1, junk, (T, [x], d) => T.softmax(x, d)],
  ['log_softmax', 1, junk, (T, [x], d) => T.log_softmax(x, d)],
  ['cross_entropy', 2, fc.record({ reduction: fc.constantFrom('mean', 'sum', 'none'), label_smoothing: fc.constantFrom(0, 0, 0.1, -1), ignore_index: fc.constantFrom(-100, 0, 1) }), (T, [x, t], o) => T.nn.functional.cross_entropy(x, t, o)],
  ['mse_loss', 2, fc.constant(0), (T, [x, y]) => T.nn.functional.mse_loss(x, y)],
  ['bce', 2, fc.constant(0), (T, [x, y]) => T.nn.functional.binary_cross_entropy(x, y)],
  ['nll_loss', 2, fc.constant(0), (T, [x, t]) => T.nn.functional.nll_loss(x, t)],
  ['linear', 3, fc.constant(0), (T, [x, w, bias]) => T.nn.functional.linear(x, w, bias)],
  ['layer_norm', 1, junk, (T, [x], n) => T.nn.functional.layer_norm(x, [n])],
  ['dropout_eval', 1, junk, (T, [x], p) => T.nn.functional.dropout(x, p, false)],
  ['reshape', 1, fc.array(junk, { maxLength: 3 }), (T, [x], s) => x.reshape(s)],
  ['view', 1, fc.array(junk, { maxLength: 3 }), (T, [x], s) => x.view(...s)],
  ['permute', 1, fc.array(junk, { maxLength: 3 }), (T, [x], s) => x.permute(...s)],
  ['transpose', 1, fc.tuple(junk, junk), (T, [x], [a, c]) => x.transpose(a, c)],
  ['expand', 1, fc.array(junk, { maxLength: 4 }), (T, [x], s) => x.expand(...s)],
  ['narrow', 1, fc.tuple(junk, junk, junk), (T, [x], [d, s, l]) => x.narrow(d, s, l)],
  ['select', 1, fc.tuple(junk, junk), (T, [x], [d, i]) => x.select(d, i)],
  ['squeeze', 1, junk, (T, [x], d) => x.squeeze(d)],
  ['unsqueeze', 1, junk, (T, [x], d) => x.unsqueeze(d)],
  ['flatten', 1, fc.tuple(junk, junk), (T, [x], [a, c]) => x.flatten(a, c)],
  ['cat', 2, junk, (T, [x, y], d) => T.cat([x, y], d)],
  ['stack', 2, junk, (T, [x, y], d) => T.stack([x, y], d)],
  ['chunk', 1, fc.tuple(junk, junk), (T, [x], [c, d]) => T.chunk(x, c, d)],
  ['split', 1, fc.tuple(junk, junk), (T, [x], [c, d]) => T.split(x, c, d)],
  ['repeat', 1, fc.array(junk, { maxLength: 4 }), (T, [x], s) => x.repeat(s)],
  ['index_select', 2, junk, (T, [x, i], d) => T.index_select(x, d, i)],
  ['gather', 2, junk, (T, [x, i], d) => T.gather(x, d, i)],
  ['embedding', 2, fc.constant(0), (T, [i, w]) => T.nn.functional.embedding(i, w)],
  ['full', 0, fc.tuple(fc.array(junk, { maxLength: 3 }), junk, fc.constantFrom('float32', 'int64', 'bool', undefined)), (T, _, [s, v, d]) => T.full(s, v, { dtype: d })],
  ['arange', 0, fc.tuple(junk, junk, junk, fc.constantFrom('float32', 'int64', undefined)), (T, _, [a, e, s, d]) => T.arange(a, e, s, { dtype: d })],
  ['linspace', 0, fc.tuple(junk, junk, junk, fc.constantFrom('float32', 'int64', undefined)), (T, _, [a, e, s, d]) => T.linspace(a, e, s, { dtype: d })],
  ['zeros', 0, fc.array(junk, { maxLength: 3 }), (T, _, s) => T.zeros(...s)],
  ['eye', 0, fc.tuple(junk, junk), (T, _, [n, m]) => T.eye(n, m)],
  ['tensor', 0, fc.tuple(fc.array(fc.oneof(value, fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), fc.boolean()), { maxLength: 4 }), fc.constantFrom('float32', 'int64', 'bool', undefined)), (T, _, [v, d]) => T.tensor(v, { dtype: d })],
  ['frombuffer', 0, fc.tuple(fc.integer({ min: 0, max: 40 }), junk, junk, fc.constantFrom('float32', 'float64', 'bool', undefined)), (T, _, [n, count, offset, d]) => T.frombuffer(new ArrayBuffer(n), { count, offset, dtype: d })],
  ['randint', 0, fc.tuple(junk, junk), (T, _, [lo, hi]) => T.randint(lo, hi, [3])],
];

export const apiCase = fc.record({
  op: fc.integer({ min: 0, max: OPS.length - 1 }),
  tensors: fc.array(tensorSpec, { minLength: 3, maxLength: 3 }),
  args: fc.nat(),  // resolved below: each op has its own argument arbitrary
}).chain((c) => OPS[c.op][2].map((args) => ({ op: c.op, tensors: c.tensors, args })));

export function describeApiCase(c) {
  const [name, arity] = OPS[c.op];
  return `${name}(${c.tensors.slice(0, arity).map((s) => `${s.dtype}[${s.shape}]${s.view === 'none' ? '' : `.${s.view}`} of ${JSON.stringify(s.palette.map(String))}`).join(', ')}; args ${JSON.stringify(c.args, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? `${v}n` : v === undefined ? 'undefined' : v))})`;
}

/** A backend's outcome in comparable form. */
function outcome(torch, c) {
  const [, arity, , run] = OPS[c.op];
  let inputs;
  try {
    inputs = c.tensors.slice(0, arity).map((s) => materialize(torch, s));
  } catch (e) {
    return { setup: true, error: e };
  }
  let r;
  try {
    torch.manual_seed(0);
    r = run(torch, inputs, c.args);
  } catch (e) {
    return { error: e };
  }
  const out = { value: flat(r) };
  // gradients of a float result, with a contiguous upstream gradient (so native activation gradients run)
  if (r instanceof torch.Tensor && r.requires_grad && r.numel() > 0) {
    try {
      r.backward(torch.ones_like(r));
      out.grads = inputs.map((t) => (t.grad ? flat(t.grad) : null));
    } catch (e) {
      out.gradError = e;
    }
  }
  return out;
}

function flat(r) {
  if (r && typeof r === 'object' && typeof r.tolist === 'function') {
    const d = r.contiguous().toTypedArray();
    return { dtype: r.dtype.name, shape: [...r.shape], data: Array.from(d) };
  }
  if (Array.isArray(r)) return r.map(flat);
  return r;
}

function close(a, b) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-4 + 2e-3 * Math.max(Math.abs(a), Math.abs(b));
}

/** Why two flattened results differ, or null. */
function differ(a, b, path = 'result') {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return `${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
    for (let i = 0; i < a.length; i++) {
      const d = differ(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && typeof a === 'object' && 'dtype' in a) {
    if (!b || typeof b !== 'object' || a.dtype !== b.dtype || String(a.shape) !== String(b.shape)) return `${path}: ${a.dtype}[${a.shape}] vs ${b?.dtype}[${b?.shape}]`;
    for (let i = 0; i < a.data.length; i++) if (!close(a.data[i], b.data[i])) return `${path}[${i}] of ${a.dtype}[${a.shape}]: ${a.data[i]} vs ${b.data[i]}`;
    return null;
  }
  if (typeof a === 'number' && typeof b === 'number') return close(a, b) ? null : `${path}: ${a} vs ${b}`;
  return a === b || (a === null && b === null) ? null : `${path}: ${String(a)} vs ${String(b)}`;
}

const OVERFLOW = 'int64 arithmetic past 2^63 does not wrap around as in PyTorch but grows, up to ±inf (int64 is stored in a double, exact to 2^53)';

/** Broken invariants of one backend's result: thrown non-Errors, int64 fractions, bool not 0/1. */
function invalid(o) {
  for (const e of [o.error, o.gradError]) if (e !== undefined && !(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
  const check = (v) => {
    if (Array.isArray(v)) return v.map(check).find(Boolean) ?? null;
    if (!v || typeof v !== 'object' || !('dtype' in v)) return null;
    const fraction = (x) => Number.isNaN(x) || (Number.isFinite(x) && !Number.isInteger(x));
    if (v.dtype === 'int64' && v.data.some(fraction)) return `int64 result holds ${v.data.find(fraction)}`;
    if (v.dtype === 'int64' && v.data.some((x) => Math.abs(x) > 2 ** 63)) return OVERFLOW;
    if (v.dtype === 'bool' && v.data.some((x) => x !== 0 && x !== 1)) return 'bool result holds a value other than 0 and 1';
    return null;
  };
  return check(o.value) ?? (o.grads ? check(o.grads) : null);
}

/** Runs one case on every backend; returns null, or { kind: 'failure' | 'known', why }. */
export function runApiCase(torch, backends, c) {
  const results = [];
  for (const [name, kernels] of backends) {
    backends.use(kernels);
    const o = outcome(torch, c);
    const bad = invalid(o);
    if (bad === OVERFLOW) return { kind: 'known', why: bad };
    if (bad) return { kind: 'failure', why: `${name}: ${bad}` };
    results.push([name, o]);
  }
  if (results.length < 2) return null;
  const [[, ref], [other, o]] = results;
  let why = null;
  if ((ref.error === undefined) !== (o.error === undefined)) why = `js ${ref.error ? `threw ${ref.error.name}: ${ref.error.message}` : 'returned'}, ${other} ${o.error ? `threw ${o.error.name}: ${o.error.message}` : 'returned'}`;
  else if (ref.error) why = ref.error.name === o.error.name ? null : `error class: js ${ref.error.name}, ${other} ${o.error.name}: ${o.error.message}`;
  else why = differ(ref.value, o.value) ?? ((ref.gradError === undefined) !== (o.gradError === undefined) ? `backward: js ${ref.gradError?.message ?? 'ok'}, ${other} ${o.gradError?.message ?? 'ok'}` : ref.grads ? differ(ref.grads, o.grads, 'grads') : null);
  if (!why) return null;
  return { kind: 'failure', why: `js vs ${other}: ${why}` };
}
