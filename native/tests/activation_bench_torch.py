#!/usr/bin/python3
# PyTorch 1.13 side of the activation throughput comparison: 1 thread, G elements/s at 64K floats
# (and 4M), median of 7 repetitions timed in thread CPU time, inputs uniform in [−10, 10] like
# activation_bench.cpp. Run: /usr/bin/python3 native/tests/activation_bench_torch.py
#
# --interleaved: times kindling's AVX2 kernels (native/build/activation_test/libactivation.so, built
# by native/tests/build_activation_test.sh) and PyTorch in this one process, alternating op by op
# over 15 rounds, 64K floats; prints the medians and the median of the per-round ratios. On a
# shared machine whose speed drifts over minutes this is the fairer side-by-side.
import ctypes
import os
import sys
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



def interleaved():
    lib = ctypes.CDLL(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../build/activation_test/libactivation.so"))
    unary = lib["_ZN8kindling4avx25unaryENS_7UnaryOpEPKfPflf"]
    unary.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_float]
    unary.restype = None
    n = 1 << 16
    x = torch.rand(n, generator=torch.Generator().manual_seed(1)) * 20 - 10
    y = torch.empty_like(x)
    xp, yp = x.data_ptr(), y.data_ptr()
    # op: (kernels.h code, PyTorch call)
    ops = {
        "sigmoid": (1, lambda: torch.sigmoid(x, out=y)),
        "silu": (7, lambda: torch._C._nn.silu(x, out=y)),
        "softplus": (8, lambda: torch._C._nn.softplus(x, 1, 20, out=y)),
        "exp": (3, lambda: torch.exp(x, out=y)),
        "tanh": (2, lambda: torch.tanh(x, out=y)),
        "gelu": (5, lambda: torch._C._nn.gelu(x, out=y)),
    }
    extra = {"leaky_relu": (12, 0.01, lambda: torch._C._nn.leaky_relu(x, 0.01, out=y)),
             "elu": (13, 1.0, lambda: torch._C._nn.elu(x, 1.0, 1, 1, out=y))}
    for name, (code, param, f) in extra.items():
        try:
            unary(code, xp, yp, 1, param)
            if y[0].item() == y[0].item():  # an unknown op gives NaN
                ops[name] = (code, f, param)
        except Exception:
            pass

    def rate(f):
        f()
        t = time.thread_time()
        it = 0
        while time.thread_time() - t < 0.004:
            f()
            it += 1
        return n * it / (time.thread_time() - t) * 1e-9

    print("G elements/s, 1 thread, 64K floats, interleaved over 15 rounds: kindling avx2 | PyTorch | ratio")
    for name, spec in ops.items():
        code, f = spec[0], spec[1]
        param = spec[2] if len(spec) > 2 else 0.0
        k, p, r = [], [], []
        for _ in range(15):
            k.append(rate(lambda: unary(code, xp, yp, n, param)))
            p.append(rate(f))
            r.append(k[-1] / p[-1])
        med = lambda v: sorted(v)[len(v) // 2]
        print(f"{name:11s} {med(k):5.2f} | {med(p):5.2f} | x{med(r):.2f}", flush=True)


if "--interleaved" in sys.argv:
    interleaved()
    sys.exit(0)

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
        "softplus": lambda: torch._C._nn.softplus(x, 1, 20, out=y),
        "leaky_relu": lambda: torch._C._nn.leaky_relu(x, 0.01, out=y),
        "elu": lambda: torch._C._nn.elu(x, 1.0, 1, 1, out=y),
    }
    print(f"n = {n}: " + "  ".join(f"{k} {measure(n, f):.2f}" for k, f in ops.items()), flush=True)
