using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

/// <summary>Sizes of one pooling case: batch, frames, patch grid side, width, two knobs in [1, 6], a seed.</summary>
public sealed record PoolCase(int Batch, int Frames, int Grid, int Width, int A, int B, int Seed)
{
    /// <summary>An output grid in [1, g] (pool2d).</summary>
    public int OutputGrid => 1 + (A - 1) % Grid;

    /// <summary>A stride in [1, g] (strided and temporal pooling).</summary>
    public int Stride => 1 + (B - 1) % Grid;

    /// <summary>A temporal window in [1, 4].</summary>
    public int Window => 1 + (A - 1) % 4;

    public static Arbitrary<PoolCase> Arbitrary() =>
        (from b in Gen.Choose(1, 3)
         from t in Gen.Choose(1, 6)
         from g in Gen.Choose(1, 6)
         from d in Gen.Elements(16, 32, 48, 64)
         from x in Gen.Choose(1, 6)
         from y in Gen.Choose(1, 6)
         from seed in Gen.Choose(0, 1_000_000)
         select new PoolCase(b, t, g, d, x, y, seed)).ToArbitrary();

    /// <summary>Random features (B, T, g², D).</summary>
    public Tensor Features(Random rng) => VisualTestData.Randn(rng, 1.0, Batch, Frames, Grid * Grid, Width);
}

public class PoolingCompressorTests
{
    private static VisualCompressor[] PoolingKinds(PoolCase c) => new VisualCompressor[] {
        new IdentityCompressor(c.Grid, c.Width),
        new Pool2dCompressor(c.Grid, c.OutputGrid, c.Width),
        new StridedPool2dCompressor(c.Grid, c.Stride, c.Width),
        new TemporalPoolCompressor(c.Grid, c.Window, c.Stride, c.Width),
    };

    [Property(MaxTest = 50, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Pooling_AnySizes_TokenCountsFollowTheirFormulas(PoolCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        long side = (c.Grid + c.Stride - 1) / c.Stride;
        long fastFrames = Math.Max(1, c.Frames / c.Window);
        var expected = new[] {
            (long)c.Frames * c.Grid * c.Grid,
            (long)c.Frames * c.OutputGrid * c.OutputGrid,
            c.Frames * side * side,
            fastFrames * side * side,
        };
        var blocks = PoolingKinds(c);
        for (int k = 0; k < blocks.Length; k++) {
            using var block = blocks[k];
            using var output = block.call(x, null, null);
            TensorAssert.HasShape(new[] { c.Batch, expected[k], c.Width }, output.Tokens, block.GetName());
            Assert.Equal(expected[k], block.TokensFor(c.Frames));
            if (block is TemporalPoolCompressor) {
                TensorAssert.HasShape(new[] { c.Batch, c.Frames * side * side, c.Width }, output.Slow!, "slow tokens");
            } else {
                Assert.Null(output.Slow);
            }
        }
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Pooling_ConstantGrid_StaysConstant(PoolCase c)
    {
        var rng = new Random(c.Seed);
        // one value per (batch, channel), the same at every patch of every frame
        using var v = VisualTestData.Randn(rng, 1.0, c.Batch, 1, 1, c.Width);
        using var x = v.expand(c.Batch, c.Frames, c.Grid * c.Grid, c.Width).contiguous();
        foreach (var block in PoolingKinds(c)) {
            using (block) {
                using var output = block.call(x, null, null);
                using var expected = v.squeeze(1).expand_as(output.Tokens);
                TensorAssert.AllClose(expected, output.Tokens, rtol: 1e-5, atol: 1e-6, because: block.GetName());
                if (output.Slow is not null) {
                    using var slow = v.squeeze(1).expand_as(output.Slow);
                    TensorAssert.AllClose(slow, output.Slow, rtol: 1e-5, atol: 1e-6, because: "slow tokens");
                }
            }
        }
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Pool2d_GridOne_IsTheFrameMean_AndFullGrid_IsTheIdentity(PoolCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        using var one = new Pool2dCompressor(c.Grid, 1, c.Width);
        using var pooled = one.call(x, null, null);
        using var mean = x.mean(new long[] { 2 });                                      // [b, t, d]
        TensorAssert.AllClose(mean, pooled.Tokens, rtol: 1e-5, atol: 1e-6, because: "grid 1");
        using var full = new Pool2dCompressor(c.Grid, c.Grid, c.Width);
        using var same = full.call(x, null, null);
        using var flat = x.reshape(c.Batch, c.Frames * c.Grid * c.Grid, c.Width);
        TensorAssert.AllClose(flat, same.Tokens, rtol: 1e-6, atol: 1e-7, because: "grid = g");
        using var identity = new IdentityCompressor(c.Grid, c.Width);
        using var passed = identity.call(x, null, null);
        TensorAssert.Equal(flat, passed.Tokens, "identity");
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void Pooling_IsLinear(PoolCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var y = c.Features(rng);
        double a = rng.NextDouble() * 4 - 2, b = rng.NextDouble() * 4 - 2;
        using var mixed = x.mul(a).add(y.mul(b));
        foreach (var block in PoolingKinds(c)) {
            using (block) {
                using var fx = block.call(x, null, null);
                using var fy = block.call(y, null, null);
                using var fm = block.call(mixed, null, null);
                using var expected = fx.Tokens.mul(a).add(fy.Tokens.mul(b));
                TensorAssert.AllClose(expected, fm.Tokens, rtol: 1e-5, atol: 1e-5, because: block.GetName());
                if (fm.Slow is not null) {
                    using var slow = fx.Slow!.mul(a).add(fy.Slow!.mul(b));
                    TensorAssert.AllClose(slow, fm.Slow, rtol: 1e-5, atol: 1e-5, because: "slow tokens");
                }
            }
        }
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void TemporalPool_FastTokens_AreTheMeanOfEachGroupOfSlowFrames(PoolCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        using var block = new TemporalPoolCompressor(c.Grid, c.Window, c.Stride, c.Width);
        using var output = block.call(x, null, null);
        long n = block.SpatialGrid * block.SpatialGrid;
        Assert.Equal(c.Frames * n, block.SlowTokensFor(c.Frames));
        using var slow = output.Slow!.reshape(c.Batch, c.Frames, n, c.Width);         // [b, t, n, d]
        int fastFrames = c.Frames >= c.Window ? c.Frames / c.Window : 1;
        int window = c.Frames >= c.Window ? c.Window : c.Frames;                       // shorter videos: one mean frame
        for (int f = 0; f < fastFrames; f++) {
            using var group = slow.narrow(1, f * window, window).mean(new long[] { 1 });         // [b, n, d]
            using var fast = output.Tokens.narrow(1, f * n, n);                                   // [b, n, d]
            TensorAssert.AllClose(group, fast, rtol: 1e-5, atol: 1e-6, because: $"fast frame {f}");
        }
        // σ = 1 keeps every patch: the slow tokens are the features themselves
        using var unpooled = new TemporalPoolCompressor(c.Grid, c.Window, 1, c.Width);
        using var raw = unpooled.call(x, null, null);
        using var flat = x.reshape(c.Batch, c.Frames * c.Grid * c.Grid, c.Width);
        TensorAssert.AllClose(flat, raw.Slow!, rtol: 1e-6, atol: 1e-7, because: "σ = 1");
    }

    [Fact]
    public void Constructors_BadSizes_QuoteTheValues()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new Pool2dCompressor(4, 5, 16));
        Assert.Contains("grid (5) must be ≤ the patch grid side (4)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new StridedPool2dCompressor(4, 0, 16));
        Assert.Contains("stride (0) must be ≥ 1", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new TemporalPoolCompressor(3, 2, 4, 16));
        Assert.Contains("stride (4) must be ≤ the patch grid side (3)", e3.Message);
        using var block = new Pool2dCompressor(4, 2, 16);
        using var wrong = torch.zeros(1, 2, 15, 16);
        var e4 = Assert.Throws<ArgumentException>(() => block.call(wrong, null, null));
        Assert.Contains("features [1, 2, 15, 16] must be (B ≥ 1, T ≥ 1, 16, 16)", e4.Message);
    }

    [Fact]
    public void Pooling_MatchesPyTorch_AdaptiveAndCeilModeStrided()
    {
        // (g, grid) for adaptive pooling and (g, stride) for ceil-mode pooling, with uneven windows on purpose
        var adaptive = new[] { (6, 4), (5, 3), (6, 5), (4, 3), (5, 2) };
        var strided = new[] { (5, 2), (6, 4), (5, 3), (3, 2), (27, 2) };
        var rng = new Random(7);
        var inputs = new System.Collections.Generic.Dictionary<string, Tensor>();
        var ours = new System.Collections.Generic.Dictionary<string, Tensor>();
        try {
            for (int i = 0; i < adaptive.Length; i++) {
                var (g, grid) = adaptive[i];
                var x = VisualTestData.Randn(rng, 1.0, 2, 3, g * g, 5);
                inputs[$"a{i}"] = x;
                using var block = new Pool2dCompressor(g, grid, 5);
                using var output = block.call(x, null, null);
                ours[$"a{i}"] = output.Tokens.clone();
            }
            for (int i = 0; i < strided.Length; i++) {
                var (g, stride) = strided[i];
                var x = VisualTestData.Randn(rng, 1.0, 2, 2, g * g, 3);
                inputs[$"s{i}"] = x;
                using var block = new StridedPool2dCompressor(g, stride, 3);
                using var output = block.call(x, null, null);
                ours[$"s{i}"] = output.Tokens.clone();
            }
            var snippet = $$"""
                def maps(x):
                    b, t, n, d = x.shape
                    g = int(round(n ** 0.5))
                    return x.reshape(b * t, g, g, d).permute(0, 3, 1, 2), b, t
                def tokens(y, b, t):
                    bt, d, o1, o2 = y.shape
                    return y.permute(0, 2, 3, 1).reshape(b, t * o1 * o2, d)
                for i, grid in enumerate([{{string.Join(", ", adaptive.Select(a => a.Item2))}}]):
                    m, b, t = maps(inputs[f'a{i}'])
                    outputs[f'a{i}'] = tokens(F.adaptive_avg_pool2d(m, grid), b, t)
                for i, s in enumerate([{{string.Join(", ", strided.Select(a => a.Item2))}}]):
                    m, b, t = maps(inputs[f's{i}'])
                    outputs[f's{i}'] = tokens(F.avg_pool2d(m, s, s, 0, ceil_mode=True), b, t)
                """;
            using var reference = PyTorchReference.Run(snippet, inputs);
            foreach (var (name, value) in ours) {
                TensorAssert.AllClose(reference[name], value, rtol: 1e-5, atol: 1e-6, because: name);
            }
        } finally {
            foreach (var t in inputs.Values.Concat(ours.Values)) t.Dispose();
        }
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.PoolCases) })]
    public void SlowTokens_OfAnyCompressor_AreTemporalPoolsSlowPath(PoolCase c)
    {
        // compressor.slow_stride: any kind gives the slow source temporal_pool makes itself (every frame, pooled by σ).
        using var scope = NewDisposeScope();
        var x = c.Features(new Random(c.Seed));
        using var temporal = new TemporalPoolCompressor(c.Grid, c.Window, c.Stride, c.Width);
        var expected = temporal.call(x, null, null);
        using var pool = new Pool2dCompressor(c.Grid, c.OutputGrid, c.Width);
        Assert.Same(pool, pool.WithSlowStride(c.Stride));
        TensorAssert.Equal(expected.Slow!, pool.SlowTokens(x, pool.call(x, null, null)));
        TensorAssert.Equal(expected.Slow!, pool.SlowTokens(x, null));                       // the compressor need not run
        Assert.Same(expected.Slow, temporal.SlowTokens(x, expected));                        // temporal_pool's own
    }

    [Fact]
    public void WithSlowStride_LargerThanTheGrid_Throws()
    {
        using var pool = new Pool2dCompressor(4, 2, 8);
        var e = Assert.Throws<ArgumentException>(() => pool.WithSlowStride(5));
        Assert.Contains("stride (5) must be ≤ the patch grid side (4)", e.Message, StringComparison.Ordinal);
    }
}
