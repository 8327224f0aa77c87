using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

public class CcamCompressorTests
{
    private static CcamCompressor Build(LearnedQueryCase c)
    {
        var block = new CcamCompressor(c.Grid, c.VisionWidth, c.Queries, c.Hidden, c.Layers, c.Heads, c.Mlp, 1e-5);
        VisualTestData.Randomize(block, c.Seed);
        return block;
    }

    // The horizon from the paper's mask, written out independently of the config record: ⌈(j+1)·T/Q⌉ frames.
    private static int Horizon(int query, int frames, int queries) => Math.Min(frames, ((query + 1) * frames + queries - 1) / queries);

    [Property(MaxTest = 25, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCasesUpTo9Queries) })]
    public void Ccam_AnyFrameCount_EmitsExactlyQueriesTokens(LearnedQueryCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        using var block = Build(c);
        using var output = block.call(x, null, null);
        TensorAssert.HasShape(new long[] { c.Batch, c.Queries, c.Hidden }, output.Tokens);
        Assert.Equal(c.Queries, block.TokensFor(c.Frames));
        TensorAssert.AllFinite(output.Tokens);
    }

    [Property(MaxTest = 60, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCasesUpTo12Queries) })]
    public void Ccam_Horizons_AreTimeOrderedAndTheLastGroupSeesEveryFrame(LearnedQueryCase c)
    {
        using var block = new CcamCompressor(c.Grid, c.VisionWidth, c.Queries, 16, 1, 4, 32, 1e-5);
        var horizons = Enumerable.Range(0, c.Queries).Select(j => block.VisibleFrames(j, c.Frames)).ToArray();
        Assert.Equal(Enumerable.Range(0, c.Queries).Select(j => Horizon(j, c.Frames, c.Queries)), horizons);
        Assert.All(horizons, h => Assert.InRange(h, 1, c.Frames));
        Assert.True(horizons.Zip(horizons.Skip(1)).All(p => p.First <= p.Second), "horizons never decrease");
        Assert.Equal(c.Frames, horizons[^1]);
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCasesFromTwoFramesUpTo9Queries) })]
    public void Ccam_QueryOutputs_NeverDependOnFramesPastTheirHorizon(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var block = Build(c);
        using var before = block.call(x, null, null);
        int from = 1 + rng.Next(c.Frames - 1); // perturb frames from..T-1, keep 0..from-1
        using var changed = x.clone();
        using (var tail = changed.narrow(1, from, c.Frames - from)) {
            using var noise = VisualTestData.Randn(rng, 1.0, tail.shape);
            tail.add_(noise);
        }
        using var after = block.call(changed, null, null);
        for (int j = 0; j < c.Queries; j++) {
            using var b = before.Tokens.narrow(1, j, 1);
            using var a = after.Tokens.narrow(1, j, 1);
            if (block.VisibleFrames(j, c.Frames) <= from) {
                TensorAssert.AllClose(b, a, rtol: 1e-6, atol: 1e-6, because: $"query {j} (horizon {block.VisibleFrames(j, c.Frames)}) after perturbing frames ≥ {from}");
            } else {
                Assert.True(VisualTestData.MaxDiff(b, a) > 1e-5, $"query {j} sees frame {from} and must change");
            }
        }
    }

    [Property(MaxTest = 25, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCasesUpTo7Queries) })]
    public void Ccam_OneFrame_EqualsUnmaskedCrossAttention_AndAnyT_EqualsTheMaskedDefinition(LearnedQueryCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        using var block = Build(c);
        using var ours = block.call(x, null, null);
        bool[,]? mask = null;
        if (c.Frames > 1) {
            mask = new bool[c.Queries, c.Frames];
            for (int j = 0; j < c.Queries; j++) {
                for (int t = 0; t < Horizon(j, c.Frames, c.Queries); t++) mask[j, t] = true;
            }
        }
        using var expected = Reference(block, c, x, mask);
        TensorAssert.AllClose(expected, ours.Tokens, rtol: 1e-4, atol: 1e-5, because: c.Frames == 1 ? "T = 1, no mask" : "explicit mask");
    }

    [Fact]
    public void Ccam_Keys()
    {
        using var block = new CcamCompressor(2, 16, 6, 32, 2, 4, 64, 1e-5);
        var expected = new List<string> { "queries", "norm.weight", "norm.bias" };
        for (int i = 0; i < 2; i++) {
            var p = $"layers.{i}.";
            foreach (var n in new[] { "norm_queries", "norm_media", "cross_attn.q_proj", "cross_attn.k_proj", "cross_attn.v_proj", "norm_mlp", "mlp.fc1", "mlp.fc2" }) {
                expected.AddRange(VisualTestData.WeightBias(p + n));
            }
            expected.Add(p + "cross_attn.o_proj.weight");
        }
        Assert.Equal(VisualTestData.Sorted(expected), VisualTestData.Keys(block));
        Assert.Equal(new long[] { 32, 16 }, block.state_dict()["layers.0.cross_attn.k_proj.weight"].shape);
        Assert.Equal(new long[] { 16 }, block.state_dict()["layers.0.norm_media.weight"].shape);
    }

    // The CCAM projector written out with plain tensor ops on the block's own weights; mask[j, t] = query j may read frame t.
    private static Tensor Reference(CcamCompressor block, LearnedQueryCase c, Tensor x, bool[,]? mask)
    {
        using var scope = torch.NewDisposeScope();
        var w = VisualTestData.Weights(block);
        Tensor Lin(Tensor v, string p) => w.TryGetValue(p + ".bias", out var b) ? v.matmul(w[p + ".weight"].t()).add(b) : v.matmul(w[p + ".weight"].t());
        Tensor Ln(Tensor v, string p) => nn.functional.layer_norm(v, new[] { v.shape[^1] }, w[p + ".weight"], w[p + ".bias"], 1e-5);
        long b = c.Batch, s = (long)c.Frames * c.Patches, h = c.Hidden, d = h / c.Heads;
        var media = x.reshape(b, s, c.VisionWidth);
        var q = w["queries"].unsqueeze(0).expand(b, c.Queries, h);
        for (int i = 0; i < c.Layers; i++) {
            var p = $"layers.{i}.";
            var m = Ln(media, p + "norm_media");
            Tensor Split(Tensor v) => v.reshape(b, -1, c.Heads, d).transpose(1, 2);
            var qh = Split(Lin(Ln(q, p + "norm_queries"), p + "cross_attn.q_proj"));
            var kh = Split(Lin(m, p + "cross_attn.k_proj"));
            var vh = Split(Lin(m, p + "cross_attn.v_proj"));
            var scores = qh.matmul(kh.transpose(-1, -2)).div(Math.Sqrt(d));                 // [b, heads, q, s]
            if (mask is not null) {
                var blocked = new bool[c.Queries * s];
                for (int j = 0; j < c.Queries; j++) {
                    for (long k = 0; k < s; k++) blocked[j * s + k] = !mask[j, k / c.Patches];
                }
                scores = scores.masked_fill(torch.tensor(blocked, new long[] { c.Queries, s }), double.NegativeInfinity);
            }
            var attended = scores.softmax(-1).matmul(vh).transpose(1, 2).reshape(b, c.Queries, h);
            q = q.add(Lin(attended, p + "cross_attn.o_proj"));
            var inner = nn.functional.gelu(Lin(Ln(q, p + "norm_mlp"), p + "mlp.fc1"));
            q = q.add(Lin(inner, p + "mlp.fc2"));
        }
        return Ln(q, "norm").MoveToOuterDisposeScope();
    }
}
