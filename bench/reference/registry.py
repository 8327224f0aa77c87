"""The registry of PyTorch reference cases for the C# benchmarks (bench/CrossLMM.Bench).

A case module is any bench/reference/*_cases.py file; run.py imports them all. A case is a setup function
decorated with @case(id, ops=...) that builds its inputs and returns a zero-argument callable performing
`ops` operations per call; the id is the one named by [PyTorchCase("...")] on the C# benchmark, and both
sides must do the same work per operation.
"""

REGISTRY = {}


def case(case_id, ops=1):
    def register(setup):
        if case_id in REGISTRY:
            raise ValueError(f"duplicate reference case id {case_id!r}")
        REGISTRY[case_id] = (setup, ops)
        return setup
    return register
