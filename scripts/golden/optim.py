"""Golden values for torch.optim: five steps of every optimizer (float32 and float64) from the same
start under the same fixed gradients, every scheduler's lr sequence, state_dict layouts, reprs and
error messages."""
import math
import warnings

import torch
from torch import optim
from torch.optim import lr_scheduler as S

from _common import encode, write

STEPS = 5
SCALES = [1.0, 0.2, 1.5, 0.1, 0.5]  # big and small gradients, so AMSGrad's max matters

INIT = {
    "w": [[round(0.1 * ((i * 4 + j) * 7 % 11) - 0.5, 3) for j in range(4)] for i in range(3)],
    "b": [round(0.05 * ((j * 5) % 7) - 0.15, 3) for j in range(4)],
}
GRADS = [
    {
        "w": [[round(SCALES[k] * math.sin(1.3 * (i * 4 + j) + 0.7 * k + 0.1), 3) for j in range(4)] for i in range(3)],
        "b": [round(SCALES[k] * math.cos(0.9 * j + 1.1 * k), 3) for j in range(4)],
    }
    for k in range(STEPS)
]

# name, class, constructor kwargs, groups (None: one group of [w, b]), steps at which b has no grad
CASES = [
    ("sgd", "SGD", {"lr": 0.1}, None, []),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, None, []),
    ("sgd_dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, None, []),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, None, []),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}, None, []),
    ("sgd_weight_decay_plain", "SGD", {"lr": 0.05, "weight_decay": 0.1}, None, []),
    ("sgd_maximize", "SGD", {"lr": 0.1, "momentum": 0.5, "maximize": True}, None, []),
    ("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.9}, [{"params": ["w"]}, {"params": ["b"], "lr": 0.01, "nesterov": True}], [2]),
    ("adam", "Adam", {"lr": 0.01}, None, []),
    ("adam_defaults", "Adam", {}, None, []),
    ("adam_amsgrad", "Adam", {"lr": 0.01, "amsgrad": True}, None, []),
    ("adam_weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1}, None, []),
    ("adam_maximize", "Adam", {"lr": 0.01, "maximize": True, "amsgrad": True}, None, []),
    ("adam_betas", "Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6}, None, []),
    ("adam_groups", "Adam", {"lr": 0.01}, [{"params": ["w"]}, {"params": ["b"], "lr": 0.001, "betas": (0.5, 0.9)}], [2]),
    ("adamw", "AdamW", {"lr": 0.01}, None, []),
    ("adamw_amsgrad", "AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.05}, None, []),
    ("adamw_weight_decay", "AdamW", {"lr": 0.01, "weight_decay": 0.5}, None, []),
    ("adamw_maximize", "AdamW", {"lr": 0.01, "maximize": True}, None, []),
    ("rmsprop", "RMSprop", {"lr": 0.01}, None, []),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}, None, []),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}, None, []),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "alpha": 0.9}, None, []),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}, None, []),
    ("adagrad", "Adagrad", {"lr": 0.1}, None, []),
    ("adagrad_lr_decay", "Adagrad", {"lr": 0.1, "lr_decay": 0.1}, None, []),
    ("adagrad_options", "Adagrad", {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6, "maximize": True}, None, []),
]


def make_params(dtype):
    return {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in INIT.items()}


def run_case(cls, kwargs, groups, skip_b, dtype):
    ps = make_params(dtype)
    if groups is None:
        params = [ps["w"], ps["b"]]
    else:
        params = [dict(g, params=[ps[n] for n in g["params"]]) for g in groups]
    opt = getattr(optim, cls)(params, **kwargs)
    out = []
    for k in range(STEPS):
        for n in ("w", "b"):
            ps[n].grad = None if (n == "b" and k in skip_b) else torch.tensor(GRADS[k][n], dtype=dtype)
        opt.step()
        out.append([ps["w"].detach().reshape(-1).tolist(), ps["b"].detach().reshape(-1).tolist()])
    return out


def jsonable(v):
    if isinstance(v, torch.Tensor):
        return encode(v)
    if isinstance(v, tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    return v


def state_dict_case(cls, kwargs):
    ps = make_params(torch.float32)
    opt = getattr(optim, cls)([{"params": [ps["w"]]}, {"params": [ps["b"]], "lr": 0.005}], **kwargs)
    for k in range(2):
        ps["w"].grad = torch.tensor(GRADS[k]["w"])
        ps["b"].grad = torch.tensor(GRADS[k]["b"])
        opt.step()
    return jsonable(opt.state_dict())


def two_group_sgd(momentum=0.9):
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    return optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, momentum=momentum)


def two_group_adam():
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    return optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1)


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.5, 0.5, 0.5,
                   0.49, 0.5, 0.5, 0.5, 0.5, 0.4, 0.41, 0.42, 0.43, 0.44]


def scheduler_cases():
    # name, optimizer factory, scheduler factory, steps, what to record besides lr
    cases = [
        ("StepLR", two_group_sgd, lambda o: S.StepLR(o, step_size=5, gamma=0.5), 25, None),
        ("StepLR_default_gamma", two_group_sgd, lambda o: S.StepLR(o, 3), 20, None),
        ("MultiStepLR", two_group_sgd, lambda o: S.MultiStepLR(o, milestones=[3, 8, 8, 15], gamma=0.3), 25, None),
        ("ExponentialLR", two_group_sgd, lambda o: S.ExponentialLR(o, gamma=0.9), 25, None),
        ("CosineAnnealingLR", two_group_sgd, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 30, None),
        ("CosineAnnealingLR_default", two_group_sgd, lambda o: S.CosineAnnealingLR(o, 7), 20, None),
        ("LinearLR", two_group_sgd, lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8), 20, None),
        ("LinearLR_default", two_group_sgd, lambda o: S.LinearLR(o), 20, None),
        ("LinearLR_decay", two_group_sgd, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10), 20, None),
        ("LambdaLR", two_group_sgd, lambda o: S.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1 / (1 + e)]), 25, None),
        ("LambdaLR_single", two_group_sgd, lambda o: S.LambdaLR(o, lambda e: 0.5 ** (e // 4)), 20, None),
        ("OneCycleLR", two_group_sgd, lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.05], total_steps=25), 24, "momentum"),
        ("OneCycleLR_linear_three_phase", two_group_sgd,
         lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=25, anneal_strategy="linear", three_phase=True, pct_start=0.4), 24, "momentum"),
        ("OneCycleLR_adam", two_group_adam,
         lambda o: S.OneCycleLR(o, max_lr=0.01, epochs=5, steps_per_epoch=5, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9), 24, "beta1"),
        ("OneCycleLR_no_momentum", two_group_sgd, lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=20, cycle_momentum=False), 20, "momentum"),
        ("ReduceLROnPlateau", two_group_sgd,
         lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=[0.01, 0.001]), 25, None),
        ("ReduceLROnPlateau_max_abs", two_group_sgd,
         lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs"), 25, None),
        ("ReduceLROnPlateau_default", two_group_sgd, lambda o: S.ReduceLROnPlateau(o), 25, None),
    ]
    out = []
    for name, make_opt, make_sched, steps, extra in cases:
        opt = make_opt()
        sched = make_sched(opt)
        plateau = isinstance(sched, S.ReduceLROnPlateau)
        lrs = [] if plateau else [list(sched.get_last_lr())]
        extras = []

        def record_extra():
            if extra == "momentum":
                extras.append([g["momentum"] for g in opt.param_groups])
            elif extra == "beta1":
                extras.append([g["betas"][0] for g in opt.param_groups])

        if not plateau:
            record_extra()
        for k in range(steps):
            if plateau:
                metric = PLATEAU_METRICS[k] if name != "ReduceLROnPlateau_max_abs" else 1 - PLATEAU_METRICS[k]
                sched.step(metric)
                lrs.append([g["lr"] for g in opt.param_groups])
            else:
                sched.step()
                lrs.append(list(sched.get_last_lr()))
                record_extra()
        case = {"name": name, "lrs": lrs, "initial_lr": [g.get("initial_lr") for g in opt.param_groups], "last_epoch": sched.last_epoch}
        if extra:
            case[extra] = extras
        out.append(case)
    # two schedulers chained on one optimizer: the recursive forms compose
    opt = two_group_sgd()
    s1 = S.ExponentialLR(opt, gamma=0.9)
    s2 = S.StepLR(opt, step_size=4, gamma=0.5)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(15):
        s1.step()
        s2.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    out.append({"name": "chained_Exponential_Step", "lrs": lrs})
    # step(epoch): the closed forms
    closed = []
    for name, make in [
        ("StepLR", lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
        ("MultiStepLR", lambda o: S.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1)),
        ("ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.8)),
        ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.01)),
        ("LinearLR", lambda o: S.LinearLR(o, start_factor=0.5, total_iters=4)),
    ]:
        opt = two_group_sgd()
        sched = make(opt)
        lrs = []
        for epoch in [3, 7, 1, 5, 12]:
            sched.step(epoch)
            lrs.append(list(sched.get_last_lr()))
        closed.append({"name": name, "epochs": [3, 7, 1, 5, 12], "lrs": lrs})
    return out, closed


def error_cases():
    p = torch.zeros(2, requires_grad=True)
    q = torch.zeros(3, requires_grad=True)
    cases = {
        "sgd_no_lr": lambda: optim.SGD([p]),
        "sgd_lr": lambda: optim.SGD([p], lr=-1),
        "sgd_momentum": lambda: optim.SGD([p], lr=0.1, momentum=-0.5),
        "sgd_weight_decay": lambda: optim.SGD([p], lr=0.1, weight_decay=-1e-05),
        "sgd_nesterov": lambda: optim.SGD([p], lr=0.1, nesterov=True),
        "sgd_nesterov_dampening": lambda: optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        "sgd_unknown_kwarg": lambda: optim.SGD([p], lr=0.1, foo=1),
        "adam_lr": lambda: optim.Adam([p], lr=-0.001),
        "adam_eps": lambda: optim.Adam([p], eps=-1e-08),
        "adam_beta0": lambda: optim.Adam([p], betas=(1.5, 0.999)),
        "adam_beta1": lambda: optim.Adam([p], betas=(0.9, 1)),
        "adam_weight_decay": lambda: optim.Adam([p], weight_decay=-0.1),
        "adamw_beta0": lambda: optim.AdamW([p], betas=(-0.1, 0.999)),
        "rmsprop_alpha": lambda: optim.RMSprop([p], alpha=-0.5),
        "rmsprop_momentum": lambda: optim.RMSprop([p], momentum=-0.5),
        "rmsprop_eps": lambda: optim.RMSprop([p], eps=-1),
        "adagrad_lr_decay": lambda: optim.Adagrad([p], lr_decay=-0.1),
        "adagrad_initial_accumulator_value": lambda: optim.Adagrad([p], initial_accumulator_value=-1),
        "empty": lambda: optim.SGD([], lr=0.1),
        "duplicate": lambda: optim.SGD([{"params": [p]}, {"params": [p, q]}], lr=0.1),
        "tensor_params": lambda: optim.SGD(p, lr=0.1),
        "not_tensor": lambda: optim.SGD([p, 3], lr=0.1),
        "non_leaf": lambda: optim.SGD([p * 2], lr=0.1),
        "group_no_lr": lambda: optim.SGD([{"params": [p]}, {"params": [q]}]),
        "load_group_count": lambda: optim.SGD([p], lr=0.1).load_state_dict(
            optim.SGD([{"params": [p]}, {"params": [q]}], lr=0.1).state_dict()),
        "load_group_size": lambda: optim.SGD([p], lr=0.1).load_state_dict(optim.SGD([p, q], lr=0.1).state_dict()),
        "linear_start": lambda: S.LinearLR(optim.SGD([p], lr=0.1), start_factor=2),
        "linear_end": lambda: S.LinearLR(optim.SGD([p], lr=0.1), end_factor=-1),
        "lambda_count": lambda: S.LambdaLR(optim.SGD([p], lr=0.1), lr_lambda=[lambda e: 1, lambda e: 2]),
        "resume_without_initial_lr": lambda: S.StepLR(optim.SGD([p], lr=0.1), 2, last_epoch=5),
        "plateau_factor": lambda: S.ReduceLROnPlateau(optim.SGD([p], lr=0.1), factor=1.0),
        "plateau_mode": lambda: S.ReduceLROnPlateau(optim.SGD([p], lr=0.1), mode="foo"),
        "plateau_threshold_mode": lambda: S.ReduceLROnPlateau(optim.SGD([p], lr=0.1), threshold_mode="foo"),
        "plateau_min_lrs": lambda: S.ReduceLROnPlateau(optim.SGD([p], lr=0.1), min_lr=[0.1, 0.2]),
        "onecycle_no_steps": lambda: S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=0.1),
        "onecycle_total_steps": lambda: S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=0.1, total_steps=0),
        "onecycle_epochs": lambda: S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=0.1, epochs=-2, steps_per_epoch=3),
        "onecycle_pct_start": lambda: S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=0.1, total_steps=10, pct_start=1.5),
        "onecycle_anneal": lambda: S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=0.1, total_steps=10, anneal_strategy="exp"),
        "onecycle_max_lr_count": lambda: S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=[0.1, 0.2], total_steps=10),
        "onecycle_no_momentum": lambda: S.OneCycleLR(optim.Adagrad([p]), max_lr=0.1, total_steps=10),
        "onecycle_too_many_steps": lambda: [s.step() for s in [S.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=0.1, total_steps=3)] for _ in range(4)],
        "not_an_optimizer": lambda: S.StepLR(p, 2),
    }
    out = {}
    for name, fn in cases.items():
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - recording whichever error PyTorch raises
            out[name] = {"type": type(e).__name__, "message": e.args[0] if isinstance(e, KeyError) else str(e)}
        else:
            raise AssertionError(f"{name} did not raise")
    return out


def main():
    warnings.filterwarnings("ignore")
    optimizers = []
    for name, cls, kwargs, groups, skip_b in CASES:
        case = {"name": name, "cls": cls, "kwargs": jsonable(kwargs), "groups": groups, "skip_b": skip_b}
        for dtype in (torch.float32, torch.float64):
            case[str(dtype).replace("torch.", "")] = run_case(cls, kwargs, groups, skip_b, dtype)
        optimizers.append(case)
    schedulers, closed = scheduler_cases()
    p = torch.zeros(2, requires_grad=True)
    write("optim", {
        "init": INIT,
        "grads": GRADS,
        "optimizers": optimizers,
        "schedulers": schedulers,
        "closed_form": closed,
        "state_dicts": {
            "SGD": state_dict_case("SGD", {"lr": 0.1, "momentum": 0.9}),
            "SGD_plain": state_dict_case("SGD", {"lr": 0.1}),
            "Adam": state_dict_case("Adam", {"lr": 0.01, "amsgrad": True}),
            "AdamW": state_dict_case("AdamW", {}),
            "RMSprop": state_dict_case("RMSprop", {"centered": True, "momentum": 0.5}),
            "Adagrad": state_dict_case("Adagrad", {"lr_decay": 0.01}),
        },
        "reprs": {
            "SGD": str(optim.SGD([p], lr=0.1, momentum=0.9)),
            "Adam": str(optim.Adam([{"params": [p]}, {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01}])),
            "AdamW": str(optim.AdamW([p])),
            "RMSprop": str(optim.RMSprop([p])),
            "Adagrad": str(optim.Adagrad([p])),
        },
        "errors": error_cases(),
    })
