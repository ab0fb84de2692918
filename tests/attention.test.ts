/**
 * Attention building blocks against PyTorch (scripts/golden/attention.py): scaled dot-product
 * attention (2.x's function, checked against its documented reference computation), and 1.13's
 * nn.MultiheadAttention and nn.TransformerEncoderLayer loaded with PyTorch's weights: outputs,
 * attention weights, gradients of inputs and parameters, and reprs.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { expectClose } from './helpers/opcheck.js';

const { nn } = torch;
const F = nn.functional;

interface SdpaCase {
  spec: { is_causal?: boolean; scale?: number; mask?: string };
  q: Encoded; k: Encoded; v: Encoded; mask: Encoded | null; grad_out: Encoded; out: Encoded;
  grad_q: Encoded; grad_k: Encoded; grad_v: Encoded;
}
interface MhaCase {
  spec: { E: number; H: number; self: boolean; batch_first?: boolean; bias?: boolean; average_attn_weights?: boolean; unbatched?: boolean };
  state: Record<string, Encoded>; q: Encoded; k?: Encoded; v?: Encoded; key_padding_mask?: Encoded; attn_mask?: Encoded;
  out: Encoded; weights: Encoded; repr: string; grads: Record<string, Encoded>; grad_q: Encoded;
}
interface EncoderCase {
  spec: { activation: 'relu' | 'gelu'; norm_first: boolean; batch_first: boolean };
  state: Record<string, Encoded>; x: Encoded; key_padding_mask?: Encoded; out: Encoded; grad_x: Encoded; grads: Record<string, Encoded>;
}

const golden = loadFixture<{ sdpa: SdpaCase[]; mha: MhaCase[]; encoder: EncoderCase[]; reprs: Record<string, string>; errors: Record<string, { message: string }> }>('attention');
const RTOL = 2e-5, ATOL = 2e-6;
const stateOf = (s: Record<string, Encoded>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, decode(v)]));

describe('F.scaled_dot_product_attention', () => {
  golden.sdpa.forEach((c, i) => {
    it(`case ${i}: ${JSON.stringify(c.spec)}`, () => {
      const [q, k, v] = [decode(c.q), decode(c.k), decode(c.v)].map((t) => t.requires_grad_());
      const y = F.scaled_dot_product_attention(q, k, v, c.mask ? decode(c.mask) : null, 0, c.spec.is_causal ?? false, { scale: c.spec.scale ?? null });
      expectClose(y, decode(c.out), RTOL, ATOL, 'output');
      y.backward(decode(c.grad_out));
      expectClose(q.grad!, decode(c.grad_q), RTOL, ATOL, 'grad q');
      expectClose(k.grad!, decode(c.grad_k), RTOL, ATOL, 'grad k');
      expectClose(v.grad!, decode(c.grad_v), RTOL, ATOL, 'grad v');
    });
  });
  it('refuses a mask together with is_causal', () => {
    const q = torch.ones(2, 3, 4);
    expect(() => F.scaled_dot_product_attention(q, q, q, torch.ones(3, 3), 0, true)).toThrow('Explicit attn_mask should not be set when is_causal=True');
  });
});

describe('nn.MultiheadAttention', () => {
  golden.mha.forEach((c, i) => {
    it(`case ${i}: ${JSON.stringify(c.spec)}`, () => {
      const m = new nn.MultiheadAttention(c.spec.E, c.spec.H, { bias: c.spec.bias ?? true, batch_first: c.spec.batch_first ?? false });
      expect(String(m)).toBe(c.repr);
      m.load_state_dict(stateOf(c.state));
      const q = decode(c.q).requires_grad_();
      const k = c.k ? decode(c.k).requires_grad_() : q;
      const v = c.v ? decode(c.v).requires_grad_() : q;
      const [y, w] = m(q, k, v, {
        key_padding_mask: c.key_padding_mask ? decode(c.key_padding_mask) : null,
        attn_mask: c.attn_mask ? decode(c.attn_mask) : null,
        average_attn_weights: c.spec.average_attn_weights ?? true,
      }) as [Tensor, Tensor];
      expectClose(y, decode(c.out), RTOL, ATOL, 'output');
      expectClose(w, decode(c.weights), RTOL, ATOL, 'weights');
      y.sum().add(w.mul(w).sum()).backward();
      expectClose(q.grad!, decode(c.grad_q), RTOL, ATOL, 'grad query');
      for (const [name, p] of m.named_parameters()) expectClose(p.grad!, decode(c.grads[name]), RTOL, ATOL, `grad ${name}`);
    });
  });

  it('need_weights=false returns null weights; the same parameters and order as PyTorch', () => {
    const m = new nn.MultiheadAttention(8, 2);
    expect([...m.named_parameters()].map(([n]) => n)).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    const x = torch.randn(3, 2, 8);
    const [y, w] = m(x, x, x, { need_weights: false }) as [Tensor, null];
    expect([...y.shape]).toEqual([3, 2, 8]);
    expect(w).toBeNull();
  });

  it("PyTorch's errors", () => {
    expect(() => new nn.MultiheadAttention(8, 3)).toThrow(golden.errors['MultiheadAttention(8, 3)'].message);
    const m = new nn.MultiheadAttention(8, 2);
    const x = torch.randn(3, 2, 8);
    expect(() => m(x, x, x, { attn_mask: torch.zeros(2, 2) })).toThrow('The shape of the 2D attn_mask is torch.Size([2, 2]), but should be (3, 3).');
    expect(() => m(x, x, x, { key_padding_mask: torch.zeros(3, 3, { dtype: torch.bool }) })).toThrow('expecting key_padding_mask shape of (2, 3), but got torch.Size([3, 3])');
  });
});

describe('nn.TransformerEncoderLayer', () => {
  golden.encoder.forEach((c, i) => {
    it(`case ${i}: ${JSON.stringify(c.spec)}`, () => {
      const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, dropout: 0, activation: c.spec.activation, norm_first: c.spec.norm_first, batch_first: c.spec.batch_first });
      layer.load_state_dict(stateOf(c.state));
      const x = decode(c.x).requires_grad_();
      const y = layer(x, { src_key_padding_mask: c.key_padding_mask ? decode(c.key_padding_mask) : null }) as Tensor;
      expectClose(y, decode(c.out), 5e-5, 5e-6, 'output');
      y.pow(2).sum().backward();
      expectClose(x.grad!, decode(c.grad_x), 1e-4, 1e-5, 'grad x');
      for (const [name, p] of layer.named_parameters()) expectClose(p.grad!, decode(c.grads[name]), 1e-4, 1e-5, `grad ${name}`);
    });
  });

  it('reprs byte for byte, an activation module becomes a child, bad activations are refused', () => {
    expect(String(new nn.MultiheadAttention(8, 2))).toBe(golden.reprs['MultiheadAttention(8, 2)']);
    expect(String(new nn.MultiheadAttention(8, 2, { bias: false, batch_first: true }))).toBe(golden.reprs['MultiheadAttention(8, 2, bias=False, batch_first=True)']);
    expect(String(new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 }))).toBe(golden.reprs['TransformerEncoderLayer(8, 2, dim_feedforward=16)']);
    expect(String(new nn.TransformerEncoderLayer(16, 4, 32, 0.2, 'gelu', { norm_first: true }))).toBe(golden.reprs["TransformerEncoderLayer(16, 4, 32, 0.2, 'gelu', norm_first=True)"]);
    expect(String(new nn.TransformerEncoderLayer(4, 2, 8, 0, new nn.GELU()))).toContain('(activation): GELU(approximate=\'none\')');
    expect(() => new nn.TransformerEncoderLayer(4, 2, 8, 0, 'tanh' as 'relu')).toThrow('activation should be relu/gelu, not tanh');
  });
});
