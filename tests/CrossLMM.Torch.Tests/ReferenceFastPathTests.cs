using System;
using System.Linq;
using CrossLMM.Testing;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// The shim's direct path for small same-shape float arithmetic (zt_binary, torch/native/src/fastpath.cpp)
/// must be indistinguishable from libtorch's kernels: bitwise equal values (NaN, ±inf, −0 included), same
/// dtype and shape, and autograd / broadcasting / other dtypes still handled by libtorch.
/// </summary>
public class ReferenceFastPathTests
{
    // libtorch's own kernels, reached through entry points the fast path does not take.
    private static Tensor Libtorch(string op, Tensor a, Tensor b) => op switch {
        "add" => a.add(b, 1),
        "sub" => a.sub(b, 1),
        "mul" => a.clone().mul_(b),
        _ => a.clone().div_(b),
    };

    private static Tensor Fast(string op, Tensor a, Tensor b) => op switch {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        _ => a / b,
    };

    private static readonly string[] Ops = { "add", "sub", "mul", "div" };

    [Fact]
    public void SmallSameShapeFloat_BitwiseEqualToLibtorch_ForAnyShapeAndValues()
    {
        var gen = Gen.Elements(Ops).SelectMany(op =>
            Gen.Elements(ScalarType.Float32, ScalarType.Float64).SelectMany(dtype =>
                Gen.Choose(0, 3).SelectMany(rank => Gen.ArrayOf(Gen.Choose(0, 6).Select(x => (long)x), rank))
                    .Select(shape => (op, dtype, shape))));
        Prop.ForAll(gen.ToArbitrary(), c => {
            using var scope = NewDisposeScope();
            var a = (randn(c.shape, dtype: c.dtype) * 10).round();                      // exact ties, zeros, ...
            var b = (randn(c.shape, dtype: c.dtype) * 10).round();
            var expected = Libtorch(c.op, a, b);
            var actual = Fast(c.op, a, b);
            Assert.Equal(expected.dtype, actual.dtype);
            TensorAssert.Equal(expected, actual, because: $"{c.op} {c.dtype} [{string.Join(",", c.shape)}]");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void SpecialValues_NaNInfinityNegativeZero_AsLibtorch()
    {
        using var scope = NewDisposeScope();
        var v = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 1f, -1f, float.Epsilon, float.MaxValue };
        var a = tensor(v.SelectMany(x => v.Select(_ => x)).ToArray());
        var b = tensor(v.SelectMany(_ => v).ToArray());
        foreach (var op in Ops) {
            // NaN payloads may legitimately differ; everything else bit for bit
            var ea = Libtorch(op, a, b).ToArray<float>();
            var fa = Fast(op, a, b).ToArray<float>();
            for (var i = 0; i < ea.Length; i++) {
                if (float.IsNaN(ea[i])) Assert.True(float.IsNaN(fa[i]), $"{op} at {i}");
                else Assert.Equal(BitConverter.SingleToInt32Bits(ea[i]), BitConverter.SingleToInt32Bits(fa[i]));
            }
        }
    }

    [Fact]
    public void InputsRequiringGrad_GoThroughAutograd()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        var b = tensor(new float[] { 4, 5, 6 });
        var y = a * b + a / b - b;
        Assert.True(y.requires_grad);
        y.sum().backward();
        TensorAssert.AllClose(new double[] { 4 + 1 / 4.0, 5 + 1 / 5.0, 6 + 1 / 6.0 }, new long[] { 3 }, a.grad!, 1e-6, 1e-7);
        using (no_grad()) {
            Assert.False((a + b).requires_grad);
        }
    }

    [Fact]
    public void BroadcastingIntegersStridedAndLarge_StillHandledByLibtorch()
    {
        using var scope = NewDisposeScope();
        var m = arange(6, dtype: float32).reshape(2, 3);
        TensorAssert.Equal(tensor(new float[] { 0, 2, 4, 3, 5, 7 }, new long[] { 2, 3 }), m + arange(3, dtype: float32));
        TensorAssert.Equal(tensor(new long[] { 0, 2, 4 }), arange(3) * full(new long[] { 3 }, 2L));
        TensorAssert.Equal(m.t().contiguous() * 2, m.t() * full(new long[] { 3, 2 }, 2f));
        Assert.Equal(ScalarType.Float64, (ones(2) + ones(new long[] { 2 }, dtype: float64)).dtype);   // promotion
        var big = randn(1 << 15);
        TensorAssert.Equal(big.add(big, 1), big + big);
    }
}
