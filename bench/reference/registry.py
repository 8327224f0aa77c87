"""The registry of PyTorch reference cases for the C# benchmarks (bench/CrossLMM.Bench).

A case module is any bench/reference/*_cases.py file; run.py imports them all. A case is a setup function
decorated with @case(id, ops=...) that builds its inputs and returns a zero-argument callable performing
`ops` operations per call; the id is the one named by [PyTorchCase("...")] on the C# benchmark, and both
sides must do the same work per operation. A setup that reproduces a C# output checks it with agree(),
which records the difference for the report and fails the case when it is out of tolerance.
"""
import torch

REGISTRY = {}
CHECKS = {}


def case(case_id, ops=1):
    def register(setup):
        if case_id in REGISTRY:
            raise ValueError(f"duplicate reference case id {case_id!r}")
        REGISTRY[case_id] = (setup, ops)
        return setup
    return register


def agree(case_id, ours, theirs, atol=1e-4, rtol=1e-4):
    """Checks max|ours − theirs| ≤ atol + rtol·max|theirs| (float32 sums in different orders differ by ~1e-6)."""
    ours, theirs = ours.detach().double(), theirs.detach().double()
    if ours.shape != theirs.shape:
        raise AssertionError(f"{case_id}: PyTorch output {tuple(ours.shape)} vs C# output {tuple(theirs.shape)}")
    diff = (ours - theirs).abs().max().item()
    scale = theirs.abs().max().item()
    CHECKS[case_id] = {"max_abs_diff": diff, "max_abs_value": scale, "atol": atol, "rtol": rtol}
    if not diff <= atol + rtol * scale:
        raise AssertionError(f"{case_id}: PyTorch and C# outputs differ by {diff:.3g} (max |value| {scale:.3g}; "
                             f"tolerance {atol:g} + {rtol:g}·max): not the same computation")
    return diff
