"""Golden values for every activation of torch.nn: forward, gradient and grad_fn name of each
functional op at ordinary inputs and at the extremes, in float64 and float32, plus the repr of
each module with default and non-default arguments.

A case is {name, dtype, inputs, upstream, out, grads, grad_fn}; the test maps `name` to the same
call in kindling. Gradients are those of (out * upstream).sum(). Where PyTorch 1.13 loses digits
that kindling keeps (ELU's exp(x) - 1 at tiny x), the case also carries "exact": the same formula
evaluated with expm1, which is what the test compares against.
"""
import pathlib
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import encode, write  # noqa: E402

ORDINARY = [-7.5, -3.5, -3.0, -2.0, -1.25, -1.0, -0.5, -0.25, -0.1, 0.0,
            0.1, 0.25, 0.5, 1.0, 1.25, 2.0, 3.0, 3.5, 6.0, 7.5]
EXTREME = [-1e4, -100.0, -30.0, -20.5, -1e-10, -1e-30, -0.0, 1e-30, 1e-10, 20.5, 30.0, 100.0, 1e4]
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# name -> function of the input tensor(s); the test holds the same table in TypeScript
ELEMENTWISE = {
    "relu": F.relu,
    "relu6": F.relu6,
    "leaky_relu": F.leaky_relu,
    "leaky_relu(0.2)": lambda x: F.leaky_relu(x, 0.2),
    "elu": F.elu,
    "elu(0.5)": lambda x: F.elu(x, 0.5),
    "selu": F.selu,
    "celu": F.celu,
    "celu(2.0)": lambda x: F.celu(x, 2.0),
    "gelu": F.gelu,
    "gelu(tanh)": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "mish": F.mish,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softplus": F.softplus,
    "softplus(2, 10)": lambda x: F.softplus(x, 2, 10),
    "softplus(0.5, 30)": lambda x: F.softplus(x, 0.5, 30),
    "softplus(3, 20)": lambda x: F.softplus(x, 3, 20),
    "softsign": F.softsign,
    "hardtanh": F.hardtanh,
    "hardtanh(-2, 3)": lambda x: F.hardtanh(x, -2.0, 3.0),
    "hardsigmoid": F.hardsigmoid,
    "hardswish": F.hardswish,
    "logsigmoid": F.logsigmoid,
    "threshold(0.1, 20)": lambda x: F.threshold(x, 0.1, 20.0),
    "threshold(-1, -5)": lambda x: F.threshold(x, -1.0, -5.0),
    "tanhshrink": F.tanhshrink,
    "hardshrink": F.hardshrink,
    "hardshrink(1)": lambda x: F.hardshrink(x, 1.0),
    "softshrink": F.softshrink,
    "softshrink(1)": lambda x: F.softshrink(x, 1.0),
}


def elu_exact(x, alpha, scale, input_scale):
    return torch.where(x > 0, x * scale, torch.expm1(x * input_scale) * (alpha * scale))


EXACT = {
    "elu": lambda x: elu_exact(x, 1.0, 1.0, 1.0),
    "elu(0.5)": lambda x: elu_exact(x, 0.5, 1.0, 1.0),
    "selu": lambda x: elu_exact(x, SELU_ALPHA, SELU_SCALE, 1.0),
    "celu": lambda x: elu_exact(x, 1.0, 1.0, 1.0),
    "celu(2.0)": lambda x: elu_exact(x, 2.0, 1.0, 0.5),
}

SOFTMAX_INPUT = [[1000.0, 0.0, -1000.0, 1.5],
                 [1e4, 1e4 - 1, 0.0, -1e4],
                 [-0.5, 0.25, 2.0, -3.0],
                 [88.0, 89.0, -100.0, 100.0]]
DIMWISE = {
    "softmax(dim=1)": lambda x: F.softmax(x, dim=1),
    "softmax(dim=0)": lambda x: F.softmax(x, dim=0),
    "log_softmax(dim=1)": lambda x: F.log_softmax(x, dim=1),
    "log_softmax(dim=0)": lambda x: F.log_softmax(x, dim=0),
    "softmin(dim=1)": lambda x: F.softmin(x, dim=1),
    "softmin(dim=-2)": lambda x: F.softmin(x, dim=-2),
    "glu": F.glu,
    "glu(dim=0)": lambda x: F.glu(x, 0),
}

PRELU = {
    # (input values, input shape, weight values)
    "prelu(scalar weight)": (ORDINARY, [len(ORDINARY)], [0.25]),
    "prelu(channels)": ([v * (1 if i % 3 else -1) for i, v in enumerate(ORDINARY[:18])], [2, 3, 3], [0.1, -0.2, 0.3]),
    "prelu(one weight, 4d)": (ORDINARY[:16], [2, 2, 2, 2], [-0.5]),
}


def upstream_like(t):
    n = t.numel()
    vals = [round(0.5 + ((i * 37) % 11) / 10, 2) * (-1 if i % 4 == 3 else 1) for i in range(n)]
    return torch.tensor(vals, dtype=t.dtype).reshape(t.shape)


def run(name, fn, inputs, dtype, exact=None):
    xs = [torch.tensor(v, dtype=dtype).reshape(shape).requires_grad_() for v, shape in inputs]
    out = fn(*xs)
    up = upstream_like(out)
    grads = torch.autograd.grad((out * up).sum(), xs)
    case = {
        "name": name,
        "dtype": str(dtype).replace("torch.", ""),
        "inputs": [encode(x) for x in xs],
        "upstream": encode(up),
        "out": encode(out),
        "grads": [encode(g) for g in grads],
        "grad_fn": out.grad_fn.name(),
    }
    if exact is not None:
        with torch.no_grad():
            case["exact"] = encode(exact(*xs))
    return case


def cases():
    out = []
    values = ORDINARY + EXTREME
    for dtype in (torch.float64, torch.float32):
        for name, fn in ELEMENTWISE.items():
            out.append(run(name, fn, [(values, [len(values)])], dtype, EXACT.get(name)))
        for name, fn in DIMWISE.items():
            out.append(run(name, fn, [(SOFTMAX_INPUT, [4, 4])], dtype))
        out.append(run("glu(3d, dim=1)", lambda x: F.glu(x, 1), [(ORDINARY[:12], [2, 2, 3])], dtype))
        for name, (vals, shape, w) in PRELU.items():
            out.append(run(name, F.prelu, [(vals, shape), (w, [len(w)])], dtype))
    return out


REPRS = {
    "ReLU()": nn.ReLU(),
    "ReLU(inplace=True)": nn.ReLU(inplace=True),
    "ReLU6()": nn.ReLU6(),
    "ReLU6(inplace=True)": nn.ReLU6(inplace=True),
    "LeakyReLU()": nn.LeakyReLU(),
    "LeakyReLU(0.2, inplace=True)": nn.LeakyReLU(0.2, inplace=True),
    "PReLU()": nn.PReLU(),
    "PReLU(3, 0.1)": nn.PReLU(3, 0.1),
    "ELU()": nn.ELU(),
    "ELU(0.5, inplace=True)": nn.ELU(0.5, inplace=True),
    "SELU()": nn.SELU(),
    "SELU(inplace=True)": nn.SELU(inplace=True),
    "CELU()": nn.CELU(),
    "CELU(2.0, inplace=True)": nn.CELU(2.0, inplace=True),
    "GELU()": nn.GELU(),
    "GELU(approximate='tanh')": nn.GELU(approximate="tanh"),
    "Sigmoid()": nn.Sigmoid(),
    "Tanh()": nn.Tanh(),
    "SiLU()": nn.SiLU(),
    "SiLU(inplace=True)": nn.SiLU(inplace=True),
    "Mish()": nn.Mish(),
    "Mish(inplace=True)": nn.Mish(inplace=True),
    "Softplus()": nn.Softplus(),
    "Softplus(2, 10)": nn.Softplus(2, 10),
    "Softplus(0.5, 30.5)": nn.Softplus(0.5, 30.5),
    "Softsign()": nn.Softsign(),
    "Hardtanh()": nn.Hardtanh(),
    "Hardtanh(-2.0, 3.5, inplace=True)": nn.Hardtanh(-2.0, 3.5, inplace=True),
    "Hardsigmoid()": nn.Hardsigmoid(),
    "Hardsigmoid(inplace=True)": nn.Hardsigmoid(inplace=True),
    "Hardswish()": nn.Hardswish(),
    "Hardswish(inplace=True)": nn.Hardswish(inplace=True),
    "LogSigmoid()": nn.LogSigmoid(),
    "Softmax()": nn.Softmax(),
    "Softmax(dim=1)": nn.Softmax(dim=1),
    "LogSoftmax()": nn.LogSoftmax(),
    "LogSoftmax(dim=-1)": nn.LogSoftmax(dim=-1),
    "Softmin()": nn.Softmin(),
    "Softmin(dim=0)": nn.Softmin(dim=0),
    "Threshold(0.1, 20.0)": nn.Threshold(0.1, 20.0),
    "Threshold(-1.5, 0.0, inplace=True)": nn.Threshold(-1.5, 0.0, inplace=True),
    "Tanhshrink()": nn.Tanhshrink(),
    "Hardshrink()": nn.Hardshrink(),
    "Hardshrink(1.25)": nn.Hardshrink(1.25),
    "Softshrink()": nn.Softshrink(),
    "Softshrink(1e-05)": nn.Softshrink(1e-05),
    "GLU()": nn.GLU(),
    "GLU(1)": nn.GLU(1),
    "Sequential(...)": nn.Sequential(nn.Linear(2, 3), nn.ReLU(inplace=True), nn.Softmax(dim=-1)),
}


def main():
    torch.manual_seed(0)
    reprs = {k: repr(m) for k, m in REPRS.items()}
    prelu = nn.PReLU(3, 0.1)
    write("activations", {
        "cases": cases(),
        "reprs": reprs,
        "prelu_module": {"weight": encode(prelu.weight), "state_dict_keys": list(prelu.state_dict().keys())},
    })
