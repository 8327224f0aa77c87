"""Block and model cases: PyTorch twins of bench/CrossLMM.Bench/Cases/ModelBenchmarks.cs.

Each setup loads the weights, inputs and C# output the C# side exported (exchange.py), runs the
straightforward implementation of crosslmm_ref.py on them, checks that both agree (registry.agree raises
otherwise), and returns the timed call: one forward under no_grad.
"""
import torch

import crosslmm_ref as ref
import exchange
from registry import agree, case


@case("model.qwen2_layer")
def qwen2_layer():
    w, x, expected, m = exchange.load("model.qwen2_layer")
    heads, eps = int(m["heads"]), float(m["eps"])
    hidden, cos, sin = x["hidden"], x["cos"], x["sin"]
    mask = ref.causal_mask(hidden.shape[1])

    def run():
        with torch.no_grad():
            return ref.qwen2_layer(hidden, w, heads, eps, cos, sin, mask)
    agree("model.qwen2_layer", run(), expected)
    return run


@case("model.dcal")
def dcal():
    w, x, expected, m = exchange.load("model.dcal")
    heads, eps = int(m["heads"]), float(m["eps"])
    start, length = int(m["visual_start"]), int(m["visual_length"])
    hidden, source = x["hidden"], x["source"]

    def run():
        with torch.no_grad():
            return ref.dcal(hidden, source, w, heads, eps, start, length)
    agree("model.dcal", run(), expected)
    return run


@case("model.crosslmm_prefill")
def crosslmm_prefill():
    w, x, expected, m = exchange.load("model.crosslmm_prefill")
    forward = ref.crosslmm(w, m)
    video, ids = x["video"], x["input_ids"]

    def run():
        with torch.no_grad():
            return forward(video, ids)
    agree("model.crosslmm_prefill", run(), expected)
    return run
