"""Shared helpers for the golden fixture scripts: deterministic inputs and JSON output."""
import json
import math
import pathlib

import torch

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def num(v):
    """JSON has no NaN/Infinity: encode them as strings the tests decode."""
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def encode(t):
    """A tensor as {dtype, shape, data} with data flat in row-major order."""
    t = t.detach()
    flat = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        flat = [1 if b else 0 for b in flat]
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": [num(x) for x in flat]}


def write(area, obj):
    FIXTURES.mkdir(parents=True, exist_ok=True)
    with open(FIXTURES / f"{area}.json", "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
