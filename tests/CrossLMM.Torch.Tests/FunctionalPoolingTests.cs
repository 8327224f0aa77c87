using System;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>Pooling, padding and resampling against values worked out by hand on small known grids.</summary>
public class FunctionalPoolingTests
{
    private static Tensor Grid(int h, int w) => arange(h * w, ScalarType.Float64).view(1, 1, h, w);

    private static void Equal(double[] expected, Tensor actual, double tol = 1e-12)
    {
        var a = actual.ToArray<double>();
        Assert.Equal(expected.Length, a.Length);
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"element {i}: expected {expected[i]}, got {a[i]}");
    }

    [Fact]
    public void AvgPool2d_Kernel2OnArange4x4_MeansOfQuadrants()
    {
        using var scope = NewDisposeScope();
        var y = F.avg_pool2d(Grid(4, 4), 2);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, y.shape);
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, y);
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, F.avg_pool2d(Grid(4, 4), new long[] { 2, 2 }));
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, F.avg_pool2d(Grid(4, 4), (2, 2)));
    }

    [Fact]
    public void AvgPool2d_Padding_CountIncludePadChangesTheDivisor()
    {
        using var scope = NewDisposeScope();
        var x = ones(1, 1, 2, 2, ScalarType.Float64);
        // kernel 2, stride 2, padding 1: each output window holds one real 1 and three pads
        Equal(new[] { 0.25, 0.25, 0.25, 0.25 }, F.avg_pool2d(x, 2, padding: 1));
        Equal(new[] { 1.0, 1, 1, 1 }, F.avg_pool2d(x, 2, padding: 1, count_include_pad: false));
    }

    [Fact]
    public void AvgPool1dAnd3d_KnownWindows()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3, 4, 5, 6 }).view(1, 1, 6);
        Equal(new[] { 1.5, 3.5, 5.5 }, F.avg_pool1d(x, 2));
        Equal(new[] { 2.0, 3, 4, 5 }, F.avg_pool1d(x, 3, stride: 1));
        Equal(new[] { 2.0, 5 }, F.avg_pool1d(x, 3, ceil_mode: true));
        var v = arange(8, ScalarType.Float64).view(1, 1, 2, 2, 2);
        Equal(new[] { 3.5 }, F.avg_pool3d(v, 2));
        Equal(new[] { 3.5 }, F.avg_pool3d(v, new long[] { 2, 2, 2 }));
    }

    [Fact]
    public void AvgPool_DivisorOverride_NotSupported_AndBadKernelArity_NamesArgument()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<NotSupportedException>(() => F.avg_pool2d(Grid(4, 4), 2, divisor_override: 3));
        var ex = Assert.Throws<ArgumentException>(() => F.avg_pool2d(Grid(4, 4), new long[] { 2, 2, 2 }));
        Assert.Contains("kernel_size has 3 values [2, 2, 2], expected 1 or 2", ex.Message);
    }

    [Fact]
    public void MaxPool2d_Kernel2OnArange4x4_BottomRightOfEachQuadrant()
    {
        using var scope = NewDisposeScope();
        Equal(new[] { 5.0, 7, 13, 15 }, F.max_pool2d(Grid(4, 4), 2));
        Equal(new[] { 5.0, 6, 7, 9, 10, 11, 13, 14, 15 }, F.max_pool2d(Grid(4, 4), new long[] { 2, 2 }, new long[] { 1, 1 }));
        Equal(new[] { 10.0, 11, 14, 15 }, F.max_pool2d(Grid(4, 4), (3, 3), stride: (1, 1)));
        Equal(new[] { 1.0, 3, 5 }, F.max_pool1d(tensor(new double[] { 0, 1, 2, 3, 4, 5 }).view(1, 1, 6), 2));
    }

    [Fact]
    public void AdaptiveAvgPool2d_NonDividingGrid_UsesOverlappingFloorCeilBins()
    {
        using var scope = NewDisposeScope();
        // 3x3 → 2x2: row/col bins [0,2) and [1,3)
        Equal(new[] { 2.0, 3, 5, 6 }, F.adaptive_avg_pool2d(Grid(3, 3), 2));
        // dividing case equals plain average pooling
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, F.adaptive_avg_pool2d(Grid(4, 4), (2, 2)));
        Equal(new[] { 7.5 }, F.adaptive_avg_pool2d(Grid(4, 4), new long[] { 1, 1 }));
    }

    [Fact]
    public void AdaptiveAvgPool1dAnd3d_KnownBins()
    {
        using var scope = NewDisposeScope();
        // 5 → 2: bins [0,3) and [2,5)
        Equal(new[] { 2.0, 4 }, F.adaptive_avg_pool1d(tensor(new double[] { 1, 2, 3, 4, 5 }).view(1, 1, 5), 2));
        var v = arange(2 * 4 * 4, ScalarType.Float64).view(1, 1, 2, 4, 4);
        var y = F.adaptive_avg_pool3d(v, new long[] { 1, 2, 2 });
        Assert.Equal(new long[] { 1, 1, 1, 2, 2 }, y.shape);
        Equal(new[] { 10.5, 12.5, 18.5, 20.5 }, y);
        Equal(new[] { 15.5 }, F.adaptive_avg_pool3d(v, 1));
    }

    [Fact]
    public void PoolingModules_MatchFunctionalForms()
    {
        using var scope = NewDisposeScope();
        using var avg = nn.AvgPool2d(2);
        using var adaptive = nn.AdaptiveAvgPool2d((1, 2));
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, avg.call(Grid(4, 4)));
        Equal(new[] { 6.5, 8.5 }, adaptive.call(Grid(4, 4)));
        Assert.Empty(avg.parameters());
    }

    [Fact]
    public void Pad_FourModes_On1x1x4()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3, 4 }).view(1, 1, 4);
        Equal(new[] { 9.0, 1, 2, 3, 4, 9, 9 }, F.pad(x, new long[] { 1, 2 }, value: 9));
        Equal(new[] { 0.0, 1, 2, 3, 4, 0, 0 }, F.pad(x, (1, 2), PaddingModes.Zeros, value: 9));
        Equal(new[] { 3.0, 2, 1, 2, 3, 4, 3 }, F.pad(x, (2, 1), PaddingModes.Reflect));
        Equal(new[] { 1.0, 1, 1, 2, 3, 4, 4 }, F.pad(x, (2, 1), PaddingModes.Replicate));
        Equal(new[] { 3.0, 4, 1, 2, 3, 4, 1 }, F.pad(x, (2, 1), PaddingModes.Circular));
        Equal(new[] { 2.0, 3 }, F.pad(x, (-1, -1)));  // negative padding crops
        var g = F.pad(Grid(2, 2), (1, 0, 0, 1));       // left 1, bottom 1
        Assert.Equal(new long[] { 1, 1, 3, 3 }, g.shape);
        Equal(new[] { 0.0, 0, 1, 0, 2, 3, 0, 0, 0 }, g);
    }

    [Fact]
    public void Pad_BadInput_ThrowsWithLibtorchMessage()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 }).view(1, 1, 3);
        Assert.Throws<ArgumentException>(() => F.pad(x, new long[] { 1 }));
        Assert.Throws<ExternalException>(() => F.pad(x, (3, 3), PaddingModes.Reflect));  // reflect pad must be < size
    }
}
