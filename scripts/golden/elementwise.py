"""Golden values for masks, rounding division, reordering, distances and torch.nn.utils.

cases: an op from OPS (tests/elementwise.test.ts keeps the same table), its inputs and keyword
arguments, the output, and the gradients of (y * w).sum() for a fixed weight w; float64 inputs
require grad, float32 cases check forward values (bit for bit for the rounding ops).
errors: PyTorch's exception type and message for a bad call, each named for the test's table.
nn_utils: clip_grad_norm_ / clip_grad_value_ on float32 gradients (total norm and clipped
gradients), and parameters_to_vector / vector_to_parameters.
"""
import json
import math

import torch
import torch.nn.functional as F

from _common import encode, num, write

F64, F32, I64 = torch.float64, torch.float32, torch.int64
NAN, INF = float("nan"), float("inf")

OPS = {
    "isnan": lambda xs, k: torch.isnan(xs[0]),
    "isinf": lambda xs, k: xs[0].isinf(),
    "isfinite": lambda xs, k: torch.isfinite(xs[0]),
    "isposinf": lambda xs, k: torch.isposinf(xs[0]),
    "isneginf": lambda xs, k: xs[0].isneginf(),
    "nan_to_num": lambda xs, k: torch.nan_to_num(xs[0], **k),
    "floor_divide": lambda xs, k: torch.floor_divide(xs[0], xs[1] if len(xs) > 1 else k["other"]),
    "remainder": lambda xs, k: torch.remainder(xs[0], xs[1] if len(xs) > 1 else k["other"]),
    "remainder_scalar_self": lambda xs, k: torch.remainder(k["self"], xs[0]),
    "div_floor": lambda xs, k: torch.div(xs[0], xs[1] if len(xs) > 1 else k["other"], rounding_mode="floor"),
    "fmod": lambda xs, k: torch.fmod(xs[0], xs[1] if len(xs) > 1 else k["other"]),
    "flip": lambda xs, k: torch.flip(xs[0], k["dims"]),
    "fliplr": lambda xs, k: torch.fliplr(xs[0]),
    "flipud": lambda xs, k: xs[0].flipud(),
    "roll": lambda xs, k: torch.roll(xs[0], **k),
    "repeat_interleave": lambda xs, k: torch.repeat_interleave(xs[0], xs[1] if len(xs) > 1 else k["repeats"], **{a: v for a, v in k.items() if a != "repeats"}),
    "repeat_interleave_counts": lambda xs, k: torch.repeat_interleave(xs[0]),
    "tile": lambda xs, k: xs[0].tile(k["dims"]),
    "where_cond": lambda xs, k: torch.where(xs[0]),
    "where_scalars": lambda xs, k: torch.where(xs[0], k["a"], k["b"]),
    "masked_fill": lambda xs, k: torch.masked_fill(xs[0], xs[1], xs[2] if len(xs) > 2 else k["value"]),
    "normalize": lambda xs, k: F.normalize(xs[0], **k),
    "cosine_similarity": lambda xs, k: F.cosine_similarity(xs[0], xs[1], **k),
    "pairwise_distance": lambda xs, k: F.pairwise_distance(xs[0], xs[1], **k),
}

gen = torch.Generator().manual_seed(0)


def rnd(shape, lo=-2.0, hi=2.0, dtype=F64):
    """Uniform in [lo, hi], rounded to 3 decimals (exact in the JSON, and in float32 once cast)."""
    v = torch.rand(shape, generator=gen, dtype=F64) * (hi - lo) + lo
    return (torch.round(v * 1000) / 1000).to(dtype)


def away(shape, dtype=F64):
    """Values with |v| in [0.5, 2]: divisors, and inputs kept off the kinks."""
    v = rnd(shape, 0.5, 2.0)
    s = torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0).to(F64)
    return (v * s).to(dtype)


def T(values, dtype=F64):
    return torch.tensor(values, dtype=dtype)


cases = []


def case(op, *inputs, tag="", **kw):
    """Runs OPS[op] on fresh leaf copies of the inputs (float64 ones require grad) and records it."""
    xs = []
    for t in inputs:
        x = t.detach().clone()
        if x.dtype == F64 and not op.startswith("is") and op not in ("where_cond", "floor_divide", "remainder_scalar_self"):
            x.requires_grad_(True)
        xs.append(x)
    y = OPS[op](xs, kw)
    outs = list(y) if isinstance(y, (tuple, list)) else [y]
    loss = None
    weights = []
    for o in outs:
        if o.requires_grad:
            w = rnd(o.shape, -1.5, 1.5, o.dtype)
            weights.append(w)
            term = (o * w).sum()
            loss = term if loss is None else loss + term
        else:
            weights.append(None)
    if loss is not None:
        loss.backward()
    name = f"{op} " + "&".join(str(list(t.shape)) for t in inputs)
    if kw:
        name += " " + json.dumps({a: num(v) for a, v in kw.items()}, separators=(",", ":"))
    if tag:
        name += f" ({tag})"
    if inputs and inputs[0].dtype != F64:
        name += " " + str(inputs[0].dtype).replace("torch.", "")
    assert name not in {c["name"] for c in cases}, name
    cases.append({
        "name": name,
        "op": op,
        "inputs": [{**encode(x), "requires_grad": x.requires_grad} for x in xs],
        "kwargs": {a: num(v) for a, v in kw.items()},
        "output": [encode(o) for o in outs] if isinstance(y, (tuple, list)) else encode(y),
        "weights": [encode(w) if w is not None else None for w in weights],
        "grads": [encode(x.grad) if x.grad is not None else None for x in xs],
    })


SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.5, -2.0, 3.4e38, 1e-45]


def mask_cases():
    for dtype in (F64, F32):
        x = T(SPECIAL, dtype)
        for op in ("isnan", "isinf", "isfinite", "isposinf", "isneginf"):
            case(op, x)
        case("nan_to_num", x)
        case("nan_to_num", x, nan=1.5, posinf=1e39, neginf=-7.25)
    for op in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "nan_to_num"):
        case(op, T([[1, -2], [3, 0]], I64), tag="int")
    case("isnan", T([True, False], torch.bool), tag="bool")
    case("nan_to_num", T([[NAN, 1.0, -INF], [INF, -0.5, 2.0]]), tag="grad", posinf=9.0)
    case("nan_to_num", rnd([3, 4]))
    case("where_cond", T([[True, False, True], [False, False, True]], torch.bool))
    case("where_cond", T([0.0, 1.5, 0.0, -2.0]), tag="float")
    case("where_cond", T(True, torch.bool), tag="0-d")
    case("where_cond", T([[0, 0], [0, 0]], I64), tag="none")
    case("where_scalars", T([True, False, True], torch.bool), a=1.0, b=-1.0)
    case("masked_fill", rnd([3, 4]), rnd([4]) > 0, value=-1.5)
    case("masked_fill", rnd([2, 3]), rnd([2, 1]) > 0, T(7.0), tag="tensor value")


def rounding_cases():
    a = rnd([4, 5], -6.0, 6.0)
    b = away([4, 5])
    for op in ("floor_divide", "remainder", "fmod"):
        case(op, a, b)
        case(op, a, away([5]), tag="broadcast")
        case(op, rnd([3, 4], -6.0, 6.0), other=1.5)
        case(op, rnd([3, 4], -6.0, 6.0), other=-0.75)
        ints = T([[-7, 7, -7, 7, 0, 5], [9, -9, 1, -1, -6, 6]], I64)
        idiv = T([[2, 2, -2, -2, 3, -5], [4, 4, -3, -3, 4, -4]], I64)
        case(op, ints, idiv, tag="int")
        case(op, ints, other=3, tag="int")
        case(op, ints, other=-2.5, tag="int by float")
        # float32 edges: each step of PyTorch's formula rounds to float
        fa = T([1.0, -1.0, 7.5, -7.5, 0.0, -0.0, 5.0, -5.0, INF, 3.0, NAN, 1e30, -1e-30, 0.3, 0.7, 3.0], F32)
        fb = T([0.1, 0.1, 2.0, 2.0, -3.0, 3.0, 0.0, 0.0, 2.0, INF, 1.0, 3.0, 7.0, 0.1, 0.1, -INF], F32)
        case(op, fa, fb, tag="edges")
        case(op, fa.double(), fb.double(), tag="edges")
        case(op, rnd([64], -100.0, 100.0, F32), rnd([64], -3.0, 3.0, F32))
        # wide magnitudes: quotients up to ~2^40 and tiny divisors, on both sides of 2^28
        wa = (torch.randn(600, generator=gen) * 10.0 ** torch.randint(-6, 7, (600,), generator=gen)).to(F32)
        wb = (torch.randn(600, generator=gen) * 10.0 ** torch.randint(-6, 7, (600,), generator=gen)).to(F32)
        case(op, wa, wb, tag="wide")
    # div(rounding_mode='floor') is the same kernel, with a zero gradient
    case("div_floor", fa, fb, tag="edges")
    case("div_floor", fa.double(), fb.double(), tag="edges")
    case("div_floor", a, b)
    case("div_floor", T([7, -7, 9], I64), other=-2, tag="int")
    case("remainder_scalar_self", away([5]), self=5.5)
    case("remainder_scalar_self", T([2, -3, 4], I64), self=-7, tag="int")


def reorder_cases():
    x = rnd([2, 3, 4])
    case("flip", x, dims=[0])
    case("flip", x, dims=[2, 0])
    case("flip", x, dims=[-1, 1])
    case("flip", x, dims=[])
    case("flip", rnd([]), dims=[0])
    case("flip", T([[1, 2, 3], [4, 5, 6]], I64), dims=[1], tag="int")
    case("fliplr", rnd([3, 4]))
    case("flipud", rnd([5]))
    case("flipud", rnd([2, 3, 2]))
    case("roll", x, shifts=1)
    case("roll", x, shifts=-5)
    case("roll", x, shifts=2, dims=1)
    case("roll", x, shifts=[1, -2], dims=[0, 2])
    case("roll", x, shifts=[7], dims=[-1])
    case("roll", rnd([]), shifts=3)
    case("roll", rnd([0, 3]), shifts=1, dims=1)
    case("repeat_interleave", x, repeats=2)
    case("repeat_interleave", x, repeats=3, dim=1)
    case("repeat_interleave", x, T([1, 0, 2], I64), dim=1)
    case("repeat_interleave", x, T([2], I64), dim=-1, tag="one count")
    case("repeat_interleave", x, T(2, I64), dim=0, tag="0-d count")
    case("repeat_interleave", rnd([3]), T([1, 3, 2], I64), output_size=6)
    case("repeat_interleave", rnd([]), repeats=3)
    case("repeat_interleave_counts", T([1, 0, 3, 2], I64))
    case("tile", rnd([2, 3]), dims=[2])
    case("tile", rnd([2, 3]), dims=[2, 1, 2])
    case("tile", rnd([3]), dims=[])


def distance_cases():
    case("normalize", rnd([4, 5]))
    case("normalize", rnd([3, 4, 2]), p=1.0, dim=-1)
    case("normalize", rnd([3, 4]), p=3.0, dim=0, eps=0.5)
    case("normalize", rnd([3, 4]), p=INF, dim=1)
    case("normalize", T([[0.0, 0.0], [3.0, 4.0]]), tag="zero row")
    case("normalize", rnd([6, 7], dtype=F32))
    case("cosine_similarity", rnd([4, 5]), rnd([4, 5]))
    case("cosine_similarity", rnd([3, 4, 2]), rnd([4, 1]), dim=-2)
    case("cosine_similarity", rnd([5]), rnd([3, 5]), dim=-1, eps=0.1)
    case("cosine_similarity", T([[1e-5, 0.0, 0.0], [0.0, 0.0, 0.0]]), T([[1.0, 2.0, 0.0], [1.0, 1.0, 1.0]]), tag="tiny")
    case("cosine_similarity", T([[1e-9, 0.0, 0.0]]), T([[1.0, 2.0, 0.0]]), tag="clamped")
    case("cosine_similarity", rnd([50, 7], dtype=F32), rnd([50, 7], dtype=F32))
    case("cosine_similarity", T(2.0), T(3.0), dim=0, tag="0-d")
    case("pairwise_distance", rnd([4, 5]), rnd([4, 5]))
    case("pairwise_distance", rnd([4, 5]), rnd([5]), p=1.0, keepdim=True)
    case("pairwise_distance", rnd([3, 4]), rnd([3, 4]), p=3.0, eps=0.01)
    case("pairwise_distance", rnd([3, 4]), rnd([3, 4]), p=INF)
    case("pairwise_distance", rnd([6, 7], dtype=F32), rnd([6, 7], dtype=F32))


# ---- errors ------------------------------------------------------------------------------------

x23 = torch.zeros(2, 3)
ERRORS = {
    "floor_divide bool": lambda: torch.floor_divide(torch.tensor([True]), torch.tensor([True])),
    "remainder bool": lambda: torch.remainder(torch.tensor([True]), torch.tensor([False])),
    "div floor bool": lambda: torch.div(torch.tensor([True]), torch.tensor([True]), rounding_mode="floor"),
    "div trunc bool": lambda: torch.div(torch.tensor([True]), torch.tensor([True]), rounding_mode="trunc"),
    "fmod bool": lambda: torch.fmod(torch.tensor([True]), True),
    "floor_divide int by zero": lambda: torch.floor_divide(T([5, 1], I64), T([1, 0], I64)),
    "remainder int by zero": lambda: torch.remainder(T([5], I64), 0),
    "fmod int by zero": lambda: torch.fmod(T([5], I64), T([0], I64)),
    "fmod scalar self": lambda: torch.fmod(3, T([2], I64)),
    "remainder_ float into int": lambda: T([5, 6], I64).remainder_(2.5),
    "floor_divide broadcast": lambda: torch.floor_divide(x23, torch.ones(4)),
    "remainder scalar self backward": lambda: torch.remainder(2.0, torch.ones(2, requires_grad=True)).sum().backward(),
    "floor_divide backward": lambda: torch.floor_divide(torch.ones(2, requires_grad=True), 2.0).sum().backward(),
    "flip duplicate dims": lambda: torch.flip(x23, [0, -2]),
    "flip dim out of range": lambda: torch.flip(x23, [2]),
    "fliplr 1-d": lambda: torch.fliplr(torch.ones(3)),
    "flipud 0-d": lambda: torch.flipud(torch.tensor(1.0)),
    "roll shifts without dims": lambda: torch.roll(x23, [1, 2]),
    "roll shifts and dims differ": lambda: torch.roll(x23, [1], [0, 1]),
    "roll dim out of range": lambda: torch.roll(x23, 1, 2),
    "roll 0-d with dim": lambda: torch.roll(torch.tensor(1.0), 1, 0),
    "repeat_interleave negative": lambda: torch.repeat_interleave(x23, -1),
    "repeat_interleave negative tensor": lambda: torch.repeat_interleave(x23, T([1, -2], I64), dim=0),
    "repeat_interleave float repeats": lambda: torch.repeat_interleave(x23, T([1.0, 2.0]), dim=0),
    "repeat_interleave 2-d repeats": lambda: torch.repeat_interleave(x23, T([[1, 2]], I64), dim=0),
    "repeat_interleave wrong size": lambda: torch.repeat_interleave(x23, T([1, 2], I64), dim=1),
    "repeat_interleave output_size": lambda: torch.repeat_interleave(x23, T([1, 2], I64), dim=0, output_size=4),
    "repeat_interleave dim": lambda: torch.repeat_interleave(x23, 2, dim=3),
    "repeat_interleave counts 2-d": lambda: torch.repeat_interleave(T([[1, 2]], I64)),
    "nan_to_num out dtype": lambda: torch.nan_to_num(torch.ones(2), out=torch.empty(2, dtype=F64)),
    "isposinf out dtype": lambda: torch.isposinf(torch.ones(2), out=torch.empty(2)),
    "cosine_similarity ints": lambda: F.cosine_similarity(T([1, 2], I64), T([1, 2], I64), 0),
    "cosine_similarity shapes": lambda: F.cosine_similarity(torch.ones(2, 3), torch.ones(2, 4)),
    "cosine_similarity dim": lambda: F.cosine_similarity(torch.ones(2, 3), torch.ones(2, 3), 2),
    "pairwise_distance shapes": lambda: F.pairwise_distance(torch.ones(2, 3), torch.ones(2, 4)),
    "normalize ints": lambda: F.normalize(T([3, 4], I64), dim=0),
    "normalize dim": lambda: F.normalize(x23, dim=2),
    "where one float cond, three args": lambda: torch.where(torch.ones(2), x23, x23),
    "clip_grad_norm_ nonfinite": lambda: clip_nonfinite(2.0),
    "clip_grad_norm_ nonfinite inf": lambda: clip_nonfinite("inf"),
    "vector_to_parameters not a tensor": lambda: torch.nn.utils.vector_to_parameters([1.0, 2.0], [torch.zeros(2)]),
    "vector_to_parameters too short": lambda: torch.nn.utils.vector_to_parameters(torch.zeros(4), [torch.zeros(2, 3)]),
    "parameters_to_vector non-contiguous": lambda: torch.nn.utils.parameters_to_vector([x23.t()]),
}


def clip_nonfinite(norm_type):
    p = torch.zeros(3, requires_grad=True)
    p.grad = T([1.0, INF, 2.0], F32)
    torch.nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type, error_if_nonfinite=True)


def errors():
    out = []
    for name, f in ERRORS.items():
        try:
            f()
        except Exception as e:  # noqa: BLE001 - the point is to record whatever PyTorch raises
            out.append({"name": name, "type": type(e).__name__, "message": str(e).split("\n")[0]})
            continue
        raise AssertionError(f"{name}: no error")
    return out


# ---- torch.nn.utils ----------------------------------------------------------------------------

def grads_set():
    """Float32 parameters with float32 gradients of several shapes (one without a gradient)."""
    shapes = [[4, 3], [3], [2, 5, 2], [1]]
    params = []
    for i, s in enumerate(shapes):
        p = torch.zeros(s, requires_grad=True)
        if i != 3:
            p.grad = rnd(s, -3.0, 3.0, F32)
        params.append(p)
    return params


def nn_utils():
    clip = []
    for max_norm, norm_type in [(1.0, 2.0), (0.5, 1.0), (2.0, INF), (100.0, 2.0), (3.0, 3.0), (0.1, "inf"), (1, 2)]:
        params = grads_set()
        before = [p.grad.clone() if p.grad is not None else None for p in params]
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        clip.append({
            "max_norm": max_norm, "norm_type": num(norm_type) if not isinstance(norm_type, str) else norm_type,
            "grads": [encode(g) if g is not None else None for g in before],
            "total": encode(total),
            "clipped": [encode(p.grad) if p.grad is not None else None for p in params],
        })
    # a single tensor, a 64-bit gradient, an empty list
    single = torch.zeros(3, requires_grad=True)
    single.grad = T([3.0, -4.0, 12.0], F32)
    g0 = single.grad.clone()
    total = torch.nn.utils.clip_grad_norm_(single, 6.5)
    clip.append({"max_norm": 6.5, "norm_type": 2.0, "single": True, "grads": [encode(g0)], "total": encode(total), "clipped": [encode(single.grad)]})
    d = torch.zeros(4, dtype=F64, requires_grad=True)
    d.grad = rnd([4], -3.0, 3.0, F64)
    g0 = d.grad.clone()
    total = torch.nn.utils.clip_grad_norm_([d], 0.25, 2.0)
    clip.append({"max_norm": 0.25, "norm_type": 2.0, "grads": [encode(g0)], "total": encode(total), "clipped": [encode(d.grad)]})
    empty = encode(torch.nn.utils.clip_grad_norm_([], 1.0))
    # total norms of one gradient of many lengths: every branch of the kernel's reduction order
    totals = []
    for dtype, sizes, norm_type in ((F32, list(range(1, 41)) + [63, 64, 100, 257, 1000], 2.0), (F64, list(range(1, 13)) + [100, 1000], 2.0),
                                    (F32, [1, 5, 8, 13, 100, 1000], 1.0), (F64, [7, 100], 1.0), (F32, [3, 9, 100, 1000], 3.0),
                                    (F32, [4, 17, 300], 0.5), (F32, [6, 40], 0.0), (F32, [5, 70], -INF), (F64, [11], 3.0)):
        for n in sizes:
            p = torch.zeros(n, dtype=dtype, requires_grad=True)
            p.grad = rnd([n], -3.0, 3.0, dtype)
            total = torch.nn.utils.clip_grad_norm_(p, 1e30, norm_type)
            totals.append({"grad": encode(p.grad), "norm_type": num(norm_type), "total": encode(total)})

    value = []
    for clip_value in (0.5, 2, 1e-3):
        params = grads_set()
        before = [p.grad.clone() if p.grad is not None else None for p in params]
        torch.nn.utils.clip_grad_value_(params, clip_value)
        value.append({"clip_value": clip_value, "grads": [encode(g) if g is not None else None for g in before],
                      "clipped": [encode(p.grad) if p.grad is not None else None for p in params]})

    params = [rnd([2, 3]), rnd([4]), rnd([1, 1])]
    vec = torch.nn.utils.parameters_to_vector(params)
    new = rnd([vec.numel() + 2])
    targets = [torch.zeros_like(p) for p in params]
    torch.nn.utils.vector_to_parameters(new, targets)
    return {
        "clip_grad_norm_": clip, "empty": empty, "totals": totals, "clip_grad_value_": value,
        "parameters": [encode(p) for p in params], "vector": encode(vec),
        "new_vector": encode(new), "new_parameters": [encode(t) for t in targets],
    }


def main():
    mask_cases()
    rounding_cases()
    reorder_cases()
    distance_cases()
    write("elementwise", {"cases": cases, "errors": errors(), "nn_utils": nn_utils()})


if __name__ == "__main__":
    main()
