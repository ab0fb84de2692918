"""Golden values for Python indexing: x[items] (forward and gradient) and x[items] = v.

Each case lists its items in JSON: a number is an int, a string a slice ('1:3', '::2', ':'), "..."
the ellipsis, null None, true/false a bool, {"t": data, "dtype": d} a tensor, {"list": data} a Python
list. tests/indexing.test.ts builds the same items for x.index(...) / x.setitem(...).
"""
import torch

from _common import encode, write


def item(spec):
    if spec is None:
        return None
    if isinstance(spec, bool):
        return spec
    if isinstance(spec, int):
        return spec
    if spec == "...":
        return Ellipsis
    if isinstance(spec, str):
        parts = [int(p) if p.strip() not in ("", "None") else None for p in spec.split(":")]
        return slice(*parts)
    if "list" in spec:
        return spec["list"]
    return torch.tensor(spec["t"], dtype={"int64": torch.int64, "bool": torch.bool}[spec["dtype"]])


def t(data, dtype="int64"):
    return {"t": data, "dtype": dtype}


def base():
    return torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)


def get_case(items):
    x = base().requires_grad_()
    try:
        y = x[tuple(item(s) for s in items)]
    except Exception as e:
        return {"items": items, "error": type(e).__name__, "message": str(e)}
    w = torch.arange(y.numel(), dtype=torch.float32).reshape(y.shape)
    (y * w).sum().backward()
    return {"items": items, "out": encode(y), "grad": encode(x.grad)}


def set_case(items, value, accumulate=False):
    x = base()
    v = torch.tensor(value["t"], dtype=torch.float32) if isinstance(value, dict) else value
    try:
        if accumulate:
            x.index_put_(tuple(item(s) for s in items), v if isinstance(v, torch.Tensor) else torch.tensor(v), accumulate=True)
        else:
            x[tuple(item(s) for s in items)] = v
    except Exception as e:
        return {"items": items, "value": value, "accumulate": accumulate, "error": type(e).__name__, "message": str(e)}
    return {"items": items, "value": value, "accumulate": accumulate, "out": encode(x)}


GET = [
    [0], [-1], [1, 2], [1, -1, 3], [":", 1], ["1:3"], [":", "1:3"], ["::2"], [":", ":", "::3"], [":", "-2:"],
    ["1:100", "-100:2"], [":", "2:1"], ["...", 1], [0, "..."], [None], [None, "...", None, 0], [":", None, 1],
    ["...", "..."], [True], [False], [0, True],
    [t([1, 0])], [t([1, 0, 1])], [t([[0, 1], [1, 0]])], [":", t([2, 0, 2])], [t([-1])], [":", ":", t([-1, -4])],
    [t([0, 1]), t([2, 0])], [t([0, 1]), ":", t([1, 3])], [t([0, 1]), 0, t([0, 1])], [0, ":", t([0, 1])],
    [t([1]), ":", 0], [":", t([0, 1]), t([1, 2])], [t([[0], [1]]), t([0, 2])], [{"list": [1, 0]}], [":", {"list": [0, 0, 2]}],
    [t([[True, False, True], [False, True, False]], "bool")], [t([True, False], "bool")], [":", t([True, False, True], "bool")],
    [t([True, False], "bool"), "::2"], [t([1, 0]), "1:3", t([0, 3])],
    # errors
    [2], [":", 3], [":", ":", -5], [0, 0, 0, 0], [t([2])], [":", t([0, 5])], [t([0, 1]), t([0, 1, 2])],
    [t([True, False, True], "bool")], [t([[True, False, True]], "bool")], ["::-1"], ["::0"], [":", t([0, 3]), t([0])],
]

SET = [
    ([0], 5.0), ([":", 1], {"t": [1.0, 2.0]}), (["::2"], 7.0), ([t([0, 1]), 0], {"t": [[1.0, 2.0, 3.0, 4.0]]}),
    ([0, t([0, 0])], {"t": [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]}), ([t([[True, False, True], [False, True, False]], "bool")], 0.0),
    ([t([1, 0]), t([2, 1])], {"t": [9.0, 8.0]}), ([":", ":", t([0, 3])], -1.0),
    ([t([0, 1]), 0], {"t": [1.0, 2.0, 3.0]}), ([t([[True, False, True], [False, True, False]], "bool")], {"t": [1.0, 2.0]}),
]
ACCUMULATE = [([t([0, 0, 1])], {"t": [1.0]}), ([t([0, 0]), t([1, 1])], {"t": [1.0, 2.0]})]


def main():
    write("indexing", {
        "get": [get_case(items) for items in GET],
        "set": [set_case(items, v) for items, v in SET] + [set_case(items, v, True) for items, v in ACCUMULATE],
    })
