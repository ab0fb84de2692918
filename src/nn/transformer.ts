/**
 * nn.MultiheadAttention and nn.TransformerEncoderLayer as PyTorch 1.13 builds and computes them
 * (the training path of torch.nn.functional.multi_head_attention_forward; 1.13's eval-mode fast
 * path computes the same function), with its parameter names, initialisation order and reprs.
 */
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './normalization.js';
import { Tensor } from '../tensor.js';
import { bool, get_default_dtype } from '../dtype.js';
import { empty } from '../ops/creation.js';
import { linear } from '../ops/linalg.js';
import { headAttention } from '../ops/attention.js';
import { masked_fill, logical_or } from '../ops/binary.js';
import { relu, gelu } from '../ops/activation.js';
import { bindUntyped } from '../python.js';
import * as init from './init.js';

/** out_proj's class in PyTorch: a Linear under another name (it only matters to quantization). */
export class NonDynamicallyQuantizableLinear extends Linear {}

interface MHAOptions {
  dropout?: number;
  bias?: boolean;
  add_bias_kv?: boolean;
  add_zero_attn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batch_first?: boolean;
}

interface MHAForwardOptions {
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  average_attn_weights?: boolean;
}

const MHA_ARGS = ['embed_dim', 'num_heads', 'dropout', 'bias', 'add_bias_kv', 'add_zero_attn', 'kdim', 'vdim', 'batch_first'];

export class MultiheadAttention extends Module {
  declare embed_dim: number;
  declare num_heads: number;
  declare dropout: number;
  declare batch_first: boolean;
  declare head_dim: number;
  declare in_proj_weight: Parameter;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;

  constructor(embed_dim: number, num_heads: number, ...rest: (number | boolean | null | MHAOptions | undefined)[]) {
    super();
    const [E, H, dropout, bias, addBiasKv, addZeroAttn, kdim, vdim, batchFirst] = bindUntyped('MultiheadAttention.__init__', [embed_dim, num_heads, ...rest], MHA_ARGS) as
      [number, number, number?, boolean?, boolean?, boolean?, number?, number?, boolean?];
    if (!Number.isInteger(E) || E <= 0 || !Number.isInteger(H) || H <= 0) throw new TypeError('embed_dim and num_heads must be positive integers');
    // separate key/value projections and the extra bias rows change the parameters: not built here
    if ((kdim ?? E) !== E || (vdim ?? E) !== E) throw new Error('MultiheadAttention with kdim or vdim other than embed_dim is not supported by kindling');
    if (addBiasKv || addZeroAttn) throw new Error('MultiheadAttention with add_bias_kv or add_zero_attn is not supported by kindling');
    this.embed_dim = E;
    this.num_heads = H;
    this.dropout = dropout ?? 0;
    this.batch_first = batchFirst ?? false;
    this.head_dim = Math.floor(E / H);
    if (this.head_dim * H !== E) throw new Error('embed_dim must be divisible by num_heads');
    const dtype = get_default_dtype();
    this.in_proj_weight = new Parameter(empty([3 * E, E], { dtype }));
    if (bias ?? true) this.in_proj_bias = new Parameter(empty([3 * E], { dtype }));
    else this.register_parameter('in_proj_bias', null);
    // PyTorch's order of random draws: out_proj's own init first, then in_proj_weight
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, { bias: bias ?? true });
    this._reset_parameters();
  }

  _reset_parameters(): void {
    init.xavier_uniform_(this.in_proj_weight);
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      init.constant_(this.out_proj.bias!, 0);
    }
  }

  /** (query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True) → [output, weights | null] */
  override forward(query: Tensor, key: Tensor, value: Tensor, ...rest: (Tensor | boolean | null | MHAForwardOptions | undefined)[]): [Tensor, Tensor | null] {
    const [kpmArg, needW, maskArg, average] = bindUntyped('MultiheadAttention.forward', [query, key, value, ...rest],
      ['query', 'key', 'value', 'key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights']).slice(3) as [Tensor?, boolean?, Tensor?, boolean?];
    for (const [n, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor)) throw new TypeError(`MultiheadAttention.forward(): argument '${n}' must be Tensor`);
    }
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2) throw new RangeError(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
    let q = query, k = key, v = value, kpm = kpmArg ?? null;
    if (batched && this.batch_first) [q, k, v] = [q.transpose(1, 0), k.transpose(1, 0), v.transpose(1, 0)];
    if (!batched) {
      [q, k, v] = [q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)];
      if (kpm) kpm = kpm.unsqueeze(0);
    }
    const [out, w] = this.attend(q, k, v, kpm, maskArg ?? null, query === key && key === value);
    const need = needW ?? true;
    let weights: Tensor | null = null;
    if (need) {
      const [N, H, L, S] = [q.shape[1], this.num_heads, q.shape[0], k.shape[0]];
      weights = w.view(N, H, L, S);
      if (average ?? true) weights = weights.sum(1).div(H);
      if (!batched) weights = weights.squeeze(0);
    }
    let y = batched ? out : out.squeeze(1);
    if (batched && this.batch_first) y = y.transpose(1, 0);
    return [y, weights];
  }

  /** multi_head_attention_forward on [L, N, E] inputs: the output and the per-head weights [N·H, L, S]. */
  private attend(q: Tensor, k: Tensor, v: Tensor, kpm: Tensor | null, attnMask: Tensor | null, self: boolean): [Tensor, Tensor] {
    const [L, N, E] = q.shape;
    const S = k.shape[0];
    const H = this.num_heads, hd = this.head_dim;
    if (E !== this.embed_dim) throw new RangeError(`was expecting embedding dimension of ${this.embed_dim}, but got ${E}`);
    const w = this.in_proj_weight, b = this.in_proj_bias;
    let qp: Tensor, kp: Tensor, vp: Tensor;
    if (self) {
      [qp, kp, vp] = linear(q, w, b).chunk(3, -1);
    } else {
      const ws = w.chunk(3), bs = b ? b.chunk(3) : [null, null, null];
      [qp, kp, vp] = [linear(q, ws[0], bs[0]), linear(k, ws[1], bs[1]), linear(v, ws[2], bs[2])];
    }
    let mask = attnMask;
    if (mask) {
      if (!mask.dtype.is_floating_point && mask.dtype !== bool) throw new TypeError(`Only float and bool types are supported for attn_mask, not ${mask.dtype}`);
      if (mask.ndim === 2) {
        if (mask.shape[0] !== L || mask.shape[1] !== S) throw new RangeError(`The shape of the 2D attn_mask is torch.Size([${mask.shape.join(', ')}]), but should be (${L}, ${S}).`);
        mask = mask.unsqueeze(0);
      } else if (mask.ndim === 3) {
        if (mask.shape[0] !== N * H || mask.shape[1] !== L || mask.shape[2] !== S) {
          throw new RangeError(`The shape of the 3D attn_mask is torch.Size([${mask.shape.join(', ')}]), but should be (${N * H}, ${L}, ${S}).`);
        }
      } else throw new RangeError(`attn_mask's dimension ${mask.ndim} is not supported`);
    }
    const heads = (t: Tensor, len: number) => t.contiguous().view(len, N * H, hd).transpose(0, 1);
    const qh = heads(qp, L), kh = heads(kp, S), vh = heads(vp, S);
    if (kpm) {
      if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) {
        throw new RangeError(`expecting key_padding_mask shape of (${N}, ${S}), but got torch.Size([${kpm.shape.join(', ')}])`);
      }
      const pad = kpm.view(N, 1, 1, S).expand(-1, H, -1, -1).reshape(N * H, 1, S);
      if (!mask) mask = pad;
      else if (mask.dtype === bool) mask = logical_or(mask, pad);
      else mask = masked_fill(mask, pad, -Infinity);
    }
    if (mask && mask.dtype === bool) mask = masked_fill(empty(mask.shape, { dtype: q.dtype }).zero_(), mask, -Infinity);
    const [o, weights] = headAttention(qh, kh, vh, mask, this.training ? this.dropout : 0);
    const flat = o.transpose(0, 1).contiguous().view(L * N, E);
    const y = linear(flat, this.out_proj.weight, this.out_proj.bias).view(L, N, E);
    return [y, weights];
  }
}

type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

interface EncoderLayerOptions {
  dim_feedforward?: number;
  dropout?: number;
  activation?: Activation;
  layer_norm_eps?: number;
  batch_first?: boolean;
  norm_first?: boolean;
}

const ENCODER_ARGS = ['d_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first'];

export class TransformerEncoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm_first: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare activation: (x: Tensor) => Tensor;

  constructor(d_model: number, nhead: number, ...rest: (number | boolean | Activation | EncoderLayerOptions | undefined)[]) {
    super();
    const [d, h, ff, p, act, eps, batchFirst, normFirst] = bindUntyped('TransformerEncoderLayer.__init__', [d_model, nhead, ...rest], ENCODER_ARGS) as
      [number, number, number?, number?, Activation?, number?, boolean?, boolean?];
    const drop = p ?? 0.1;
    this.self_attn = new MultiheadAttention(d, h, { dropout: drop, batch_first: batchFirst ?? false });
    this.linear1 = new Linear(d, ff ?? 2048);
    this.dropout = new Dropout(drop);
    this.linear2 = new Linear(ff ?? 2048, d);
    this.norm_first = normFirst ?? false;
    this.norm1 = new LayerNorm(d, { eps: eps ?? 1e-5 });
    this.norm2 = new LayerNorm(d, { eps: eps ?? 1e-5 });
    this.dropout1 = new Dropout(drop);
    this.dropout2 = new Dropout(drop);
    const a = act ?? 'relu';
    if (typeof a === 'string' && a !== 'relu' && a !== 'gelu') throw new Error(`activation should be relu/gelu, not ${a}`);
    if (typeof a !== 'string' && typeof a !== 'function') throw new TypeError(`activation should be relu/gelu or a callable, not ${typeof a}`);
    // relu/gelu are functions, as in PyTorch (not in the repr); a Module given becomes a child
    this.activation = a === 'relu' ? (x: Tensor) => relu(x) : a === 'gelu' ? (x: Tensor) => gelu(x) : (a as (x: Tensor) => Tensor);
  }

  /** (src, src_mask=None, src_key_padding_mask=None) */
  override forward(src: Tensor, ...rest: (Tensor | null | { src_mask?: Tensor | null; src_key_padding_mask?: Tensor | null } | undefined)[]): Tensor {
    const [mask, kpm] = bindUntyped('TransformerEncoderLayer.forward', [src, ...rest], ['src', 'src_mask', 'src_key_padding_mask']).slice(1) as [Tensor?, Tensor?];
    let x = src;
    if (this.norm_first) {
      x = x.add(this.saBlock(this.norm1(x) as Tensor, mask ?? null, kpm ?? null));
      x = x.add(this.ffBlock(this.norm2(x) as Tensor));
    } else {
      x = this.norm1(x.add(this.saBlock(x, mask ?? null, kpm ?? null))) as Tensor;
      x = this.norm2(x.add(this.ffBlock(x))) as Tensor;
    }
    return x;
  }

  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null): Tensor {
    const [y] = this.self_attn(x, x, x, { attn_mask: mask, key_padding_mask: kpm, need_weights: false }) as [Tensor, null];
    return this.dropout1(y) as Tensor;
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x) as Tensor)))) as Tensor;
  }
}
