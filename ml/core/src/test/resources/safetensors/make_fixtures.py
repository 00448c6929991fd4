#!/usr/bin/env python3
"""Writes safetensors fixtures from the published format alone, with numpy: no safetensors library
and none of TrustStram's code, so that reading them tests our reader against an independent writer.

Regenerate with Debian's numpy:  /usr/bin/python3 make_fixtures.py   (python3-numpy 1.24)
The values are simple formulas of the element index, which the Java test recomputes.
"""
import json
import struct

import numpy as np


def tensor(dtype, shape, values):
    return {"dtype": dtype, "shape": list(shape), "bytes": values.tobytes(order="C")}


def write(path, tensors, metadata=None, pad=False, order=None):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    names = order if order is not None else sorted(tensors)
    for name in names:
        t = tensors[name]
        header[name] = {
            "dtype": t["dtype"],
            "shape": t["shape"],
            "data_offsets": [offset, offset + len(t["bytes"])],
        }
        offset += len(t["bytes"])
    text = json.dumps(header).encode("utf-8")  # default separators: ", " and ": "
    if pad:
        text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for name in names:
            out.write(tensors[name]["bytes"])


def le(array, dtype):
    return np.asarray(array).astype(np.dtype(dtype).newbyteorder("<"))


i6 = np.arange(6)
f32 = le(i6 * 0.5 - 1.0, "f4").reshape(2, 3)
bf16_source = le(np.arange(4) * 1.5 - 2.0, "f4")  # exactly representable in bfloat16
bf16 = le(bf16_source.view(np.uint32) >> 16, "u2")
tensors = {
    "weight": tensor("F32", (2, 3), f32),
    "double": tensor("F64", (4,), le(np.arange(4) / 8.0, "f8")),
    "half": tensor("F16", (3,), le(np.arange(3) * 0.25, "f2")),
    "brain": tensor("BF16", (4,), bf16),
    "long": tensor("I64", (2, 2), le(np.arange(4) - 2, "i8")),
    "int": tensor("I32", (5,), le(np.arange(5) * -3, "i4")),
    "short": tensor("I16", (2,), le([-300, 300], "i2")),
    "byte": tensor("I8", (3,), le([-128, 0, 127], "i1")),
    "ubyte": tensor("U8", (4,), le([0, 1, 254, 255], "u1")),
    "ushort": tensor("U16", (2,), le([0, 65535], "u2")),
    "uint": tensor("U32", (2,), le([0, 4294967295], "u4")),
    "ulong": tensor("U64", (1,), le([2**63 + 1], "u8")),
    "flags": tensor("BOOL", (3,), le([True, False, True], "u1")),
    "scalar": tensor("F32", (), le(3.25, "f4")),
    "empty": tensor("F32", (0, 3), le(np.zeros((0, 3)), "f4")),
    "also_empty": tensor("I64", (2, 0), le(np.zeros((2, 0)), "i8")),
}
# Data in name order (not the reference writer's dtype-size order), header not padded.
write("multi.safetensors", tensors, metadata={"format": "pt", "source": "numpy"})
# One tensor, padded header, no metadata: the reference writer's shape.
write("single.safetensors", {"w": tensors["weight"]}, pad=True)
# No tensors at all.
write("none.safetensors", {}, metadata={"note": "empty"})
