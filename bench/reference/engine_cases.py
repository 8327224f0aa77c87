"""Engine cases: PyTorch eager twins of bench/CrossLMM.Bench/Cases/EngineBenchmarks.cs."""
import torch
import torch.nn.functional as F

from registry import case


@case("engine.add64", ops=16)
def add64():
    torch.manual_seed(0)
    a, b = torch.randn(64), torch.randn(64)

    def run():  # 16 adds, each result freed at once (unrolled so the Python loop costs little per op)
        a + b; a + b; a + b; a + b; a + b; a + b; a + b; a + b
        a + b; a + b; a + b; a + b; a + b; a + b; a + b; a + b
    return run


@case("engine.matmul1024")
def matmul1024():
    torch.manual_seed(0)
    x, y = torch.randn(1024, 1024), torch.randn(1024, 1024)
    return lambda: torch.matmul(x, y)


@case("engine.linear_fwd_bwd")
def linear_fwd_bwd():
    torch.manual_seed(0)
    x = torch.randn(4096, 512, requires_grad=True)
    w = torch.randn(512, 512, requires_grad=True)
    b = torch.randn(512, requires_grad=True)
    gy = torch.ones(4096, 512)

    def run():
        x.grad = None
        w.grad = None
        b.grad = None
        F.linear(x, w, b).backward(gy)
    return run


@case("engine.sdpa_causal")
def sdpa_causal():
    """torch 1.13 has no F.scaled_dot_product_attention: HF's eager attention with an additive causal mask."""
    torch.manual_seed(0)
    q, k, v = torch.randn(1, 8, 2048, 64), torch.randn(1, 8, 2048, 64), torch.randn(1, 8, 2048, 64)
    mask = torch.full((2048, 2048), torch.finfo(torch.float32).min).triu(1)[None, None]

    def run():
        with torch.no_grad():
            scores = torch.matmul(q, k.transpose(2, 3)) / 8.0 + mask
            torch.matmul(F.softmax(scores, dim=-1), v)
    return run
