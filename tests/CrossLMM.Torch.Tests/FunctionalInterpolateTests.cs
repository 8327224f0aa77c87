using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>interpolate on known images: every mode, size vs scale factor, align_corners, and the errors PyTorch gives.</summary>
public class FunctionalInterpolateTests
{
    private static void Equal(double[] expected, Tensor actual, double tol = 1e-12)
    {
        var a = actual.ToArray<double>();
        Assert.Equal(expected.Length, a.Length);
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"element {i}: expected {expected[i]}, got {a[i]}");
    }

    private static Tensor Square => tensor(new double[] { 0, 1, 2, 3 }, new long[] { 1, 1, 2, 2 });

    [Fact]
    public void Nearest_ScaleTwo_RepeatsEachPixel()
    {
        using var scope = NewDisposeScope();
        var y = F.interpolate(Square, scale_factor: new[] { 2.0 });
        Assert.Equal(new long[] { 1, 1, 4, 4 }, y.shape);
        Equal(new double[] { 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3 }, y);
        Equal(y.ToArray<double>(), F.interpolate(Square, size: new long[] { 4, 4 }));
    }

    [Fact]
    public void Bilinear_AlignCorners_InterpolatesBetweenCornerCentres()
    {
        using var scope = NewDisposeScope();
        var y = F.interpolate(Square, size: new long[] { 3, 3 }, mode: InterpolationMode.Bilinear, align_corners: true);
        Equal(new[] { 0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3 }, y);
    }

    [Fact]
    public void Bilinear_HalfPixelCentres_ClampAtTheBorder()
    {
        using var scope = NewDisposeScope();
        // src = (dst + ½)/2 − ½ → 0 (clamped), ¼, ¾, 1 (edge); the image is 2r + c
        var a = new[] { 0, 0.25, 0.75, 1 };
        var expected = a.SelectMany(r => a.Select(c => 2 * r + c)).ToArray();
        Equal(expected, F.interpolate(Square, scale_factor: new[] { 2.0, 2.0 }, mode: InterpolationMode.Bilinear));
    }

    [Fact]
    public void Linear_NonIntegerScale_UsesTheGivenFactorUnlessRecomputed()
    {
        using var scope = NewDisposeScope();
        var x = arange(5, ScalarType.Float64).view(1, 1, 5);
        // out = ⌊5·1.5⌋ = 7; with the factor itself src = (d + ½)/1.5 − ½ (clamped at 0), a ramp reproduces src
        var given = F.interpolate(x, scale_factor: new[] { 1.5 }, mode: InterpolationMode.Linear);
        Equal(Enumerable.Range(0, 7).Select(d => Math.Max(0, (d + 0.5) / 1.5 - 0.5)).ToArray(), given);
        // recomputed: src = (d + ½)·5/7 − ½, clamped to [0, 4]
        var recomputed = F.interpolate(x, scale_factor: new[] { 1.5 }, mode: InterpolationMode.Linear, recompute_scale_factor: true);
        Equal(Enumerable.Range(0, 7).Select(d => Math.Clamp((d + 0.5) * 5 / 7 - 0.5, 0, 4)).ToArray(), recomputed);
        Equal(new[] { 0, 2.5, 5, 7.5, 10 }, F.interpolate(tensor(new double[] { 0, 10 }).view(1, 1, 2), size: new long[] { 5 },
            mode: InterpolationMode.Linear, align_corners: true));
    }

    [Fact]
    public void Bicubic_ReproducesConstantsAndInteriorOfARamp_KeepsCornersWithAlignCorners()
    {
        using var scope = NewDisposeScope();
        var c = full(new long[] { 1, 1, 3, 3 }, 2.5, ScalarType.Float64);
        Equal(Enumerable.Repeat(2.5, 36).ToArray(), F.interpolate(c, size: new long[] { 6, 6 }, mode: InterpolationMode.Bicubic), 1e-12);
        var ramp = arange(4, ScalarType.Float64).view(1, 1, 1, 4);
        var y = F.interpolate(ramp, size: new long[] { 1, 7 }, mode: InterpolationMode.Bicubic, align_corners: true).ToArray<double>();
        Assert.Equal(0, y[0], 12);
        Assert.Equal(1, y[2], 12);
        Assert.Equal(1.5, y[3], 12);  // x = 1.5: all four taps inside, cubic convolution reproduces the ramp
        Assert.Equal(3, y[6], 12);
    }

    [Fact]
    public void Trilinear_AlignCorners_CentreIsTheMean_AndArea_IsAdaptivePooling()
    {
        using var scope = NewDisposeScope();
        var v = arange(8, ScalarType.Float64).view(1, 1, 2, 2, 2);
        var y = F.interpolate(v, size: new long[] { 3, 3, 3 }, mode: InterpolationMode.Trilinear, align_corners: true);
        Assert.Equal(3.5, y[0, 0, 1, 1, 1].item<double>(), 12);
        Assert.Equal(7, y[0, 0, 2, 2, 2].item<double>(), 12);
        var g = arange(16, ScalarType.Float64).view(1, 1, 4, 4);
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, F.interpolate(g, size: new long[] { 2, 2 }, mode: InterpolationMode.Area));
        Equal(new[] { 2.5, 4.5, 10.5, 12.5 }, F.interpolate(g, scale_factor: new[] { 0.5 }, mode: InterpolationMode.Area));
    }

    [Fact]
    public void NearestExact_UsesHalfPixelCentres()
    {
        using var scope = NewDisposeScope();
        // 3 → 2: nearest picks floor(d·1.5) = 0, 1; nearest-exact floor((d + ½)·1.5) = 0, 2
        var x = tensor(new double[] { 10, 20, 30 }).view(1, 1, 3);
        Equal(new double[] { 10, 20 }, F.interpolate(x, size: new long[] { 2 }));
        Equal(new double[] { 10, 30 }, F.interpolate(x, size: new long[] { 2 }, mode: InterpolationMode.NearestExact));
    }

    [Fact]
    public void BadArguments_ThrowAsPyTorchDoes()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => F.interpolate(Square));
        Assert.Throws<ArgumentException>(() => F.interpolate(Square, size: new long[] { 4, 4 }, scale_factor: new[] { 2.0 }));
        Assert.Throws<ArgumentException>(() => F.interpolate(Square, size: new long[] { 4, 4 }, align_corners: true));
        Assert.Throws<NotSupportedException>(() => F.interpolate(Square, size: new long[] { 4, 4 }, mode: InterpolationMode.Bilinear, antialias: true));
        var ex = Assert.Throws<System.Runtime.InteropServices.ExternalException>(() =>
            F.interpolate(Square, size: new long[] { 4, 4 }, mode: InterpolationMode.Trilinear));
        Assert.Contains("trilinear", ex.Message);
    }
}
