/**
 * Python's side of the API: one parser for PyTorch's call form, Python's type names and repr().
 *
 * Every public function declares its Python signature once, as PyTorch's native_functions.yaml
 * writes it (`"cat(Tensor[] tensors, int dim=0)"`); `pyfn` parses it at module load and wraps the
 * implementation, which then always receives its arguments positionally, in signature order, with
 * defaults filled in. The caller may pass positional arguments, a trailing options object keyed by
 * the Python keyword, or both (`x.sum(1, { keepdim: true })`); mistakes get the messages of
 * PyTorch's PythonArgParser.
 */
import { isDeviceLike } from './device.js';
import { Tensor } from './tensor.js';
import { DType } from './dtype.js';
import { traceHook } from './inference/hook.js';

// ---- Python's names and repr() ------------------------------------------------------------------

/** A trailing options object keyed by PyTorch keyword (a plain object, not a Tensor or array). */
export function isOptions(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x) || x instanceof Tensor || ArrayBuffer.isView(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** A call's trailing options object: a plain object that is not itself iterable (a sampler may be). */
function isCallOptions(x: unknown): x is Record<string, unknown> {
  return isOptions(x) && !(Symbol.iterator in x);
}

/** The Python type name PyTorch would print for a JS value. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (v instanceof Tensor) return 'Tensor';
  if (v instanceof DType) return 'torch.dtype';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'function') return 'function';
  if (isOptions(v)) return 'dict';
  return (v as object).constructor?.name ?? 'object';
}

/** repr() of a Python float: `1.0`, `0.1`, `1e-05`, `inf`, `nan`. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // JS and Python agree on the shortest round-trip digits; they differ on when to use exponents
  const [mant, expStr] = v.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const neg = v < 0 ? '-' : '';
  let s: string;
  if (exp >= 0) {
    s = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : `${digits.padEnd(exp + 1, '0')}.0`;
  } else {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg + s;
}

/** repr() of a Python value: bool, int, float, str, None, tuple (arrays). */
export function pyRepr(v: unknown, asFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return asFloat ? pyFloat(v) : Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0], asFloat)},)` : `(${v.map((x) => pyRepr(x, asFloat)).join(', ')})`;
  return String(v);
}

// ---- signatures ---------------------------------------------------------------------------------

/**
 * A parameter's type as native_functions.yaml spells it, with how PyTorch names it in messages
 * and which JS values it accepts. `int[1]` (a dim) also takes one int; `Tensor|Number` is a Tensor
 * parameter that also takes a Python number, as `other` of the arithmetic ops does.
 */
const TYPES: Record<string, { display: string; check: (v: unknown) => boolean }> = {
  Tensor: { display: 'Tensor', check: (v) => v instanceof Tensor },
  'Tensor|Number': { display: 'Tensor', check: (v) => v instanceof Tensor || isNumber(v) },
  'Tensor[]': { display: 'tuple of Tensors', check: Array.isArray },
  // index_put_'s indices: Tensors or None (a whole dim), checked by the op
  'Tensor?[]': { display: 'tuple of Tensors', check: Array.isArray },
  int: { display: 'int', check: isInt },
  'int[]': { display: 'tuple of ints', check: Array.isArray },
  'int[1]': { display: 'tuple of ints', check: (v) => isInt(v) || Array.isArray(v) },
  'SymInt[]': { display: 'tuple of SymInts', check: Array.isArray },
  float: { display: 'float', check: isNumber },
  Scalar: { display: 'Number', check: isNumber },
  bool: { display: 'bool', check: (v) => typeof v === 'boolean' },
  str: { display: 'str', check: (v) => typeof v === 'string' },
  ScalarType: { display: 'torch.dtype', check: (v) => v instanceof DType || typeof v === 'string' },
  Device: { display: 'torch.device', check: isDeviceLike },
  Generator: { display: 'torch.Generator', check: (v) => typeof v === 'object' && v !== null && typeof (v as { manual_seed?: unknown }).manual_seed === 'function' },
  Callable: { display: 'Callable', check: (v) => typeof v === 'function' },
  dict: { display: 'dict', check: isOptions },
  Any: { display: 'object', check: (v) => v !== undefined },
};

function isInt(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}
function isNumber(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

export interface Param {
  name: string;
  type: string;
  /** None is accepted (the type ends in `?`, or the default is None). */
  nullable: boolean;
  /** The default; `undefined` marks a required parameter. */
  default: unknown;
  keywordOnly: boolean;
  /** `int...`: the sizes may also come as separate positional ints (torch.zeros(2, 3)). */
  varargs: boolean;
  /** The type's check, looked up once. */
  check: (v: unknown) => boolean;
  /** A list whose elements are checked too. */
  list: boolean;
}

export class Signature {
  readonly name: string;
  readonly params: readonly Param[];
  /** The number of parameters that may be given positionally. */
  readonly maxPositional: number;
  readonly minPositional: number;
  private readonly index: ReadonlyMap<string, number>;
  /** Where `int...` sizes start (0, or 1 after self), or -1. */
  readonly varargsAt: number;
  /** The keyword-only `out` parameter's index, or -1: torch.* functions take it, Tensor methods do not. */
  readonly outAt: number;

  /** `python`: a function PyTorch writes in Python, whose missing-argument message is Python's own. */
  constructor(readonly spec: string, readonly python = false) {
    const m = /^([\w.]+)\((.*)\)$/.exec(spec.trim());
    if (!m) throw new Error(`bad signature: ${spec}`);
    this.name = m[1];
    const params: Param[] = [];
    let keywordOnly = false;
    for (const part of m[2].split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (part === '*') {
        keywordOnly = true;
        continue;
      }
      const pm = /^(\S+?)(\?)?(\.\.\.)? (\w+)(?:=(.+))?$/.exec(part);
      if (!pm) throw new Error(`bad parameter '${part}' in ${spec}`);
      const [, rawType, q, dots, name, def] = pm;
      const type = dots ? (rawType === 'SymInt' ? 'SymInt[]' : 'int[]') : rawType;
      if (!(type in TYPES)) throw new Error(`unknown type '${rawType}' in ${spec}`);
      const value = def === undefined ? undefined : parseDefault(def);
      const list = type === 'Tensor[]' || type === 'int[]' || type === 'int[1]' || type === 'SymInt[]';
      params.push({ name, type, nullable: Boolean(q) || value === null, default: value, keywordOnly, varargs: Boolean(dots), check: TYPES[type].check, list });
    }
    this.params = params;
    this.maxPositional = params.filter((p) => !p.keywordOnly).length;
    this.minPositional = params.filter((p) => !p.keywordOnly && p.default === undefined).length;
    this.index = new Map(params.map((p, i) => [p.name, i]));
    this.varargsAt = params[0]?.varargs ? 0 : params[1]?.varargs && !params[0].keywordOnly ? 1 : -1;
    this.outAt = params.findIndex((p) => p.keywordOnly && p.name === 'out');
  }

  /** As PyTorch prints it in "expected one of": `(Tensor input, int dim, *, bool keepdim)`; a method's without self. */
  toString(self = 0): string {
    const parts: string[] = [];
    let kw = false;
    for (const p of this.params.slice(self)) {
      if (p.keywordOnly && !kw) {
        parts.push('*');
        kw = true;
      }
      parts.push(`${TYPES[p.type].display} ${p.name}`);
    }
    return `(${parts.join(', ')})`;
  }

  /**
   * The values in signature order, or (when `raise` is false) null if the call does not match.
   * `args` is the JS argument list; a trailing options object holds the keyword arguments.
   * `self` is 1 for a method call (args[0] is the tensor), which messages do not count, as PyTorch's.
   */
  parse(args: readonly unknown[], raise = true, self = 0): unknown[] | null {
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    let kwargs: Record<string, unknown> | null = null;
    if (n > 0 && isCallOptions(args[n - 1]) && !this.takesDictAt(n - 1)) kwargs = args[--n] as Record<string, unknown>;
    const fn = this.name;
    const params = this.params;
    const first = this.varargsAt;
    // sizes as varargs: torch.zeros(2, 3) is torch.zeros([2, 3]); x.view(2, -1) is x.view([2, -1])
    let positional: readonly unknown[] = args;
    if (first >= 0 && n > first + 1 && !Array.isArray(args[first])) {
      positional = [...args.slice(0, first), args.slice(first, n)];
      n = first + 1;
    } else if (first >= 0 && n === first + 1 && isInt(args[first])) {
      positional = [...args.slice(0, first), [args[first]]];
    }
    if (n > this.maxPositional) {
      if (!raise) return null;
      const max = this.maxPositional - self, min = this.minPositional - self, got = n - self;
      if (min !== max) throw new TypeError(`${fn}() takes from ${min} to ${max} positional arguments but ${got} were given`);
      throw new TypeError(`${fn}() takes ${max} positional argument${max === 1 ? '' : 's'} but ${got} ${got === 1 ? 'was' : 'were'} given`);
    }
    const out = new Array<unknown>(params.length);
    let used = 0;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      let v: unknown;
      let keyword = false;
      if (i === this.outAt && self === 1) {
        out[i] = p.default;
        continue;
      }
      if (i < n) v = positional[i];
      if (v === undefined && kwargs !== null) {
        v = kwargs[p.name];
        if (v !== undefined) {
          keyword = true;
          used++;
        }
      }
      if (v === undefined || (v === null && p.nullable)) {
        if (p.default === undefined && !(v === null && p.nullable)) {
          if (!raise) return null;
          this.missing(i);
        }
        out[i] = v === null ? null : p.default;
        continue;
      }
      if (!p.check(v)) {
        if (!raise) return null;
        const where = keyword ? '' : ` (position ${i + 1 - self})`;
        throw new TypeError(`${fn}(): argument '${p.name}'${where} must be ${TYPES[p.type].display}, not ${pyType(v)}`);
      }
      if (p.list) {
        if (raise) checkElements(fn, p, v, i - self);
        else if (!elementsOk(p, v)) return null;
      }
      out[i] = typeof v === 'bigint' && (p.type === 'int' || p.type === 'float') ? Number(v) : v;
    }
    if (kwargs !== null) {
      let given = 0;
      for (const k in kwargs) if (kwargs[k] !== undefined) given++;
      if (given > used) {
        if (!raise) return null;
        for (const k in kwargs) {
          if (kwargs[k] === undefined) continue;
          const j = this.index.get(k);
          if (j === undefined || (j === this.outAt && self === 1)) throw new TypeError(`${fn}() got an unexpected keyword argument '${k}'`);
          if (j < n && positional[j] !== undefined) throw new TypeError(`${fn}() got multiple values for argument '${k}'`);
        }
      }
    }
    return out;
  }

  /** Whether a plain object at argument position i is a value (a dict parameter), not options. */
  private takesDictAt(i: number): boolean {
    const p = this.params[i];
    return p !== undefined && !p.keywordOnly && p.type === 'dict';
  }

  private missing(from: number): never {
    if (this.python) {
      const names = this.params.slice(from).filter((p) => p.default === undefined).map((p) => `'${p.name}'`);
      const list = names.length === 1 ? names[0] : names.length === 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')}, and ${names[names.length - 1]}`;
      throw new TypeError(`${this.name}() missing ${names.length} required positional argument${names.length === 1 ? '' : 's'}: ${list}`);
    }
    const names = this.params.slice(from).filter((p) => p.default === undefined && !p.nullable).map((p) => `"${p.name}"`);
    // PyTorch's own message pluralises backwards ("1 required positional arguments"); kept as is
    throw new TypeError(`${this.name}() missing ${names.length} required positional argument${names.length === 1 ? 's' : ''}: ${names.join(', ')}`);
  }
}

function parseDefault(s: string): unknown {
  if (s === 'None') return null;
  if (s === 'True') return true;
  if (s === 'False') return false;
  if (/^'.*'$/.test(s)) return s.slice(1, -1);
  if (s === '[]') return [];
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`bad default '${s}'`);
  return v;
}

function elementsOk(p: Param, v: unknown): boolean {
  if (!Array.isArray(v)) return true;
  if (p.type === 'Tensor[]') return v.every((t) => t instanceof Tensor);
  if (p.type === 'int[]' || p.type === 'int[1]' || p.type === 'SymInt[]') return v.every(isInt);
  return true;
}

function checkElements(fn: string, p: Param, v: unknown, pos: number): void {
  if (!Array.isArray(v)) return;
  if (p.type === 'Tensor[]') {
    v.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`expected Tensor as element ${i} in argument ${pos}, but got ${pyType(t)}`);
    });
  } else if (p.type === 'int[]' || p.type === 'int[1]' || p.type === 'SymInt[]') {
    v.forEach((x, i) => {
      if (!isInt(x)) throw new TypeError(`${fn}(): argument '${p.name}' must be ${TYPES[p.type].display}, but found element of type ${pyType(x)} at pos ${i + 1}`);
    });
  }
}

/** The arguments as PyTorch lists them after "got": `(Tensor, int, dim=str)`; a method's without self. */
function describeCall(args: readonly unknown[], self: number): string {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const parts: string[] = [];
  let kwargs: Record<string, unknown> | null = null;
  if (n > self && isCallOptions(args[n - 1])) kwargs = args[--n] as Record<string, unknown>;
  for (let i = self; i < n; i++) parts.push(pyType(args[i]));
  if (kwargs) for (const k in kwargs) if (kwargs[k] !== undefined) parts.push(`${k}=${pyType(kwargs[k])}`);
  return `(${parts.join(', ')})`;
}

/**
 * Overloads, tried in order as PyTorch does; the values come back in the order of `names` (every
 * parameter name of every overload, first appearance first), absent ones undefined.
 */
export class Overloads {
  readonly name: string;
  readonly names: readonly string[];
  /** Where each signature's values go in `names` order. */
  private readonly slots: readonly (readonly number[])[];
  constructor(readonly signatures: readonly Signature[]) {
    this.name = signatures[0].name;
    const names: string[] = [];
    for (const s of signatures) for (const p of s.params) if (!names.includes(p.name)) names.push(p.name);
    this.names = names;
    this.slots = signatures.map((s) => s.params.map((p) => names.indexOf(p.name)));
  }

  parse(args: readonly unknown[], self = 0): unknown[] {
    if (this.signatures.length === 1) return this.signatures[0].parse(args, true, self) as unknown[];
    for (let k = 0; k < this.signatures.length; k++) {
      const v = this.signatures[k].parse(args, false, self);
      if (v === null) continue;
      const out = new Array<unknown>(this.names.length);
      const slots = this.slots[k];
      for (let i = 0; i < v.length; i++) out[slots[i]] = v[i];
      return out;
    }
    const expected = this.signatures.map((s) => ` * ${s.toString(self)}\n`).join('');
    throw new TypeError(`${this.name}() received an invalid combination of arguments - got ${describeCall(args, self)}, but expected one of:\n${expected}`);
  }
}

// ---- the fast path ----------------------------------------------------------------------------

/**
 * Most calls pass every argument positionally with the right types. For those, a function compiled
 * once per declaration (as the JS backend's loops are) checks each argument inline and calls the
 * implementation directly with the defaults filled in: no arrays, no options lookup, no messages.
 * It decides a call exactly as Signature.parse does, so an overload it rejects is one parse would
 * reject too; anything else (a trailing options object or undefined, a call that matches no
 * overload) goes to `slow`, the full parser, which also builds every message.
 */
type Call = (...args: unknown[]) => unknown;
function compileFastPath(o: Overloads, method = false): (impl: Call, slow: Call) => Call {
  // sizes as varargs get named parameters too, for up to 6 dimensions
  const arity = Math.max(0, ...o.signatures.map((s) => (s.varargsAt >= 0 ? s.varargsAt + 6 : s.maxPositional)));
  const a = (i: number) => (i < arity ? `a${i}` : `arguments[${i}]`);
  const implArgs = (s: Signature, k: number) => o.names.map((name) => {
    const i = s.params.findIndex((p) => p.name === name);
    return i < 0 ? 'undefined' : `v${k}_${i}`;
  });
  /** Takes `x` (an expression, undefined when not given) as parameter i's value v<k>_<i>, or `fail`s. */
  const bind = (s: Signature, k: number, i: number, x: string, fail: string) => {
    const p = s.params[i];
    const v = `v${k}_${i}`;
    const def = p.default === undefined ? fail : `${v} = ${literal(p.default, `D[${k}][${i}]`)};`;
    return [
      `let ${v};`,
      `if (${x} === undefined) ${def}`,
      ...(p.nullable ? [`else if (${x} === null) ${v} = null;`] : []),
      `else if (!(${checkCode(p.type, x, `C[${k}][${i}]`)})) ${fail}`,
      p.type === 'int' || p.type === 'float' ? `else ${v} = typeof ${x} === 'bigint' ? Number(${x}) : ${x};` : `else ${v} = ${x};`,
    ];
  };
  const blocks = o.signatures.map((s, k) => {
    const lines: string[] = [];
    const first = s.varargsAt;
    let count = 'n';
    if (first >= 0) {
      // torch.zeros(2, 3) is torch.zeros([2, 3]), as parse packs it
      lines.push(`let x${k} = ${a(first)}, n${k} = n;`);
      const cases = [];
      for (let m = first + 2; m <= arity; m++) cases.push(`case ${m}: x${k} = [${Array.from({ length: m - first }, (_, j) => a(first + j)).join(', ')}]; break;`);
      lines.push(`if (n > ${first + 1} && !Array.isArray(x${k})) {`);
      lines.push(`switch (n) { ${cases.join(' ')} default: x${k} = []; for (let j = ${first}; j < n; j++) x${k}.push(arguments[j]); }`);
      lines.push(`n${k} = ${first + 1};`);
      lines.push('}');
      lines.push(`else if (n === ${first + 1} && isInt(x${k})) x${k} = [x${k}];`);
      count = `n${k}`;
    }
    lines.push(`if (${count} > ${s.maxPositional}) break s${k};`);
    s.params.forEach((p, i) => {
      if (p.keywordOnly) {
        // not given without an options object
        lines.push(p.default === undefined ? `break s${k};` : `const v${k}_${i} = ${literal(p.default, `D[${k}][${i}]`)};`);
        return;
      }
      // after packed sizes, parse sees no further positional arguments
      const x = i === first ? `x${k}` : first >= 0 && i > first ? `(n${k} > ${i} ? ${a(i)} : undefined)` : a(i);
      lines.push(...bind(s, k, i, x, `break s${k};`));
    });
    lines.push(callCode(implArgs(s, k)));
    return `s${k}: {\n${lines.join('\n')}\n}`;
  });
  // a trailing options object: compiled too for a single signature without sizes as varargs; the
  // values are bound as parse binds them, and any doubt (an unknown or repeated keyword, a wrong
  // type) leaves the call to parse
  let keywords = '';
  const s = o.signatures[0];
  if (o.signatures.length === 1 && s.varargsAt < 0) {
    const lines: string[] = [];
    const dicts = s.params.flatMap((p, i) => (!p.keywordOnly && p.type === 'dict' ? [`n === ${i + 1}`] : []));
    lines.push(`if (isCallOptions(last)${dicts.map((d) => ` && !(${d})`).join('')} && n <= ${s.maxPositional + 1}) kw: {`);
    lines.push('let used = 0, k;');
    s.params.forEach((p, i) => {
      const x = `x_${i}`;
      lines.push(`let ${x} = ${p.keywordOnly ? 'undefined' : `n > ${i + 1} ? ${a(i)} : undefined`};`);
      // a method's out= stays unbound: the key count below then leaves the call to parse, which refuses it
      if (!(method && i === s.outAt)) lines.push(`if (${x} === undefined && (k = last[${JSON.stringify(p.name)}]) !== undefined) { ${x} = k; used++; }`);
      lines.push(...bind(s, 0, i, x, 'break kw;'));
    });
    // every enumerable key bound (parse counts only the defined ones; any doubt goes to parse)
    lines.push('let keys = 0;');
    lines.push('for (const key in last) keys++;');
    lines.push('if (keys !== used) break kw;');
    lines.push(callCode(implArgs(s, 0)));
    lines.push('}');
    keywords = lines.join('\n');
  }
  const params = Array.from({ length: arity }, (_, i) => `a${i}`).join(', ');
  // the last argument by name where it has one: indexing arguments by a variable costs more
  const lastArg = Array.from({ length: arity }, (_, i) => `n === ${i + 1} ? a${i} : `).join('') + 'arguments[n - 1]';
  const source = `return function fast_${o.name.replace(/\W/g, '_')}(${params}) {
const n = arguments.length;
if (n !== 0) {
  const last = ${lastArg};
  if (last === undefined || (typeof last === 'object' && last !== null && !isTensor(last) && !Array.isArray(last) && !isDType(last))) {
${keywords}
return slowly(slow, this, arguments);
  }
}
${blocks.join('\n')}
return slowly(slow, this, arguments);
};`;
  const D = o.signatures.map((s) => s.params.map((p) => p.default));
  const C = o.signatures.map((s) => s.params.map((p) => p.check));
  const make = new Function('impl', 'slow', 'D', 'C', 'isTensor', 'isDType', 'isInt', 'isNumber', 'allTensors', 'allInts', 'isCallOptions', 'slowly', 'TR', 'O', source) as (...h: unknown[]) => Call;
  return (impl, slow) => make(impl, slow, D, C, isTensor, isDType, isInt, isNumber, allTensors, allInts, isCallOptions, slowly, traceHook, o);
}

/** The compiled call of impl with its bound arguments, reported to a running trace (inference/hook.ts). */
function callCode(args: readonly string[]): string {
  return `return TR.active === null ? impl.call(this, ${args.join(', ')}) : TR.active.call(O, impl, this, [${args.join(', ')}]);`;
}

/** A default as a literal in the compiled code where it is one, else a reference to the value. */
function literal(v: unknown, ref: string): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) return String(v);
  return ref;
}

/** The check of TYPES[type], inline for the common types (the same predicates). */
function checkCode(type: string, x: string, ref: string): string {
  switch (type) {
    case 'Tensor': return `isTensor(${x})`;
    case 'Tensor|Number': return `isTensor(${x}) || isNumber(${x})`;
    case 'Tensor[]': return `Array.isArray(${x}) && allTensors(${x})`;
    case 'int': return `isInt(${x})`;
    case 'int[]': case 'SymInt[]': return `Array.isArray(${x}) && allInts(${x})`;
    case 'int[1]': return `isInt(${x}) || (Array.isArray(${x}) && allInts(${x}))`;
    case 'float': case 'Scalar': return `isNumber(${x})`;
    case 'bool': return `typeof ${x} === 'boolean'`;
    case 'str': return `typeof ${x} === 'string'`;
    default: return `${ref}(${x})`;
  }
}

/** The full parser's call, out of line: the compiled path then never materialises `arguments`. */
function slowly(slow: Call, self: unknown, args: IArguments): unknown {
  return slow.apply(self, args as unknown as unknown[]);
}
function isTensor(v: unknown): boolean {
  return v instanceof Tensor;
}
function isDType(v: unknown): boolean {
  return v instanceof DType;
}
function allTensors(v: readonly unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (!(v[i] instanceof Tensor)) return false;
  return true;
}
function allInts(v: readonly unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (!isInt(v[i])) return false;
  return true;
}

// ---- wrapping functions -------------------------------------------------------------------------

/** Where a wrapped function keeps its signatures (the call-form tests read it). */
export const SIGNATURE = Symbol('kindling.signature');
/** Where a wrapped function keeps its method form: (self, ...args), messages not counting self. */
export const METHOD = Symbol('kindling.method');

/** Every signature declared for a Tensor method, by method name. */
export const METHOD_SIGNATURES = new Map<string, Overloads>();

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type Inner<S extends string> = S extends `${string}(${infer P})` ? P : never;
type Split<S extends string> = S extends `${infer H},${infer T}` ? [Trim<H>, ...Split<T>] : [Trim<S>];
type NameOf<P extends string> = P extends `${infer L}=${string}` ? NameOf<L> : P extends `${string} ${infer N}` ? N : never;
type Names<L extends string[]> = L extends [infer H extends string, ...infer T extends string[]] ? (H extends '*' | '' ? Names<T> : [NameOf<H>, ...Names<T>]) : [];
/** The keyword names of a signature string, in order (`*` dropped). */
export type KwNames<S extends string> = Names<Split<Inner<S>>>;
/** The options object: each keyword typed as the implementation's parameter at its position. */
export type Kwargs<N extends string[], P extends readonly unknown[]> = { [I in keyof N as I extends `${number}` ? N[I] : never]?: I extends keyof P ? P[I] | null : never };
/** Any positional prefix, optionally followed by the options object. */
export type CallForms<P extends readonly unknown[], K> = [K?] | (P extends readonly [infer H, ...infer T] ? [H, ...CallForms<T, K>] : never);
type Fn = (...args: never[]) => unknown;
/** The public type of a wrapped function: positional arguments, an options object, or both. */
export type PyFn<S extends string, F extends Fn> = ((...args: CallForms<Required<Parameters<F>>, Kwargs<KwNames<S>, Required<Parameters<F>>>>) => ReturnType<F>) & { [SIGNATURE]: Overloads };
/** The arguments of the method form (self dropped). */
export type MethodArgs<F> = F extends (...args: infer A) => unknown ? (A extends [unknown, ...infer R] ? R : []) : never;

/**
 * Wraps `impl` so that it accepts PyTorch's call forms for `spec` (one signature, or overloads
 * tried in order); `impl` receives the values positionally. `method` also declares it as the
 * Tensor method of that name (self is the first parameter); `python` marks a function PyTorch
 * writes in Python (torch.nn.functional), for its missing-argument message.
 */
export function pyfn<S extends string, F extends Fn>(spec: S | readonly S[], impl: F, opts: { method?: boolean; python?: boolean } = {}): PyFn<S, F> {
  const o = new Overloads((typeof spec === 'string' ? [spec] : spec).map((s) => new Signature(s, opts.python)));
  const call = impl as unknown as (...args: unknown[]) => unknown;
  const fast = compileFastPath(o);
  const fastMethod = o.signatures.some((s) => s.outAt >= 0) ? compileFastPath(o, true) : fast;
  const run = (self: unknown, values: unknown[]) => (traceHook.active === null ? call.apply(self, values) : traceHook.active.call(o, call, self, values));
  const wrapped = fast(call, function (this: unknown, ...args: unknown[]) {
    return run(this, o.parse(args));
  });
  Object.defineProperty(wrapped, 'name', { value: o.name });
  Object.defineProperty(wrapped, SIGNATURE, { value: o });
  Object.defineProperty(wrapped, METHOD, { value: fastMethod(call, (...args: unknown[]) => run(undefined, o.parse(args, 1))) });
  if (opts.method) METHOD_SIGNATURES.set(o.name, o);
  return wrapped as unknown as PyFn<S, F>;
}

/**
 * Binds the arguments of a constructor whose parameters are checked by its body (nn modules,
 * optimizers, schedulers): `names` may be given positionally, `keywordOnly` only by keyword;
 * `fixed` leading parameters (self, params) are already taken and only count in messages.
 * Values not given come back undefined.
 */
export function bindUntyped(fn: string, given: readonly unknown[], names: readonly string[], keywordOnly: readonly string[] = [], fixed = 1): unknown[] {
  // a constructor's own parameter defaults may follow the options object: it ends the call
  const end = given.findIndex(isCallOptions);
  const args = end >= 0 ? given.slice(0, end + 1) : given;
  let sig = UNTYPED.get(fn);
  if (!sig) {
    const params = [
      ...['self', 'params'].slice(0, fixed).map((k) => `Any ${k}`),
      ...names.map((k) => `Any? ${k}=None`),
      ...(keywordOnly.length > 0 ? ['*', ...keywordOnly.map((k) => `Any? ${k}=None`)] : []),
    ];
    sig = new Signature(`${fn}(${params.join(', ')})`);
    UNTYPED.set(fn, sig);
  }
  const n = names.length + keywordOnly.length;
  // explicit nulls survive (a meaningful None, e.g. momentum=None); absent values are undefined
  const values = sig.parse([...new Array<unknown>(fixed).fill(0), ...args]) as unknown[];
  const out = values.slice(fixed, fixed + n);
  const kw = isCallOptions(args[args.length - 1]) ? (args[args.length - 1] as Record<string, unknown>) : null;
  return out.map((v, i) => (v === null && args[i] !== null && !(kw !== null && kw[sig!.params[fixed + i].name] === null) ? undefined : v));
}
const UNTYPED = new Map<string, Signature>();

/** The signatures a wrapped function declares, or undefined for one that declares none. */
export function signatureOf(f: unknown): Overloads | undefined {
  return typeof f === 'function' ? (f as { [SIGNATURE]?: Overloads })[SIGNATURE] : undefined;
}
