"""Runs one reference snippet for CrossLMM.Testing.PyTorchReference (do not run by hand).

usage: python3 reference_harness.py <dir>
  <dir>/inputs.safetensors   tensors the C# side passed in (absent when there are none)
  <dir>/snippet.py           the snippet; it sees `torch`, `F` (torch.nn.functional), `nn`, `math`,
                             `inputs` (dict name -> tensor) and fills `outputs` (dict name -> tensor or number)
  <dir>/outputs.safetensors  written on success

Pure Python safetensors (json + struct + torch.frombuffer): the `safetensors` package is not needed.
"""
import json
import linecache
import math
import struct
import sys
import textwrap

import torch
import torch.nn as nn
import torch.nn.functional as F

_DTYPES = {
    "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "I32": torch.int32,
    "I64": torch.int64, "F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32, "F64": torch.float64,
}
_CODES = {v: k for k, v in _DTYPES.items()}
# the reference writer's order: larger alignment first, then name
_RANK = {"BOOL": 0, "U8": 1, "I8": 2, "I16": 5, "F16": 7, "BF16": 8, "I32": 9, "F32": 11, "F64": 12, "I64": 13}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    base = 8 + n
    result = {}
    for name, info in header.items():
        dtype = _DTYPES[info["dtype"]]
        shape = info["shape"]
        begin, end = info["data_offsets"]
        if end == begin:
            result[name] = torch.empty(shape, dtype=dtype)
        else:
            buf = bytearray(data[base + begin:base + end])
            result[name] = torch.frombuffer(buf, dtype=dtype).reshape(shape)
    return result


def save_safetensors(path, tensors):
    items = []
    for name, value in tensors.items():
        if isinstance(value, bool):
            value = torch.tensor(value, dtype=torch.bool)
        elif isinstance(value, int):
            value = torch.tensor(value, dtype=torch.int64)
        elif isinstance(value, float):
            value = torch.tensor(value, dtype=torch.float64)
        elif not isinstance(value, torch.Tensor):
            value = torch.as_tensor(value)
        t = value.detach().cpu().contiguous()
        if t.dtype not in _CODES:
            raise TypeError(f"output '{name}' has dtype {t.dtype}, which safetensors cannot store")
        items.append((name, t))
    items.sort(key=lambda kv: (-_RANK[_CODES[kv[1].dtype]], kv[0]))
    header, blobs, offset = {}, [], 0
    for name, t in items:
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() > 0 else b""
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def main(directory):
    import os
    inputs_path = os.path.join(directory, "inputs.safetensors")
    inputs = load_safetensors(inputs_path) if os.path.exists(inputs_path) else {}
    with open(os.path.join(directory, "snippet.py"), encoding="utf-8") as f:
        source = textwrap.dedent(f.read())
    filename = "<reference snippet>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    outputs = {}
    scope = {"torch": torch, "F": F, "nn": nn, "math": math, "inputs": inputs, "outputs": outputs,
             "__name__": "__reference__"}
    exec(compile(source, filename, "exec"), scope)
    save_safetensors(os.path.join(directory, "outputs.safetensors"), scope["outputs"])


if __name__ == "__main__":
    main(sys.argv[1])
