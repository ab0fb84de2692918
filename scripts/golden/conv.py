"""Golden values for the CNN layers: convolutions, pooling, padding, interpolation, unfold/fold,
their modules' reprs, PyTorch's error messages, and the MNIST example's CNN training for 3 steps.

Every call is written once as a spec the test replays: {"fn": F.* name, "tensors": shapes of the
leading tensor arguments, "args": further positional arguments, "kwargs": keyword arguments}.
Lists become tuples on the Python side (as a PyTorch user writes them)."""
import base64
import math

import torch
import torch.nn.functional as F
from torch import nn

from _common import encode, write


def r3(t):
    return torch.round(t * 1000) / 1000


def py(v):
    if isinstance(v, list):
        return tuple(py(x) for x in v)
    if isinstance(v, dict) and "zeros" in v:
        return torch.zeros(v["zeros"], dtype=getattr(torch, v.get("dtype", "float32")))
    return v


def case(fn, tensors, *args, **kwargs):
    return {"fn": fn, "tensors": tensors, "args": list(args), "kwargs": kwargs}


CASES = [
    case("conv2d", [[2, 3, 7, 6], [4, 3, 3, 3], [4]]),
    case("conv2d", [[2, 3, 7, 6], [4, 3, 3, 3], [4]], stride=2, padding=1),
    case("conv2d", [[2, 3, 7, 8], [4, 3, 2, 3], [4]], stride=[2, 1], padding=[0, 2], dilation=[1, 2]),
    case("conv2d", [[2, 6, 5, 5], [9, 2, 3, 3], [9]], groups=3),
    case("conv2d", [[1, 4, 6, 5], [4, 1, 3, 3]], None, 1, 1, 1, 4),
    case("conv2d", [[2, 3, 6, 7], [2, 3, 4, 4], [2]], padding="same"),
    case("conv2d", [[2, 3, 6, 7], [2, 3, 3, 2], [2]], padding="same", dilation=[2, 3]),
    case("conv2d", [[2, 3, 6, 7], [2, 3, 3, 3]], padding="valid"),
    case("conv2d", [[3, 6, 6], [5, 3, 1, 1], [5]]),
    case("conv2d", [[1, 2, 9, 9], [3, 2, 3, 3], [3]], stride=3, dilation=2, padding=2),
    case("conv1d", [[2, 3, 10], [5, 3, 3], [5]], stride=2, padding=1),
    case("conv1d", [[2, 4, 9], [6, 2, 3], [6]], dilation=2, groups=2),
    case("conv1d", [[2, 3, 8], [2, 3, 4]], padding="same"),
    case("conv1d", [[3, 8], [4, 3, 2], [4]]),
    case("conv_transpose2d", [[2, 4, 5, 5], [4, 3, 3, 3], [3]], stride=2, padding=1, output_padding=1),
    case("conv_transpose2d", [[1, 4, 4, 3], [4, 2, 3, 2], [4]], groups=2, dilation=2),
    case("conv_transpose2d", [[4, 3, 3], [4, 2, 2, 2]], stride=[2, 3]),
    case("conv_transpose2d", [[2, 2, 3, 4], [2, 3, 3, 3], [3]], stride=3, padding=[1, 0], output_padding=[2, 1]),
    case("max_pool2d", [[2, 3, 7, 7]], 2),
    case("max_pool2d", [[2, 3, 7, 7]], 3, stride=2, padding=1),
    case("max_pool2d", [[1, 2, 9, 8]], [3, 2], stride=[2, 1], dilation=2, ceil_mode=True),
    case("max_pool2d", [[1, 2, 5, 5]], 2, ceil_mode=True),
    case("max_pool2d", [[1, 2, 6, 7]], 3, 2, 1, 1, True, True),
    case("max_pool2d", [[3, 5, 6]], [2, 3]),
    case("max_pool1d", [[2, 3, 10]], 3, stride=2, padding=1),
    case("max_pool1d", [[3, 11]], 2, dilation=3, ceil_mode=True),
    case("max_pool1d", [[2, 3, 10]], 4, return_indices=True),
    case("avg_pool2d", [[2, 3, 6, 6]], 2),
    case("avg_pool2d", [[2, 3, 7, 6]], 3, stride=2, padding=1, count_include_pad=False),
    case("avg_pool2d", [[1, 2, 7, 6]], 3, stride=2, padding=1, ceil_mode=True),
    case("avg_pool2d", [[1, 2, 7, 6]], [3, 2], stride=[2, 3], padding=[1, 1], ceil_mode=True, count_include_pad=False),
    case("avg_pool2d", [[1, 2, 5, 5]], 2, divisor_override=3),
    case("avg_pool2d", [[3, 5, 5]], 2, 1),
    case("avg_pool1d", [[2, 3, 9]], 3, stride=2, padding=1),
    case("avg_pool1d", [[2, 3, 9]], 2, ceil_mode=True, count_include_pad=False, padding=1),
    case("adaptive_avg_pool2d", [[2, 3, 7, 9]], [3, 4]),
    case("adaptive_avg_pool2d", [[2, 3, 7, 9]], 1),
    case("adaptive_avg_pool2d", [[2, 3, 7, 9]], [None, 2]),
    case("adaptive_avg_pool2d", [[1, 2, 3, 2]], [4, 3]),
    case("adaptive_avg_pool2d", [[3, 5, 5]], 5),
    case("pad", [[2, 3, 4]], [1, 2], value=1.5),
    case("pad", [[2, 3, 4, 5]], [1, -1, 2, 0]),
    case("pad", [[1, 2, 3, 2, 2]], [1, 0, 0, 1, 2, 1, 1, 1]),
    case("pad", [[2, 3, 5]], [2, 1], mode="reflect"),
    case("pad", [[1, 2, 4, 5]], [1, 2, 3, 1], mode="reflect"),
    case("pad", [[2, 3, 3, 3, 4]], [1, 1, 2, 1, 1, 2], mode="reflect"),
    case("pad", [[3, 5]], [3, 1], mode="replicate"),
    case("pad", [[1, 2, 4, 5]], [2, 0, 1, 3], mode="replicate"),
    case("pad", [[1, 2, 4, 5]], [1, 2, 4, 1], mode="circular"),
    case("pad", [[2, 2, 5]], [-1, 2], mode="reflect"),
    case("interpolate", [[2, 3, 4, 5]], scale_factor=2),
    case("interpolate", [[1, 2, 3, 4]], size=[5, 7]),
    case("interpolate", [[1, 2, 6, 7]], scale_factor=0.5),
    case("interpolate", [[1, 2, 5, 4]], scale_factor=1.7, mode="nearest"),
    case("interpolate", [[2, 3, 4]], size=7),
    case("interpolate", [[2, 3, 4, 5]], scale_factor=2, mode="bilinear"),
    case("interpolate", [[2, 3, 4, 5]], scale_factor=2, mode="bilinear", align_corners=True),
    case("interpolate", [[1, 2, 4, 5]], size=[5, 3], mode="bilinear", align_corners=True),
    case("interpolate", [[1, 2, 5, 7]], size=[2, 3], mode="bilinear"),
    case("interpolate", [[1, 2, 4, 5]], scale_factor=[1.5, 0.75], mode="bilinear"),
    case("interpolate", [[1, 2, 4, 5]], scale_factor=1.7, mode="bilinear", recompute_scale_factor=True),
    case("interpolate", [[2, 3, 5]], size=8, mode="linear"),
    case("interpolate", [[2, 3, 5]], scale_factor=2.5, mode="linear", align_corners=True),
    case("unfold", [[2, 3, 5, 6]], 2),
    case("unfold", [[2, 3, 5, 6]], [2, 3], dilation=2, padding=1, stride=[2, 1]),
    case("unfold", [[3, 4, 4]], 3, padding=1),
    case("fold", [[2, 12, 12]], [4, 5], 2),
    case("fold", [[2, 12, 9]], [5, 6], [2, 2], dilation=[2, 1], padding=1, stride=[2, 3]),
]


def run_case(c):
    ts = []
    for shape in c["tensors"]:
        t = r3(torch.randn(shape))
        t.requires_grad_(True)
        ts.append(t)
    out = getattr(F, c["fn"])(*ts, *py(c["args"]), **{k: py(v) for k, v in c["kwargs"].items()})
    res = dict(c)
    res["inputs"] = [encode(t) for t in ts]
    if isinstance(out, tuple):
        res["indices"] = encode(out[1])
        out = out[0]
    u = r3(torch.randn(out.shape))
    (out * u).sum().backward()
    res["output"] = encode(out)
    res["upstream"] = encode(u)
    res["grads"] = [encode(t.grad) for t in ts]
    return res


def mod(cls, *args, **kwargs):
    return {"module": cls, "args": list(args), "kwargs": kwargs}


REPRS = [
    mod("Conv2d", 1, 32, 3), mod("Conv2d", 32, 64, 3, 1),
    mod("Conv2d", 3, 4, [3, 5], stride=2, padding=[1, 2], dilation=3, bias=False, padding_mode="reflect"),
    mod("Conv2d", 3, 3, 3, padding="same", groups=3), mod("Conv2d", 4, 8, 1, padding=0, dilation=1, padding_mode="circular"),
    mod("Conv1d", 2, 4, 3, padding="valid"), mod("Conv1d", 2, 4, 5, 2, 1, 1, 2, False),
    mod("ConvTranspose2d", 4, 2, 3, stride=2, output_padding=1), mod("ConvTranspose2d", 4, 2, [2, 3], 1, 1, 0, 2, True, 2),
    mod("MaxPool2d", 2), mod("MaxPool2d", [3, 2], stride=[2, 1], padding=1, ceil_mode=True),
    mod("MaxPool1d", 3, 2, 1, 2, True, True),
    mod("AvgPool2d", 2), mod("AvgPool2d", 3, divisor_override=2), mod("AvgPool2d", [3, 2], [2, 1], [1, 0], True, False),
    mod("AvgPool1d", 3, padding=1, ceil_mode=True, count_include_pad=False), mod("AvgPool1d", 4, 2),
    mod("AdaptiveAvgPool2d", [5, None]), mod("AdaptiveAvgPool2d", 3), mod("AdaptiveAvgPool2d", [2, 3]),
    mod("Upsample", scale_factor=2), mod("Upsample", size=[3, 4], mode="bilinear", align_corners=True),
    mod("Upsample", scale_factor=[2, 3]), mod("Upsample", size=5, mode="linear"), mod("Upsample", None, 1.5, "bilinear"),
    mod("UpsamplingNearest2d", scale_factor=2), mod("UpsamplingBilinear2d", size=3),
    mod("ZeroPad2d", 2), mod("ZeroPad2d", [1, 0, 2, 1]), mod("ConstantPad1d", [1, 2], 3.5), mod("ConstantPad2d", 1, -2),
    mod("ReflectionPad1d", 2), mod("ReflectionPad2d", [1, 0, 2, 1]), mod("ReplicationPad1d", [2, 1]), mod("ReplicationPad2d", 1),
]


def z(*shape, dtype="float32"):
    return {"zeros": list(shape), "dtype": dtype}


def err_call(fn, *args, **kwargs):
    return {"fn": fn, "args": list(args), "kwargs": kwargs}


ERRORS = {
    "conv2d 2-D input": err_call("conv2d", z(3, 4), z(2, 3, 3, 3)),
    "conv2d channel mismatch": err_call("conv2d", z(1, 4, 5, 5), z(2, 3, 3, 3)),
    "conv2d kernel bigger than input": err_call("conv2d", z(1, 3, 2, 2), z(2, 3, 3, 3)),
    "conv2d 3-D weight": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3)),
    "conv2d groups do not divide out channels": err_call("conv2d", z(1, 3, 5, 5), z(3, 1, 3, 3), groups=2),
    "conv2d bias size": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), z(3)),
    "conv2d stride 0": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), stride=0),
    "conv2d negative padding": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), padding=-1),
    "conv2d dilation 0": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), dilation=0),
    "conv2d same and strided": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), stride=2, padding="same"),
    "conv2d bad padding string": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), padding="foo"),
    "conv2d three strides": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), stride=[1, 1, 1]),
    "conv2d groups 0": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), groups=0),
    "conv2d weight dtype": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3, dtype="float64")),
    "conv2d bias dtype": err_call("conv2d", z(1, 3, 5, 5), z(2, 3, 3, 3), z(2, dtype="float64")),
    "conv2d bool": err_call("conv2d", z(1, 3, 5, 5, dtype="bool"), z(2, 3, 3, 3, dtype="bool")),
    "conv1d 4-D input": err_call("conv1d", z(1, 3, 5, 5), z(2, 3, 3)),
    "conv1d kernel bigger than input": err_call("conv1d", z(1, 3, 2), z(2, 3, 3)),
    "conv_transpose2d channel mismatch": err_call("conv_transpose2d", z(1, 3, 5, 5), z(2, 3, 3, 3)),
    "conv_transpose2d output_padding": err_call("conv_transpose2d", z(1, 3, 5, 5), z(3, 2, 3, 3), output_padding=2),
    "conv_transpose2d bias size": err_call("conv_transpose2d", z(1, 3, 5, 5), z(3, 2, 3, 3), z(3)),
    "conv_transpose2d output too small": err_call("conv_transpose2d", z(1, 3, 1, 1), z(3, 2, 1, 1), padding=1),
    "max_pool2d padding over half": err_call("max_pool2d", z(1, 2, 3, 4), 3, padding=2),
    "max_pool2d output too small": err_call("max_pool2d", z(1, 2, 3, 4), 5),
    "max_pool2d 2-D input": err_call("max_pool2d", z(3, 3), 2),
    "max_pool2d stride 0": err_call("max_pool2d", z(1, 2, 3, 4), 2, stride=0),
    "max_pool2d kernel 0": err_call("max_pool2d", z(1, 2, 4, 4), 0, stride=1),
    "max_pool2d negative padding": err_call("max_pool2d", z(1, 2, 4, 4), 2, padding=-1),
    "max_pool2d dilation 0": err_call("max_pool2d", z(1, 2, 3, 4), 2, dilation=0),
    "max_pool2d three kernel sizes": err_call("max_pool2d", z(1, 2, 4, 4), [2, 2, 2]),
    "max_pool2d int64": err_call("max_pool2d", z(1, 2, 4, 4, dtype="int64"), 2),
    "max_pool1d 1-D input": err_call("max_pool1d", z(3), 2),
    "max_pool1d padding over half": err_call("max_pool1d", z(1, 2, 4), 2, padding=2),
    "max_pool1d kernel 0": err_call("max_pool1d", z(1, 2, 4), 0),
    "max_pool1d stride 0": err_call("max_pool1d", z(1, 2, 4), 2, stride=0),
    "max_pool1d dilation 0": err_call("max_pool1d", z(1, 2, 4), 2, dilation=0),
    "avg_pool2d padding over half": err_call("avg_pool2d", z(1, 2, 3, 4), 3, padding=2),
    "avg_pool2d output too small": err_call("avg_pool2d", z(1, 2, 3, 4), 5),
    "avg_pool2d divisor 0": err_call("avg_pool2d", z(1, 2, 3, 4), 2, divisor_override=0),
    "avg_pool2d 2-D input": err_call("avg_pool2d", z(3, 4), 2),
    "avg_pool2d three kernel sizes": err_call("avg_pool2d", z(1, 2, 4, 4), [2, 2, 2]),
    "avg_pool1d output too small": err_call("avg_pool1d", z(2, 3, 4), 5),
    "avg_pool1d 1-D input": err_call("avg_pool1d", z(4), 2),
    "adaptive_avg_pool2d 2-D input": err_call("adaptive_avg_pool2d", z(3, 4), 2),
    "adaptive_avg_pool2d one size": err_call("adaptive_avg_pool2d", z(1, 2, 3, 4), [2]),
    "adaptive_avg_pool2d empty dim": err_call("adaptive_avg_pool2d", z(1, 2, 0, 4), 2),
    "adaptive_avg_pool2d int64": err_call("adaptive_avg_pool2d", z(1, 2, 4, 4, dtype="int64"), 2),
    "pad odd length": err_call("pad", z(1, 2, 3, 4), [1]),
    "pad too long": err_call("pad", z(1, 2, 3, 4), [1] * 10),
    "pad crops below zero": err_call("pad", z(1, 2, 3, 4), [-3, -3]),
    "pad reflect 4-D with one pair": err_call("pad", z(1, 2, 3, 4), [1, 1], mode="reflect"),
    "pad reflect value": err_call("pad", z(1, 2, 3, 4), [1, 1], mode="reflect", value=1.0),
    "pad reflect 1-D": err_call("pad", z(3), [1, 1], mode="reflect"),
    "pad reflect too wide": err_call("pad", z(1, 2, 4), [4, 4], mode="reflect"),
    "pad unknown mode": err_call("pad", z(1, 2, 3, 4), [1, 1], mode="foo"),
    "pad circular wraps twice": err_call("pad", z(1, 2, 4), [5, 5], mode="circular"),
    "pad circular unbatched": err_call("pad", z(1, 1, 5), [2, 1, 1, 1], mode="circular"),
    "pad replicate output empty": err_call("pad", z(1, 2, 4), [-5, 1], mode="replicate"),
    "interpolate size and scale": err_call("interpolate", z(1, 2, 3, 4), size=[2, 2], scale_factor=2),
    "interpolate neither": err_call("interpolate", z(1, 2, 3, 4)),
    "interpolate bilinear 3-D": err_call("interpolate", z(1, 2, 3), scale_factor=2, mode="bilinear"),
    "interpolate nearest align_corners": err_call("interpolate", z(1, 2, 3, 4), scale_factor=2, align_corners=True),
    "interpolate unknown mode": err_call("interpolate", z(1, 2, 3, 4), scale_factor=2, mode="foo"),
    "interpolate size rank": err_call("interpolate", z(1, 2, 3, 4), size=[2, 2, 2]),
    "interpolate scale rank": err_call("interpolate", z(1, 1, 4, 4), scale_factor=[2, 2, 2]),
    "interpolate size 0": err_call("interpolate", z(1, 1, 4, 4), size=0),
    "fold rows not divisible": err_call("fold", z(1, 3, 4), 4, 2),
    "fold wrong block count": err_call("fold", z(1, 4, 5), [3, 3], 2),
    "unfold 2-D input": err_call("unfold", z(3, 4), 2),
}

MODULE_ERRORS = {
    "Conv2d in_channels not divisible": mod("Conv2d", 3, 4, 3, groups=2),
    "Conv2d out_channels not divisible": mod("Conv2d", 4, 3, 3, groups=2),
    "Conv2d groups 0": mod("Conv2d", 4, 4, 3, groups=0),
    "Conv2d padding_mode": mod("Conv2d", 4, 4, 3, padding_mode="foo"),
    "Conv2d padding string": mod("Conv2d", 4, 4, 3, padding="foo"),
    "Conv2d same and strided": mod("Conv2d", 4, 4, 3, padding="same", stride=2),
    "ConvTranspose2d padding_mode": mod("ConvTranspose2d", 4, 4, 3, padding_mode="reflect"),
}


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the point
        return {"type": type(e).__name__, "message": str(e).split("\n")[0]}
    raise AssertionError("expected an error")


def build_module(spec):
    return getattr(nn, spec["module"])(*py(spec["args"]), **{k: py(v) for k, v in spec["kwargs"].items()})


class Net(nn.Module):
    """PyTorch's examples/mnist/main.py."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def quantized(t):
    """Weights on a 2^-15 grid, shipped as int16: the same float32 values on both sides, at half the size."""
    q = torch.round(t * 32768).clamp(-32767, 32767)
    return q / 32768, base64.b64encode(q.to(torch.int16).numpy().tobytes()).decode()


def mnist():
    torch.manual_seed(1)
    model = Net()
    state = {}
    with torch.no_grad():
        for k, p in model.named_parameters():
            v, b64 = quantized(p)
            p.copy_(v)
            state[k] = {"shape": list(p.shape), "int16": b64}
    x = r3(torch.rand(8, 1, 28, 28))
    y = torch.randint(0, 10, (8,))
    model.eval()  # dropout off, so the numbers are reproducible anywhere
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    steps = []
    for _ in range(3):
        opt.zero_grad()
        out = model(x)
        loss = F.nll_loss(out, y)
        loss.backward()
        steps.append({
            "output": encode(out), "loss": loss.item(),
            "grad_norms": {k: p.grad.norm().item() for k, p in model.named_parameters()},
        })
        opt.step()
    final = {k: {"sum": p.sum().item(), "abs_sum": p.abs().sum().item(), "first": encode(p.reshape(-1)[:16])} for k, p in model.named_parameters()}
    return {"repr": repr(Net()), "state_dict": state, "input": encode(x), "target": encode(y), "steps": steps, "final": final}


def main():
    torch.manual_seed(0)
    write("conv", {
        "cases": [run_case(c) for c in CASES],
        "reprs": [dict(s, repr=repr(build_module(s))) for s in REPRS],
        "errors": {k: dict(s, **error(lambda s=s: getattr(F, s["fn"])(*py(s["args"]), **{a: py(v) for a, v in s["kwargs"].items()}))) for k, s in ERRORS.items()},
        "module_errors": {k: dict(s, **error(lambda s=s: build_module(s))) for k, s in MODULE_ERRORS.items()},
        "mnist": mnist(),
    })


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    main()
