"""Golden values for the losses in torch.nn.functional and their modules.

Each case is {name, fn, input, target, kwargs, out, grad_fn, grad_input, grad_target?, upstream}: the loss
F.<fn>(input, target, **kwargs) in float64, then (out * upstream).sum().backward() gives the
gradients (upstream is a fixed non-uniform tensor, so reduction='none' is exercised too).
Tensors inside kwargs (weight, pos_weight) are encoded like any other tensor. Module reprs and
the state_dict keys of modules holding weight buffers come along.
"""
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from _common import encode, write

REDUCTIONS = ("none", "mean", "sum")


def rnd(*shape, lo=-2.0, hi=2.0, gen=None):
    t = torch.rand(*shape, generator=gen, dtype=torch.float64) * (hi - lo) + lo
    return torch.round(t * 1000) / 1000


def case(name, fn, input, target, grad_target=False, **kwargs):
    x = input.clone().requires_grad_(True)
    t = target.clone()
    if grad_target:
        t.requires_grad_(True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(F, fn)(x, t, **kwargs)
    upstream = torch.round(torch.linspace(-1, 1.5, out.numel(), dtype=torch.float64).reshape(out.shape) * 1000) / 1000
    if out.numel() == 1:
        upstream = torch.full(out.shape, 0.75, dtype=torch.float64)
    (out * upstream).sum().backward()
    c = {
        "name": name,
        "fn": fn,
        "input": encode(input),
        "target": encode(target),
        "kwargs": {k: encode(v) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()},
        "out": encode(out),
        "grad_fn": out.grad_fn.name(),
        "upstream": encode(upstream),
        "grad_input": encode(x.grad),
    }
    if grad_target:
        c["grad_target"] = encode(t.grad)
    return c


def main():
    g = torch.Generator().manual_seed(0)
    cases = []

    # regression losses: same shapes, a broadcast target, each option
    x = rnd(4, 3, gen=g)
    y = rnd(4, 3, gen=g)
    yb = rnd(3, gen=g)
    for r in REDUCTIONS:
        cases.append(case(f"mse {r}", "mse_loss", x, y, True, reduction=r))
        cases.append(case(f"mse broadcast {r}", "mse_loss", x, yb, True, reduction=r))
        cases.append(case(f"l1 {r}", "l1_loss", x, y, True, reduction=r))
        cases.append(case(f"l1 broadcast {r}", "l1_loss", x, yb, True, reduction=r))
        cases.append(case(f"smooth_l1 {r}", "smooth_l1_loss", x, y, True, reduction=r))
        cases.append(case(f"smooth_l1 beta=0.5 {r}", "smooth_l1_loss", x, y, True, reduction=r, beta=0.5))
        cases.append(case(f"smooth_l1 beta=0 {r}", "smooth_l1_loss", x, y, True, reduction=r, beta=0.0))
        cases.append(case(f"smooth_l1 broadcast {r}", "smooth_l1_loss", x, yb, True, reduction=r, beta=2.0))
        cases.append(case(f"huber {r}", "huber_loss", x, y, True, reduction=r))
        cases.append(case(f"huber delta=0.5 {r}", "huber_loss", x, y, True, reduction=r, delta=0.5))
        cases.append(case(f"huber broadcast {r}", "huber_loss", x, yb, True, reduction=r, delta=2.0))
    cases.append(case("mse legacy size_average=False", "mse_loss", x, y, size_average=False))
    cases.append(case("mse legacy reduce=False", "mse_loss", x, y, reduce=False))
    cases.append(case("l1 legacy size_average=True reduce=True", "l1_loss", x, y, size_average=True, reduce=True))

    # classification: logits [N, C], class indices with an ignored entry, weights
    logits = rnd(5, 4, lo=-3, hi=3, gen=g)
    tgt = torch.tensor([2, 0, 3, 1, 2])
    tgt_ign = torch.tensor([2, -100, 3, 1, -100])
    w = torch.tensor([0.5, 2.0, 1.0, 1.5], dtype=torch.float64)
    probs = torch.round(torch.softmax(rnd(5, 4, gen=g), 1) * 1000) / 1000
    logits3 = rnd(2, 4, 3, lo=-3, hi=3, gen=g)  # [N, C, d1]
    tgt3 = torch.tensor([[0, 3, 1], [2, -100, 1]])
    logits4 = rnd(2, 3, 2, 2, gen=g)  # [N, C, d1, d2]
    tgt4 = torch.tensor([[[0, 2], [1, 1]], [[2, 0], [-100, 1]]])
    logits1 = rnd(4, gen=g)  # unbatched [C]
    for r in REDUCTIONS:
        cases.append(case(f"ce {r}", "cross_entropy", logits, tgt, reduction=r))
        cases.append(case(f"ce weight {r}", "cross_entropy", logits, tgt, reduction=r, weight=w))
        cases.append(case(f"ce ignore {r}", "cross_entropy", logits, tgt_ign, reduction=r))
        cases.append(case(f"ce weight ignore {r}", "cross_entropy", logits, tgt_ign, reduction=r, weight=w))
        cases.append(case(f"ce ignore_index=2 {r}", "cross_entropy", logits, tgt, reduction=r, ignore_index=2))
        cases.append(case(f"ce smoothing {r}", "cross_entropy", logits, tgt, reduction=r, label_smoothing=0.1))
        cases.append(case(f"ce smoothing weight ignore {r}", "cross_entropy", logits, tgt_ign, reduction=r, weight=w, label_smoothing=0.2))
        cases.append(case(f"ce smoothing ignore_index=2 {r}", "cross_entropy", logits, tgt, reduction=r, ignore_index=2, label_smoothing=0.3))
        cases.append(case(f"ce probs {r}", "cross_entropy", logits, probs, True, reduction=r))
        cases.append(case(f"ce probs weight {r}", "cross_entropy", logits, probs, True, reduction=r, weight=w))
        cases.append(case(f"ce probs smoothing weight {r}", "cross_entropy", logits, probs, True, reduction=r, weight=w, label_smoothing=0.25))
        cases.append(case(f"ce 3d weight {r}", "cross_entropy", logits3, tgt3, reduction=r, weight=w))
        cases.append(case(f"ce 3d smoothing {r}", "cross_entropy", logits3, tgt3, reduction=r, label_smoothing=0.1))
        cases.append(case(f"ce 4d {r}", "cross_entropy", logits4, tgt4, reduction=r))
        cases.append(case(f"ce unbatched {r}", "cross_entropy", logits1, torch.tensor(2), reduction=r, weight=w))
        cases.append(case(f"ce unbatched smoothing {r}", "cross_entropy", logits1, torch.tensor(1), reduction=r, label_smoothing=0.1))
        cases.append(case(f"ce unbatched probs {r}", "cross_entropy", logits1, probs[0], True, reduction=r))

        logp = torch.log_softmax(logits, 1)
        cases.append(case(f"nll {r}", "nll_loss", logp, tgt, reduction=r))
        cases.append(case(f"nll weight ignore {r}", "nll_loss", logp, tgt_ign, reduction=r, weight=w))
        cases.append(case(f"nll 3d {r}", "nll_loss", torch.log_softmax(logits3, 1), tgt3, reduction=r))
        cases.append(case(f"nll unbatched {r}", "nll_loss", torch.log_softmax(logits1, 0), torch.tensor(3), reduction=r))
    cases.append(case("ce large logits", "cross_entropy", torch.tensor([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0]], dtype=torch.float64), torch.tensor([2, 1])))
    cases.append(case("ce all ignored", "cross_entropy", logits, torch.full((5,), -100)))

    # binary: probabilities (with exact 0 and 1 to hit the log clamp), logits (with extremes)
    p = torch.round(torch.rand(4, 3, generator=g, dtype=torch.float64) * 900 + 50) / 1000
    bt = torch.round(torch.rand(4, 3, generator=g, dtype=torch.float64) * 1000) / 1000
    bw = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
    pw = torch.tensor([3.0, 0.5, 1.0], dtype=torch.float64)
    z = rnd(4, 3, lo=-4, hi=4, gen=g)
    for r in REDUCTIONS:
        cases.append(case(f"bce {r}", "binary_cross_entropy", p, bt, True, reduction=r))
        cases.append(case(f"bce weight {r}", "binary_cross_entropy", p, bt, True, reduction=r, weight=bw))
        cases.append(case(f"bce logits {r}", "binary_cross_entropy_with_logits", z, bt, True, reduction=r))
        cases.append(case(f"bce logits weight {r}", "binary_cross_entropy_with_logits", z, bt, True, reduction=r, weight=bw))
        cases.append(case(f"bce logits pos_weight {r}", "binary_cross_entropy_with_logits", z, bt, True, reduction=r, pos_weight=pw))
        cases.append(case(f"bce logits weight pos_weight {r}", "binary_cross_entropy_with_logits", z, bt, True, reduction=r, weight=bw, pos_weight=pw))
    cases.append(case("bce clamp", "binary_cross_entropy", torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=torch.float64), torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64), reduction="none"))
    cases.append(case("bce logits extreme", "binary_cross_entropy_with_logits", torch.tensor([1e4, -1e4, 50.0, -50.0], dtype=torch.float64), torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64), True, reduction="none"))

    # KL divergence: log-probability inputs, probability or log-probability targets
    lq = torch.log_softmax(rnd(3, 4, gen=g), 1)
    pt = torch.round(torch.softmax(rnd(3, 4, gen=g), 1) * 1000) / 1000
    for r in REDUCTIONS + ("batchmean",):
        cases.append(case(f"kl {r}", "kl_div", lq, pt, True, reduction=r))
        cases.append(case(f"kl log_target {r}", "kl_div", lq, torch.log(pt), True, reduction=r, log_target=True))
    cases.append(case("kl zero target", "kl_div", lq[0], torch.tensor([0.0, 0.5, 0.25, 0.25], dtype=torch.float64), True, reduction="sum"))

    modules = [
        nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=2.0), nn.CrossEntropyLoss(),
        nn.CrossEntropyLoss(weight=torch.ones(3), ignore_index=1, label_smoothing=0.1), nn.NLLLoss(weight=torch.ones(3)),
        nn.BCELoss(), nn.BCEWithLogitsLoss(pos_weight=torch.ones(3)), nn.KLDivLoss(reduction="batchmean", log_target=True),
    ]
    reprs = [repr(m) for m in modules]
    state_dict_keys = {
        "CrossEntropyLoss": list(nn.CrossEntropyLoss().state_dict().keys()),
        "CrossEntropyLoss(weight)": list(nn.CrossEntropyLoss(weight=torch.ones(3)).state_dict().keys()),
        "BCEWithLogitsLoss(pos_weight)": list(nn.BCEWithLogitsLoss(pos_weight=torch.ones(3)).state_dict().keys()),
        "BCEWithLogitsLoss(weight, pos_weight)": list(nn.BCEWithLogitsLoss(weight=torch.ones(3), pos_weight=torch.ones(3)).state_dict().keys()),
    }
    defaults = {
        "MSELoss": nn.MSELoss().reduction,
        "CrossEntropyLoss": [nn.CrossEntropyLoss().ignore_index, nn.CrossEntropyLoss().label_smoothing],
        "SmoothL1Loss": nn.SmoothL1Loss().beta,
        "HuberLoss": nn.HuberLoss().delta,
        "KLDivLoss": nn.KLDivLoss().log_target,
        "legacy": nn.MSELoss(size_average=False).reduction,
    }
    write("losses", {"cases": cases, "reprs": reprs, "state_dict_keys": state_dict_keys, "defaults": defaults})
