"""Golden values for torch.utils.data: random_split's lengths from fractions (floor, then the
remainder handed out one at a time from the first split), and which inputs it rejects."""
import warnings

import torch
from torch.utils.data import random_split

from _common import write

CASES = [
    (10, [0.3, 0.3, 0.4]),
    (7, [0.5, 0.5]),
    (10, [0.1] * 10),
    (11, [0.7, 0.2, 0.1]),
    (5, [1 / 3, 1 / 3, 1 / 3]),
    (3, [0.25, 0.25, 0.25, 0.25]),
    (100, [0.6, 0.3, 0.1]),
    (1001, [0.8, 0.1, 0.1]),
    (9, [0.5, 0.5, 0.0]),
    (1, [1]),
    (10, [0.1, 0.2, 0.7]),
    (10, [3, 7]),
    (10, [0, 10]),
    (10, [0.5, 0.6]),
    (10, [-0.5, 1.5]),
    (10, [3, 8]),
    (100, [0.29, 0.71]),
    (1000, [0.57, 0.43]),
]


def main():
    out = []
    for n, lengths in CASES:
        case = {"n": n, "lengths": lengths}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                parts = random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
                case["sizes"] = [len(p) for p in parts]
            except ValueError as e:
                case["error"] = str(e)
        case["warnings"] = [str(w.message) for w in caught]
        out.append(case)
    write("data", {"random_split": out})
