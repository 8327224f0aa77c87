using System;
using CrossLMM.Zoo.Engine;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>The engine facts benchmarks rely on: which TorchSharp and libtorch are loaded, the live tensor counter.</summary>
[Collection(NativeCountersCollection.Name)]
public class InstrumentationTests
{
    [Fact]
    public void Engine_IsTorchSharp0107_OnLibtorch210_FromThePackage_NotASystemLibtorch()
    {
        Assert.Equal("0.107.0", EngineInfo.TorchSharpVersion);
        Assert.Equal("2.10.0", EngineInfo.LibtorchVersion);
        var libraries = EngineInfo.NativeLibraries();
        Assert.Contains(libraries, l => l.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        // The search trap: Debian's libtorch-dev (1.13) lives in /usr/lib; it must never be the one mapped.
        Assert.DoesNotContain(libraries, l => l.StartsWith("/usr/lib", StringComparison.Ordinal));
        Assert.Single(libraries, l => System.IO.Path.GetFileName(l) == "libtorch_cpu.so");
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
