using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

public class QFormerCompressorTests
{
    private static QFormerCompressor Build(LearnedQueryCase c, Granularity per, int crossEvery = 2)
    {
        var block = new QFormerCompressor(c.Grid, c.VisionWidth, c.Queries, per, crossEvery, c.Hidden, c.Layers, c.Heads, c.Mlp, 1e-6);
        VisualTestData.Randomize(block, c.Seed);
        return block;
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void QFormer_AnySizes_EmitsQueriesPerFrameOrPerVideo(LearnedQueryCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        using var perFrame = Build(c, Granularity.Frame);
        using var frameTokens = perFrame.call(x, null, null);
        TensorAssert.HasShape(new long[] { c.Batch, c.Frames * c.Queries, c.Hidden }, frameTokens.Tokens, "per frame");
        Assert.Equal((long)c.Frames * c.Queries, perFrame.TokensFor(c.Frames));
        using var perVideo = Build(c, Granularity.Video);
        using var videoTokens = perVideo.call(x, null, null);
        TensorAssert.HasShape(new long[] { c.Batch, c.Queries, c.Hidden }, videoTokens.Tokens, "per video");
        Assert.Equal(c.Queries, perVideo.TokensFor(c.Frames));
        TensorAssert.AllFinite(videoTokens.Tokens);
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void QFormer_PermutingPatchesWithinFrames_LeavesOutputsUnchanged(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var perm = VisualTestData.Permutation(rng, c.Patches);
        using var shuffled = x.index_select(2, perm);
        using var perFrame = Build(c, Granularity.Frame);
        using var a = perFrame.call(x, null, null);
        using var b = perFrame.call(shuffled, null, null);
        TensorAssert.AllClose(a.Tokens, b.Tokens, rtol: 1e-4, atol: 1e-5, because: "per frame");
        // per video the source is one set of T·N tokens: any permutation of it, across frames too
        using var all = VisualTestData.Permutation(rng, c.Frames * c.Patches);
        using var mixed = x.reshape(c.Batch, c.Frames * c.Patches, c.VisionWidth).index_select(1, all)
            .reshape(c.Batch, c.Frames, c.Patches, c.VisionWidth);
        using var perVideo = Build(c, Granularity.Video);
        using var v1 = perVideo.call(x, null, null);
        using var v2 = perVideo.call(mixed, null, null);
        TensorAssert.AllClose(v1.Tokens, v2.Tokens, rtol: 1e-4, atol: 1e-5, because: "per video");
    }

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCasesFromTwoFrames) })]
    public void QFormer_PerFrame_EachFrameOnlyReadsItsOwnPatches(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var block = Build(c, Granularity.Frame);
        using var before = block.call(x, null, null);
        using var changed = x.clone();
        using (var last = changed.narrow(1, c.Frames - 1, 1)) {
            using var noise = VisualTestData.Randn(rng, 1.0, last.shape);
            last.add_(noise);
        }
        using var after = block.call(changed, null, null);
        long kept = (long)(c.Frames - 1) * c.Queries;
        using var b0 = before.Tokens.narrow(1, 0, kept);
        using var a0 = after.Tokens.narrow(1, 0, kept);
        // Equal up to float32 rounding: libtorch's MKL GEMMs are not bit-reproducible across calls (1.09e-6 seen).
        TensorAssert.AllClose(b0, a0, rtol: 1e-5, atol: 1e-5, because: "frames before the changed one");
        using var b1 = before.Tokens.narrow(1, kept, c.Queries);
        using var a1 = after.Tokens.narrow(1, kept, c.Queries);
        Assert.True(VisualTestData.MaxDiff(b1, a1) > 1e-4, "the changed frame's queries must change");
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(5, 2)]
    [InlineData(6, 3)]
    [InlineData(3, 1)]
    public void QFormer_CrossAttention_SitsInLayersDivisibleByCrossEvery(int layers, int crossEvery)
    {
        using var block = new QFormerCompressor(2, 16, 3, Granularity.Frame, crossEvery, 32, layers, 4, 64, 1e-12);
        var expected = Enumerable.Range(0, layers).Where(i => i % crossEvery == 0).ToArray();
        Assert.Equal(expected, block.CrossAttentionLayers);
        var keys = VisualTestData.Keys(block);
        var withCross = Enumerable.Range(0, layers)
            .Where(i => keys.Contains($"qformer.encoder.layer.{i}.crossattention.attention.query.weight")).ToArray();
        Assert.Equal(expected, withCross);
        // cross-attention keys read the vision width (16), self-attention keys the Q-Former width (32)
        var sd = block.state_dict();
        Assert.Equal(new long[] { 32, 16 }, sd["qformer.encoder.layer.0.crossattention.attention.key.weight"].shape);
        Assert.Equal(new long[] { 32, 32 }, sd["qformer.encoder.layer.0.attention.attention.key.weight"].shape);
    }

    [Fact]
    public void QFormer_Keys_AreBlip2Names()
    {
        using var block = new QFormerCompressor(2, 16, 3, Granularity.Frame, 2, 32, 2, 4, 64, 1e-12);
        var expected = new List<string> { "query_tokens" };
        expected.AddRange(VisualTestData.WeightBias("qformer.layernorm"));
        for (int i = 0; i < 2; i++) {
            var p = $"qformer.encoder.layer.{i}.";
            var parts = new List<string> { "attention" };
            if (i == 0) parts.Add("crossattention");
            foreach (var part in parts) {
                foreach (var name in new[] { "attention.query", "attention.key", "attention.value", "output.dense", "output.LayerNorm" }) {
                    expected.AddRange(VisualTestData.WeightBias(p + part + "." + name));
                }
            }
            expected.AddRange(VisualTestData.WeightBias(p + "intermediate_query.dense"));
            expected.AddRange(VisualTestData.WeightBias(p + "output_query.dense"));
            expected.AddRange(VisualTestData.WeightBias(p + "output_query.LayerNorm"));
        }
        Assert.Equal(VisualTestData.Sorted(expected), VisualTestData.Keys(block));
        Assert.Equal(new long[] { 1, 3, 32 }, block.state_dict()["query_tokens"].shape);
    }

    [Fact]
    public void QFormer_MatchesAStraightforwardPyTorchQFormer()
    {
        // layer 0 has cross-attention, layer 1 does not: both layer types are checked
        var c = new LearnedQueryCase(Batch: 2, Frames: 3, Grid: 3, VisionWidth: 24, Hidden: 32, Layers: 2, Queries: 5, Seed: 11);
        using var perFrame = Build(c, Granularity.Frame);
        using var perVideo = Build(c with { Seed = 12 }, Granularity.Video);
        using var x = c.Features(new Random(5));
        using var oursFrame = perFrame.call(x, null, null);
        using var oursVideo = perVideo.call(x, null, null);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x };
        foreach (var (k, v) in VisualTestData.Weights(perFrame)) inputs["f." + k] = v;
        foreach (var (k, v) in VisualTestData.Weights(perVideo)) inputs["v." + k] = v;
        const string snippet = """
            eps, heads = 1e-6, 4
            def run(w, feats, sets):
                lin = lambda x, p: F.linear(x, w[p + '.weight'], w[p + '.bias'])
                ln = lambda x, p: F.layer_norm(x, (x.shape[-1],), w[p + '.weight'], w[p + '.bias'], eps)
                def mha(x, ctx, p):
                    q, k, v = lin(x, p + '.query'), lin(ctx, p + '.key'), lin(ctx, p + '.value')
                    b, s, h = q.shape
                    d = h // heads
                    split = lambda t: t.reshape(b, -1, heads, d).transpose(1, 2)
                    a = torch.softmax(split(q) @ split(k).transpose(-1, -2) / math.sqrt(d), -1) @ split(v)
                    return a.transpose(1, 2).reshape(b, s, h)
                def attention(x, ctx, p):
                    return ln(lin(mha(x, ctx, p + '.attention'), p + '.output.dense') + x, p + '.output.LayerNorm')
                h = ln(w['query_tokens'].expand(sets, -1, -1), 'qformer.layernorm')
                for i in range(2):
                    p = f'qformer.encoder.layer.{i}'
                    h = attention(h, h, p + '.attention')
                    if i % 2 == 0:
                        h = attention(h, feats, p + '.crossattention')
                    inner = F.gelu(lin(h, p + '.intermediate_query.dense'))
                    h = ln(lin(inner, p + '.output_query.dense') + h, p + '.output_query.LayerNorm')
                return h
            x = inputs['x']
            b, t, n, d = x.shape
            weights = lambda prefix: {k[len(prefix):]: v for k, v in inputs.items() if k.startswith(prefix)}
            outputs['frame'] = run(weights('f.'), x.reshape(b * t, n, d), b * t).reshape(b, -1, 32)
            outputs['video'] = run(weights('v.'), x.reshape(b, t * n, d), b)
            """;
        using var reference = PyTorchReference.Run(snippet, inputs);
        TensorAssert.AllClose(reference["frame"], oursFrame.Tokens, rtol: 1e-5, atol: 1e-5, because: "per frame");
        TensorAssert.AllClose(reference["video"], oursVideo.Tokens, rtol: 1e-5, atol: 1e-5, because: "per video");
    }

    [Fact]
    public void QFormer_BadSizes_QuoteTheValues()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new QFormerCompressor(2, 16, 3, Granularity.Frame, 2, 30, 2, 4, 64, 1e-6));
        Assert.Contains("hidden (30) must be divisible by heads (4)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new QFormerCompressor(2, 16, 0, Granularity.Frame, 2, 32, 2, 4, 64, 1e-6));
        Assert.Contains("queries (0) must be ≥ 1", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new QFormerCompressor(2, 16, 3, Granularity.Frame, 0, 32, 2, 4, 64, 1e-6));
        Assert.Contains("crossEvery (0) must be ≥ 1", e3.Message);
    }
}
