/**
 * A restricted unpickler: the opcodes and globals of PyTorch's `weights_only=True` unpickler
 * (torch/_weights_only_unpickler.py, 1.13 and 2.x) and nothing else. It never calls anything:
 * a GLOBAL outside the list is an error naming it, the moment it is read; the allowed ones stay
 * tokens that the caller's `reduce` turns into data (tensors, parameters), and every other value
 * is built here as plain JS data.
 *
 * Python values become: None → null, bool → boolean, int → number (a bigint beyond ±2^53),
 * float → number, str → string, bytes → Uint8Array, list → array, tuple → frozen array,
 * set → Set, dict/OrderedDict → a plain object when every key is a str, else a Map.
 */

/** Globals PyTorch's weights_only unpickler admits by default (1.13 ∪ 2.x). */
const TORCH_DTYPES = ['float16', 'float32', 'float64', 'bfloat16', 'complex32', 'complex64', 'complex128', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool', 'half', 'float', 'double', 'long', 'int', 'short', 'cfloat', 'cdouble', 'quint8', 'qint8', 'qint32', 'quint4x2', 'quint2x4', 'float8_e5m2', 'float8_e4m3fn', 'uint16', 'uint32', 'uint64'];
const STORAGE_KINDS = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool', 'ComplexDouble', 'ComplexFloat', 'QUInt8', 'QInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4'];
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'collections.Counter',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  '_codecs.encode',
  'builtins.bytearray',
  'builtins.set',
  'builtins.complex',
  'torch._tensor._rebuild_from_type_v2',
  ...['_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter', '_rebuild_parameter_with_state',
    '_rebuild_sparse_tensor', '_rebuild_sparse_csr_tensor', '_rebuild_meta_tensor_no_storage', '_rebuild_qtensor',
    '_rebuild_wrapper_subclass', '_rebuild_device_tensor_from_numpy', '_rebuild_device_tensor_from_cpu_tensor'].map((f) => `torch._utils.${f}`),
  ...TORCH_DTYPES.map((d) => `torch.${d}`),
  ...STORAGE_KINDS.map((k) => `torch.${k}Storage`),
  'torch.storage.TypedStorage',
  'torch.storage.UntypedStorage',
  ...STORAGE_KINDS.slice(0, 10).map((k) => `torch.${k}Tensor`),
  ...['per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams'].map((q) => `torch.${q}`),
]);

/** Nesting deeper than this (Python's own pickler stops near 1000) is refused. */
export const MAX_DEPTH = 1000;
/** Memo entries: far above any checkpoint's (a few per tensor), far below memory trouble. */
export const MAX_MEMO = 1 << 20;

/** An allowed global as read: only `reduce` gives it meaning. */
export class PyGlobal {
  constructor(readonly name: string) {}
}

/** A dict while it is being built: keys in insertion order, plus BUILD's attributes (OrderedDict's _metadata). */
class PyDict extends Map<DictKey, unknown> {
  attrs: PyDict | null = null;
}
type DictKey = string | number | bigint | boolean | null;

export interface UnpickleHooks {
  /** BINPERSID: a storage reference (the id is a frozen array). */
  persistentLoad(pid: readonly unknown[]): unknown;
  /** REDUCE or NEWOBJ on an allowed torch.* global. */
  reduce(name: string, args: readonly unknown[]): unknown;
  /** A leaf of the result that is not plain data (a global used as a value, such as a dtype): what it stands for. */
  value(v: object): unknown;
}

const err = (what: string): never => {
  throw new Error(`torch.load: ${what}`);
};

const utf8 = new TextDecoder('utf-8');

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number) => {
    if (pos + n > bytes.length) err('data.pkl is truncated');
    const at = pos;
    pos += n;
    return at;
  };
  const pop = (): unknown => (stack.length === 0 ? err('data.pkl is corrupt (stack underflow)') : stack.pop());
  const top = (): unknown => (stack.length === 0 ? err('data.pkl is corrupt (stack underflow)') : stack[stack.length - 1]);
  const popMark = (): unknown[] => {
    const items = stack;
    stack = metastack.pop() ?? err('data.pkl is corrupt (no MARK)');
    return items;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) err('data.pkl is corrupt (bad GLOBAL)');
    const s = utf8.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const int = (v: bigint): number | bigint => (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v);
  const put = (i: number) => {
    if (!memo.has(i) && memo.size >= MAX_MEMO) err(`data.pkl memoizes more than ${MAX_MEMO} objects`);
    memo.set(i, top());
  };
  const get = (i: number) => (memo.has(i) ? memo.get(i) : err(`data.pkl is corrupt (memo ${i} is not set)`));
  const tuple = (items: unknown[]) => Object.freeze(items);
  const setItem = (d: unknown, k: unknown, v: unknown) => {
    if (!(d instanceof PyDict)) err(`SETITEM on a ${describe(d)}: only dicts take items`);
    (d as PyDict).set(dictKey(k), v);
  };

  for (;;) {
    const op = bytes[need(1)];
    switch (op) {
      case 0x80: // PROTO
        if (bytes[need(1)] > 5) err('data.pkl uses an unknown pickle protocol');
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || metastack.length !== 0) err('data.pkl is corrupt (unbalanced stack at STOP)');
        return finish(stack[0], hooks);
      case 0x63: { // GLOBAL
        let module = line();
        const name = line();
        if (module === '__builtin__') module = 'builtins';  // Python 2 names, as protocol 2 writes them
        const full = `${module}.${name}`;
        if (!ALLOWED_GLOBALS.has(full)) err(`unsupported global ${full}: only the globals of PyTorch's weights_only unpickler (tensors, storages, dtypes, OrderedDict) are allowed`);
        stack.push(new PyGlobal(full));
        break;
      }
      case 0x52: // REDUCE
      case 0x81: { // NEWOBJ
        const args = pop();
        const f = pop();
        if (!(f instanceof PyGlobal)) err(`${op === 0x52 ? 'REDUCE' : 'NEWOBJ'} on a ${describe(f)}: only allowed globals can be called`);
        if (!Array.isArray(args)) err(`${(f as PyGlobal).name} called with a ${describe(args)} instead of an argument tuple`);
        if (op === 0x81 && (f as PyGlobal).name !== 'torch.nn.parameter.Parameter') err(`NEWOBJ of ${(f as PyGlobal).name}: only nn.Parameter can be instantiated`);
        stack.push(reduce((f as PyGlobal).name, args as unknown[], hooks));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const inst = top();
        if (!(inst instanceof PyDict) || !(state instanceof PyDict)) err(`BUILD on a ${describe(inst)}: only an OrderedDict's attributes can be set`);
        (inst as PyDict).attrs = state as PyDict;
        break;
      }
      case 0x61: { // APPEND
        const item = pop();
        const list = top();
        if (!Array.isArray(list) || Object.isFrozen(list)) err(`APPEND to a ${describe(list)}: only lists can be appended to`);
        (list as unknown[]).push(item);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list) || Object.isFrozen(list)) err(`APPENDS to a ${describe(list)}: only lists can be extended`);
        for (const x of items) (list as unknown[]).push(x);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItem(top(), k, v);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        if (items.length % 2) err('data.pkl is corrupt (odd SETITEMS)');
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 0x28: // MARK
        if (metastack.length >= MAX_DEPTH) err(`data.pkl nests deeper than ${MAX_DEPTH} levels`);
        metastack.push(stack);
        stack = [];
        break;
      case 0x74: { // TUPLE
        const items = popMark(); // before `stack.push`: popMark replaces the stack
        stack.push(tuple(items));
        break;
      }
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: { // TUPLE2
        const b = pop(), a = pop();
        stack.push(tuple([a, b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop(), b = pop(), a = pop();
        stack.push(tuple([a, b, c]));
        break;
      }
      case 0x4e: stack.push(null); break; // NONE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(bytes[need(1)]); break; // BININT1
      case 0x4d: stack.push(view.getUint16(need(2), true)); break; // BININT2
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x8a: { // LONG1: little-endian two's complement
        const n = bytes[need(1)];
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]);
        if (n > 0 && bytes[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(int(v));
        break;
      }
      case 0x58: { // BINUNICODE
        const n = view.getUint32(need(4), true);
        stack.push(utf8.decode(bytes.subarray(need(n), pos)));
        break;
      }
      case 0x55: { // SHORT_BINSTRING (torch.load decodes these as utf-8)
        const n = bytes[need(1)];
        stack.push(utf8.decode(bytes.subarray(need(n), pos)));
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!Array.isArray(pid) || pid[0] !== 'storage') err(`persistent id ${describe(pid)}: only storages can be loaded`);
        stack.push(hooks.persistentLoad(pid as unknown[]));
        break;
      }
      case 0x68: stack.push(get(bytes[need(1)])); break; // BINGET
      case 0x6a: stack.push(get(view.getUint32(need(4), true))); break; // LONG_BINGET
      case 0x71: put(bytes[need(1)]); break; // BINPUT
      case 0x72: put(view.getUint32(need(4), true)); break; // LONG_BINPUT
      default:
        err(`data.pkl uses pickle opcode 0x${op.toString(16).padStart(2, '0')}, which PyTorch's weights_only unpickler does not allow`);
    }
  }
}

/** Python's name for what a value is, for error messages. */
function describe(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof PyGlobal) return v.name;
  if (v instanceof PyDict) return 'dict';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'tuple' : 'list';
  if (v instanceof Set) return 'set';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  return (v as object)?.constructor?.name ?? typeof v;
}

function dictKey(k: unknown): DictKey {
  if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
  return err(`dict keys of type ${describe(k)} are not supported`);
}

/** The non-torch globals build plain data here; torch's go to the caller. */
function reduce(name: string, args: unknown[], hooks: UnpickleHooks): unknown {
  switch (name) {
    case 'collections.OrderedDict':
    case 'collections.Counter': {
      const d = new PyDict();
      const init = args[0];
      if (args.length > 1) err(`${name} takes at most one argument`);
      if (init instanceof PyDict) for (const [k, v] of init) d.set(k, v);
      else if (init !== undefined) err(`${name} from a ${describe(init)} is not supported`);
      return d;
    }
    case 'builtins.set':
      if (args.length > 1 || (args.length === 1 && !Array.isArray(args[0]))) err('set() takes one list');
      return new Set((args[0] as unknown[] | undefined) ?? []);
    case '_codecs.encode': // bytes, as protocol 2 writes them: encode(str, 'latin1')
      if (typeof args[0] !== 'string' || args[1] !== 'latin1') err('_codecs.encode is only allowed as encode(str, "latin1")');
      return Uint8Array.from(args[0] as string, (c) => {
        const code = c.charCodeAt(0);
        return code < 256 ? code : err('_codecs.encode: a character outside latin1');
      });
    case 'builtins.bytearray':
      if (args.length === 0) return new Uint8Array(0);
      if (args[0] instanceof Uint8Array) return Uint8Array.from(args[0]);
      return err('bytearray() is only allowed from bytes');
    case 'builtins.complex':
      return err('complex numbers are not supported by kindling');
    default:
      return hooks.reduce(name, args);
  }
}

/**
 * Turns the unpickled graph into the caller's data: dicts into objects or Maps, tokens into values;
 * depth-first without recursion, so a hostile nesting depth or a cycle is an error, not a stack
 * overflow, and objects shared in the pickle (memo) stay shared.
 */
function finish(root: unknown, hooks: UnpickleHooks): unknown {
  const done = new Map<object, unknown>();
  const onPath = new Set<object>();
  interface Frame { node: object; children: unknown[]; i: number }
  const childrenOf = (n: object): unknown[] => {
    if (n instanceof PyDict) return [...[...n].flat(), ...(n.attrs ? [n.attrs] : [])];
    if (Array.isArray(n)) return n;
    if (n instanceof Set) return [...n];
    return [];
  };
  const isContainer = (v: unknown): v is object => v instanceof PyDict || Array.isArray(v) || v instanceof Set;
  const leaf = (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) ? hooks.value(v) : v);
  const resolved = (v: unknown) => (isContainer(v) ? done.get(v) : leaf(v));

  if (!isContainer(root)) return leaf(root);
  const path: Frame[] = [{ node: root, children: childrenOf(root), i: 0 }];
  onPath.add(root);
  while (path.length > 0) {
    const f = path[path.length - 1];
    if (f.i < f.children.length) {
      const c = f.children[f.i++];
      if (!isContainer(c) || done.has(c)) continue;
      if (onPath.has(c)) err('data.pkl holds a container that contains itself, which kindling does not load');
      if (path.length >= MAX_DEPTH) err(`data.pkl nests deeper than ${MAX_DEPTH} levels`);
      onPath.add(c);
      path.push({ node: c, children: childrenOf(c), i: 0 });
      continue;
    }
    path.pop();
    onPath.delete(f.node);
    done.set(f.node, build(f.node, resolved));
  }
  return done.get(root);
}

function build(n: object, resolved: (v: unknown) => unknown): unknown {
  if (Array.isArray(n)) {
    const out = n.map(resolved);
    return Object.isFrozen(n) ? Object.freeze(out) : out;
  }
  if (n instanceof Set) return new Set([...n].map(resolved));
  const d = n as PyDict;
  let out: Record<string, unknown> | Map<DictKey, unknown>;
  if ([...d.keys()].every((k) => typeof k === 'string')) {
    out = {};
    // defineProperty: a key such as "__proto__" is an ordinary key, never the prototype
    for (const [k, v] of d) Object.defineProperty(out, k as string, { value: resolved(v), enumerable: true, writable: true, configurable: true });
  } else {
    out = new Map([...d].map(([k, v]) => [k, resolved(v)]));
  }
  if (d.attrs) {
    // an OrderedDict's attributes (a state dict's _metadata) ride along, invisible to Object.keys
    for (const [k, v] of d.attrs) {
      if (typeof k !== 'string' || Object.hasOwn(out, k)) err(`an OrderedDict attribute ${String(k)} clashes with its keys`);
      Object.defineProperty(out, k as string, { value: resolved(v), enumerable: false, writable: true, configurable: true });
    }
  }
  return out;
}
