using System;
using System.Runtime.InteropServices;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

public class SmokeTests
{
    [Fact]
    public void Add_TwoTensors_ElementwiseSum()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = tensor(new float[] { 10, 20, 30 });
        using var c = a + b;
        Assert.Equal(new float[] { 11, 22, 33 }, c.ToArray<float>());
        Assert.Equal(new long[] { 3 }, c.shape);
        Assert.Equal(ScalarType.Float32, c.dtype);
    }

    [Fact]
    public void Matmul_ShapeMismatch_ThrowsExternalExceptionWithLibtorchMessage()
    {
        using var a = ones(2, 3);
        using var b = ones(4, 5);
        var ex = Assert.Throws<ExternalException>(() => a.matmul(b));
        Assert.Contains("cannot be multiplied", ex.Message);
    }

    [Fact]
    public void Backward_SquareSum_GradientIsTwoX()
    {
        using var x = tensor(new float[] { 1, -2, 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        using var g = x.grad!;
        Assert.Equal(new float[] { 2, -4, 6 }, g.ToArray<float>());
    }

    [Fact]
    public void Indexing_RangesAndEllipsis_SelectExpectedElements()
    {
        using var x = arange(24).reshape(2, 3, 4);
        using var s = x[.., 1, 1..3];
        Assert.Equal(new long[] { 2, 2 }, s.shape);
        Assert.Equal(new long[] { 5, 6, 17, 18 }, s.ToArray<long>());
        using var last = x[TensorIndex.Ellipsis, ^1];
        Assert.Equal(new long[] { 3, 7, 11, 15, 19, 23 }, last.ToArray<long>());
    }

    [Fact]
    public void DisposeScope_DisposesIntermediatesButNotMovedResult()
    {
        Tensor kept, dropped;
        using (NewDisposeScope()) {
            dropped = ones(3);
            kept = (dropped * 2).MoveToOuterDisposeScope();
        }
        Assert.True(dropped.IsInvalid);
        Assert.False(kept.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => dropped.shape);
        kept.Dispose();
    }

    [Fact]
    public void Clamp_IntegralTensorWithIntegerBounds_StaysIntegral()
    {
        using var x = tensor(new long[] { -3, 5, 12 });
        using var c = x.clamp(min: 0, max: 10);
        Assert.Equal(ScalarType.Int64, c.dtype);
        Assert.Equal(new long[] { 0, 5, 10 }, c.ToArray<long>());
        using var f = tensor(new float[] { -1.5f, 0.25f }).clamp(min: 0);
        Assert.Equal(new float[] { 0, 0.25f }, f.ToArray<float>());
    }

    [Fact]
    public void Item_HalfPrecisionScalars_ReadBackTheirValue()
    {
        using var b = tensor(1.5f).to(ScalarType.BFloat16);
        Assert.Equal(1.5f, (float)b.item<BFloat16>());
        using var h = tensor(-2.25f).to(ScalarType.Float16);
        Assert.Equal((Half)(-2.25f), h.item<Half>());
    }
}
