"""safetensors fixtures: files in tests/fixtures/safetensors/ and their expected values in
tests/fixtures/safetensors.json.

Debian packages no Python safetensors, so the files are made by the small writer below, which
follows the format as the Rust crate writes it (safetensors/src/tensor.rs, `prepare`): tensors
sorted by dtype alignment, largest first, then by name; the header as serde_json prints it (no
spaces, non-ASCII unescaped) padded with spaces to a multiple of 8. The values and their bytes come
from torch (numpy for the unsigned types torch 1.13 lacks). The hostile files are each one flaw in
an otherwise valid file; tests/safetensors.test.ts names the error each must give.
"""
import json
import struct

import numpy as np
import torch

from _common import FIXTURES, encode, write

OUT = FIXTURES / "safetensors"

# the Rust crate's Dtype enum order: its writer sorts by this rank, descending
RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16",
        "I32", "U32", "F32", "C64", "F64", "I64", "U64"]
CODE = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
        torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
        torch.uint8: "U8", torch.bool: "BOOL"}


def raw(t):
    """A torch tensor as (code, shape, little-endian bytes)."""
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: same bits as int16
        data = t.view(torch.int16).numpy().tobytes()
    else:
        data = t.numpy().tobytes()
    return CODE[t.dtype], list(t.shape), data


def header_bytes(header):
    return json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def serialize(tensors, metadata=None):
    """The Rust writer's file for {name: (code, shape, bytes)}."""
    items = sorted(tensors.items(), key=lambda kv: (-RANK.index(kv[1][0]), kv[0].encode("utf-8")))
    header = {} if metadata is None else {"__metadata__": metadata}
    offset = 0
    for name, (code, shape, data) in items:
        header[name] = {"dtype": code, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = header_bytes(header)
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(d for _, (_, _, d) in items)


def raw_file(header, data, pad=True):
    """A file from a header dict and data bytes as given, flaws and all."""
    text = header_bytes(header)
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def prefixed(text):
    """A header given as raw bytes, with its true length."""
    return struct.pack("<Q", len(text)) + text


def save(name, content):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.safetensors").write_bytes(content)


def as_kindling(t):
    """The values kindling loads: float16/bfloat16 widen to float32, integers to int64."""
    if t.dtype in (torch.float16, torch.bfloat16):
        return encode(t.float())
    if t.dtype in (torch.int32, torch.int16, torch.int8, torch.uint8):
        return encode(t.long())
    return encode(t)


def unsigned(code, values, np_type):
    a = np.array(values, dtype=np_type)
    return (code, [len(values)], a.tobytes()), {"dtype": "int64", "shape": [len(values)], "data": [int(v) for v in values]}


def main():
    g = torch.Generator().manual_seed(16)
    inf, nan = float("inf"), float("nan")
    torch_values = {
        "f64": torch.tensor([0.1, -0.0, 1e308, 5e-324, inf, -inf, nan], dtype=torch.float64),
        "f32": torch.randn(2, 3, generator=g),
        "f32_scalar": torch.tensor(3.5),
        "f32_empty": torch.zeros(0, 3),
        # 2^-24 and 1e-5 are subnormal in float16, 1e-40 in bfloat16
        "f16": torch.tensor([1.0, -2.5, 65504.0, 2.0 ** -24, 1e-5, inf, -inf, nan, -0.0], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 3.38e38, 1e-40, inf, nan], dtype=torch.bfloat16),
        # beyond 2^53 float64 holds only some integers: 2^60 and -2^63 are exact
        "i64": torch.tensor([0, -1, 2 ** 53, -(2 ** 53), 123456789012345, -9007199254740991, 2 ** 60, -(2 ** 63)]),
        "i32": torch.tensor([-2 ** 31, 2 ** 31 - 1, 0, 7], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, -1], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([[True, False], [False, True]]),
        "i64_matrix": torch.arange(-6, 6).reshape(3, 4),
    }
    tensors = {k: raw(v) for k, v in torch_values.items()}
    expected = {k: as_kindling(v) for k, v in torch_values.items()}
    for code, values, np_type in [("U16", [0, 65535, 300], "<u2"), ("U32", [0, 4294967295, 70000], "<u4"),
                                  ("U64", [0, 2 ** 53, 12345678901, 2 ** 63 - 1024], "<u8")]:
        tensors[code.lower()], expected[code.lower()] = unsigned(code, values, np_type)
    save("dtypes", serialize(tensors))

    meta = {"format": "pt", "note": "ünïcode \"quoted\" \\ slash"}
    save("metadata", serialize({"w": raw(torch.ones(2))}, meta))

    # valid, but no writer's layout: header not padded (data starts at an odd byte), entries in
    # name order, an F64 at an odd offset, a BOOL of bytes other than 0 and 1 (true, as in C++)
    save("unaligned", raw_file({
        "a_u8": {"dtype": "U8", "shape": [3], "data_offsets": [0, 3]},
        "b_f64": {"dtype": "F64", "shape": [2], "data_offsets": [3, 19]},
        "c_bool": {"dtype": "BOOL", "shape": [4], "data_offsets": [19, 23]},
        "d_f32": {"dtype": "F32", "shape": [1], "data_offsets": [23, 27]},
    }, bytes([1, 2, 3]) + struct.pack("<2d", 1.25, -7.5) + bytes([0, 1, 2, 255]) + struct.pack("<f", 0.5), pad=False))
    expected["unaligned"] = {"a_u8": [1, 2, 3], "b_f64": [1.25, -7.5], "c_bool": [0, 1, 1, 1], "d_f32": [0.5]}

    # what kindling's save must write, byte for byte, for these inputs
    writer_inputs = {
        "weight": torch.randn(3, 2, generator=g),
        "bias": torch.randn(3, generator=g),
        "b": torch.randn(2, dtype=torch.float64, generator=g),
        "layer.0.weight": torch.randn(1, 1, 2, generator=g),
        "10": torch.tensor([-(2 ** 53), -1, 0, 3, 2 ** 53]),
        "2": torch.tensor([True, False, True]),
        "é": torch.tensor(2.5),
        "quote\"d\\": torch.zeros(0),
        "Z": torch.tensor([[1, -2], [3, -4]]),
    }
    writer_files = []
    for i, metadata in enumerate([None, {"format": "pt", "epoch": "3"}]):
        save(f"writer{i}", serialize({k: raw(v) for k, v in writer_inputs.items()}, metadata))
        writer_files.append({"file": f"writer{i}", "metadata": metadata})
    writer = {"inputs": {k: encode(v) for k, v in writer_inputs.items()}, "files": writer_files}

    # one flaw each
    f32 = struct.pack("<4f", 1, 2, 3, 4)
    ok = {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}
    save("header_too_large", struct.pack("<Q", 10 ** 9) + b"{}      ")
    save("header_past_eof", struct.pack("<Q", 100) + b'{"a":1}')
    save("too_small", b"\x08\x00\x00\x00\x00")
    save("bad_json", prefixed(b'{"a":{  '))
    save("not_utf8", prefixed(b'{"\xff":1} '))
    save("not_object", prefixed(b"[1,2,3] "))
    save("offsets_outside", raw_file({"a": ok}, f32[:8]))
    save("overlap", raw_file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                              "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, f32[:12]))
    save("hole", raw_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                           "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}, f32))
    save("shape_overflow", raw_file({"a": {"dtype": "F32", "shape": [2 ** 40, 2 ** 40], "data_offsets": [0, 16]}}, f32))
    save("offset_huge", raw_file({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 10 ** 20]}}, f32))
    save("shape_mismatch", raw_file({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}, f32))
    save("unknown_dtype", raw_file({"a": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 16]}}, f32))
    save("negative_shape", raw_file({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, f32))
    save("missing_offsets", raw_file({"a": {"dtype": "F32", "shape": [4]}}, f32))
    save("metadata_not_str", raw_file({"__metadata__": {"epoch": 3}, "a": ok}, f32))
    save("truncated", serialize({"a": raw(torch.arange(4.0))})[:-3])
    dup = b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    save("duplicate_key", prefixed(dup) + f32)
    save("i64_beyond", serialize({"a": raw(torch.tensor([1, 2 ** 53 + 1]))}))
    save("i64_below", serialize({"a": raw(torch.tensor([-(2 ** 53) - 1]))}))
    save("i64_max", serialize({"a": raw(torch.tensor([2 ** 63 - 1]))}))  # rounds to 2^63 in float64
    save("u64_beyond", serialize({"a": ("U64", [1], np.array([2 ** 63], dtype="<u8").tobytes())}))
    save("unsupported_dtype", serialize({"a": ("F8_E4M3", [2], b"\x38\x40")}))

    write("safetensors", {"dtypes": expected, "metadata": meta, "writer": writer})
