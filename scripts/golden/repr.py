"""Golden reprs: repr(t) for tensors covering every branch of torch/_tensor_str.py.

Each case is {input: encode(t), requires_grad, grad_fn, expected}; a few cases also carry
"print_options" (kwargs for torch.set_printoptions, applied only for that case) or
"default_dtype" (the torch default dtype while printing).
"""
import math
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import encode, write  # noqa: E402

inf = math.inf
nan = math.nan


def case(t, print_options=None, default_dtype=None):
    grad_fn = None
    if t.grad_fn is not None:
        grad_fn = t.grad_fn.name()
        printed = type(t.grad_fn).__name__
        if printed == "CppFunction":
            printed = grad_fn.rsplit("::", 1)[-1]
        assert printed == grad_fn.rsplit("::", 1)[-1], (printed, grad_fn)
    if print_options:
        torch.set_printoptions(**print_options)
    if default_dtype is not None:
        torch.set_default_dtype(default_dtype)
    try:
        expected = repr(t)
    finally:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)
    c = {"input": encode(t), "requires_grad": bool(t.requires_grad), "grad_fn": grad_fn, "expected": expected}
    if print_options:
        c["print_options"] = print_options
    if default_dtype is not None:
        c["default_dtype"] = str(default_dtype).replace("torch.", "")
    return c


def main():
    torch.manual_seed(0)
    T = torch.tensor
    f64 = torch.float64
    cases = []
    add = cases.append

    # --- 0-d tensors
    add(case(T(3.0)))
    add(case(T(-0.5)))
    add(case(T(1.5e10)))
    add(case(T(nan)))
    add(case(T(-inf)))
    add(case(T(-0.0)))
    add(case(T(7)))
    add(case(T(-123456789)))
    add(case(T(True)))
    add(case(T(False)))
    add(case(T(2.5, dtype=f64)))
    add(case(T(1e-7)))

    # --- 1-D float32: int mode, fixed, scientific
    add(case(T([1.0, 2.0, 3.0])))
    add(case(T([1.0, 10.0, 100.0])))
    add(case(T([1.0, -2.0, 300.0])))
    add(case(T([1.5, 2.25, -3.125])))
    add(case(T([0.1, 0.2, 0.3])))
    add(case(T([0.1 + 0.2, 1 / 3, 2 / 3])))
    add(case(T([0.5, 1.5, 2.5])))
    add(case(T([1.03125, 2.5, -1.03125])))  # exact ties: round half to even
    add(case(T([1e5, 1.0])))  # int mode, ratio > 1000 -> sci
    add(case(T([1000.0, 1.0])))  # ratio exactly 1000 -> not sci
    add(case(T([1e-5, 1.0])))  # min < 1e-4 -> sci
    add(case(T([1e-3, 1.0])))
    add(case(T([0.0001, 0.5])))  # float32(1e-4) < 1e-4 -> sci
    add(case(T([0.0002, 0.1])))
    add(case(T([123456789.0])))  # int > 1e8 -> sci
    add(case(T([1e8, 2.0])))  # int exactly 1e8 -> plain
    add(case(T([1e9])))
    add(case(T([1e-8, 1e8])))
    add(case(T([1e-8, 1e8, -3.5, 0.0])))
    add(case(T([-1e-5, 1e5, 0.25])))
    add(case(T([0.001, 1000.0])))
    add(case(T([1e20, -1e20, 1.0])))
    add(case(T([1e38, 1e-38, -1.0])))
    add(case(T([1e-45, 1.0])))  # float32 subnormal
    add(case(T([3.4028234663852886e38, 1.0])))
    add(case(T([1e10, -1e-10, nan])))
    add(case(T([nan, 1.0, inf, -inf])))
    add(case(T([nan, 1.5, inf])))
    add(case(T([nan, -inf, 1e-6])))
    add(case(T([nan, inf, -inf])))
    add(case(T([0.0, 0.0, 0.0])))
    add(case(T([-0.0, 0.0, 1.0])))
    add(case(T([-0.0, 1.5])))
    add(case(T([-0.0, 1e-6])))
    add(case(torch.randn(5)))
    add(case(torch.randn(7) * 1000))
    add(case(torch.randn(6) * 1e-3))

    # --- float64 (annotated with dtype=torch.float64)
    add(case(T([1.0, 2.0], dtype=f64)))
    add(case(T([1 / 3, 2 / 3, -1e-300], dtype=f64)))
    add(case(T([1e300, 1e-300], dtype=f64)))
    add(case(T([1.7976931348623157e308, 5e-324], dtype=f64)))
    add(case(torch.randn(3, 3, dtype=f64)))
    add(case(T([0.5, 1.25], dtype=f64) * 12345678901))

    # --- int64 and bool
    add(case(T([1, 2, 3])))
    add(case(T([-5, 0, 123456789012345, 2**53])))
    add(case(T([[1, -100], [1000, 5]])))
    add(case(torch.arange(24).reshape(2, 3, 4)))
    add(case(torch.arange(50)))
    add(case(T([True, False, True])))
    add(case(T([True, True])))
    add(case(T([[True, False], [False, False]])))

    # --- multi-dimensional layouts
    add(case(torch.randn(3, 4)))
    add(case(torch.randn(2, 3, 4)))
    add(case(torch.randn(2, 2, 2, 3)))
    add(case(torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2) - 10))
    add(case(torch.randn(1, 1, 3)))
    add(case(T([[1.0], [2.5], [-3.0]])))
    add(case(T([[nan, 1.0], [2.0, inf]])))
    add(case(torch.randn(3, 20)))  # rows wrap inside a 2-D tensor
    add(case(torch.randn(2, 3, 15) * 1e5))

    # --- long rows that wrap at linewidth 80
    add(case(torch.randn(30)))
    add(case(torch.arange(100.0)))
    add(case(torch.logspace(-10, 10, 25)))
    add(case(torch.arange(1000.0) / 7))  # exactly at the threshold: not summarised

    # --- summarised (> 1000 elements)
    add(case(torch.arange(2000.0)))
    add(case(torch.arange(1001.0)))
    add(case(torch.randn(1500)))
    t = torch.ones(2000)
    t[1000] = 1e-8  # hidden by summarisation: formatter sees only the edges
    add(case(t))
    t = torch.ones(2000) * 0.5
    t[1000] = 1e9
    add(case(t))
    add(case(torch.randn(40, 40)))
    add(case(torch.randn(2, 600)))
    add(case(torch.randn(600, 2)))
    add(case(torch.randn(10, 10, 20)))
    add(case(torch.arange(3000).reshape(30, 100)))
    add(case(torch.rand(1001) > 0.5))
    add(case(torch.randn(4, 5, 6, 10)))
    add(case(torch.randn(2, 3, 7, 25, dtype=f64)))

    # --- empty tensors
    add(case(T([])))
    add(case(torch.zeros(0, 3)))
    add(case(torch.zeros(2, 0, 3)))
    add(case(T([], dtype=torch.int64)))
    add(case(T([], dtype=torch.bool)))
    add(case(torch.zeros(0, dtype=f64)))
    add(case(torch.zeros(0, 4, dtype=torch.int64)))

    # --- requires_grad / grad_fn suffixes
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    add(case(a))
    add(case(T(2.0, requires_grad=True)))
    add(case(a + b))
    add(case(a * 2))
    add(case((a * b).sum()))
    add(case(a.exp()))
    m = torch.randn(2, 3, requires_grad=True)
    add(case(m @ torch.randn(3, 4)))
    add(case(torch.relu(m)))
    add(case(a.double()))
    add(case(T([1.0, 2.0], dtype=f64, requires_grad=True)))
    add(case(torch.zeros(0, 3, requires_grad=True)))
    add(case(torch.zeros(0, dtype=f64, requires_grad=True)))
    # suffixes that fit on the line and ones that wrap onto a new one
    for n in range(5, 12):
        add(case(torch.arange(n, dtype=f64).mul(1.5).requires_grad_()))
    for n in (8, 9, 10):
        add(case(torch.arange(n, dtype=torch.float32).mul(1.5).requires_grad_() * 1))
    for n in (12, 13, 14):  # 13 ones: the line is exactly long enough to wrap the suffix
        add(case(torch.ones(n, requires_grad=True)))
    add(case(torch.full((2, 2, 6), 1.5, requires_grad=True)))  # same boundary on a last line
    add(case(torch.full((2, 2, 5), 1.5, requires_grad=True)))
    add(case(torch.randn(3, 7, dtype=f64, requires_grad=True)))
    add(case(torch.randn(2000, dtype=f64, requires_grad=True) + 1))

    # --- print options
    add(case(T([1.12345, 2.5]), {"precision": 2}))
    add(case(T([1.12345, 2.5]), {"precision": 0}))
    add(case(T([1.5, 2.0, 1e5]), {"sci_mode": False}))
    add(case(T([1.0, 2.0, 1e10]), {"sci_mode": False}))
    add(case(T([1.5, 2.0, 100.0]), {"sci_mode": True}))
    add(case(T([1.0, 2.0, 100.0]), {"sci_mode": True}))
    add(case(T([nan, inf]), {"sci_mode": True}))  # no finite nonzero: the override is skipped
    add(case(T([0.0, -0.0]), {"sci_mode": True}))
    add(case(T(nan), {"sci_mode": True}))
    add(case(T(2.0), {"sci_mode": True}))
    add(case(T([1e-5, 1.0]), {"sci_mode": False}))
    add(case(T([10, 2000]), {"sci_mode": True}))
    add(case(torch.arange(10), {"threshold": 5}))
    add(case(torch.arange(10.0).reshape(2, 5), {"threshold": 5, "edgeitems": 1}))
    add(case(torch.randn(20), {"linewidth": 40}))
    add(case(torch.randn(5, 5), {"profile": "short"}))
    add(case(torch.arange(1200.0) * 0.25, {"profile": "full"}))
    add(case(torch.arange(30.0), {"edgeitems": 0, "threshold": 10}))
    add(case(torch.arange(12.0, requires_grad=True) * 2, {"linewidth": 30}))

    # --- default dtype float64: float32 is annotated, float64 is not
    add(case(T([1.0, 2.5]), default_dtype=f64))
    add(case(T([1.0, 2.5], dtype=f64), default_dtype=f64))
    add(case(T([]), default_dtype=f64))

    write("repr", cases)
