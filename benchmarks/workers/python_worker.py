"""PyTorch (eager, no_grad) or numpy in a persistent Python process, driven by run.mjs with the
same JSON-lines protocol as workers/node_worker.mjs, so Python engines interleave rep by rep with
the Node ones. Usage: python3 python_worker.py pytorch|numpy THREADS
The thread count is also in OMP_NUM_THREADS/OPENBLAS_NUM_THREADS, set by run.mjs before start."""
import json
import resource
import sys
import time

ENGINE, THREADS = sys.argv[1], int(sys.argv[2])
proto = sys.stdout
sys.stdout = sys.stderr  # anything a library prints must not reach the protocol

import numpy as np  # noqa: E402

if ENGINE == "pytorch":
    import torch  # noqa: E402
    torch.set_num_threads(THREADS)


class NotApplicable(Exception):
    pass


# The train suite's peak RSS: the kernel's high-water mark is reset when a case is built (Linux:
# /proc/self/clear_refs), so the peak read after its reps is that case's (on top of what the
# process already held); where it cannot be reset it is the process's peak since it started.
PEAK_SINCE = {"since": "process start"}


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        PEAK_SINCE["since"] = "case"
    except OSError:
        PEAK_SINCE["since"] = "process start"


def peak_rss():
    return {"bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "since": PEAK_SINCE["since"]}


def f32(path, shape):
    return np.fromfile(path, dtype=np.float32).reshape(shape)


def erf_gelu_numpy(x):
    raise NotApplicable("numpy has no erf (GELU needs scipy)")


NP_OPS = {
    "copy": lambda x: x.copy(),
    "relu": lambda x: np.maximum(x, np.float32(0)),
    "sigmoid": lambda x: np.float32(1) / (np.float32(1) + np.exp(-x)),
    "tanh": np.tanh,
    "gelu": erf_gelu_numpy,
    "softmax": lambda x: (lambda e: e / e.sum(axis=-1, keepdims=True))(np.exp(x - x.max(axis=-1, keepdims=True))),
    "add": np.add,
    "mul": np.multiply,
}
BINARY = ("add", "mul")


def np_sigmoid_out(x, out):
    # numpy has no sigmoid ufunc: 1 / (1 + exp(-x)) in four passes over out, allocating nothing
    np.negative(x, out=out)
    np.exp(out, out=out)
    np.add(out, np.float32(1), out=out)
    return np.reciprocal(out, out=out)


# into a preallocated out (copyto for copy, maximum(x, 0) for relu)
NP_OUT_OPS = {
    "copy": lambda x, y, out: np.copyto(out, x) or out,
    "relu": lambda x, y, out: np.maximum(x, np.float32(0), out=out),
    "sigmoid": lambda x, y, out: np_sigmoid_out(x, out),
    "add": lambda x, y, out: np.add(x, y, out=out),
    "mul": lambda x, y, out: np.multiply(x, y, out=out),
}


def out_runner(f, xs, out, state):
    x, y = xs[0], (xs[1] if len(xs) > 1 else None)
    def run(): state["out"] = f(x, y, out)
    return run


def op_inputs(c, files, wrap):
    """x, and y for add/mul, as the engine's arrays."""
    xs = [f32(files["x"], c["shape"])]
    if c["op"] in BINARY:
        xs.append(f32(files["y"], c["shape"]))
    return [wrap(a) for a in xs]


def op_runner(f, xs, state):
    if len(xs) == 2:
        x, y = xs
        def run(): state["out"] = f(x, y)
    else:
        x = xs[0]
        def run(): state["out"] = f(x)
    return run


class Net(torch.nn.Module if ENGINE == "pytorch" else object):
    """The seed's networks: fc1, fc2, ... with the activation after each hidden layer. forward walks
    lists made once here, so it costs what the hand-written forward of SimpleNN costs."""

    def __init__(self, layers, acts):
        super().__init__()
        for i in range(len(layers) - 1):
            setattr(self, f"fc{i + 1}", torch.nn.Linear(layers[i], layers[i + 1]))
        self.steps = [(getattr(self, f"fc{i + 1}"), getattr(torch, a)) for i, a in enumerate(acts)]
        self.last = getattr(self, f"fc{len(acts) + 1}")

    def forward(self, x):
        for fc, act in self.steps:
            x = act(fc(x))
        return self.last(x)


if ENGINE == "pytorch":
    class MnistNet(torch.nn.Module):
        """PyTorch's examples/mnist/main.py Net."""

        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 32, 3, 1)
            self.conv2 = torch.nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = torch.nn.Dropout(0.25)
            self.dropout2 = torch.nn.Dropout(0.5)
            self.fc1 = torch.nn.Linear(9216, 128)
            self.fc2 = torch.nn.Linear(128, 10)

        def forward(self, x):
            F = torch.nn.functional
            x = F.relu(self.conv2(F.relu(self.conv1(x))))
            x = torch.flatten(self.dropout1(F.max_pool2d(x, 2)), 1)
            return F.log_softmax(self.fc2(self.dropout2(F.relu(self.fc1(x)))), dim=1)


def build_torch(c, files):
    s = c["suite"]
    state = {}
    if s == "gemm":
        a, b = torch.from_numpy(f32(files["a"], (c["M"], c["K"]))), torch.from_numpy(f32(files["b"], (c["K"], c["N"])))
        def run(): state["out"] = torch.mm(a, b)
    elif s in ("ops", "overhead") and c.get("out"):
        # torch.clone has no out=: copy_ is the copy into existing memory; torch.relu has none: clamp
        xs, out = op_inputs(c, files, torch.from_numpy), torch.empty(c["shape"])
        f = {"copy": lambda x, y, o: o.copy_(x), "relu": lambda x, y, o: torch.clamp(x, min=0, out=o),
             "sigmoid": lambda x, y, o: torch.sigmoid(x, out=o), "add": lambda x, y, o: torch.add(x, y, out=o),
             "mul": lambda x, y, o: torch.mul(x, y, out=o)}[c["op"]]
        run = out_runner(f, xs, out, state)
    elif s in ("ops", "overhead"):
        xs = op_inputs(c, files, torch.from_numpy)
        f = {"copy": torch.clone, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
             "gelu": torch.nn.functional.gelu, "softmax": lambda t: torch.softmax(t, -1),
             "add": torch.add, "mul": torch.mul}[c["op"]]
        run = op_runner(f, xs, state)
        if c["op"] == "copy":  # clone always allocates; checked, as for the other engines
            run()
            if state["out"].data_ptr() == xs[0].data_ptr():
                raise NotApplicable("torch.clone returned the input's own memory")
    elif s == "conv":
        F = torch.nn.functional
        if c["kind"] == "layer":
            x = torch.from_numpy(f32(files["x"], (c["batch"], c["cin"], c["hw"], c["hw"])))
            w, b = torch.from_numpy(f32(files["c_w"], (c["cout"], c["cin"], 3, 3))), torch.from_numpy(f32(files["c_b"], (c["cout"],)))
            def run():
                with torch.no_grad():
                    state["out"] = F.conv2d(x, w, b)
        else:
            net = MnistNet()
            with torch.no_grad():
                for name, p in net.named_parameters():
                    p.copy_(torch.from_numpy(f32(files[name.replace(".weight", "_w").replace(".bias", "_b")], tuple(p.shape))))
            net.eval()
            x = torch.from_numpy(f32(files["x"], (c["batch"], 1, 28, 28)))
            def run():
                with torch.no_grad():
                    state["out"] = net(x)
    else:
        L = c["layers"]
        net = Net(L, c["acts"])
        with torch.no_grad():
            for i in range(len(L) - 1):
                getattr(net, f"fc{i + 1}").weight.copy_(torch.from_numpy(f32(files[f"w{i}"], (L[i + 1], L[i]))))
                getattr(net, f"fc{i + 1}").bias.copy_(torch.from_numpy(f32(files[f"b{i}"], (L[i + 1],))))
        x = torch.from_numpy(f32(files["x"], (c["batch"], L[0])))
        if s in ("mlp", "floor"):
            net.eval()
            def run():
                with torch.no_grad():
                    state["out"] = net(x)
        else:
            y = torch.from_numpy(np.fromfile(files["y"], dtype=np.int32).astype(np.int64))
            o = c["optimizer"]
            opt = getattr(torch.optim, o["name"])(net.parameters(), **o["options"])
            loss_fn = torch.nn.CrossEntropyLoss()
            reset_peak_rss()
            def run():
                opt.zero_grad()
                loss_fn(net(x), y).backward()
                opt.step()
            def result():
                with torch.no_grad():
                    return net(x).numpy()
            return run, result, peak_rss
    return run, lambda: state["out"].numpy()


def build_numpy(c, files):
    s = c["suite"]
    state = {}
    if s == "gemm":
        a, b = f32(files["a"], (c["M"], c["K"])), f32(files["b"], (c["K"], c["N"]))
        def run(): state["out"] = a @ b
    elif s in ("ops", "overhead") and c.get("out"):
        xs = op_inputs(c, files, lambda a: a)
        run = out_runner(NP_OUT_OPS[c["op"]], xs, np.empty(c["shape"], dtype=np.float32), state)
    elif s in ("ops", "overhead"):
        xs, f = op_inputs(c, files, lambda a: a), NP_OPS[c["op"]]
        if c["op"] == "gelu":
            f(*xs)
        run = op_runner(f, xs, state)
        if c["op"] == "copy":
            run()
            if np.shares_memory(state["out"], xs[0]):
                raise NotApplicable("ndarray.copy returned the input's own memory")
    elif s in ("mlp", "floor"):
        L, acts = c["layers"], c["acts"]
        # weights stored transposed once, as a numpy user would, so each layer is x @ W + b
        ws = [(np.ascontiguousarray(f32(files[f"w{i}"], (L[i + 1], L[i])).T), f32(files[f"b{i}"], (L[i + 1],))) for i in range(len(L) - 1)]
        x = f32(files["x"], (c["batch"], L[0]))
        def run():
            h = x
            for i, (w, b) in enumerate(ws):
                h = h @ w + b
                if i < len(acts):
                    h = NP_OPS[acts[i]](h)
            state["out"] = h
    elif s == "conv":
        raise NotApplicable("numpy has no convolution")
    else:
        raise NotApplicable("numpy has no autograd")
    return run, lambda: state["out"]


build = build_torch if ENGINE == "pytorch" else build_numpy
current = None


def loaded_blas():
    """The BLAS library this process mapped: Debian's torch uses whatever libblas.so.3 points to,
    and the reference BLAS there is some 50x slower than OpenBLAS, so the report must say which."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line}
        return sorted(libs)
    except OSError:
        return None


def hello(msg):
    if ENGINE == "pytorch":
        torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # loads the BLAS
        return {"version": torch.__version__, "info": {"threads": torch.get_num_threads(), "python": sys.executable, "blas": loaded_blas()}}
    blas = None
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f'{deps.get("name")} {deps.get("version")}'
    except Exception:  # older numpy: no dict mode
        pass
    return {"version": np.__version__, "info": {"threads": THREADS, "blas": blas, "python": sys.executable}}


def check(msg):
    c = msg["case"]
    run, result = build(c, msg["files"])[:2]
    for _ in range(c.get("checkSteps", 1)):
        run()
    r = np.ascontiguousarray(result(), dtype=np.float32)
    r.tofile(msg["out"])
    return {"length": int(r.size)}


def prepare(msg):
    global current
    current = build(msg["case"], msg["files"])
    return {}


def warmup(msg):
    run = current[0]
    t = time.perf_counter()
    run()
    first = time.perf_counter() - t
    if first > msg["maxCallSec"]:
        return {"tooSlow": first}
    n, t = 0, time.perf_counter()
    while True:
        run()
        n += 1
        if time.perf_counter() - t >= msg["warmSec"] and n >= 2:
            break
    per = (time.perf_counter() - t) / n
    return {"inner": max(1, round(msg["repSec"] / per)), "per": per}


def rep(msg):
    run, inner = current[0], msg["inner"]
    clock = time.perf_counter
    if msg.get("perCall"):
        times = [0.0] * inner
        t0 = clock()
        for i in range(inner):
            t = clock()
            run()
            times[i] = round((clock() - t) * 1e8) / 1e2  # µs
        return {"total": clock() - t0, "times": times}
    t0 = clock()
    for _ in range(inner):
        run()
    return {"total": clock() - t0}


def release(msg):
    global current
    peak = current[2]() if current is not None and len(current) > 2 else None
    current = None
    return {"peakRss": peak} if peak else {}


HANDLERS = {"hello": hello, "check": check, "prepare": prepare, "warmup": warmup, "rep": rep, "release": release}

try:
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            reply = {"id": msg["id"], "ok": True, **HANDLERS[msg["op"]](msg)}
        except NotApplicable as e:
            reply = {"id": msg["id"], "ok": False, "na": str(e)}
        except Exception as e:  # reported per case; the worker lives on
            reply = {"id": msg["id"], "ok": False, "error": f"{type(e).__name__}: {e}"}
        proto.write(json.dumps(reply) + "\n")
        proto.flush()
except KeyboardInterrupt:
    pass
