using System;
using CrossLMM.Zoo.Engine;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>The engine facts benchmarks rely on: OpenBLAS really loaded, the live tensor counter.</summary>
[Collection(NativeCountersCollection.Name)]
public class InstrumentationTests
{
    [Fact]
    public void Blas_OpenBlasIsLoaded_NotTheReferenceBlas()
    {
        // With Debian's reference libblas a 1024³ matmul is ~25x slower; libopenblas0-pthread must be installed.
        var libraries = EngineInfo.BlasLibraries();
        Assert.True(EngineInfo.BlasName() == "OpenBLAS",
            $"BLAS in this process is {EngineInfo.BlasName()} ({string.Join(", ", libraries)}); install libopenblas0-pthread (./zoo.sh does)");
    }

    [Fact]
    public void LibtorchVersion_IsAtLeast113()
    {
        var v = Version.Parse(EngineInfo.LibtorchVersion.Split('+', '-', 'a')[0]);
        Assert.True(v >= new Version(1, 13), $"libtorch {EngineInfo.LibtorchVersion}");
    }

    [Fact]
    public void LiveCounter_CountsHandlesNotStorages()
    {
        var before = NativeCountersCollection.SettledLiveCount();
        var t = ones(3);
        var view = t.view(3, 1);
        var alias = t.alias();
        Assert.Equal(before + 3, NativeTensors.Live);               // three handles over one storage
        view.Dispose();
        alias.Dispose();
        t.Dispose();
        Assert.Equal(before, NativeTensors.Live);
    }

    [Fact]
    public void LiveCounter_GradientReadsAreHandlesToo()
    {
        var before = NativeCountersCollection.SettledLiveCount();
        using (var x = ones(new long[] { 2 }, requires_grad: true)) {
            using (NewDisposeScope()) (x * 3).sum().backward();       // the graph's tensors live inside libtorch
            Assert.Equal(before + 1, NativeTensors.Live);
            using var g1 = x.grad!;
            using var g2 = x.grad!;
            Assert.Equal(before + 3, NativeTensors.Live);
        }
        Assert.Equal(before, NativeTensors.Live);
    }
}
