"""Golden values for torch.nn.init: gains and fan computations (the random draws differ between
generators, so the tests check the distributions' bounds and moments instead)."""
import torch
from torch import nn

from _common import write


def main():
    gains = {}
    for name, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        key = name if param is None else f"{name}:{param}"
        gains[key] = nn.init.calculate_gain(name, param)
    fans = {str(shape): list(nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))) for shape in [(3, 5), (4, 3, 2, 2), (7, 1)]}
    errors = {}
    for label, fn in [("gain", lambda: nn.init.calculate_gain("bogus")),
                      ("fan1d", lambda: nn.init.kaiming_uniform_(torch.empty(3))),
                      ("mode", lambda: nn.init.kaiming_uniform_(torch.empty(3, 3), mode="fan_avg")),
                      ("eye3d", lambda: nn.init.eye_(torch.empty(2, 2, 2))),
                      ("orth1d", lambda: nn.init.orthogonal_(torch.empty(3)))]:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
            errors[label] = str(e)
    write("init", {"gains": gains, "fans": fans, "errors": errors})
