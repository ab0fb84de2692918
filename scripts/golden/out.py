"""Golden values for `out=` on the torch.* functions: where the result goes and PyTorch 1.13's rules.

Each case calls torch.<op>(*inputs, **kwargs, out=out) with `out` built as the case says (dtype,
shape, a layout, filled with 7 so unwritten elements show) and records what PyTorch did: out's
values, shape and strides afterwards, whether the call returned out itself, how much out's version
moved, the warning it gave, or the error. `alias` cases write into one of the inputs (or a view of
it); the test keeps the same setups in JS.
"""
import warnings

import torch

from _common import encode, write

F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
DT = {"float32": F32, "float64": F64, "int64": I64, "bool": BOOL}


def arange(*shape, dtype="float32", shift=0.0, scale=1.0):
    n = 1
    for s in shape:
        n *= s
    t = (torch.arange(n, dtype=F64) * scale - shift).reshape(shape)
    return {"kind": "tensor", "value": t.to(DT[dtype])}


def num(v):
    return {"kind": "scalar", "value": v}


X = arange(2, 3, shift=2.5, scale=0.75)        # [-2.5 .. 1.25]: negatives, zero-free
P = arange(2, 3, shift=-0.5, scale=0.5)        # positive: log, sqrt
L = arange(2, 3, dtype="int64", shift=2)       # -2 .. 3
M = arange(2, 3, shift=1.0, scale=0.5)
N = arange(3, 2, shift=0.5, scale=0.25)


def case(name, op, inputs, out, kwargs=None, **extra):
    return {"name": name, "op": op, "inputs": inputs, "kwargs": kwargs or {}, "out": out, **extra}


def o(shape, dtype="float32", layout="contiguous"):
    return {"shape": list(shape), "dtype": dtype, "layout": layout}


CASES = [
    # elementwise: the result, returned out, version, dtype rules
    case("add", "add", [X, P], o([2, 3])),
    case("add alpha", "add", [X, P], o([2, 3]), {"alpha": 2}),
    case("add scalar", "add", [X, num(1.5)], o([2, 3])),
    case("add broadcast", "add", [X, arange(3)], o([2, 3])),
    case("add float into double", "add", [X, P], o([2, 3], "float64")),
    case("add long into float", "add", [L, num(1)], o([2, 3])),
    case("add float into long", "add", [X, P], o([2, 3], "int64")),
    case("add long into bool", "add", [L, L], o([2, 3], "bool")),
    case("add bool", "add", [{"kind": "tensor", "value": torch.tensor([True, False, True])}, {"kind": "tensor", "value": torch.tensor([False, False, True])}], o([3], "bool")),
    case("sub alpha", "sub", [X, P], o([2, 3]), {"alpha": 3}),
    case("mul", "mul", [X, P], o([2, 3])),
    case("mul long into double", "mul", [L, L], o([2, 3], "float64")),
    case("div", "div", [X, P], o([2, 3])),
    case("div long into long", "div", [L, num(2)], o([2, 3], "int64")),
    case("div floor long", "div", [L, num(2)], o([2, 3], "int64"), {"rounding_mode": "floor"}),
    case("div trunc into float", "div", [L, num(2)], o([2, 3]), {"rounding_mode": "trunc"}),
    case("div floor float into long", "div", [X, num(2)], o([2, 3], "int64"), {"rounding_mode": "floor"}),
    case("pow", "pow", [P, num(2.5)], o([2, 3])),
    case("pow long", "pow", [L, num(2)], o([2, 3], "int64")),
    case("maximum", "maximum", [X, P], o([2, 3])),
    case("minimum into double", "minimum", [X, P], o([2, 3], "float64")),
    case("maximum into long", "maximum", [X, P], o([2, 3], "int64")),
    case("eq into float", "eq", [X, P], o([2, 3])),
    case("lt", "lt", [X, num(0)], o([2, 3], "bool")),
    case("logical_and", "logical_and", [X, L], o([2, 3], "bool")),
    case("where", "where", [{"kind": "tensor", "value": torch.tensor([[True, False, True], [False, True, False]])}, X, P], o([2, 3])),
    case("max other", "max", [X, P], o([2, 3])),
    # unary: float ops cast, the others want out of the result's dtype
    *[case(op, op, [P], o([2, 3])) for op in ["exp", "log", "sqrt", "tanh", "sigmoid", "abs", "neg", "rsqrt", "sin", "cos", "log1p", "expm1", "reciprocal", "erf", "square", "floor", "ceil", "round", "trunc", "sign", "negative"]],
    case("exp long input", "exp", [L], o([2, 3])),
    case("exp into double", "exp", [X], o([2, 3], "float64")),
    case("exp into long", "exp", [L], o([2, 3], "int64")),
    case("sigmoid into bool", "sigmoid", [X], o([2, 3], "bool")),
    case("neg into double", "neg", [X], o([2, 3], "float64")),
    case("abs long into float", "abs", [L], o([2, 3])),
    case("abs long", "abs", [L], o([2, 3], "int64")),
    case("floor into long", "floor", [X], o([2, 3], "int64")),
    case("logical_not into float", "logical_not", [X], o([2, 3])),
    case("clamp", "clamp", [X], o([2, 3]), {"min": -1, "max": 0.5}),
    case("clamp min only", "clamp", [X], o([2, 3]), {"min": 0}),
    case("clip", "clip", [X], o([2, 3]), {"max": 0}),
    case("clamp into double", "clamp", [X], o([2, 3], "float64"), {"min": 0}),
    case("clamp long float bounds", "clamp", [L], o([2, 3]), {"min": 0.5, "max": 2}),
    case("clamp long into float", "clamp", [L], o([2, 3]), {"min": 0, "max": 2}),
    # shape: resize with a warning, silently when empty; non-contiguous out
    case("resize with warning", "add", [X, num(1)], o([4])),
    case("resize 0-d", "add", [X, num(1)], o([])),
    case("resize empty", "add", [X, num(1)], o([0])),
    case("resize grows strided", "add", [X, num(1)], o([4, 2], layout="column0")),
    case("transposed out", "add", [X, num(1)], o([2, 3], layout="transposed")),
    case("strided out", "exp", [X], o([2, 3], layout="every_other")),
    case("transposed out mm", "mm", [X, N], o([2, 2], layout="transposed")),
    case("strided out sum", "sum", [X], o([3], layout="every_other"), {"dim": 0}),
    case("expanded out", "add", [X, num(1)], o([2, 3], layout="expanded")),
    # linear algebra: out of exactly the result's dtype
    case("mm", "mm", [X, N], o([2, 2])),
    case("mm resize", "mm", [X, N], o([5])),
    case("mm into double", "mm", [X, N], o([2, 2], "float64")),
    case("mm into long", "mm", [X, N], o([2, 2], "int64")),
    case("matmul", "matmul", [X, N], o([2, 2])),
    case("matmul batched", "matmul", [arange(2, 2, 3, shift=3, scale=0.5), N], o([0])),
    case("matmul vector", "matmul", [arange(3), N], o([0])),
    case("matmul into double", "matmul", [X, N], o([2, 2], "float64")),
    case("bmm", "bmm", [arange(2, 2, 3, shift=3, scale=0.5), arange(2, 3, 2, shift=1, scale=0.25)], o([2, 2, 2])),
    case("bmm into double", "bmm", [arange(2, 2, 3), arange(2, 3, 2)], o([2, 2, 2], "float64")),
    case("addmm", "addmm", [arange(2, 2, shift=1), X, N], o([2, 2])),
    case("addmm broadcast beta alpha", "addmm", [arange(2, shift=1), X, N], o([2, 2]), {"beta": 0.5, "alpha": 2}),
    case("addmm beta 0 ignores nan", "addmm", [{"kind": "tensor", "value": torch.full((2, 2), float("nan"))}, X, N], o([2, 2]), {"beta": 0}),
    case("addmm into double", "addmm", [arange(2, 2), X, N], o([2, 2], "float64")),
    case("mv", "mv", [X, arange(3)], o([0])),
    case("dot", "dot", [arange(3), arange(3, shift=1)], o([3])),
    case("outer", "outer", [arange(3), arange(2)], o([3, 2], "float64")),
    # reductions
    case("sum dim", "sum", [X], o([3]), {"dim": 0}),
    case("sum keepdim", "sum", [X], o([2, 1]), {"dim": 1, "keepdim": True}),
    case("sum dims", "sum", [X], o([]), {"dim": [0, 1]}),
    case("sum into double", "sum", [X], o([3], "float64"), {"dim": 0}),
    case("sum float into long", "sum", [X], o([3], "int64"), {"dim": 0}),
    case("sum float into bool", "sum", [X], o([3], "bool"), {"dim": 0}),
    case("sum dtype into other", "sum", [X], o([3]), {"dim": 0, "dtype": "float64"}),
    case("sum resize", "sum", [X], o([5]), {"dim": 0}),
    case("sum empty dim", "sum", [arange(0, 3)], o([3]), {"dim": 0}),
    case("mean dim", "mean", [X], o([2]), {"dim": 1}),
    case("mean into double", "mean", [X], o([2], "float64"), {"dim": 1}),
    case("mean into long", "mean", [X], o([2], "int64"), {"dim": 1}),
    case("mean dtype", "mean", [X], o([2]), {"dim": 1, "dtype": "float64"}),
    case("prod dim", "prod", [X], o([3]), {"dim": 0}),
    case("prod float into long", "prod", [X], o([3], "int64"), {"dim": 0}),
    case("amax", "amax", [X], o([3]), {"dim": 0}),
    case("amax all", "amax", [X], o([])),
    case("amin into double", "amin", [X], o([3], "float64"), {"dim": 0}),
    case("argmax", "argmax", [X], o([2], "int64"), {"dim": 1}),
    case("argmax all", "argmax", [X], o([], "int64")),
    case("argmin keepdim all", "argmin", [X], o([0], "int64"), {"keepdim": True}),
    case("argmax into float", "argmax", [X], o([2]), {"dim": 1}),
    case("any", "any", [X], o([3], "bool"), {"dim": 0}),
    case("all into float", "all", [X], o([3]), {"dim": 0}),
    case("std", "std", [X], o([3]), {"dim": 0}),
    case("var biased into double", "var", [X], o([2], "float64"), {"dim": 1, "unbiased": False}),
    case("var into long", "var", [X], o([2], "int64"), {"dim": 1}),
    case("logsumexp", "logsumexp", [X], o([2]), {"dim": 1}),
    case("logsumexp into long", "logsumexp", [X], o([2], "int64"), {"dim": 1}),
    case("norm", "norm", [X], o([])),
    case("norm dim p1", "norm", [X], o([3], "float64"), {"p": 1, "dim": 0}),
    case("norm into long", "norm", [X], o([3], "int64"), {"dim": 0}),
    case("max dim", "max", [X], [o([3]), o([3], "int64")], {"dim": 0}),
    case("min dim keepdim resize", "min", [X], [o([5]), o([0], "int64")], {"dim": 1, "keepdim": True}),
    case("max dim values into double", "max", [X], [o([3], "float64"), o([3], "int64")], {"dim": 0}),
    case("max dim indices into float", "max", [X], [o([3]), o([3])], {"dim": 0}),
    # activations, softmax and indexing with out=
    case("softmax", "softmax", [X], o([2, 3]), {"dim": 1}),
    case("log_softmax resize", "log_softmax", [X], o([5]), {"dim": 0}),
    case("softmax into double", "softmax", [X], o([2, 3], "float64"), {"dim": 1}),
    case("softmax dtype into float", "softmax", [X], o([2, 3]), {"dim": 1, "dtype": "float64"}),
    case("softmax input requires grad", "softmax", [X], o([2, 3]), {"dim": 1}, requires_grad=[0]),
    case("threshold", "threshold", [X, num(0.5), num(5)], o([2, 3])),
    case("threshold into double", "threshold", [X, num(0.5), num(5)], o([2, 3], "float64")),
    case("threshold into long", "threshold", [X, num(0.5), num(5)], o([2, 3], "int64")),
    case("threshold grad", "threshold", [X, num(0.5), num(5)], o([2, 3]), requires_grad=[0]),
    case("hardshrink", "hardshrink", [X], o([2, 3]), {"lambd": 1}),
    case("hardshrink into double", "hardshrink", [X], o([2, 3], "float64")),
    case("index_select", "index_select", [X, {"kind": "tensor", "value": torch.tensor([2, 0])}], o([2, 2]), mid={"dim": 1}),
    case("index_select into double", "index_select", [X, {"kind": "tensor", "value": torch.tensor([2, 0])}], o([2, 2], "float64"), mid={"dim": 1}),
    case("index_select grad", "index_select", [X, {"kind": "tensor", "value": torch.tensor([2, 0])}], o([2, 2]), mid={"dim": 1}, requires_grad=[0]),
    case("gather", "gather", [X, {"kind": "tensor", "value": torch.tensor([[2], [0]])}], o([0]), mid={"dim": 1}),
    case("gather into double", "gather", [X, {"kind": "tensor", "value": torch.tensor([[2], [0]])}], o([2, 1], "float64"), mid={"dim": 1}),
    # joining
    case("cat", "cat", [X, P], o([4, 3]), list_input=True),
    case("cat dim 1 into double", "cat", [X, L], o([2, 6], "float64"), {"dim": 1}, list_input=True),
    case("cat into long", "cat", [X, L], o([4, 3], "int64"), list_input=True),
    case("cat bool into long", "cat", [{"kind": "tensor", "value": torch.tensor([True, False])}, {"kind": "tensor", "value": torch.tensor([True])}], o([3], "int64"), list_input=True),
    case("concat", "concat", [X, P], o([4, 3]), list_input=True),
    case("stack", "stack", [X, P], o([2, 2, 3]), list_input=True),
    case("stack dim 1 resize", "stack", [X, P], o([5]), {"dim": 1}, list_input=True),
    # autograd
    case("grad input", "add", [X, P], o([2, 3]), requires_grad=[0]),
    case("grad second input", "mm", [X, N], o([2, 2]), requires_grad=[1]),
    case("grad sum", "sum", [X], o([3]), {"dim": 0}, requires_grad=[0]),
    case("grad cat", "cat", [X, P], o([4, 3]), requires_grad=[1], list_input=True),
    case("grad max dim", "max", [X], [o([3]), o([3], "int64")], {"dim": 0}, requires_grad=[0]),
    case("grad out leaf", "add", [X, P], o([2, 3]), out_requires_grad=True),
    case("grad out leaf mm", "mm", [X, N], o([2, 2]), out_requires_grad=True),
    case("grad argmax", "argmax", [X], o([2], "int64"), {"dim": 1}, requires_grad=[0]),
    case("grad eq", "eq", [X, P], o([2, 3], "bool"), requires_grad=[0]),
    case("grad no_grad", "add", [X, P], o([2, 3]), requires_grad=[0], out_requires_grad=True, no_grad=True),
    case("grad no_grad mm", "mm", [X, N], o([2, 2]), requires_grad=[0], no_grad=True),
    # out aliasing an input
    case("alias add self", "add", [X, P], None, alias="input0"),
    case("alias add other", "add", [X, P], None, alias="input1"),
    case("alias exp", "exp", [X], None, alias="input0"),
    case("alias broadcast", "add", [arange(2, 1), X], None, alias="input0"),
    case("alias transposed", "add", [arange(2, 2), num(1)], None, alias="input0_t"),
    case("alias shifted", "add", [arange(6), num(1)], None, alias="shifted"),
    case("alias mm first", "mm", [arange(2, 2), arange(2, 2, shift=1)], None, alias="input0"),
    case("alias mm second", "mm", [arange(2, 2), arange(2, 2, shift=1)], None, alias="input1"),
    case("alias matmul", "matmul", [arange(2, 2), arange(2, 2, shift=1)], None, alias="input0"),
    case("alias addmm", "addmm", [arange(2, 2), arange(2, 2, shift=1), arange(2, 2, scale=2)], None, alias="input0"),
    case("alias bmm", "bmm", [arange(2, 2, 2), arange(2, 2, 2, shift=1)], None, alias="input0"),
    case("alias sum row", "sum", [arange(2, 3)], None, {"dim": 0}, alias="row0"),
    case("alias cat", "cat", [arange(3), arange(3)], None, alias="cat_prefix", list_input=True),
]


def make_out(spec):
    """out as the case describes it, filled with 7: contiguous, transposed, a column, every other element, expanded."""
    dt = DT[spec["dtype"]]
    shape = spec["shape"]
    layout = spec["layout"]
    if layout == "contiguous":
        return torch.full(shape, 7, dtype=dt)
    if layout == "transposed":
        return torch.full(shape[::-1], 7, dtype=dt).t()
    if layout == "column0":
        return torch.full(shape, 7, dtype=dt)[:, 0]
    if layout == "every_other":
        return torch.full(shape[:-1] + [shape[-1] * 2], 7, dtype=dt)[..., ::2]
    if layout == "expanded":
        return torch.full([1] + shape[1:], 7, dtype=dt).expand(shape)
    raise ValueError(layout)


def alias_setup(kind, xs):
    """(inputs as passed, out) for an aliasing case."""
    if kind == "input0":
        return xs, xs[0]
    if kind == "input1":
        return xs, xs[1]
    if kind == "input0_t":
        return xs, xs[0].t()
    if kind == "shifted":
        return [xs[0][:5]] + xs[1:], xs[0][1:]
    if kind == "row0":
        return xs, xs[0][0]
    if kind == "cat_prefix":
        # out holds both inputs in its first half
        base = torch.zeros(6)
        base[:3] = xs[0]
        return [base[:3], base[:3]], base
    raise ValueError(kind)


def call(c, xs, out):
    args = [x for x in xs]
    if c.get("list_input"):
        args = [args]
    if c.get("mid"):
        # positional arguments between the first input and the rest (index_select's dim)
        args = args[:1] + list(c["mid"].values()) + args[1:]
    kw = dict(c["kwargs"])
    if "dtype" in kw:
        kw["dtype"] = DT[kw["dtype"]]
    fn = getattr(torch, c["op"])
    if c["op"] in ("max", "min") and "dim" in kw:
        return fn(*args, kw.pop("dim"), *( [kw.pop("keepdim")] if "keepdim" in kw else []), out=out)
    return fn(*args, **kw, out=out)


def run(c):
    xs = []
    for i, inp in enumerate(c["inputs"]):
        v = inp["value"]
        if inp["kind"] == "tensor":
            v = v.clone()
            if i in c.get("requires_grad", []):
                v.requires_grad_(True)
        xs.append(v)
    record = {k: v for k, v in c.items() if k not in ("inputs",)}
    record["inputs"] = [{"kind": "tensor", **encode(v)} if isinstance(v, torch.Tensor) else {"kind": "scalar", "value": v} for v in xs]
    if c.get("alias"):
        originals = [x.clone() if isinstance(x, torch.Tensor) else x for x in xs]
        xs, out = alias_setup(c["alias"], xs)
        outs = [out]
        try:
            ys, _ = alias_setup(c["alias"], [x.clone() if isinstance(x, torch.Tensor) else x for x in originals])
            correct = call(c, [y.clone() if isinstance(y, torch.Tensor) else y for y in ys], torch.empty(0))
            record["correct"] = encode(correct)
        except Exception:
            pass
    else:
        specs = c["out"] if isinstance(c["out"], list) else [c["out"]]
        outs = [make_out(s) for s in specs]
        if c.get("out_requires_grad"):
            outs[0].requires_grad_(True)
    versions = [t._version for t in outs]
    out_arg = tuple(outs) if isinstance(c["out"], list) else outs[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if c.get("no_grad"):
                with torch.no_grad():
                    r = call(c, xs, out_arg)
            else:
                r = call(c, xs, out_arg)
        except Exception as e:
            record["error"] = str(e).split("\n")[0]
            return record
    record["warnings"] = [str(w.message).split(" (Triggered internally")[0] for w in caught]
    rs = list(r) if isinstance(r, tuple) else [r]
    record["returned_out"] = all(a is b for a, b in zip(rs, outs))
    record["results"] = [{**encode(t), "strides": list(t.stride()), "version_delta": t._version - v, "requires_grad": t.requires_grad} for t, v in zip(outs, versions)]
    if "correct" in record:
        record["pytorch_differs"] = not torch.equal(outs[0], torch.tensor(record["correct"]["data"], dtype=outs[0].dtype).reshape(outs[0].shape))
    if c.get("alias"):
        record["inputs_after"] = [encode(x) if isinstance(x, torch.Tensor) else None for x in xs]
    return record


def main():
    write("out", [run(c) for c in CASES])


if __name__ == "__main__":
    main()
