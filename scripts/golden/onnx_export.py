"""Golden ONNX exports: what torch.onnx.export of PyTorch 1.13 writes for small models.

Each case is {name, opset, kwargs, state_dict, input, output, op_types, attributes, inputs,
outputs, initializers}: the model's weights, one input and its eval-mode output, and the exported
graph's node op_types in order with their int, float and ints attributes, graph input/output names
and initializer names. The tests build the same
model in kindling, load the state dict, export it with the same arguments, run the file in
onnxruntime and compare graphs and values. The protobuf is read here with a few lines of wire
format (the onnx package is not needed).
"""
import io
import pathlib
import struct
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import encode, write  # noqa: E402


def fields(buf):
    """(field number, wire type, value) of one protobuf message; length-delimited values as bytes."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wire == 5:
            v, i = buf[i:i + 4], i + 4
        elif wire == 1:
            v, i = buf[i:i + 8], i + 8
        else:
            raise ValueError(f"wire type {wire}")
        yield num, wire, v


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def first(buf, num):
    return next(v for n, _, v in fields(buf) if n == num)


def int64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def attributes(node):
    """A node's attributes: AttributeProto name 1, f 2, i 3, ints 8 (tensors and strings left out)."""
    out = {}
    for n, _, a in fields(node):
        if n != 5:
            continue
        name, value = None, None
        for k, wire, v in fields(a):
            if k == 1:
                name = v.decode()
            elif k == 2:
                value = struct.unpack("<f", v)[0]
            elif k == 3:
                value = int64(v)
            elif k == 8:
                ints = [int64(v)] if wire == 0 else packed(v)
                value = (value or []) + ints
        if value is not None:
            out[name] = value
    return out


def packed(buf):
    out, i = [], 0
    while i < len(buf):
        v, i = varint(buf, i)
        out.append(int64(v))
    return out


def graph_summary(model_bytes):
    # ModelProto.graph = 7; GraphProto: node 1, initializer 5, input 11, output 12;
    # NodeProto.op_type = 4, attribute 5; TensorProto.name = 8; ValueInfoProto.name = 1
    graph = first(model_bytes, 7)
    out = {"op_types": [], "attributes": [], "inputs": [], "outputs": [], "initializers": []}
    for n, _, v in fields(graph):
        if n == 1:
            out["op_types"].append(first(v, 4).decode())
            out["attributes"].append(attributes(v))
        elif n == 5:
            out["initializers"].append(first(v, 8).decode())
        elif n == 11:
            out["inputs"].append(first(v, 1).decode())
        elif n == 12:
            out["outputs"].append(first(v, 1).decode())
    return out


class Custom(nn.Module):
    """A user module: view, arithmetic with scalars and tensors, matmul and a functional softmax."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)
        self.proj = nn.Parameter(torch.randn(4, 3))

    def forward(self, x):
        h = self.fc(x.view(x.size(0), -1))
        h = torch.relu(h * 2.0 + 1.0) - h / 3.0
        return F.log_softmax(torch.matmul(h, self.proj), dim=-1)


def mlp(act):
    return nn.Sequential(nn.Linear(4, 6), act, nn.Linear(6, 3))


ACTIVATIONS = {
    "relu": nn.ReLU(), "relu6": nn.ReLU6(), "hardtanh": nn.Hardtanh(-0.5, 0.75), "sigmoid": nn.Sigmoid(),
    "tanh": nn.Tanh(), "gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"), "silu": nn.SiLU(),
    "mish": nn.Mish(), "softplus": nn.Softplus(), "softplus_beta2": nn.Softplus(beta=2), "softsign": nn.Softsign(),
    "elu": nn.ELU(0.7), "celu": nn.CELU(1.3), "selu": nn.SELU(), "leaky_relu": nn.LeakyReLU(0.2),
    "prelu": nn.PReLU(), "prelu_channels": nn.PReLU(6), "hardswish": nn.Hardswish(), "hardsigmoid": nn.Hardsigmoid(),
    "logsigmoid": nn.LogSigmoid(), "tanhshrink": nn.Tanhshrink(), "softshrink": nn.Softshrink(0.3),
    "hardshrink": nn.Hardshrink(0.3), "glu": nn.GLU(),
}


def cases():
    for name, act in ACTIVATIONS.items():
        if name == "glu":
            yield name, nn.Sequential(nn.Linear(4, 6), act, nn.Linear(3, 3)), (3, 4), {}
        else:
            yield name, mlp(act), (3, 4), {}
    yield "hardswish_opset13", mlp(nn.Hardswish()), (3, 4), {"opset_version": 13}
    yield "softmax_head", nn.Sequential(nn.Linear(4, 5), nn.Softmax(dim=1)), (3, 4), {}
    yield "log_softmax_head", nn.Sequential(nn.Linear(4, 5), nn.LogSoftmax(dim=-1)), (3, 4), {}
    yield "softmin_head", nn.Sequential(nn.Linear(4, 5), nn.Softmin(dim=1)), (3, 4), {}
    for opset in (13, 14, 17):
        yield f"layer_norm_opset{opset}", nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(6), nn.ReLU()), (3, 4), {"opset_version": opset}
    yield "flatten_3d", nn.Sequential(nn.Flatten(), nn.Linear(12, 3)), (2, 3, 4), {}
    yield "flatten_4d", nn.Sequential(nn.Flatten(), nn.Linear(60, 3)), (2, 3, 4, 5), {}
    yield "flatten_start2", nn.Sequential(nn.Flatten(2), nn.Linear(20, 3)), (2, 3, 4, 5), {}
    yield "dropout", nn.Sequential(nn.Linear(4, 6), nn.Dropout(0.5), nn.ReLU(), nn.Linear(6, 3)), (3, 4), {}
    yield "linear_3d", nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)), (2, 5, 4), {}
    yield "linear_3d_no_folding", nn.Sequential(nn.Linear(4, 3)), (2, 5, 4), {"do_constant_folding": False}
    yield "named_dynamic", mlp(nn.ReLU()), (3, 4), {
        "input_names": ["x"], "output_names": ["y"], "dynamic_axes": {"x": {0: "batch"}, "y": [0]}}
    yield "custom_module", Custom(), (3, 2, 3), {"opset_version": 17}


def main():
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    out = []
    for name, model, shape, kwargs in cases():
        model.eval()
        x = torch.randn(*shape)
        f = io.BytesIO()
        torch.onnx.export(model, (x,), f, **kwargs)
        with torch.no_grad():
            y = model(x)
        out.append({
            "name": name,
            "opset": kwargs.get("opset_version", 14),
            "kwargs": kwargs,
            "state_dict": {k: encode(v) for k, v in model.state_dict().items()},
            "input": encode(x),
            "output": encode(y),
            **graph_summary(f.getvalue()),
        })
    write("onnx_export", {"cases": out})
