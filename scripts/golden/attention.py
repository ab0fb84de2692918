"""Golden values for the attention building blocks: F.scaled_dot_product_attention (PyTorch 2.x's
function; 1.13 lacks it, so its documented reference computation is written out here with 1.13's
ops), nn.MultiheadAttention and nn.TransformerEncoderLayer (1.13's modules: outputs, attention
weights, gradients and reprs). Module weights come from a seeded PyTorch model and are stored with
the case; dropout is 0 so the numbers are deterministic.
"""
import math

import torch
import torch.nn.functional as F

from _common import encode, write


def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    L, S = q.size(-2), k.size(-2)
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        bias.masked_fill_(torch.ones(L, S, dtype=torch.bool).tril(0).logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = bias.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            bias = bias + attn_mask
    w = torch.softmax(q @ k.transpose(-2, -1) * scale + bias, dim=-1)
    return w @ v


def rnd(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def sdpa_cases():
    out = []
    specs = [
        {"q": [2, 3, 4, 8], "k": [2, 3, 5, 8], "v": [2, 3, 5, 6]},
        {"q": [3, 4, 8], "k": [3, 4, 8], "v": [3, 4, 8], "is_causal": True},
        {"q": [2, 4, 8], "k": [2, 6, 8], "v": [2, 6, 8], "mask": "float"},
        {"q": [2, 4, 8], "k": [2, 6, 8], "v": [2, 6, 8], "mask": "bool"},
        {"q": [1, 2, 4, 8], "k": [1, 2, 4, 8], "v": [1, 2, 4, 8], "scale": 0.5},
    ]
    for i, s in enumerate(specs):
        q = rnd(*s["q"], seed=10 * i).requires_grad_()
        k = rnd(*s["k"], seed=10 * i + 1).requires_grad_()
        v = rnd(*s["v"], seed=10 * i + 2).requires_grad_()
        L, S = s["q"][-2], s["k"][-2]
        mask = None
        if s.get("mask") == "float":
            mask = rnd(L, S, seed=10 * i + 3)
        elif s.get("mask") == "bool":
            mask = rnd(L, S, seed=10 * i + 3) > -0.5
            mask[:, 0] = True  # every row keeps one key, so no row is all -inf
        y = sdpa_reference(q, k, v, mask, s.get("is_causal", False), s.get("scale"))
        y.backward(rnd(*y.shape, seed=10 * i + 4))
        out.append({"spec": s, "q": encode(q), "k": encode(k), "v": encode(v), "mask": None if mask is None else encode(mask),
                    "grad_out": encode(rnd(*y.shape, seed=10 * i + 4)), "out": encode(y),
                    "grad_q": encode(q.grad), "grad_k": encode(k.grad), "grad_v": encode(v.grad)})
    return out


def state(m):
    return {k: encode(v) for k, v in m.state_dict().items()}


def mha_cases():
    out = []
    specs = [
        {"E": 8, "H": 2, "self": True},
        {"E": 8, "H": 2, "self": True, "batch_first": True},
        {"E": 8, "H": 4, "self": False, "average_attn_weights": False},
        {"E": 8, "H": 2, "self": True, "key_padding_mask": True},
        {"E": 8, "H": 2, "self": True, "attn_mask": "bool"},
        {"E": 8, "H": 2, "self": True, "attn_mask": "float"},
        {"E": 8, "H": 2, "self": True, "bias": False},
        {"E": 8, "H": 2, "self": True, "unbatched": True},
    ]
    for i, s in enumerate(specs):
        torch.manual_seed(100 + i)
        m = torch.nn.MultiheadAttention(s["E"], s["H"], bias=s.get("bias", True), batch_first=s.get("batch_first", False))
        L, S, N, E = 4, 5 if not s["self"] else 4, 3, s["E"]
        shape_q = [L, E] if s.get("unbatched") else ([N, L, E] if s.get("batch_first") else [L, N, E])
        shape_k = [S, E] if s.get("unbatched") else ([N, S, E] if s.get("batch_first") else [S, N, E])
        q = rnd(*shape_q, seed=200 + i).requires_grad_()
        k = q if s["self"] else rnd(*shape_k, seed=300 + i).requires_grad_()
        v = q if s["self"] else rnd(*shape_k, seed=400 + i).requires_grad_()
        kpm = None
        if s.get("key_padding_mask"):
            kpm = torch.zeros(N, S, dtype=torch.bool)
            kpm[0, -1] = True
            kpm[2, 1:3] = True
        am = None
        if s.get("attn_mask") == "bool":
            am = torch.ones(L, S, dtype=torch.bool).triu(1)
        elif s.get("attn_mask") == "float":
            am = rnd(L, S, seed=500 + i)
        y, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am, average_attn_weights=s.get("average_attn_weights", True))
        (y.sum() + (w * w).sum()).backward()
        case = {"spec": s, "state": state(m), "q": encode(q), "out": encode(y), "weights": encode(w), "repr": repr(m),
                "grads": {n: encode(p.grad) for n, p in m.named_parameters()}, "grad_q": encode(q.grad)}
        if not s["self"]:
            case["k"], case["v"] = encode(k), encode(v)
        if kpm is not None:
            case["key_padding_mask"] = encode(kpm)
        if am is not None:
            case["attn_mask"] = encode(am)
        out.append(case)
    return out


def encoder_cases():
    out = []
    specs = [
        {"activation": "relu", "norm_first": False, "batch_first": False},
        {"activation": "gelu", "norm_first": True, "batch_first": True},
        {"activation": "relu", "norm_first": False, "batch_first": True, "key_padding_mask": True},
    ]
    for i, s in enumerate(specs):
        torch.manual_seed(700 + i)
        layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=s["activation"],
                                                 norm_first=s["norm_first"], batch_first=s["batch_first"])
        x = rnd(*([3, 4, 8] if s["batch_first"] else [4, 3, 8]), seed=800 + i).requires_grad_()
        kpm = None
        if s.get("key_padding_mask"):
            kpm = torch.zeros(3, 4, dtype=torch.bool)
            kpm[1, 2:] = True
        y = layer(x, src_key_padding_mask=kpm)
        y.pow(2).sum().backward()
        case = {"spec": s, "state": state(layer), "x": encode(x), "out": encode(y), "grad_x": encode(x.grad),
                "grads": {n: encode(p.grad) for n, p in layer.named_parameters()}}
        if kpm is not None:
            case["key_padding_mask"] = encode(kpm)
        out.append(case)
    return out


def main():
    reprs = {
        "MultiheadAttention(8, 2)": repr(torch.nn.MultiheadAttention(8, 2)),
        "MultiheadAttention(8, 2, bias=False, batch_first=True)": repr(torch.nn.MultiheadAttention(8, 2, bias=False, batch_first=True)),
        "TransformerEncoderLayer(8, 2, dim_feedforward=16)": repr(torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)),
        "TransformerEncoderLayer(16, 4, 32, 0.2, 'gelu', norm_first=True)": repr(torch.nn.TransformerEncoderLayer(16, 4, 32, 0.2, "gelu", norm_first=True)),
    }
    errors = {}
    for name, f in {
        "MultiheadAttention(8, 3)": lambda: torch.nn.MultiheadAttention(8, 3),
    }.items():
        try:
            f()
        except Exception as e:
            errors[name] = {"error": type(e).__name__, "message": str(e)}
    write("attention", {"sdpa": sdpa_cases(), "mha": mha_cases(), "encoder": encoder_cases(), "reprs": reprs, "errors": errors})
