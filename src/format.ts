/**
 * Tensor printing, byte-for-byte as PyTorch 1.13 prints it (torch/_tensor_str.py).
 *
 * Python formats floats with correctly rounded, round-half-to-even `{:.Nf}` / `{:.Ne}`;
 * JavaScript's toFixed/toExponential round ties away from zero, so numbers are formatted
 * here from their exact binary value with BigInt arithmetic.
 */
import type { DType } from './dtype.js';
import { get_default_dtype } from './dtype.js';

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sci_mode: boolean | null;
}

/** The live print options (PyTorch's PRINT_OPTS). */
export const printOptions: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null };

/** torch.set_printoptions: like PyTorch, sci_mode is reset to null (automatic) unless given. */
export function set_printoptions(opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  const o = printOptions;
  if (opts.profile !== undefined && opts.profile !== null) {
    if (opts.profile === 'default') Object.assign(o, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
    else if (opts.profile === 'short') Object.assign(o, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
    else if (opts.profile === 'full') Object.assign(o, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
  }
  if (opts.precision !== undefined && opts.precision !== null) o.precision = opts.precision;
  if (opts.threshold !== undefined && opts.threshold !== null) o.threshold = opts.threshold;
  if (opts.edgeitems !== undefined && opts.edgeitems !== null) o.edgeitems = opts.edgeitems;
  if (opts.linewidth !== undefined && opts.linewidth !== null) o.linewidth = opts.linewidth;
  o.sci_mode = opts.sci_mode ?? null;
}

// ---------------------------------------------------------------------------------------------
// Exact decimal formatting of doubles (Python's float.__format__ with 'f' and 'e')

const view = new DataView(new ArrayBuffer(8));

/** x = mant * 2^exp exactly, for finite x > 0. */
function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) return [m, -1074];
  return [m | (1n << 52n), e - 1075];
}

const pow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  if (n < 64) return (pow10Cache[n] ??= 10n ** BigInt(n));
  return 10n ** BigInt(n);
}

/** round(num / den), ties to even; num, den > 0. */
function roundDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's '{:.<p>f}'.format(x). */
export function formatFixed(x: number, p: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const sign = isNegative(x) ? '-' : '';
  const a = Math.abs(x);
  let digits: string;
  if (a === 0) {
    digits = '0'.repeat(p + 1);
  } else if (Number.isInteger(a) && a <= Number.MAX_SAFE_INTEGER) {
    digits = String(a) + '0'.repeat(p);
  } else {
    const [m, e] = decompose(a);
    // a * 10^p = m * 2^e * 10^p
    const n = e >= 0 ? (m << BigInt(e)) * pow10(p) : roundDiv(m * pow10(p), 1n << BigInt(-e));
    digits = n.toString().padStart(p + 1, '0');
  }
  if (p === 0) return sign + digits;
  return sign + digits.slice(0, digits.length - p) + '.' + digits.slice(digits.length - p);
}

/** Python's '{:.<p>e}'.format(x). */
export function formatExp(x: number, p: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const sign = isNegative(x) ? '-' : '';
  const a = Math.abs(x);
  let mant: string;
  let exp: number;
  if (a === 0) {
    mant = '0'.repeat(p + 1);
    exp = 0;
  } else {
    const [m, e] = decompose(a);
    exp = Math.floor(Math.log10(a));
    const lo = pow10(p);
    const hi = pow10(p + 1);
    let n = 0n;
    for (;;) {
      // a / 10^(exp - p) = m * 2^e * 10^(p - exp)
      const k = p - exp;
      let num = m;
      let den = 1n;
      if (e >= 0) num <<= BigInt(e);
      else den <<= BigInt(-e);
      if (k >= 0) num *= pow10(k);
      else den *= pow10(-k);
      const fl = num / den;
      if (fl < lo) {
        exp -= 1;
        continue;
      }
      if (fl >= hi) {
        exp += 1;
        continue;
      }
      n = roundDiv(num, den);
      if (n === hi) {
        n = lo;
        exp += 1;
      }
      break;
    }
    mant = n.toString();
  }
  const body = p === 0 ? mant : mant[0] + '.' + mant.slice(1);
  const es = exp < 0 ? '-' : '+';
  return `${sign}${body}e${es}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's str() of an integral number. */
function formatInt(x: number): string {
  if (!Number.isFinite(x)) return nonFinite(x)!;
  if (Number.isSafeInteger(x)) return String(x === 0 ? 0 : x);
  return BigInt(Math.trunc(x)).toString();
}

// ---------------------------------------------------------------------------------------------
// _Formatter

class Formatter {
  readonly floating: boolean;
  readonly isBool: boolean;
  int_mode = true;
  sci_mode = false;
  max_width = 1;

  constructor(dtype: DType, vals: readonly number[]) {
    this.floating = dtype.is_floating_point;
    this.isBool = dtype.name === 'bool';
    const p = printOptions.precision;
    if (!this.floating) {
      for (const v of vals) this.max_width = Math.max(this.max_width, this.plain(v).length);
      if (printOptions.sci_mode !== null) this.sci_mode = printOptions.sci_mode;
      return;
    }
    const nz = vals.filter((v) => Number.isFinite(v) && v !== 0);
    // no valid number: keep int_mode, and (as in PyTorch) skip the sci_mode override
    if (nz.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of nz) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    for (const v of nz) {
      if (v !== Math.ceil(v)) {
        this.int_mode = false;
        break;
      }
    }
    if (this.int_mode) {
      if (max / min > 1000.0 || max > 1.0e8) {
        this.sci_mode = true;
        for (const v of nz) this.max_width = Math.max(this.max_width, formatExp(v, p).length);
      } else {
        for (const v of nz) this.max_width = Math.max(this.max_width, formatFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
      this.sci_mode = true;
      for (const v of nz) this.max_width = Math.max(this.max_width, formatExp(v, p).length);
    } else {
      for (const v of nz) this.max_width = Math.max(this.max_width, formatFixed(v, p).length);
    }
    if (printOptions.sci_mode !== null) this.sci_mode = printOptions.sci_mode;
  }

  private plain(v: number): string {
    if (this.isBool) return v ? 'True' : 'False';
    return formatInt(v);
  }

  format(v: number): string {
    let ret: string;
    if (this.floating) {
      if (this.sci_mode) ret = formatExp(v, printOptions.precision);
      else if (this.int_mode) {
        ret = formatFixed(v, 0);
        if (Number.isFinite(v)) ret += '.';
      } else ret = formatFixed(v, printOptions.precision);
    } else {
      ret = this.plain(v);
    }
    const pad = this.max_width - ret.length;
    return pad > 0 ? ' '.repeat(pad) + ret : ret;
  }
}

// ---------------------------------------------------------------------------------------------
// Layout

interface Layout {
  values: ArrayLike<number>;
  shape: readonly number[];
  strides: number[];
  summarize: boolean;
  fmt: Formatter;
}

/**
 * The indices kept along a dimension of size `n` ('...' marks the gap), as PyTorch's
 * `self[:e]` + `self[-e:]` (note `self[-0:]` is the whole dimension).
 */
function keptIndices(n: number, summarize: boolean, oneD: boolean): (number | '...')[] {
  const e = printOptions.edgeitems;
  const all = (from: number) => Array.from({ length: Math.max(0, n - from) }, (_, i) => from + i);
  if (!(summarize && n > 2 * e)) return all(0);
  const head = all(0).slice(0, Math.max(0, e));
  const tail = e === 0 && oneD ? all(0) : all(Math.max(0, n - e));
  return [...head, '...', ...tail];
}

function collect(L: Layout, dim: number, offset: number, out: number[]): void {
  if (dim === L.shape.length) {
    out.push(L.values[offset]!);
    return;
  }
  for (const i of keptIndices(L.shape[dim]!, L.summarize, L.shape.length - dim === 1)) {
    if (i !== '...') collect(L, dim + 1, offset + i * L.strides[dim]!, out);
  }
}

function vectorStr(L: Layout, offset: number, indent: number): string {
  const n = L.shape[L.shape.length - 1]!;
  const stride = L.strides[L.shape.length - 1]!;
  const elementLength = L.fmt.max_width + 2;
  const perLine = Math.max(1, Math.floor((printOptions.linewidth - indent) / elementLength));
  const data = keptIndices(n, L.summarize, true).map((i) => (i === '...' ? ' ...' : L.fmt.format(L.values[offset + i * stride]!)));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStr(L: Layout, dim: number, offset: number, indent: number): string {
  const nd = L.shape.length - dim;
  if (nd === 0) return L.fmt.format(L.values[offset]!);
  if (nd === 1) return vectorStr(L, offset, indent);
  const slices = keptIndices(L.shape[dim]!, L.summarize, false).map((i) =>
    i === '...' ? '...' : tensorStr(L, dim + 1, offset + i * L.strides[dim]!, indent + 1),
  );
  return '[' + slices.join(',' + '\n'.repeat(nd - 1) + ' '.repeat(indent + 1)) + ']';
}

function addSuffixes(tensorStr: string, suffixes: string[], indent: number): string {
  const parts = [tensorStr];
  // (sic) PyTorch's arithmetic: rfind gives -1 without a newline
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > printOptions.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + s);
      lastLineLen = indent + s.length;
    } else {
      parts.push(', ' + s);
      lastLineLen += s.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

function pyTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * repr(t) / str(t) of a tensor, exactly as PyTorch 1.13 prints it.
 * `values` are the elements in row-major order (bool as 0/1).
 */
export function formatTensor(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  suffix: { requires_grad?: boolean; grad_fn?: string | null },
): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (values.length < numel) throw new RangeError(`formatTensor: ${values.length} values for shape ${pyTuple(shape)}`);
  const defaultName = get_default_dtype().name;
  const suffixes: string[] = [];
  let body: string;
  if (numel === 0) {
    if (shape.length !== 1) suffixes.push('size=' + pyTuple(shape));
    if (dtype.name !== defaultName) suffixes.push(`dtype=torch.${dtype.name}`);
    body = '[]';
  } else {
    const hasDefault = dtype.name === defaultName || dtype.name === 'int64' || dtype.name === 'bool';
    if (!hasDefault) suffixes.push(`dtype=torch.${dtype.name}`);
    let vals: ArrayLike<number> = values;
    if (dtype.name === 'float32' && !(values instanceof Float32Array)) vals = Float32Array.from({ length: numel }, (_, i) => values[i]!);
    const strides = new Array<number>(shape.length);
    let s = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d]!;
    }
    const summarize = numel > printOptions.threshold;
    const L: Layout = { values: vals, shape, strides, summarize, fmt: undefined as unknown as Formatter };
    const seen: number[] = [];
    collect(L, 0, 0, seen);
    L.fmt = new Formatter(dtype, seen);
    body = tensorStr(L, 0, 0, indent);
  }
  if (suffix.grad_fn) suffixes.push(`grad_fn=<${suffix.grad_fn.split('::').pop()}>`);
  else if (suffix.requires_grad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
