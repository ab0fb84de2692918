"""Golden traces: torch.jit.trace of small models, their outputs at other batch sizes and repr(traced).

Each case is {name, state_dict: {key: encode(t)}, trace_input, inputs: [encode(x)], outputs:
[encode(traced(x))], repr}; the tests build the same model in kindling, load the state dict,
trace it on trace_input and compare.
"""
import pathlib
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import encode, write  # noqa: E402


class SimpleNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 50)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(50, 1)
        self.seq = nn.Sequential(nn.Linear(1, 2), nn.Dropout(0.1))

    def forward(self, x):
        return self.seq(self.fc2(self.relu(self.fc1(x))))


def activations():
    return nn.Sequential(
        nn.Linear(6, 16), nn.GELU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 16), nn.SiLU(),
        nn.Linear(16, 8), nn.LeakyReLU(0.2), nn.Linear(8, 8), nn.ELU(), nn.Linear(8, 8), nn.Hardswish(),
        nn.Linear(8, 8), nn.Softplus(), nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, 8), nn.GELU(approximate="tanh"),
        nn.Linear(8, 4), nn.LogSoftmax(dim=1))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(12, 32)
        self.block = nn.Linear(32, 32)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 5)

    def forward(self, x):
        h = F.relu(self.inp(x.view(x.size(0), -1)))
        h = self.norm(self.block(h)) + h
        return torch.softmax(self.head(h), -1)


def case(name, model, trace_input, inputs):
    model.eval()
    traced = torch.jit.trace(model, trace_input)
    with torch.no_grad():
        outputs = [traced(x) for x in inputs]
    return {
        "name": name,
        "state_dict": {k: encode(v) for k, v in model.state_dict().items()},
        "trace_input": encode(trace_input),
        "inputs": [encode(x) for x in inputs],
        "outputs": [encode(y) for y in outputs],
        "repr": repr(traced),
    }


def main():
    torch.manual_seed(0)
    cases = [
        case("SimpleNN", SimpleNN(), torch.randn(4, 10), [torch.randn(1, 10), torch.randn(7, 10)]),
        case("activations", activations(), torch.randn(3, 6), [torch.randn(1, 6), torch.randn(33, 6)]),
        case("Residual", Residual(), torch.randn(5, 3, 4), [torch.randn(2, 3, 4), torch.randn(9, 3, 4)]),
    ]
    write("trace", {"cases": cases})
