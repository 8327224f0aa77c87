"""Reads the safetensors files the C# cases write (bench/CrossLMM.Bench/Support/Exchange.cs).

One file per case id in $CROSSLMM_BENCH_EXCHANGE (default: out/bench/exchange under the repository):
the module's state dict under "w.", inputs under "in.", the C# output under "out", sizes in the metadata.
A minimal reader (json header + torch.frombuffer), so the reference needs nothing beyond torch.
"""
import json
import os
import pathlib
import struct

import torch

REPO = pathlib.Path(__file__).resolve().parents[2]
DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "BOOL": torch.bool, "U8": torch.uint8}


def folder():
    return pathlib.Path(os.environ.get("CROSSLMM_BENCH_EXCHANGE") or REPO / "out" / "bench" / "exchange")


def load(case_id):
    """(weights, inputs, expected output, metadata) of a case; tensors are fresh contiguous CPU tensors."""
    path = folder() / f"{case_id}.safetensors"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the C# side of {case_id} writes it in its [GlobalSetup] "
                                "(run the case through the bench program, which measures C# first)")
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    weights, inputs, out = {}, {}, None
    for name, e in header.items():
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        if name.startswith("w."):
            weights[name[2:]] = t
        elif name.startswith("in."):
            inputs[name[3:]] = t
        elif name == "out":
            out = t
    return weights, inputs, out, meta


def sub(weights, prefix):
    """The entries of `weights` under `prefix` (e.g. "language_model.model.layers.3."), prefix removed."""
    return {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
