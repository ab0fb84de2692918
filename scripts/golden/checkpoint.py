"""Golden checkpoints for torch.save / torch.load: small .pt files under tests/fixtures/checkpoints/
and tests/fixtures/checkpoint.json, the values PyTorch sees in each.

- PyTorch 1.13 files (torch.save): a state dict with BatchNorm's int64 num_batches_tracked, views of
  one storage, non-contiguous tensors, nested containers, Parameters, every storage dtype, a 0-dim
  and an empty tensor, and an MLP trained for a few SGD steps (with its inputs and outputs).
- A 2.x-layout file built by hand, as no PyTorch 2.x is installed here: a 1.13 pickle in which
  Parameters are rebuilt by 2.x's `_rebuild_parameter_with_state`, and a float (BINFLOAT, which
  2.x's weights_only unpickler reads), zipped the way 2.x writes (byteorder record,
  .data/serialization_id, data descriptors after each entry); also a big-endian twin.
- Hostile files: forbidden globals, a custom class, deep nesting, broken zips, a missing or short
  storage, an int64 beyond 2^53, the legacy format. They must fail in kindling with clear errors.
- Files kindling wrote (kindling.pt, kindling_extras.pt): loaded here to record what PyTorch reads.

Regenerating is two steps, because the kindling-written files need kindling:
  1. npm run golden -- checkpoint                               (PyTorch's files and the JSON)
  2. npm run build && node scripts/golden/checkpoint_kindling.mjs  (kindling writes its two files)
  3. npm run golden -- checkpoint                               (records what PyTorch reads in them)
Step 3 loads kindling.pt with weights_only=True. kindling_extras.pt holds floats, bytes and sets,
which 1.13's weights_only unpickler does not know (2.x does), so it is loaded with the full
unpickler: the file is our own.
"""
import io
import os
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

import torch
from torch import nn

from _common import FIXTURES, encode, num, write

OUT = FIXTURES / "checkpoints"


def describe(v):
    """A loaded value as JSON the test compares against, tagging what JSON cannot tell apart."""
    if isinstance(v, torch.Tensor):
        return {"tensor": {**encode(v), "stride": list(v.stride()), "offset": v.storage_offset(),
                           "requires_grad": v.requires_grad, "parameter": isinstance(v, nn.Parameter)}}
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 else {"int": str(v)}
    if isinstance(v, float):
        return {"float": num(v)}
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": list(v)}
    if isinstance(v, (set, frozenset)):
        return {"set": sorted(describe(x) for x in v)}
    if isinstance(v, torch.dtype):
        return {"dtype": str(v).replace("torch.", "")}
    if isinstance(v, tuple):
        return {"tuple": [describe(x) for x in v]}
    if isinstance(v, list):
        return {"list": [describe(x) for x in v]}
    if isinstance(v, dict):
        out = {"dict": [[describe(k), describe(x)] for k, x in v.items()], "ordered": isinstance(v, OrderedDict)}
        if hasattr(v, "_metadata"):
            out["metadata"] = describe(v._metadata)
        return out
    raise TypeError(type(v))


def save(name, obj, **kw):
    torch.save(obj, OUT / name, **kw)
    return describe(torch.load(OUT / name))


def mlp_state():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    model.train()
    for _ in range(2):
        model(torch.randn(5, 4))  # running stats move, num_batches_tracked = 2
    return model.state_dict()


def trained():
    """A few SGD steps on a small MLP; the test loads its state dict into a kindling model."""
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    X, y = torch.randn(32, 4), torch.randn(32, 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(5):
        opt.zero_grad()
        nn.functional.mse_loss(model(X), y).backward()
        opt.step()
    torch.save(model.state_dict(), OUT / "trained.pt")
    Xt = torch.randn(6, 4)
    with torch.no_grad():
        return {"X": encode(Xt), "out": encode(model(Xt))}


def good_files():
    torch.manual_seed(1)
    base = torch.arange(12, dtype=torch.float32)
    grid = base.view(3, 4)
    x = torch.randn(4, 5)
    files = {
        "state_dict.pt": save("state_dict.pt", mlp_state()),
        "tensor.pt": save("tensor.pt", torch.randn(3, 4)),
        "views.pt": save("views.pt", {"base": base, "row": grid[1], "col": grid[:, 2], "t": grid.t()}),
        "noncontiguous.pt": save("noncontiguous.pt", [x.t(), x[::2, 1::2]]),
        "nested.pt": save("nested.pt", {
            "list": [1, -2, 70000, -70000, 2**40, -(2**53), 2**60, "text", None, True, False],
            "tuple": (torch.tensor([1.5, -2.0]), {"inner": torch.tensor([[7]])}, ()),
            "empty": {}, "nested": [[[]]], 3: "int key", "bytes": b"\x00\xffab",
        }),
        "parameter.pt": save("parameter.pt", {"w": nn.Parameter(torch.randn(2, 3)),
                                              "frozen": nn.Parameter(torch.ones(2), requires_grad=False)}),
        "dtypes.pt": save("dtypes.pt", {
            "bool": torch.tensor([True, False, True]),
            "float64": torch.tensor([1 / 3, -1e300, 5e-324], dtype=torch.float64),
            "float16": torch.tensor([1.0, -0.0, 65504, 6e-8, float("inf"), float("nan")], dtype=torch.float16),
            "bfloat16": torch.tensor([1.0, -3.5, 1e38, 1e-38], dtype=torch.bfloat16),
            "int64": torch.tensor([0, -1, 2**53, -(2**53), 123456789012]),
            "int32": torch.tensor([2**31 - 1, -(2**31)], dtype=torch.int32),
            "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
            "int8": torch.tensor([-128, 127], dtype=torch.int8),
            "uint8": torch.tensor([0, 255], dtype=torch.uint8),
        }),
        "scalar.pt": save("scalar.pt", torch.tensor(2.5)),
        "empty.pt": save("empty.pt", torch.zeros(0, 3)),
    }
    files["v2.pt"] = v2_file("v2.pt", "little")
    files["v2_big_endian.pt"] = v2_file("v2_big_endian.pt", "big")
    return files


class _Unseekable(io.RawIOBase):
    """Makes zipfile write as a streaming writer (PyTorch 2.x's): sizes in data descriptors."""

    def __init__(self, sink):
        self.sink = sink

    def writable(self):
        return True

    def write(self, b):
        return self.sink.write(b)


def v2_file(name, byteorder):
    """The 2.x layout, by hand (see the header)."""
    torch.manual_seed(2)
    obj = {"w": nn.Parameter(torch.randn(2, 2)), "lr": 0.25, "steps": torch.tensor([3, 4])}

    def with_state(data, requires_grad, hooks, state):
        raise AssertionError("only pickled, never called")

    with_state.__module__, with_state.__qualname__ = "torch._utils", "_rebuild_parameter_with_state"
    saved_reduce = nn.Parameter.__reduce_ex__
    torch._utils._rebuild_parameter_with_state = with_state
    nn.Parameter.__reduce_ex__ = lambda self, proto: (with_state, (self.data, self.requires_grad, OrderedDict(), {}))
    try:
        buf = io.BytesIO()
        torch.save(obj, buf)
    finally:
        nn.Parameter.__reduce_ex__ = saved_reduce
        del torch._utils._rebuild_parameter_with_state
    src = zipfile.ZipFile(buf)
    sizes = {"0": 4, "1": 8}  # storage keys in save order: the float parameter, then the int64 tensor
    out = io.BytesIO()
    with zipfile.ZipFile(_Unseekable(out), "w", zipfile.ZIP_STORED) as z:
        put(z, "archive/data.pkl", src.read("archive/data.pkl"))
        put(z, "archive/byteorder", byteorder)
        for key, size in sizes.items():
            data = src.read(f"archive/data/{key}")
            if byteorder == "big":
                data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
            put(z, f"archive/data/{key}", data)
        put(z, "archive/version", "3\n")
        put(z, "archive/.data/serialization_id", "1234567890123456789012345678901234567890")
    (OUT / name).write_bytes(out.getvalue())
    # what 2.x loads: the same values, the parameter as a Parameter
    return describe(obj)


def put(z, name, data, compression=zipfile.ZIP_STORED):
    """A zip entry with a fixed date, so regenerating gives the same bytes."""
    z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compression)


def zip_entries(path):
    z = zipfile.ZipFile(path)
    return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def rezip(name, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(OUT / name, "w", compression) as z:
        for n, data in entries:
            put(z, n, data, compression)


def hostile_files():
    """Each must be refused by kindling's torch.load; the test names the error it expects."""
    good = OUT / "tensor.pt"
    entries = zip_entries(good)
    prefix = entries[0][0].split("/")[0]

    def with_pickle(name, pkl, compression=zipfile.ZIP_STORED):
        rezip(name, [(f"{prefix}/data.pkl", pkl)] + [e for e in entries if not e[0].endswith("data.pkl")], compression)

    with_pickle("evil_os_system.pt", b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R.")
    with_pickle("evil_posix_system.pt", pickle.dumps((os.system, ("echo",)), protocol=2))
    with_pickle("evil_eval.pt", b"\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.")
    with_pickle("evil_class.pt", b"\x80\x02c__main__\nPayload\n)\x81.")
    with_pickle("evil_reduce_list.pt", b"\x80\x02])R.")
    with_pickle("evil_persistent_id.pt", b"\x80\x02(X\x06\x00\x00\x00moduleX\x02\x00\x00\x00ostQ.")
    with_pickle("deep_marks.pt", b"\x80\x02" + b"(" * 100000 + b".", zipfile.ZIP_DEFLATED)
    sys.setrecursionlimit(20000)
    deep = []
    for _ in range(3000):
        deep = [deep]
    with_pickle("deep_lists.pt", pickle.dumps(deep, protocol=2), zipfile.ZIP_DEFLATED)

    raw = good.read_bytes()
    (OUT / "truncated.pt").write_bytes(raw[: len(raw) // 2])
    # the first central-directory entry's local header offset, pointed past the end of the file
    cd = raw.index(b"PK\x01\x02")
    (OUT / "bad_offset.pt").write_bytes(raw[: cd + 42] + struct.pack("<I", len(raw) + 1000) + raw[cd + 46:])
    # a deflated storage whose central directory claims 4 GiB uncompressed
    rezip("huge_size.pt", entries, zipfile.ZIP_DEFLATED)
    raw2 = (OUT / "huge_size.pt").read_bytes()
    name = f"{prefix}/data/0".encode()
    at = raw2.index(b"PK\x01\x02")
    while raw2[at + 46: at + 46 + len(name)] != name:
        at = raw2.index(b"PK\x01\x02", at + 4)
    (OUT / "huge_size.pt").write_bytes(raw2[: at + 24] + struct.pack("<I", 0xFFFFFFF0) + raw2[at + 28:])
    rezip("missing_storage.pt", [e for e in entries if "/data/" not in e[0]])
    rezip("short_storage.pt", [(n, d[:-4] if "/data/" in n else d) for n, d in entries])
    flipped = bytearray(raw)
    local = zipfile.ZipFile(good).getinfo(f"{prefix}/data/0").header_offset
    n, e = struct.unpack("<HH", raw[local + 26: local + 30])
    flipped[local + 30 + n + e + 5] ^= 0xFF  # one bit pattern inside the storage's bytes
    (OUT / "corrupt_crc.pt").write_bytes(bytes(flipped))
    torch.save(torch.tensor([2**60, 1]), OUT / "int64_overflow.pt")
    torch.save(torch.ones(2), OUT / "legacy.pt", _use_new_zipfile_serialization=False)
    return sorted(p.name for p in OUT.iterdir() if p.name.startswith(("evil", "deep", "truncated", "bad_", "huge", "missing", "short", "corrupt", "int64_", "legacy")))


def kindling_files():
    """Records what PyTorch reads in the files kindling wrote (step 2 of the header)."""
    out = {}
    k = OUT / "kindling.pt"
    if k.exists():
        obj = torch.load(k, weights_only=True)
        v = obj["views"]
        out["kindling.pt"] = {
            "value": describe(obj),
            "views_share_storage": all(t.storage().data_ptr() == v["base"].storage().data_ptr() for t in v.values()),
            "model_is_ordered_dict": type(obj["model"]) is OrderedDict,
        }
    e = OUT / "kindling_extras.pt"
    if e.exists():
        out["kindling_extras.pt"] = {"value": describe(torch.load(e, weights_only=False))}
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = good_files()
    write("checkpoint", {
        "files": files,
        "trained": trained(),
        "hostile": hostile_files(),
        "kindling": kindling_files(),
    })
