/**
 * Scaled dot-product attention: F.scaled_dot_product_attention (PyTorch 2.x's function and its
 * reference computation) and the attention step of nn.MultiheadAttention as PyTorch 1.13 computes
 * it (queries scaled before the product, a float mask added). Both run on the batched matmul.
 */
import { Tensor } from '../tensor.js';
import { bool } from '../dtype.js';
import { matmul } from './linalg.js';
import { softmax } from './reduce.js';
import { masked_fill } from './binary.js';
import { logical_not } from './unary.js';
import { dropout } from './dropout.js';
import * as B from './binary.js';

/** A [L, S] bool mask, true above the diagonal: the positions causal attention hides. */
export function causalHidden(L: number, S: number): Tensor {
  const bits = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) bits[i * S + j] = 1;
  return new Tensor(bits, [L, S], bool);
}

/**
 * softmax(q·kᵀ·scale + mask)·v over the last two dims; a bool mask says which keys each query may
 * attend to (true: attend), a float mask is added; `is_causal` hides the keys after each query.
 */
export function scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | null = null, dropout_p = 0, is_causal = false, scale: number | null = null): Tensor {
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`scaled_dot_product_attention(): argument '${name}' must be Tensor`);
    if (t.ndim < 2) throw new RangeError(`scaled_dot_product_attention(): ${name} must have at least 2 dimensions, but got ${t.ndim}`);
  }
  if (is_causal && attn_mask !== null) throw new Error('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
  const L = q.shape[q.ndim - 2], S = k.shape[k.ndim - 2];
  const s = scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]);
  let w = B.mul(matmul(q, k.transpose(-2, -1)), s);
  if (is_causal) w = masked_fill(w, causalHidden(L, S), -Infinity);
  if (attn_mask !== null) w = attn_mask.dtype === bool ? masked_fill(w, logical_not(attn_mask), -Infinity) : B.add(w, attn_mask);
  w = softmax(w, -1);
  if (dropout_p > 0) w = dropout(w, dropout_p, true);
  return matmul(w, v);
}

/**
 * PyTorch 1.13's attention inside MultiheadAttention: q is divided by √head_dim before q·kᵀ, the
 * float mask (or none) added, softmax, dropout, then ·v. Returns the output and the weights.
 */
export function headAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, dropout_p: number): [Tensor, Tensor] {
  const qs = B.div(q, Math.sqrt(q.shape[q.ndim - 1]));
  let w = matmul(qs, k.transpose(-2, -1));
  if (mask !== null) w = B.add(mask, w);
  w = softmax(w, -1);
  if (dropout_p > 0) w = dropout(w, dropout_p, true);
  return [matmul(w, v), w];
}
