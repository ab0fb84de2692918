"""Golden values for what a port from PyTorch hits in its first lines: devices, legacy constructors,
x.type(), torch.Size's text, where() with Python floats, default_collate of ints and floats, writing
through detached views and `.data =`, and the autograd errors a port meets (in-place modification,
anomaly mode). Each case is run in PyTorch and records its result or its error (class and text);
tests/ports.test.ts runs the same cases in kindling.
"""
import torch
from torch.utils.data import default_collate

from _common import encode, write


def outcome(f):
    try:
        r = f()
    except BaseException as e:  # AssertionError included: torch.cuda raises it
        return {"error": type(e).__name__, "message": str(e)}
    if isinstance(r, torch.Tensor):
        return {"tensor": encode(r)}
    if isinstance(r, torch.device):
        return {"device": repr(r), "str": str(r), "type": r.type, "index": r.index}
    if isinstance(r, torch.Size):
        return {"size": list(r), "str": str(r)}
    if isinstance(r, torch.dtype):
        return {"dtype": str(r)}
    return {"value": r}


def sigmoid_then_inplace():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a.sigmoid()
    b.mul_(2)
    b.sum().backward()


def saved_input_modified():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    c = a * 1
    b = c * c
    c.add_(1)
    b.sum().backward()


def constant_modified():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0])
    y = (w * x).sum()
    x.add_(1)
    y.backward()


def anomaly_nan():
    with torch.autograd.detect_anomaly():
        a = torch.tensor([0.0, 2.0], requires_grad=True)
        (a.sqrt() * 0).sum().backward()


def anomaly_inplace():
    with torch.autograd.detect_anomaly():
        sigmoid_then_inplace()


def detached_view_write():
    lin = torch.nn.Linear(2, 3)
    with torch.no_grad():
        lin.weight.copy_(torch.arange(6.0).reshape(3, 2))
    lin.weight.select(0, 1).detach().fill_(3)
    return lin.weight.detach()


def view_of_leaf_write():
    lin = torch.nn.Linear(2, 3)
    lin.weight.select(0, 1).fill_(3)


def data_assign():
    p = torch.nn.Parameter(torch.ones(2, 3))
    p.data = torch.arange(4.0)
    return {"value": p.detach().tolist(), "shape": list(p.shape), "requires_grad": p.requires_grad, "is_param": isinstance(p, torch.nn.Parameter)}


def data_assign_list():
    p = torch.nn.Parameter(torch.ones(2))
    p.data = [1]


# bad calls a port makes early, for a sweep of the error messages against PyTorch's
MESSAGES = {
    'add_shape': lambda: torch.zeros(2,3) + torch.zeros(4),
    'mm_shape': lambda: torch.mm(torch.zeros(2,3), torch.zeros(2,3)),
    'matmul_1d': lambda: torch.matmul(torch.zeros(3), torch.zeros(4)),
    'view_bad': lambda: torch.zeros(2,3).view(4),
    'view_noncontig': lambda: torch.zeros(2,3).t().view(6),
    'reshape_two_neg': lambda: torch.zeros(6).reshape(-1,-1),
    'sum_dim': lambda: torch.zeros(2,3).sum(3),
    'item_multi': lambda: torch.zeros(2).item(),
    'backward_nonscalar': lambda: torch.zeros(2, requires_grad=True).mul(2).backward(),
    'backward_noreq': lambda: torch.zeros(2).sum().backward(),
    'backward_twice': lambda: (lambda a: (lambda y: (y.backward(), y.backward()))(a.exp().sum()))(torch.ones(2, requires_grad=True)),
    'leaf_inplace': lambda: torch.ones(2, requires_grad=True).add_(1),
    'linear_features': lambda: torch.nn.Linear(3,2)(torch.zeros(4,5)),
    'ce_target_float': lambda: torch.nn.CrossEntropyLoss()(torch.zeros(2,3), torch.zeros(2)),
    'ce_target_range': lambda: torch.nn.CrossEntropyLoss()(torch.zeros(2,3), torch.tensor([0,5])),
    'mse_shape': lambda: torch.nn.functional.mse_loss(torch.zeros(2,3), torch.zeros(3,2)),
    'embedding_range': lambda: torch.nn.Embedding(3,2)(torch.tensor([5])),
    'embedding_float': lambda: torch.nn.Embedding(3,2)(torch.tensor([1.0])),
    'unsqueeze_dim': lambda: torch.zeros(2).unsqueeze(3),
    'squeeze_dim': lambda: torch.zeros(2).squeeze(2),
    'ragged': lambda: torch.tensor([[1,2],[3]]),
    'tensor_str': lambda: torch.tensor('a'),
    'cat_dtype_dim': lambda: torch.cat([torch.zeros(2), torch.zeros(2,2)]),
    'optim_empty': lambda: torch.optim.SGD([], lr=0.1),
    'optim_lr': lambda: torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=-1),
    'adam_betas': lambda: torch.optim.Adam([torch.zeros(1, requires_grad=True)], betas=(1.5, 0.9)),
    'state_dict_missing': lambda: torch.nn.Linear(2,2).load_state_dict({}),
    'state_dict_shape': lambda: torch.nn.Linear(2,2).load_state_dict({'weight': torch.zeros(3,2), 'bias': torch.zeros(2)}),
    'dropout_p': lambda: torch.nn.Dropout(1.5),
    'pow_neg_int': lambda: torch.tensor([2]).pow(-1),
    'div_int_mode': lambda: torch.tensor([5]).div(2, rounding_mode='bad'),
    'argmax_empty': lambda: torch.zeros(0).argmax(),
    'max_empty': lambda: torch.zeros(0).max(),
    'bmm_3d': lambda: torch.bmm(torch.zeros(2,3), torch.zeros(2,3)),
    'expand_bad': lambda: torch.zeros(2,3).expand(3,3),
    'permute_bad': lambda: torch.zeros(2,3).permute(0),
    'transpose_bad': lambda: torch.zeros(2,3).transpose(0,2),
    'index_select_float': lambda: torch.zeros(3).index_select(0, torch.tensor([0.0])),
    'gather_dim': lambda: torch.zeros(2,3).gather(1, torch.zeros(2,3,1,dtype=torch.int64)),
    'zeros_float_size': lambda: torch.zeros(2.5),
    'randint_bad': lambda: torch.randint(5, 2, (3,)),
    'arange_bad': lambda: torch.arange(0, 5, -1),
    'linspace_steps': lambda: torch.linspace(0, 1, -1),
    'layernorm_shape': lambda: torch.nn.LayerNorm(4)(torch.zeros(2,3)),
    'batchnorm_ch': lambda: torch.nn.BatchNorm1d(4)(torch.zeros(2,3)),
    'nll_dim': lambda: torch.nn.functional.nll_loss(torch.zeros(3), torch.tensor([0,1])),
    'bce_range': lambda: torch.nn.functional.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
    'grad_non_leaf_warn': lambda: torch.autograd.grad(torch.ones(2, requires_grad=True).sum(), [torch.ones(2, requires_grad=True)]),
}


def main():
    x = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    cases = {
        # devices
        "device('cpu')": lambda: torch.device("cpu"),
        "device('cuda')": lambda: torch.device("cuda"),
        "device('cuda:1')": lambda: torch.device("cuda:1"),
        "device('cuda', 1)": lambda: torch.device("cuda", 1),
        "device('cpu', 0)": lambda: torch.device("cpu", 0),
        "device(0)": lambda: torch.device(0),
        "device('gpu')": lambda: torch.device("gpu"),
        "device('cuda:x')": lambda: torch.device("cuda:x"),
        "x.device": lambda: x.device,
        "x.to('cpu')": lambda: x.to("cpu"),
        "x.to('cpu', float64)": lambda: x.to("cpu", torch.float64),
        "x.to(device=cpu, dtype=float64)": lambda: x.to(device=torch.device("cpu"), dtype=torch.float64),
        "x.to(int64 tensor)": lambda: x.to(torch.zeros(1, dtype=torch.int64)),
        "x.to('cuda')": lambda: x.to("cuda"),
        "x.to('mps')": lambda: x.to("mps"),
        "x.cuda()": lambda: x.cuda(),
        "x.cpu()": lambda: x.cpu(),
        "x.is_cuda": lambda: x.is_cuda,
        "x.get_device()": lambda: x.get_device(),
        "zeros(2, device='cpu')": lambda: torch.zeros(2, device="cpu"),
        "zeros(2, device='cuda')": lambda: torch.zeros(2, device="cuda"),
        "tensor([1.5], device=device('cpu'))": lambda: torch.tensor([1.5], device=torch.device("cpu")),
        "cuda.is_available()": lambda: torch.cuda.is_available(),
        "cuda.device_count()": lambda: torch.cuda.device_count(),
        "cuda.current_device()": lambda: torch.cuda.current_device(),
        "cuda.manual_seed(0)": lambda: torch.cuda.manual_seed(0),
        "backends.mps.is_available()": lambda: torch.backends.mps.is_available(),
        "Linear.to('cuda')": lambda: torch.nn.Linear(2, 2).to("cuda"),
        "Linear.cuda()": lambda: torch.nn.Linear(2, 2).cuda(),
        "Linear.to(int64)": lambda: torch.nn.Linear(2, 2).to(torch.int64),
        "Linear.to('cpu', float64).weight.dtype": lambda: torch.nn.Linear(2, 2).to("cpu", torch.float64).weight.dtype,
        "Linear.to(float64 tensor).weight.dtype": lambda: torch.nn.Linear(2, 2).to(torch.zeros(1, dtype=torch.float64)).weight.dtype,
        # the tensor type and legacy constructors
        "float32.type()": lambda: x.type(),
        "float64.type()": lambda: x.double().type(),
        "int64.type()": lambda: x.long().type(),
        "bool.type()": lambda: x.bool().type(),
        "x.type(float64)": lambda: x.type(torch.float64),
        "x.type('torch.LongTensor')": lambda: x.type("torch.LongTensor"),
        "Tensor([-4.0])": lambda: torch.Tensor([-4.0]),
        "Tensor([[1, 2], [3, 4]])": lambda: torch.Tensor([[1, 2], [3, 4]]),
        "Tensor(2, 3).shape": lambda: torch.Tensor(2, 3).shape,
        "Tensor()": lambda: torch.Tensor(),
        "Tensor(2.5)": lambda: torch.Tensor(2.5),
        "Tensor(-1)": lambda: torch.Tensor(-1),
        "Tensor('a')": lambda: torch.Tensor("a"),
        "LongTensor([1.7, 2])": lambda: torch.LongTensor([1.7, 2]),
        "BoolTensor([1, 0])": lambda: torch.BoolTensor([1, 0]),
        "DoubleTensor([1, 2])": lambda: torch.DoubleTensor([1, 2]),
        "FloatTensor(2).shape": lambda: torch.FloatTensor(2).shape,
        # torch.Size
        "shape [2, 3]": lambda: torch.zeros(2, 3).shape,
        "shape []": lambda: torch.zeros(()).shape,
        "size()": lambda: torch.zeros(4, 1).size(),
        "shape.numel()": lambda: torch.zeros(2, 3, 4).shape.numel(),
        # Python floats and ints
        "where(c, 1.0, -1.0)": lambda: torch.where(x.gt(0), 1.0, -1.0),
        "where(c, x, -1.0)": lambda: torch.where(x.gt(0), x, -1.0),
        "where(c, int64, 2.5)": lambda: torch.where(x.gt(0), x.long(), 2.5),
        "default_collate ints": lambda: default_collate([1, 2, 3]),
        "default_collate floats": lambda: default_collate([1.0, 2.5]),
        # writing through views and .data
        "detached view write": detached_view_write,
        "view of leaf write": view_of_leaf_write,
        "p.data = arange(4)": data_assign,
        "p.data = [1]": data_assign_list,
        # autograd errors
        "int64: requires_grad = True": lambda: setattr(torch.arange(3), "requires_grad", True),
        "int64: requires_grad_()": lambda: torch.arange(3).requires_grad_(),
        "int64: zeros(requires_grad=True)": lambda: torch.zeros(2, dtype=torch.int64, requires_grad=True),
        "int64: Parameter": lambda: torch.nn.Parameter(torch.arange(3)),
        "sigmoid then in-place": sigmoid_then_inplace,
        "saved input modified": saved_input_modified,
        "constant modified": constant_modified,
        "anomaly: nan": anomaly_nan,
        "anomaly: in-place": anomaly_inplace,
    }
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write("ports", {**{name: outcome(f) for name, f in cases.items()}, "messages": {name: outcome(f) for name, f in MESSAGES.items()}})
