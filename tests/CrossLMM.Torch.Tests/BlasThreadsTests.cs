using System.Runtime.InteropServices;
using CrossLMM.Zoo.Engine;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// The BLAS library's own thread pool, which benchmarks set on both sides (torch.set_num_threads does not
/// reach OpenBLAS' pthreads, in PyTorch either).
/// </summary>
[Collection(NativeCountersCollection.Name)]
public class BlasThreadsTests
{
    [Fact]
    public void BlasThreads_CanBeReadSetAndRestored_AndGemmStaysExact()
    {
        using var a = randn(256, 256, dtype: ScalarType.Float64);   // loads the engine (and its BLAS)
        using var b = randn(256, 256, dtype: ScalarType.Float64);
        using var reference = a.matmul(b);
        Assert.Equal("OpenBLAS", EngineInfo.BlasName());
        var before = EngineInfo.BlasThreads;
        Assert.True(before >= 1, $"OpenBLAS reports {before} threads");
        try {
            EngineInfo.SetBlasThreads(1);
            Assert.Equal(1, EngineInfo.BlasThreads);
            using var single = a.matmul(b);
            Assert.True(single.allclose(reference, rtol: 1e-12, atol: 1e-12));
        } finally {
            EngineInfo.SetBlasThreads(before);
        }
        Assert.Equal(before, EngineInfo.BlasThreads);
    }

    [Fact]
    public void SetBlasThreads_BelowOne_ThrowsWithTheValue()
    {
        var e = Assert.ThrowsAny<ExternalException>(() => EngineInfo.SetBlasThreads(0));
        Assert.Contains("got 0", e.Message);
    }
}
