"""Golden values for Flatten, Unflatten, Dropout, Embedding, LayerNorm and the batch norms.

Each case is keyed by the constructor call (the test maps the same key to its JS constructor).
The starting state_dict is recorded so the test loads identical weights; then each step records
the mode, the input, the output, the gradients of (out * w).sum() for a fixed w, and the
state_dict after the step (running statistics, renormalised embeddings)."""
import torch
from torch import nn

from _common import encode, write


def r3(t):
    return torch.round(t * 1000) / 1000


# key -> (module factory, [(train?, input maker), ...], randomise the starting parameters?)
def idx(rows):
    return lambda: torch.tensor(rows, dtype=torch.long)


def randn(*shape, scale=1.0):
    return lambda: r3(torch.randn(*shape) * scale)


BN_STEPS = lambda shape, n_train: [(True, randn(*shape, scale=2.0))] * n_train + [(False, randn(*shape, scale=2.0))]

CASES = {
    "Flatten()": [(True, randn(2, 3, 4))],
    "Flatten(0, -2)": [(True, randn(2, 3, 4))],
    "Unflatten(1, (2, 5))": [(True, randn(3, 10))],
    "Unflatten(-1, (2, -1))": [(True, randn(2, 3, 6))],
    "Dropout()": [(False, randn(4, 5))],
    "Dropout(p=0.0)": [(True, randn(4, 5))],
    "Dropout(p=1.0)": [(True, randn(4, 5))],
    "Embedding(10, 3)": [(True, idx([[1, 2, 4, 5], [4, 3, 2, 9]]))],
    "Embedding(10, 3, padding_idx=0)": [(True, idx([[0, 2, 0, 5], [4, 3, 2, 9]]))],
    "Embedding(7, 4, padding_idx=-1)": [(True, idx([6, 1, 6, 2]))],
    "Embedding(6, 4, max_norm=1.0)": [(True, idx([[1, 3], [3, 5]])), (True, idx([0, 1, 2]))],
    "Embedding(6, 3, max_norm=2.5, norm_type=1.5)": [(True, idx([1, 3, 4, 1]))],
    "Embedding(6, 3, scale_grad_by_freq=True)": [(True, idx([[1, 1, 1, 2], [2, 5, 0, 1]]))],
    "Embedding(6, 3, padding_idx=1, scale_grad_by_freq=True)": [(True, idx([1, 1, 2, 2, 2, 4]))],
    "LayerNorm(10)": [(True, randn(4, 10, scale=3.0))],
    "LayerNorm([3, 4])": [(True, randn(2, 3, 4))],
    "LayerNorm(5, elementwise_affine=False)": [(True, randn(3, 5))],
    "LayerNorm(6, eps=0.001)": [(True, randn(2, 6, scale=0.05))],
    "BatchNorm1d(4)": BN_STEPS((8, 4), 3),
    "BatchNorm1d(3)": BN_STEPS((4, 3, 5), 2),
    "BatchNorm1d(4, momentum=None)": BN_STEPS((6, 4), 3),
    "BatchNorm1d(4, eps=0.01, momentum=0.3)": BN_STEPS((2, 4), 2),
    "BatchNorm1d(4, affine=False)": BN_STEPS((5, 4), 2),
    "BatchNorm1d(4, track_running_stats=False)": BN_STEPS((5, 4), 1),
    "BatchNorm2d(3)": BN_STEPS((2, 3, 3, 2), 2),
}

REPRS = [
    "Flatten()", "Flatten(0, 2)", "Flatten(start_dim=2, end_dim=3)",
    "Unflatten(1, (2, 5))", "Unflatten(-1, (3, -1))",
    "Dropout()", "Dropout(0.2, inplace=True)", "Dropout(p=0.25)",
    "Embedding(10, 3)", "Embedding(10, 3, padding_idx=0)", "Embedding(10, 3, padding_idx=-2)",
    "Embedding(10, 3, max_norm=1.5, norm_type=1.5, scale_grad_by_freq=True, sparse=True)",
    "LayerNorm(10)", "LayerNorm([2, 3], eps=0.001, elementwise_affine=False)",
    "BatchNorm1d(10)", "BatchNorm1d(10, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
    "BatchNorm1d(5, momentum=0.3)", "BatchNorm2d(3)",
]


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the point
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("expected an error")


ERRORS = {
    "dropout p=1.5": lambda: nn.Dropout(1.5),
    "F.dropout p=-1": lambda: nn.functional.dropout(torch.zeros(2), -1),
    "embedding index 10 of 10": lambda: nn.Embedding(10, 3)(torch.tensor([1, 10])),
    "embedding index -1": lambda: nn.Embedding(10, 3)(torch.tensor([-1])),
    "embedding float indices": lambda: nn.Embedding(10, 3)(torch.tensor([1.0])),
    "embedding padding_idx=10": lambda: nn.Embedding(10, 3, padding_idx=10),
    "embedding 1-D weight": lambda: nn.functional.embedding(torch.tensor([1]), torch.zeros(3)),
    "batchnorm batch of one": lambda: nn.BatchNorm1d(10)(torch.zeros(1, 10)),
    "batchnorm batch of one, L=1": lambda: nn.BatchNorm1d(10)(torch.zeros(1, 10, 1)),
    "batchnorm1d 4D input": lambda: nn.BatchNorm1d(10)(torch.zeros(3, 10, 1, 1)),
    "batchnorm2d 3D input": lambda: nn.BatchNorm2d(10)(torch.zeros(3, 10, 1)),
    "batchnorm wrong features": lambda: nn.BatchNorm1d(10)(torch.zeros(3, 9)),
    "F.batch_norm eval without stats": lambda: nn.functional.batch_norm(torch.zeros(3, 9), None, None),
    "layernorm wrong shape": lambda: nn.LayerNorm(10)(torch.zeros(3, 9)),
    "F.layer_norm weight shape": lambda: nn.functional.layer_norm(torch.zeros(3, 9), [9], torch.ones(8)),
    "F.layer_norm empty shape": lambda: nn.functional.layer_norm(torch.zeros(3, 9), []),
    "unflatten bad sizes": lambda: nn.Unflatten(1, (2, 4))(torch.zeros(3, 10)),
    "unflatten int size": lambda: nn.Unflatten(1, 5),
    "flatten 0-d": lambda: nn.Flatten()(torch.tensor(1.0)),
}


def run_case(key, steps):
    model = eval("nn." + key)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(r3(torch.randn_like(p) * (2.0 if "max_norm" in key else 1.0)))
    start = {k: encode(v) for k, v in model.state_dict().items()}
    out_steps = []
    for train, make in steps:
        model.train(train)
        x = make()
        if x.is_floating_point():
            x.requires_grad_(True)
        out = model(x)
        w = r3(torch.randn(out.shape))
        model.zero_grad()
        (out * w).sum().backward()
        grads = {k: encode(p.grad) for k, p in model.named_parameters() if p.grad is not None}
        if x.is_floating_point():
            grads["input"] = encode(x.grad)
        out_steps.append({"train": train, "input": encode(x), "w": encode(w), "output": encode(out),
                          "grads": grads, "state_dict": {k: encode(v) for k, v in model.state_dict().items()}})
    return {"key": key, "state_dict": start, "steps": out_steps}


def main():
    torch.manual_seed(0)
    cases = [run_case(k, s) for k, s in CASES.items()]
    reprs = {k: repr(eval("nn." + k)) for k in REPRS}
    keys = {k: list(eval("nn." + k).state_dict().keys()) for k in REPRS}
    errors = {k: error(f) for k, f in ERRORS.items()}
    write("layers", {"cases": cases, "reprs": reprs, "state_dict_keys": keys, "errors": errors})
