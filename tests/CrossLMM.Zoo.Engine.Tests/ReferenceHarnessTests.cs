using System;
using CrossLMM.Testing;
using TorchSharp;
using Xunit;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>The PyTorch reference harness itself: exchange of every dtype, errors, and TensorAssert's reports.</summary>
public class ReferenceHarnessTests
{
    [Fact]
    public void Run_EveryDtype_RoundTripsThroughPython()
    {
        using var scope = NewDisposeScope();
        var f32 = randn(3, 4);
        var inputs = new (string, Tensor)[] {
            ("f32", f32),
            ("f32_t", f32.t()),                                   // non-contiguous input
            ("f64", randn(2, 2, dtype: float64)),
            ("f16", randn(5, dtype: float16)),
            ("bf16", randn(2, 3, dtype: bfloat16)),
            ("i64", arange(6).reshape(2, 3)),
            ("i32", tensor(new[] { 1, -2, 3 })),
            ("b", tensor(new[] { true, false, true })),
            ("scalar", tensor(2.5f)),
            ("empty", zeros(new long[] { 0, 3 })),
        };
        using var r = PyTorchReference.Run("""
            for k, v in inputs.items():
                outputs[k] = v.clone()
            outputs['n'] = 3
            outputs['x'] = 0.5
            outputs['flag'] = True
            """, inputs);
        foreach (var (name, t) in inputs) TensorAssert.Equal(t, r[name], because: name);
        Assert.Equal(3L, r["n"].item<long>());
        Assert.Equal(0.5, r["x"].item<double>());
        Assert.True(r["flag"].item<bool>());
    }

    [Fact]
    public void Run_PythonError_ThrowsWithTracebackAndSnippetLine()
    {
        var ex = Assert.Throws<PyTorchReferenceException>(() => PyTorchReference.Run("""
            a = torch.ones(2, 3)
            b = torch.ones(4, 5)
            outputs['c'] = a @ b
            """));
        Assert.Contains("Traceback", ex.Message);
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("cannot be multiplied", ex.Message);
    }

    [Fact]
    public void Result_MissingOutput_ListsTheOutputsThereAre()
    {
        using var r = PyTorchReference.Run("outputs['y'] = torch.zeros(1)");
        var ex = Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => r["z"]);
        Assert.Contains("outputs: y", ex.Message);
    }

    [Fact]
    public void MissingInterpreterOrTorch_ExplainsHowToInstall()
    {
        var (version, problem) = PyTorchReference.ProbeTorch("/nonexistent/python3");
        Assert.Null(version);
        var ex = PyTorchReference.Unavailable("/nonexistent/python3", problem);
        Assert.StartsWith("/nonexistent/python3 with torch not found: run ./zoo.sh setup", ex.Message);
        Assert.Contains("does not exist", ex.Message);
        // an interpreter that cannot import torch (/bin/false stands in: it exits non-zero)
        var (v2, p2) = PyTorchReference.ProbeTorch("/bin/false");
        Assert.Null(v2);
        Assert.Contains("`import torch` failed", p2);
    }

    [Fact]
    public void Reference_IsDebianTorch113()
    {
        Assert.StartsWith("1.13", PyTorchReference.TorchVersion);
    }

    [Fact]
    public void AllClose_Mismatch_ReportsMaxDiffsAndPosition()
    {
        using var e = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        using var a = tensor(new float[] { 1, 2, 3, 4, 5.5f, 6 }, new long[] { 2, 3 });
        var ex = Assert.Throws<XunitException>(() => TensorAssert.AllClose(e, a, rtol: 1e-5, atol: 1e-6, because: "demo"));
        Assert.Contains("1 of 6 elements differ", ex.Message);
        Assert.Contains("max abs diff 0.5 at [1, 1]", ex.Message);
        Assert.Contains("max rel diff 0.1 at [1, 1]", ex.Message);
        Assert.Contains("(demo)", ex.Message);
        TensorAssert.AllClose(e, a, rtol: 0.11);
    }

    [Fact]
    public void AllClose_ShapeMismatch_NamesBothShapes()
    {
        using var e = zeros(2, 3);
        using var a = zeros(3, 2);
        var ex = Assert.Throws<XunitException>(() => TensorAssert.AllClose(e, a));
        Assert.Contains("expected [2, 3], actual [3, 2]", ex.Message);
    }

    [Fact]
    public void AllClose_NaN_EqualOnlyWhenAllowed()
    {
        using var e = tensor(new[] { float.NaN, 1f });
        using var a = tensor(new[] { float.NaN, 1f });
        Assert.Throws<XunitException>(() => TensorAssert.AllClose(e, a));
        TensorAssert.AllClose(e, a, equalNan: true);
    }
}
