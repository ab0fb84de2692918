#!/usr/bin/python3
# PyTorch 1.13 side of the activation throughput comparison: 1 thread, G elements/s at 64K floats
# (and 4M), median of 7 repetitions timed in thread CPU time, inputs uniform in [−10, 10] like
# activation_bench.cpp. Run: /usr/bin/python3 native/tests/activation_bench_torch.py
import time
import torch

torch.set_num_threads(1)


def measure(n, f):
    for _ in range(3):
        f()
    t0 = time.thread_time()
    calls = 0
    while time.thread_time() - t0 < 0.01:
        f()
        calls += 1
    iters = max(1, int(calls * 2.5))
    rates = []
    for _ in range(7):
        t = time.thread_time()
        for _ in range(iters):
            f()
        rates.append(n * iters / (time.thread_time() - t) * 1e-9)
    rates.sort()
    return rates[3]


gen = torch.Generator().manual_seed(1)
for n in (1 << 16, 1 << 22):
    x = torch.rand(n, generator=gen) * 20 - 10
    y = torch.empty_like(x)
    ops = {
        "copy": lambda: y.copy_(x),
        "relu": lambda: torch.clamp_min(x, 0, out=y),  # torch.relu has no out=
        "sigmoid": lambda: torch.sigmoid(x, out=y),
        "tanh": lambda: torch.tanh(x, out=y),
        "exp": lambda: torch.exp(x, out=y),
        "gelu": lambda: torch._C._nn.gelu(x, out=y),
        "silu": lambda: torch._C._nn.silu(x, out=y),
    }
    print(f"n = {n}: " + "  ".join(f"{k} {measure(n, f):.2f}" for k, f in ops.items()), flush=True)
