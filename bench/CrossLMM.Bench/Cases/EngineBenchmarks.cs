using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Bench.Cases;

/// <summary>
/// The tensor engine against PyTorch eager (bench/reference/engine_cases.py mirrors each case op for op):
/// per-op overhead, BLAS throughput, and a layer's forward + backward.
/// </summary>
[BenchmarkCategory("engine")]
public class EngineBenchmarks
{
    private Tensor _a64 = null!, _b64 = null!;
    private Tensor _ma = null!, _mb = null!;
    private Tensor _x = null!, _w = null!, _bias = null!, _gy = null!;
    private Tensor _q = null!, _k = null!, _v = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _a64 = randn(64);
        _b64 = randn(64);
        _ma = randn(1024, 1024);
        _mb = randn(1024, 1024);
        _x = randn(new long[] { 4096, 512 }, requires_grad: true);
        _w = randn(new long[] { 512, 512 }, requires_grad: true);
        _bias = randn(new long[] { 512 }, requires_grad: true);
        _gy = ones(4096, 512);
        _q = randn(1, 8, 2048, 64);
        _k = randn(1, 8, 2048, 64);
        _v = randn(1, 8, 2048, 64);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _a64, _b64, _ma, _mb, _x, _w, _bias, _gy, _q, _k, _v }) t.Dispose();
    }

    /// <summary>16 adds of two 64-element float tensors per invoke; each result is freed at once, as in Python.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    [PyTorchCase("engine.add64", MaxTimeRatio = 0.5, Description = "64-element float add, result freed (per-op overhead)")]
    public void Add64()
    {
        Tensor a = _a64, b = _b64;
        (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose();
        (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose();
        (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose();
        (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose(); (a + b).Dispose();
    }

    [Benchmark]
    [PyTorchCase("engine.matmul1024", Flops = 2.0 * 1024 * 1024 * 1024, MinThroughputRatio = 0.95, Description = "1024x1024 @ 1024x1024 float32")]
    public void Matmul1024()
    {
        _ma.matmul(_mb).Dispose();
    }

    /// <summary>y = x Wᵀ + b with x (4096, 512), W (512, 512); backward of y with an all-ones gradient into x, W and b.</summary>
    [Benchmark]
    [PyTorchCase("engine.linear_fwd_bwd", Flops = 3 * 2.0 * 4096 * 512 * 512, Description = "linear 4096x512x512 forward + backward (dX, dW, db)")]
    public void LinearForwardBackward()
    {
        _x.grad = null;
        _w.grad = null;
        _bias.grad = null;
        using var y = nn.functional.linear(_x, _w, _bias);
        y.backward(new[] { _gy });
    }

    /// <summary>
    /// Causal attention, (1, 8, 2048, 64), forward under no_grad: libtorch 2.10's fused kernel, the one the zoo's
    /// attention entry calls. Its PyTorch 1.13 twin has no SDPA and runs HF's eager path (matmul, additive causal
    /// mask, softmax, matmul).
    /// </summary>
    [Benchmark]
    [PyTorchCase("engine.sdpa_causal", Flops = 2.0 * 2 * 8 * 2048 * 2048 * 64, Description = "causal attention (1, 8, 2048, 64), forward, no_grad (PyTorch 1.13: eager)")]
    public void SdpaCausal()
    {
        using var _ = no_grad();
        nn.functional.scaled_dot_product_attention(_q, _k, _v, null, 0.0, true).Dispose();
    }
}
