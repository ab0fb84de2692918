"""Golden values for the random functions: PyTorch 1.13's CPU streams on x86-64, which kindling
reproduces bit for bit. Each case seeds, then makes several calls in a row, so the scalar path's
cached normal, normal_fill's redrawn tail and the generator's position are all carried between
calls. Seeds include ones above 2^32 and 2^53 (only the low 32 bits seed mt19937; the full value
is the initial seed)."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

from _common import encode, write

SEEDS = [0, 42, 2**32 + 5, 12345678901234567, 2**64 - 1]
SIZES = list(range(1, 21)) + [33, 100]


def stream(seed, draw):
    """Seeds, then one draw per size in a row: returns the encoded results."""
    torch.manual_seed(seed)
    return [encode(draw(n)) for n in SIZES]


def seeded(seed):
    return {
        "seed": str(seed),
        "initial_seed": str(torch.manual_seed(seed).initial_seed()),
        "rand32": stream(seed, lambda n: torch.rand(n)),
        "rand64": stream(seed, lambda n: torch.rand(n, dtype=torch.float64)),
        "randn32": stream(seed, lambda n: torch.randn(n)),
        "randn64": stream(seed, lambda n: torch.randn(n, dtype=torch.float64)),
        # both dtypes share the generator's one cached double
        "randn_mixed": stream(seed, lambda n: torch.randn(n, dtype=torch.float64 if n % 2 else torch.float32)),
        "randint": stream(seed, lambda n: torch.randint(-3, 10 + n, (n,))),
        "randperm": stream(seed, lambda n: torch.randperm(n)),
    }


def state_bytes():
    return [int(b) for b in torch.get_rng_state().tolist()]


def cases():
    out = {}
    torch.manual_seed(6)
    out["long"] = [encode(torch.randn(1000)), encode(torch.randn(1000, dtype=torch.float64)), encode(torch.rand(1000)), encode(torch.randn(1001))]
    torch.manual_seed(7)
    out["normal_args"] = [
        encode(torch.empty(1000).normal_(0.5, 2.0)),
        encode(torch.empty(1000).normal_(-1.25, 0.3)),
        encode(torch.empty(37, dtype=torch.float64).normal_(3.0, 0.1)),
        encode(torch.empty(5).normal_(-1.25, 0.3)),
        encode(torch.empty(5, dtype=torch.float64).normal_(0.1, 7.0)),
        encode(torch.empty(40).uniform_(-0.3, 0.7)),
        encode(torch.empty(40, dtype=torch.float64).uniform_(-0.3, 0.7)),
        encode(torch.empty(6).uniform_(-1e-3, 5.0)),
    ]
    torch.manual_seed(8)
    out["randint_wide"] = [
        encode(torch.randint(0, 2**32 - 1, (8,))),
        encode(torch.randint(0, 2**32, (8,))),
        encode(torch.randint(-(2**40), 2**45, (8,))),
        encode(torch.randint(5, (8,), dtype=torch.float32)),
    ]
    # strided tensors are drawn in memory order, and normal_ takes its scalar path there
    torch.manual_seed(9)
    out["strided"] = [
        encode(torch.empty(5, 4).t().uniform_()),
        encode(torch.empty(6, 5).t().normal_()),
        encode(torch.empty(4, 8)[:, 2:7].normal_()),
    ]
    torch.manual_seed(10)
    p32 = torch.rand(30)
    p64 = torch.rand(30, dtype=torch.float64)
    out["bernoulli"] = [
        encode(torch.empty(50).bernoulli_(0.3)),
        encode(torch.bernoulli(p32)),
        encode(torch.bernoulli(p64)),
        encode(torch.bernoulli(torch.ones(12), 0.75)),
        encode(torch.empty(4, dtype=torch.float64).bernoulli_(p64[:4])),
    ]
    torch.manual_seed(11)
    x = torch.ones(40)
    out["dropout"] = [
        encode(F.dropout(x, 0.3, training=True)),
        encode(nn.Dropout(0.5).train()(torch.ones(4, 5))),
        encode(F.dropout(x.double(), 0.1, training=True)),
    ]
    torch.manual_seed(12)
    out["normal_fn"] = [
        encode(torch.normal(2.0, 3.0, (20,))),
        encode(torch.normal(torch.arange(6.0), torch.arange(6.0) * 0.125 + 0.5)),
        encode(torch.normal(torch.arange(4.0), 2.0)),
        encode(torch.normal(1.5, torch.arange(1.0, 18.0) * 0.125)),
    ]
    torch.manual_seed(13)
    like = torch.zeros(3, 7)
    out["like"] = [encode(torch.rand_like(like)), encode(torch.randn_like(like)), encode(torch.randint_like(like, 2, 9))]

    torch.manual_seed(0)
    lin = nn.Linear(20, 30)
    out["linear"] = [encode(lin.weight), encode(lin.bias)]
    torch.manual_seed(1)
    w = torch.empty(30, 20)
    small = torch.empty(3, 4)
    out["init"] = {
        "xavier_uniform": encode(nn.init.xavier_uniform_(w.clone())),
        "xavier_normal": encode(nn.init.xavier_normal_(w.clone())),
        "kaiming_uniform": encode(nn.init.kaiming_uniform_(w.clone(), a=0.1)),
        "kaiming_normal": encode(nn.init.kaiming_normal_(w.clone(), mode="fan_out", nonlinearity="relu")),
        "normal": encode(nn.init.normal_(w.clone(), 0.2, 0.05)),
        "uniform": encode(nn.init.uniform_(w.clone(), -2.0, 3.0)),
        "kaiming_normal_small": encode(nn.init.kaiming_normal_(small.clone())),
        "normal_small64": encode(nn.init.normal_(small.clone().double(), 1.0, 2.0)),
    }

    # DataLoader(shuffle=True): each epoch draws the iterator's base seed, then RandomSampler seeds a
    # fresh generator from the default one; a given generator serves both draws instead
    ds = TensorDataset(torch.arange(23))
    torch.manual_seed(14)
    loader = DataLoader(ds, batch_size=5, shuffle=True)
    epochs = [[int(i) for (b,) in loader for i in b] for _ in range(3)]
    after = encode(torch.randn(3))
    g = torch.Generator().manual_seed(15)
    own = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
    own_epochs = [[int(i) for (b,) in own for i in b] for _ in range(3)]
    torch.manual_seed(16)
    plain = [[int(i) for (b,) in DataLoader(ds, batch_size=6) for i in b], encode(torch.rand(2))]
    out["dataloader"] = {"epochs": epochs, "after": after, "generator_epochs": own_epochs, "unshuffled_then_rand": plain}

    torch.manual_seed(17)
    splits = [list(s.indices) for s in random_split(range(10), [3, 7])]
    gsplits = [list(s.indices) for s in random_split(range(12), [0.5, 0.25, 0.25], generator=torch.Generator().manual_seed(18))]
    out["random_split"] = {"default": splits, "generator": gsplits}

    g = torch.Generator().manual_seed(123)
    torch.manual_seed(19)
    out["generator"] = {
        "draws": [encode(torch.randn(5, generator=g)), encode(torch.rand(5, generator=g)), encode(torch.randint(0, 100, (5,), generator=g)),
                  encode(torch.randperm(10, generator=g)), encode(torch.randn(20, generator=g)), encode(torch.empty(3).uniform_(generator=g)),
                  encode(torch.empty(20).normal_(generator=g)), encode(torch.empty(6).bernoulli_(0.5, generator=g))],
        "default_after": encode(torch.randn(4)),
        "state": [int(b) for b in g.get_state().tolist()],
    }

    # states: fresh, after a scalar normal (cache valid, engine mid-block), after more than 624 draws
    states = []
    for seed, draw in [(0, lambda: None), (42, lambda: torch.randn(1)), (2**64 - 1, lambda: torch.randn(3)),
                       (5, lambda: torch.rand(700))]:
        torch.manual_seed(seed)
        draw()
        states.append({"seed": str(seed), "state": state_bytes(), "next": [encode(torch.randn(3)), encode(torch.rand(20))]})
    out["states"] = states

    errors = {}
    for label, fn in [("seed_overflow", lambda: torch.manual_seed(2**64)),
                      ("seed_negative_overflow", lambda: torch.manual_seed(-(2**63) - 1)),
                      ("state_size", lambda: torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))),
                      ("state_invalid", lambda: torch.set_rng_state(torch.zeros(5056, dtype=torch.uint8))),
                      ("uniform_range", lambda: torch.empty(3).uniform_(2, 1)),
                      ("normal_std", lambda: torch.empty(3).normal_(0, -1)),
                      ("randint_range", lambda: torch.randint(5, 5, (3,)))]:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
            errors[label] = str(e)
    out["errors"] = errors
    torch.manual_seed(-1)
    out["negative_seed"] = str(torch.initial_seed())
    return out


def main():
    write("random", {"torch": torch.__version__, "seeded": [seeded(s) for s in SEEDS], **cases()})
