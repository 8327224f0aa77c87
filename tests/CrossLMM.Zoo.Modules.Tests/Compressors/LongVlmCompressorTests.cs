using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

/// <summary>LongVLM (arXiv:2404.03384): segment tokens merged by ToMe, one global token first (docs/kinds/longvlm.md).</summary>
public class LongVlmCompressorTests
{
    // F in [1, 4], K in [1, g²].
    private static LongVlmCompressor Block(PoolCase c) => new(c.Grid, c.Window, 1 + (c.B - 1) % (c.Grid * c.Grid), c.Width);

    [Property(MaxTest = 40, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Forward_AnySizes_TokensFollowTheFormula_AndTheFirstIsTheMean(PoolCase c)
    {
        using var scope = NewDisposeScope();
        var x = c.Features(new Random(c.Seed));
        using var block = Block(c);
        var y = block.call(x, null, null).Tokens;
        long segments = (c.Frames + block.SegmentFrames - 1) / block.SegmentFrames;
        Assert.Equal(1 + segments * block.SegmentTokens, block.TokensFor(c.Frames));
        TensorAssert.HasShape(new[] { (long)c.Batch, block.TokensFor(c.Frames), c.Width }, y);
        TensorAssert.AllClose(x.mean(new long[] { 1, 2 }), y.select(1, 0), rtol: 1e-5, atol: 1e-6);
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Forward_ConstantSegment_MergesToThatToken(PoolCase c)
    {
        using var scope = NewDisposeScope();
        using var block = Block(c);
        var rng = new Random(c.Seed);
        // Every token of a frame's segment is that segment's own random vector.
        long segments = (c.Frames + block.SegmentFrames - 1) / block.SegmentFrames;
        var perSegment = VisualTestData.Randn(rng, 1.0, c.Batch, segments, 1, c.Width);                       // [b, s, 1, d]
        var index = torch.tensor(Enumerable.Range(0, c.Frames).Select(t => (long)(t / block.SegmentFrames)).ToArray());
        var x = perSegment.index_select(1, index).expand(c.Batch, c.Frames, c.Grid * c.Grid, c.Width).contiguous(); // [b, t, n, d]
        var local = block.call(x, null, null).Tokens.narrow(1, 1, segments * block.SegmentTokens)
            .reshape(c.Batch, segments, block.SegmentTokens, c.Width);                                           // [b, s, K, d]
        TensorAssert.AllClose(perSegment.expand(c.Batch, segments, block.SegmentTokens, c.Width), local, rtol: 1e-5, atol: 1e-5);
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Forward_ChangingOneSegment_LeavesTheOtherSegmentsTokens(PoolCase c)
    {
        using var scope = NewDisposeScope();
        using var block = Block(c);
        var rng = new Random(c.Seed);
        var x = c.Features(rng);
        long segments = (c.Frames + block.SegmentFrames - 1) / block.SegmentFrames;
        int changed = rng.Next((int)segments);
        long first = changed * block.SegmentFrames, count = Math.Min(block.SegmentFrames, c.Frames - first);
        var y = x.clone();
        y.narrow(1, first, count).add_(VisualTestData.Randn(rng, 1.0, c.Batch, count, c.Grid * c.Grid, c.Width));
        long k = block.SegmentTokens;
        var a = block.call(x, null, null).Tokens;
        var b = block.call(y, null, null).Tokens;
        for (long s = 0; s < segments; s++)
        {
            var before = a.narrow(1, 1 + s * k, k);
            var after = b.narrow(1, 1 + s * k, k);
            if (s == changed)
            {
                Assert.True(TensorAssert.MaxAbsDiff(before, after) > 0, "the changed segment's tokens must change");
            }
            else
            {
                TensorAssert.Equal(before, after, $"segment {s} must not read segment {changed}");
            }
        }
    }

    [Fact]
    public void MergeRounds_DefaultsOnClipFrames_AreLongVlmsList()
    {
        // merge.py: 10 frames × 256 CLIP ViT-L/14 tokens, r list [1280, 640, 320, 160, 80, 40, 10] → 30 tokens.
        var rounds = new LongVlmCompressorConfig(10, 30).MergeRounds(10 * 256);
        Assert.Equal(new[] { 1280, 640, 320, 160, 80, 40, 10 }, rounds.Select(r => r.Removed).ToArray());
        Assert.Equal(new[] { 2560, 1280, 640, 320, 160, 80, 40 }, rounds.Select(r => r.Before).ToArray());
        Assert.Empty(new LongVlmCompressorConfig(10, 30).MergeRounds(30));
    }

    [Theory]
    [InlineData(8, 2, 3, 4)]    // g = 4: two full segments
    [InlineData(7, 3, 5, 4)]    // a short last segment (1 frame)
    [InlineData(2, 4, 16, 4)]   // K = g², one short segment of 2 frames
    [InlineData(5, 5, 1, 3)]
    public void MatchingFlops_EqualTheEngineCount(int frames, int segmentFrames, int tokens, int grid)
    {
        using var scope = NewDisposeScope();
        var vision = new VisionConfig(VisionKind.Precomputed, grid * 8, 8, 3, 32, 1, 4, 64, 1e-6);
        var config = new LongVlmCompressorConfig(segmentFrames, tokens);
        using var block = new LongVlmCompressor(config, vision);
        var x = VisualTestData.Randn(new Random(3), 1.0, 2, frames, grid * grid, 32);
        using var noGrad = torch.no_grad();
        using var flops = FlopCounter.Start(block);
        block.call(x, null, null);
        flops.Stop();
        Assert.Equal(2 * LongVlmCompressor.MatchingFlops(config, frames, vision), flops.Total);
        Assert.True(flops.Total > 0 || frames * grid * grid <= tokens);
    }

    [Theory]
    [InlineData(4, 0, 4, "segmentFrames")]
    [InlineData(4, 2, 0, "tokens")]
    [InlineData(4, 2, 17, "tokens (17)")]
    public void Constructor_BadSizes_ThrowNamingTheArgument(int grid, int segmentFrames, int tokens, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new LongVlmCompressor(grid, segmentFrames, tokens, 8));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
