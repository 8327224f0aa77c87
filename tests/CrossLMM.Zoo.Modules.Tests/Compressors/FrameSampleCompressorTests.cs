using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

/// <summary>frame_sample: every s-th frame kept whole (docs/kinds/frame_sample.md).</summary>
public class FrameSampleCompressorTests
{
    [Property(MaxTest = 40, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Forward_AnySizes_KeepsFrames0SAnd2S_Whole_InOrder(PoolCase c)
    {
        using var scope = NewDisposeScope();
        int stride = 1 + (c.A - 1) % 5;   // 1 … 5, also above T
        var x = c.Features(new Random(c.Seed));
        using var block = new FrameSampleCompressor(c.Grid, stride, c.Width);
        var y = block.call(x, null, null).Tokens;
        int kept = (c.Frames + stride - 1) / stride;
        Assert.Equal((long)kept * c.Grid * c.Grid, block.TokensFor(c.Frames));
        Assert.Equal(new FrameSampleCompressorConfig(stride).Tokens(c.Frames, c.Grid), block.TokensFor(c.Frames));
        TensorAssert.HasShape(new[] { (long)c.Batch, block.TokensFor(c.Frames), c.Width }, y);
        for (int k = 0; k < kept; k++)
        {
            var expected = x.select(1, k * stride);                                                  // [b, n, d]
            var actual = y.narrow(1, (long)k * c.Grid * c.Grid, c.Grid * c.Grid);                     // [b, n, d]
            Assert.True(TensorAssert.Identical(expected, actual), $"frame {k * stride} (kept #{k}) differs");
        }
    }

    [Fact]
    public void Record_StrideBelowOne_IsRefused_AndTheFormulaNamesTheStride()
    {
        var bad = new FrameSampleCompressorConfig(0);
        var vision = new VisionConfig(VisionKind.Precomputed, 16, 4, 3, 8, 1, 2, 16, 1e-6);
        Assert.Contains(bad.Validate(vision), p => p.StartsWith("compressor.stride (0)", StringComparison.Ordinal));
        Assert.Equal("16·⌈T/3⌉", new FrameSampleCompressorConfig(3).TokensFormulaAt(4));
        Assert.Equal(new long[] { 0, 16, 16, 16, 32 }, Enumerable.Range(0, 5).Select(t => new FrameSampleCompressorConfig(3).Tokens(t, 4)));
        Assert.Throws<ArgumentException>(() => new FrameSampleCompressor(4, 0, 8));
    }
}
