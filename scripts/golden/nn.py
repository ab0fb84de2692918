"""Golden values for nn.Module: reprs and state_dict keys of nested models, and the seed tutorial's
two networks trained for 20 SGD steps from weights the test loads with load_state_dict."""
from collections import OrderedDict

import torch
from torch import nn

from _common import encode, write


class SimpleNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 50)
        self.fc2 = nn.Linear(50, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        return self.fc2(x)


class AdvancedNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 50)
        self.fc2 = nn.Linear(50, 50)
        self.fc3 = nn.Linear(50, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.sigmoid(self.fc2(x))
        return self.fc3(x)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4, bias=False)
        self.body = nn.Sequential(nn.Linear(4, 8), nn.Identity(), nn.Linear(8, 4))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(3, 4)
        self.blocks = nn.ModuleList([Block(), Block()])
        self.heads = nn.ModuleDict({"b": nn.Linear(4, 2), "a": nn.Linear(4, 1)})
        self.named = nn.Sequential(OrderedDict([("first", nn.Linear(4, 4)), ("second", nn.Identity())]))
        self.empty = nn.Sequential()


def train(model, X, y, steps, lr, momentum):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    reprs = {
        "SimpleNN": repr(SimpleNN()),
        "AdvancedNN": repr(AdvancedNN()),
        "Net": repr(Net()),
        "LinearNoBias": repr(nn.Linear(3, 2, bias=False)),
        "EmptySequential": repr(nn.Sequential()),
    }
    keys = {"Net": list(Net().state_dict().keys()), "AdvancedNN": list(AdvancedNN().state_dict().keys())}

    torch.manual_seed(1)
    X = torch.round(torch.randn(32, 10) * 1000) / 1000
    y = torch.round((X[:, :1].sin() + X[:, 1:2] * X[:, 2:3]) * 1000) / 1000
    training = []
    for cls in (SimpleNN, AdvancedNN):
        model = cls()
        start = {k: encode(v) for k, v in model.state_dict().items()}
        for momentum in (0.0, 0.9):
            model.load_state_dict({k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in start.items()})
            losses = train(model, X, y, 20, 0.05, momentum)
            training.append({"model": cls.__name__, "momentum": momentum, "lr": 0.05, "state_dict": start, "losses": losses,
                             "final": {k: encode(v) for k, v in model.state_dict().items()}})
    write("nn", {"reprs": reprs, "state_dict_keys": keys, "X": encode(X), "y": encode(y), "training": training})
