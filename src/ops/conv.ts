/**
 * Convolutions as im2col + GEMM: the input's patches become the columns of a matrix (one row per
 * input channel × kernel tap, one column per sample × output position), and one GEMM per group
 * multiplies the weights by it. Backward is written with the same pieces: the weight gradient is
 * one GEMM against the columns, the input gradient a GEMM whose result col2im folds back. im2col
 * and col2im are each other's adjoint, so both are differentiable ops (F.unfold and F.fold).
 */
import { Tensor } from '../tensor.js';
import type { ColumnsLayout, ConvGeom, FloatArray } from '../backend/contract.js';
import { K } from '../backend/index.js';
import { apply } from '../autograd/node.js';
import { bool } from '../dtype.js';
import { reclaim } from '../memory.js';
import { numelOf } from '../shape.js';
import { allocate, allocateForOverwrite, checkTensor, data, typeName } from './util.js';
import { bmm } from './linalg.js';
import * as V from './view.js';
import * as R from './reduce.js';

/** The columns' shape for N samples. */
function colShape(g: ConvGeom, N: number, layout: ColumnsLayout): number[] {
  const rows = g.C * g.kh * g.kw, L = g.oh * g.ow;
  return layout === 'rows' ? [rows, N, L] : [N, rows, L];
}

/** im2col of x ([N, C, H, W] or [N, C, W] as H = 1), differentiable (its backward is col2im). */
export function im2col(x: Tensor, g: ConvGeom, layout: ColumnsLayout): Tensor {
  const N = x.shape[0];
  const out = allocateForOverwrite(colShape(g, N, layout), x.dtype);
  K.im2col(data(x) as FloatArray, out._storage.data as FloatArray, N, g, layout);
  const shape = x.shape.slice();
  return apply('Im2ColBackward0', [x], out, (gr) => [col2im(gr, g, layout, shape)]);
}

/** col2im of columns laid out as `layout` into an image of `shape`, differentiable (its backward is im2col). */
export function col2im(cols: Tensor, g: ConvGeom, layout: ColumnsLayout, shape: readonly number[]): Tensor {
  const N = shape[0];
  const out = allocate(shape, cols.dtype);
  K.col2im(data(cols) as FloatArray, out._storage.data as FloatArray, N, g, layout);
  return apply('Col2ImBackward0', [cols], out, (gr) => [im2col(gr, g, layout)]);
}

// ---- argument checks ----------------------------------------------------------------------------

/** PyTorch's expand_param_if_needed: one int for every spatial dim, or exactly one per dim. */
export function expandParam(v: number | readonly number[], name: string, dims: number): number[] {
  if (typeof v === 'number') return new Array<number>(dims).fill(v);
  if (v.length === 1) return new Array<number>(dims).fill(v[0]);
  if (v.length !== dims) throw new RangeError(`expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=[${v.join(', ')}]`);
  return v.slice();
}

const shapeStr = (s: readonly number[]) => `[${s.join(', ')}]`;

/** The C type name ATen prints in its conv messages. */
const cName = (t: Tensor) => (t.dtype === bool ? 'bool' : t.dtype.is_floating_point ? (t.dtype.itemsize === 4 ? 'float' : 'double') : 'long');

function checkTypes(x: Tensor, w: Tensor, b: Tensor | null | undefined): void {
  const bad = [x, w].find((t) => t.dtype === bool);
  if (bad) throw new TypeError(`"slow_conv2d_cpu" not implemented for '${typeName(bad.dtype)}'`);
  if (x.dtype !== w.dtype) throw new TypeError(`expected scalar type ${typeName(x.dtype)} but found ${typeName(w.dtype)}`);
  if (b && b.dtype !== x.dtype) throw new TypeError(`Input type (${cName(x)}) and bias type (${cName(b)}) should be the same`);
}

export type PaddingArg = number | readonly number[] | 'same' | 'valid';

/** Leading and trailing padding per spatial dim; 'same' puts the odd pixel after, as PyTorch. */
export function resolvePadding(padding: PaddingArg, dims: number, kernel: number[], dilation: number[], stride: number[]): { before: number[]; after: number[] } {
  if (typeof padding === 'string') {
    if (padding === 'valid') return { before: new Array<number>(dims).fill(0), after: new Array<number>(dims).fill(0) };
    if (padding !== 'same') throw new RangeError(`Invalid padding string: '${padding}'`);
    if (stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    const before = total.map((t) => Math.floor(t / 2));
    return { before, after: total.map((t, i) => t - before[i]) };
  }
  const p = expandParam(padding, 'padding', dims);
  if (p.some((v) => v < 0)) throw new RangeError('negative padding is not supported');
  return { before: p, after: p };
}

// ---- convolution --------------------------------------------------------------------------------

/**
 * conv1d/conv2d(input, weight, bias, stride, padding, dilation, groups): input [N, C, *spatial]
 * or unbatched [C, *spatial], weight [C_out, C/groups, *kernel].
 */
export function convNd(dims: 1 | 2, x: Tensor, w: Tensor, b: Tensor | null | undefined, stride: number | readonly number[] = 1, padding: PaddingArg = 0, dilation: number | readonly number[] = 1, groups = 1): Tensor {
  const fn = `conv${dims}d`;
  checkTensor(x, 'input', fn);
  checkTensor(w, 'weight', fn);
  if (b !== null && b !== undefined) checkTensor(b, 'bias', fn);
  const batched = x.ndim === dims + 2;
  if (!batched && x.ndim !== dims + 1) {
    throw new RangeError(`Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${fn}, but got input of size: ${shapeStr(x.shape)}`);
  }
  const xb = batched ? x : V.unsqueeze(x, 0);
  const out = conv(fn, dims, xb, w, b ?? null, stride, padding, dilation, groups);
  return batched ? out : V.squeeze(out, 0);
}

function conv(fn: string, dims: number, x: Tensor, w: Tensor, b: Tensor | null, strideArg: number | readonly number[], padding: PaddingArg, dilationArg: number | readonly number[], groups: number): Tensor {
  // the parser makes an int one per dim of the function; ATen then matches them to the weight's dims
  const asList = (v: number | readonly number[]) => (typeof v === 'number' ? new Array<number>(dims).fill(v) : v);
  const stride = expandParam(asList(strideArg), 'stride', w.ndim - 2), dilation = expandParam(asList(dilationArg), 'dilation', w.ndim - 2);
  if (typeof padding !== 'string') expandParam(asList(padding), 'padding', w.ndim - 2);
  if (w.ndim !== dims + 2) {
    throw new RangeError(`Expected ${w.ndim}-dimensional input for ${w.ndim}-dimensional weight ${shapeStr(w.shape)}, but got ${x.ndim}-dimensional input of size ${shapeStr(x.shape)} instead`);
  }
  if (stride.some((s) => s <= 0)) throw new RangeError('non-positive stride is not supported');
  if (dilation.some((d) => d <= 0)) throw new RangeError(`dilation should be greater than zero, but got ${shapeStr(dilation)}`);
  if (groups <= 0) throw new RangeError('non-positive groups is not supported');
  const kernel = w.shape.slice(2);
  const { before, after } = resolvePadding(padding, dims, kernel, dilation, stride);
  checkTypes(x, w, b);
  const [N, C] = x.shape, Co = w.shape[0];
  if (Co % groups !== 0) {
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${shapeStr(w.shape)}] instead`);
  }
  if (C !== w.shape[1] * groups) {
    throw new RangeError(`Given groups=${groups}, weight of size ${shapeStr(w.shape)}, expected input${shapeStr(x.shape)} to have ${w.shape[1] * groups} channels, but got ${C} channels instead`);
  }
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== Co)) {
    throw new RangeError(`Given weight of size ${shapeStr(w.shape)}, expected bias to be 1-dimensional with ${Co} elements, but got bias of size ${shapeStr(b.shape)} instead`);
  }
  const spatial = x.shape.slice(2);
  const padded = spatial.map((s, i) => s + before[i] + after[i]);
  const eff = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  if (padded.some((s, i) => s < eff[i])) {
    throw new RangeError(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${eff.join(' x ')}). Kernel size can't be greater than actual input size`);
  }
  const outSp = padded.map((s, i) => Math.floor((s - eff[i]) / stride[i]) + 1);
  const two = (a: number[], d: number) => (dims === 1 ? [d, a[0]] : a);
  const [H, W] = two(spatial, 1), [kh, kw] = two(kernel, 1), [sh, sw] = two(stride, 1);
  const [ph, pw] = two(before, 0), [dh, dw] = two(dilation, 1), [oh, ow] = two(outSp, 1);
  const g: ConvGeom = { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
  return convGemm(x, w, b, g, groups, [N, Co, ...outSp]);
}

/**
 * [N, C, *spatial] as [G, C/G, N·L] (L the spatial size): channels first, so each group's rows
 * are one GEMM operand.
 */
function groupsFirst(t: Tensor, G: number): Tensor {
  const [N, C] = t.shape, L = numelOf(t.shape.slice(2));
  return V.reshape(V.contiguous(V.permute(V.reshape(t, [[N, C, L]]), [1, 0, 2])), [[G, C / G, N * L]]);
}

/** The forward product (no graph) and the ConvolutionBackward0 node. */
function convGemm(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, G: number, outShape: number[]): Tensor {
  const N = x.shape[0], Co = w.shape[0];
  const L = g.oh * g.ow, Cgk = (g.C / G) * g.kh * g.kw, Cog = Co / G;
  const out = allocateForOverwrite(outShape, x.dtype);
  const od = out._storage.data as FloatArray;
  if (out.numel() > 0) {
    // per sample, the columns are one contiguous [C·kh·kw, L] operand (the 'rows' layout, whose
    // operand rows are N·L apart, measured slower here: im2col 34 vs 16 ms, GEMM 94 vs 84 ms for
    // the MNIST CNN's conv2 at batch 64)
    const cols = im2col(x.detach(), g, 'batch');
    const cd = cols._storage.data as FloatArray, wd = data(w.detach()) as FloatArray;
    if (b) {
      const bd = data(b.detach());
      for (let n = 0; n < N; n++) for (let o = 0; o < Co; o++) od.fill(bd[o], (n * Co + o) * L, (n * Co + o + 1) * L);
    }
    // per group, one product per sample: W_g [Cog, Cgk] · cols[n, group's rows] [Cgk, L] into out[n, group's channels]
    for (let k = 0; k < G; k++) {
      if (Cgk === 0) {
        if (!b) od.fill(0);
        continue;
      }
      K.gemm({
        transA: false, transB: false, M: Cog, N: L, K: Cgk, alpha: 1, beta: b ? 1 : 0,
        A: wd, aOffset: k * Cog * Cgk, lda: Cgk,
        B: cd, bOffset: k * Cgk * L, ldb: L,
        C: od, cOffset: k * Cog * L, ldc: L,
        batch: N, strideA: 0, strideB: G * Cgk * L, strideC: Co * L,
      });
    }
    // the columns never leave this function: the next forward reuses their memory instead of
    // faulting fresh pages in (42 MB for the MNIST CNN's conv2 at batch 64)
    reclaim(cd);
  }
  const inputs = b ? [x, w, b] : [x, w];
  const xShape = x.shape.slice();
  return apply('ConvolutionBackward0', inputs, out, (gr, needs) => {
    const gp = groupsFirst(gr, G);
    const wg = V.reshape(w, [[G, Cog, Cgk]]);
    return [
      needs[0] ? col2im(V.reshape(bmm(V.transpose(wg, 1, 2), gp), [[G * Cgk, N, L]]), g, 'rows', xShape) : null,
      needs[1] ? V.reshape(bmm(gp, V.transpose(V.reshape(im2col(x, g, 'rows'), [[G, Cgk, N * L]]), 1, 2)), [w.shape as number[]]) : null,
      needs[2] ? R.sum(gr, [0, ...outShape.slice(2).map((_, i) => i + 2)]) : null,
    ];
  }, [x, w]);
}

/**
 * conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation): the
 * adjoint of conv2d in its input; weight [C_in, C_out/groups, kh, kw].
 */
export function conv_transpose2d(x: Tensor, w: Tensor, b?: Tensor | null, strideArg: number | readonly number[] = 1, paddingArg: number | readonly number[] = 0, outPadArg: number | readonly number[] = 0, groups = 1, dilationArg: number | readonly number[] = 1): Tensor {
  const fn = 'conv_transpose2d';
  checkTensor(x, 'input', fn);
  checkTensor(w, 'weight', fn);
  if (b !== null && b !== undefined) checkTensor(b, 'bias', fn);
  const batched = x.ndim === 4;
  if (!batched && x.ndim !== 3) throw new RangeError(`Expected 3D (unbatched) or 4D (batched) input to ${fn}, but got input of size: ${shapeStr(x.shape)}`);
  const xb = batched ? x : V.unsqueeze(x, 0);
  const stride = expandParam(strideArg, 'stride', 2), padding = expandParam(paddingArg, 'padding', 2);
  const outPad = expandParam(outPadArg, 'output_padding', 2), dilation = expandParam(dilationArg, 'dilation', 2);
  if (w.ndim !== 4) {
    throw new RangeError(`Expected ${w.ndim}-dimensional input for ${w.ndim}-dimensional weight ${shapeStr(w.shape)}, but got ${xb.ndim}-dimensional input of size ${shapeStr(xb.shape)} instead`);
  }
  if (stride.some((s) => s <= 0)) throw new RangeError('non-positive stride is not supported');
  if (dilation.some((d) => d <= 0)) throw new RangeError(`dilation should be greater than zero, but got ${shapeStr(dilation)}`);
  if (padding.some((p) => p < 0)) throw new RangeError('negative padding is not supported');
  if (outPad.some((p) => p < 0)) throw new RangeError('negative output_padding is not supported');
  if (groups <= 0) throw new RangeError('non-positive groups is not supported');
  outPad.forEach((p, i) => {
    if (p >= stride[i] && p >= dilation[i]) throw new RangeError('output padding must be smaller than either stride or dilation, but got output_padding_height: ' +
      `${outPad[0]} output_padding_width: ${outPad[1]} stride_height: ${stride[0]} stride_width: ${stride[1]} dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`);
  });
  checkTypes(xb, w, b);
  const [N, Ci, H, W] = xb.shape;
  const Cog = w.shape[1], Co = Cog * groups;
  if (Ci !== w.shape[0]) {
    throw new RangeError(`Given transposed=1, weight of size ${shapeStr(w.shape)}, expected input${shapeStr(xb.shape)} to have ${w.shape[0]} channels, but got ${Ci} channels instead`);
  }
  if (Ci % groups !== 0) {
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeStr(w.shape)} instead`);
  }
  if (b !== null && b !== undefined && (b.ndim !== 1 || b.shape[0] !== Co)) {
    throw new RangeError(`Given transposed=1, weight of size ${shapeStr(w.shape)}, expected bias to be 1-dimensional with ${Co} elements, but got bias of size ${shapeStr(b.shape)} instead`);
  }
  const [kh, kw] = w.shape.slice(2);
  const outH = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outPad[0] + 1;
  const outW = (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outPad[1] + 1;
  if (outH <= 0 || outW <= 0) {
    throw new RangeError(`Given input size per channel: (${H} x ${W}). Calculated output size per channel: (${outH} x ${outW}). Output size is too small`);
  }
  // the conv2d whose input gradient this is: output image [N, Co, outH, outW], "output" positions H × W
  const g: ConvGeom = { C: Co, H: outH, W: outW, kh, kw, sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1], oh: H, ow: W };
  const out = convTransposeRaw(xb.detach(), w.detach(), b?.detach() ?? null, g, groups, [N, Co, outH, outW]);
  const inputs = b ? [xb, w, b] : [xb, w];
  const res = apply('ConvolutionBackward0', inputs, out, (gr, needs) => {
    const L = H * W, Cgk = Cog * kh * kw;
    const xp = groupsFirst(xb, groups);
    return [
      needs[0] ? convNd(2, gr, w, null, stride, padding, dilation, groups) : null,
      needs[1] ? V.reshape(bmm(xp, V.transpose(V.reshape(im2col(gr, g, 'rows'), [[groups, Cgk, N * L]]), 1, 2)), [w.shape as number[]]) : null,
      needs[2] ? R.sum(gr, [0, 2, 3]) : null,
    ];
  }, [xb, w]);
  return batched ? res : V.squeeze(res, 0);
}

/** col2im(W_gᵀ · x_g) per group, plus the bias, with no graph. */
function convTransposeRaw(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, G: number, outShape: number[]): Tensor {
  const [N, Ci] = x.shape, L = g.oh * g.ow;
  const Cig = Ci / G, Cgk = (g.C / G) * g.kh * g.kw;
  const xp = groupsFirst(x, G);
  const cols = bmm(V.transpose(V.reshape(w, [[G, Cig, Cgk]]), 1, 2), xp);
  const out = col2im(V.reshape(cols, [[G * Cgk, N, L]]), g, 'rows', outShape);
  if (b) {
    const od = out._storage.data, bd = data(b), plane = outShape[2] * outShape[3];
    for (let n = 0; n < N; n++) for (let o = 0; o < g.C; o++) {
      const v = bd[o], s = (n * g.C + o) * plane;
      for (let i = s; i < s + plane; i++) od[i] += v;
    }
  }
  return out;
}

// ---- F.unfold and F.fold ------------------------------------------------------------------------

function pairArg(v: number | readonly number[], name: string): [number, number] {
  const a = typeof v === 'number' ? [v, v] : v.length === 1 ? [v[0], v[0]] : v;
  if (a.length !== 2) throw new RangeError(`${name} must be an int or a tuple of two ints`);
  return [a[0], a[1]];
}

function unfoldGeom(C: number, H: number, W: number, k: [number, number], d: [number, number], p: [number, number], s: [number, number]): ConvGeom {
  if (k.some((v) => v <= 0)) throw new RangeError(`kernel size should be greater than zero, but got kernel_height: ${k[0]} kernel_width: ${k[1]}`);
  if (d.some((v) => v <= 0)) throw new RangeError(`dilation should be greater than zero, but got dilation_height: ${d[0]} dilation_width: ${d[1]}`);
  if (s.some((v) => v <= 0)) throw new RangeError(`stride should be greater than zero, but got stride_height: ${s[0]} stride_width: ${s[1]}`);
  if (p.some((v) => v < 0)) throw new RangeError(`padding should be non-negative, but got pad_height: ${p[0]} pad_width: ${p[1]}`);
  const oh = Math.floor((H + 2 * p[0] - (d[0] * (k[0] - 1) + 1)) / s[0]) + 1;
  const ow = Math.floor((W + 2 * p[1] - (d[1] * (k[1] - 1) + 1)) / s[1]) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`Given input with spatial size (${H}, ${W}), kernel_size=(${k[0]}, ${k[1]}), dilation=(${d[0]}, ${d[1]}), padding=(${p[0]}, ${p[1]}), ` +
      `calculated shape of the array of sliding blocks as (${oh}, ${ow}), but its components must be at least one.`);
  }
  return { C, H, W, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], oh, ow };
}

/** F.unfold(input, kernel_size, dilation=1, padding=0, stride=1): [N, C, H, W] → [N, C·kh·kw, L]. */
export function unfold(x: Tensor, kernel_size: number | readonly number[], dilation: number | readonly number[] = 1, padding: number | readonly number[] = 0, stride: number | readonly number[] = 1): Tensor {
  checkTensor(x, 'input', 'unfold');
  const batched = x.ndim === 4;
  // ATen reads dims 2 and 3 before checking the rank
  if (x.ndim < 3) throw new RangeError(`Dimension out of range (expected to be in range of [${-Math.max(x.ndim, 1)}, ${Math.max(x.ndim, 1) - 1}], but got 2)`);
  if (!batched && x.ndim !== 3) throw new RangeError(`Input Error: Only 3D or 4D input Tensors are supported (got ${x.ndim}D)`);
  const xb = batched ? x : V.unsqueeze(x, 0);
  const [, C, H, W] = xb.shape;
  const g = unfoldGeom(C, H, W, pairArg(kernel_size, 'kernel_size'), pairArg(dilation, 'dilation'), pairArg(padding, 'padding'), pairArg(stride, 'stride'));
  const out = im2col(xb, g, 'batch');
  return batched ? out : V.squeeze(out, 0);
}

/** F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1): [N, C·kh·kw, L] → [N, C, H, W], overlaps summed. */
export function fold(x: Tensor, output_size: number | readonly number[], kernel_size: number | readonly number[], dilation: number | readonly number[] = 1, padding: number | readonly number[] = 0, stride: number | readonly number[] = 1): Tensor {
  checkTensor(x, 'input', 'fold');
  const batched = x.ndim === 3;
  if (!batched && x.ndim !== 2) throw new RangeError(`Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${x.ndim}D)`);
  const xb = batched ? x : V.unsqueeze(x, 0);
  const [H, W] = pairArg(output_size, 'output_size'), k = pairArg(kernel_size, 'kernel_size');
  const [, rows, L] = xb.shape;
  if (rows % (k[0] * k[1]) !== 0) {
    throw new RangeError(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${rows} and kernel_size=(${k[0]}, ${k[1]}).`);
  }
  const C = rows / (k[0] * k[1]);
  const g = unfoldGeom(C, H, W, k, pairArg(dilation, 'dilation'), pairArg(padding, 'padding'), pairArg(stride, 'stride'));
  if (L !== g.oh * g.ow) {
    throw new RangeError(`Given output_size=(${H}, ${W}), kernel_size=(${k[0]}, ${k[1]}), dilation=(${g.dh}, ${g.dw}), padding=(${g.ph}, ${g.pw}), stride=(${g.sh}, ${g.sw}), ` +
      `expected size of input's dimension 2 to match the calculated number of sliding blocks ${g.oh} * ${g.ow} = ${g.oh * g.ow}, but got input.size(2)=${L}.`);
  }
  const out = col2im(xb, g, 'batch', [xb.shape[0], C, H, W]);
  return batched ? out : V.squeeze(out, 0);
}
