"""Small ONNX models for tests/onnx-runtime.test.ts, written to tests/fixtures/onnx/.

The well-formed ones are exported by PyTorch 1.13's torch.onnx.export, so they hold exactly the
node patterns PyTorch emits (Gemm for 2-D Linear, MatMul+Add for 3-D, the Erf form of exact GELU,
the decomposed LayerNorm below opset 17, Shape/Gather/Unsqueeze/Concat before a Reshape). The
hostile ones (and the Dropout node an eval-mode export leaves out) are built with the onnx
package's helpers. The tests run every model through onnxruntime-node and kindling and compare.
"""
import io

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
import numpy as np

from _common import FIXTURES

OUT = FIXTURES / "onnx"
BATCH = {"x": {0: "batch"}, "y": {0: "batch"}}


def export(name, model, example, opset, dynamic=True):
    torch.manual_seed(0)
    model.eval()
    buf = io.BytesIO()
    torch.onnx.export(model, example, buf, input_names=["x"], output_names=["y"], opset_version=opset,
                      dynamic_axes=BATCH if dynamic else None, do_constant_folding=True)
    (OUT / f"{name}.onnx").write_bytes(buf.getvalue())


def mlp(act, d_in=8, hidden=16, d_out=4):
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(d_in, hidden), act, torch.nn.Linear(hidden, d_out))


class View(torch.nn.Module):
    """x.view(x.size(0), -1): the Shape→Gather→Unsqueeze→Concat→Reshape chain."""
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(24, 5)

    def forward(self, x):
        return self.fc(x.view(x.size(0), -1))


class Transposed(torch.nn.Module):
    """Transpose, Unsqueeze, Squeeze and Concat between Linear layers."""
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(6, 6)

    def forward(self, x):
        h = self.fc(x).transpose(1, 2)  # [B, 6, 3]
        h = torch.cat([h, h * 2], dim=2).unsqueeze(1).squeeze(1)  # [B, 6, 6]
        return torch.relu(h) - h.softmax(dim=1)


def well_formed():
    x = torch.randn(2, 8)
    acts = {
        "relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh(),
        "gelu": torch.nn.GELU(), "gelu_tanh": torch.nn.GELU(approximate="tanh"),
        "leaky_relu": torch.nn.LeakyReLU(0.1), "elu": torch.nn.ELU(0.5), "selu": torch.nn.SELU(),
        "softplus": torch.nn.Softplus(), "hardsigmoid": torch.nn.Hardsigmoid(), "silu": torch.nn.SiLU(),
    }
    for k, act in acts.items():
        export(f"mlp_{k}", mlp(act), x, 13)
    export("mlp_hardswish_op14", mlp(torch.nn.Hardswish()), x, 14)
    deep = lambda: torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    for opset in (11, 13, 14, 17):
        torch.manual_seed(2)
        export(f"mlp_op{opset}", deep(), x, opset)
    torch.manual_seed(3)
    export("softmax_head_op11", torch.nn.Sequential(deep(), torch.nn.Softmax(dim=1)), x, 11)
    export("softmax_head_op13", torch.nn.Sequential(deep(), torch.nn.Softmax(dim=-1)), x, 13)
    export("log_softmax_head_op13", torch.nn.Sequential(deep(), torch.nn.LogSoftmax(dim=1)), x, 13)
    torch.manual_seed(4)
    x3 = torch.randn(2, 5, 8)
    export("linear_3d", torch.nn.Sequential(torch.nn.Linear(8, 12), torch.nn.ReLU(), torch.nn.Linear(12, 3)), x3, 13)
    export("softmax_3d_op11", torch.nn.Sequential(torch.nn.Linear(8, 6), torch.nn.Softmax(dim=-1)), x3, 11)
    export("softmax_dim1_3d_op11", torch.nn.Sequential(torch.nn.Linear(8, 6), torch.nn.Softmax(dim=1)), x3, 11)
    for opset in (13, 17):
        torch.manual_seed(5)
        ln = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.LayerNorm(16), torch.nn.GELU(), torch.nn.Linear(16, 4))
        with torch.no_grad():
            ln[1].weight.uniform_(0.5, 1.5)
            ln[1].bias.uniform_(-0.5, 0.5)
        export(f"layernorm_op{opset}", ln, x, opset)
    torch.manual_seed(6)
    export("flatten_3d", torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(24, 5), torch.nn.Tanh()), torch.randn(2, 3, 8), 13)
    export("flatten_4d", torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(24, 5)), torch.randn(2, 2, 3, 4), 11)
    for opset in (11, 13):
        export(f"view_4d_op{opset}", View(), torch.randn(2, 2, 3, 4), opset)
    export("static_batch", mlp(torch.nn.ReLU()), torch.randn(3, 8), 13, dynamic=False)
    export("transpose_concat", Transposed(), torch.randn(2, 3, 6), 13)


def value(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def save(name, graph, opset=13):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="kindling-tests")
    model.ir_version = 8
    (OUT / f"{name}.onnx").write_bytes(model.SerializeToString())


def built():
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array(rng.standard_normal((4, 8)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "b")
    # Dropout as a training-time export leaves it (ratio as an input, opset 13): inference is identity
    ratio = numpy_helper.from_array(np.array(0.25, dtype=np.float32), "ratio")
    save("dropout", helper.make_graph([
        helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc", transB=1),
        helper.make_node("Dropout", ["h", "ratio"], ["d"], name="drop"),
        helper.make_node("Relu", ["d"], ["y"], name="act"),
    ], "dropout", [value("x", ["batch", 8])], [value("y", ["batch", 4])], [w, b, ratio]))
    # hostile: a cycle, a missing initializer, an unsupported op
    save("cycle", helper.make_graph([
        helper.make_node("Add", ["x", "c"], ["a"], name="first"),
        helper.make_node("Relu", ["a"], ["c"], name="second"),
        helper.make_node("Identity", ["c"], ["y"], name="out"),
    ], "cycle", [value("x", ["batch", 4])], [value("y", ["batch", 4])]))
    save("missing_initializer", helper.make_graph([
        helper.make_node("Gemm", ["x", "w", "bias_not_there"], ["y"], name="fc", transB=1),
    ], "missing", [value("x", ["batch", 8])], [value("y", ["batch", 4])], [w]))
    save("unsupported_op", helper.make_graph([
        helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc", transB=1),
        helper.make_node("Conv", ["h", "w"], ["y"], name="conv_1"),
    ], "unsupported", [value("x", ["batch", 8])], [value("y", ["batch", 4])], [w, b]))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    well_formed()
    built()
    full = (OUT / "mlp_op13.onnx").read_bytes()
    (OUT / "truncated.onnx").write_bytes(full[: len(full) // 2])


if __name__ == "__main__":
    main()
