using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Composed;

public class VideoLmmTests
{
    private static VideoLmm Build(ArchitectureConfig config, int seed, double? gates = null)
    {
        var model = VideoLmmBuilder.Build(config);
        LmTestData.Randomize(model, seed, scale: 0.3, gates: gates);
        return model;
    }

    [Property(MaxTest = 10, Arbitrary = new[] { typeof(Arbitraries.VideoLmmCases) })]
    public void ZeroGatedCrossLmm_EqualsItsPoolingOnlyCounterpart(VideoLmmCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var fused = Build(c.Config(), c.Seed, gates: 0.0);
        using var plain = VideoLmmBuilder.Build(c.Config(withFusion: false));
        LmTestData.CopyShared(fused, plain);
        var rng = new Random(c.Seed);
        var input = new VideoLmmInput(c.Features(rng), c.Ids(rng, c.TextLength));
        using var a = fused.call(input, null);
        using var b = plain.call(input, null);
        Assert.True(TensorAssert.Identical(b.Logits, a.Logits), $"{c.Kind} with zero gates changed the logits");
    }

    [Fact]
    public void CrossLmmSpec_WithZeroGates_EqualsPoolOnlySpec()
    {
        using var scope = torch.NewDisposeScope();
        using var crosslmm = Build(ZooSpecs.Bind("crosslmm"), 3, gates: 0.0);
        using var poolOnly = VideoLmmBuilder.Build(ZooSpecs.Bind("pool-only"));
        LmTestData.CopyShared(crosslmm, poolOnly);
        Assert.Empty(LmTestData.Keys(poolOnly).Except(LmTestData.Keys(crosslmm)));
        var rng = new Random(3);
        var frames = LmTestData.Randn(rng, 1.0, 2, 3, 3, 32, 32);
        var input = new VideoLmmInput(frames, LmTestData.Ids(rng, 512, 2, 6));
        using var a = crosslmm.call(input, null);
        using var b = poolOnly.call(input, null);
        Assert.True(TensorAssert.Identical(b.Logits, a.Logits));
    }

    [Fact]
    public void CaseKinds_CoverEveryDeclaredFusionKind() =>
        Assert.Equal(
            KindDeclaration.Fusions.Select(k => k.Name).OrderBy(n => n, StringComparer.Ordinal),
            Enum.GetValues<FusionKind>()
                .Select(kind => new VideoLmmCase(1, 1, 1, 2, 16, 2, 1, kind, Layout.VideoFirst, TokenScope.Global, 1).Config().Fusion[0].KindName)
                .OrderBy(n => n, StringComparer.Ordinal));

    [Property(MaxTest = 10, Arbitrary = new[] { typeof(Arbitraries.VideoLmmCasesWithCrossAttentionOnly) })]
    public void CachedDecoding_EqualsTheFullForward_ForEveryFusionKindAndLayout(VideoLmmCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var model = Build(c.Config(), c.Seed, gates: 0.6);
        var rng = new Random(c.Seed);
        var features = c.Features(rng);
        var prompt = c.Ids(rng, c.TextLength);
        int extra = rng.Next(1, 4);
        var continuation = c.Ids(rng, extra);
        var all = torch.cat(new[] { prompt, continuation }, 1);
        long videoAt = c.Layout == Layout.QuestionFirst ? c.TextLength : 0;
        using var full = model.call(new VideoLmmInput(features, all, VideoPosition: videoAt), null);
        using var cache = new KvCache();
        using var prefill = model.call(new VideoLmmInput(features, prompt), cache);
        var steps = new List<Tensor> { prefill.Logits };
        for (int i = 0; i < extra; i++)
        {
            steps.Add(model.Decode(continuation.narrow(1, i, 1), cache));
        }

        TensorAssert.AllClose(full.Logits, torch.cat(steps, 1), rtol: 1e-4, atol: 1e-4);
    }

    [Property(MaxTest = 6, Arbitrary = new[] { typeof(Arbitraries.VideoLmmCasesWithCrossAttentionOnly) })]
    public void LogitsToKeep_GivesTheLastKPositionsOfTheFullLogits(VideoLmmCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var model = Build(c.Config(), c.Seed, gates: 0.4);
        var rng = new Random(c.Seed);
        var input = new VideoLmmInput(c.Features(rng), c.Ids(rng, c.TextLength));
        using var all = model.call(input, null);
        long s = all.Logits.shape[1];
        foreach (int keep in new[] { 1, rng.Next(1, (int)s + 1), (int)s + 3 })
        {
            using var some = model.call(input with { LogitsToKeep = keep }, null);
            long k = Math.Min(keep, s);
            Assert.Equal(new long[] { c.Batch, k, VideoLmmCase.Vocab }, some.Logits.shape);
            Assert.Equal(all.Counts.TotalSequence, some.Counts.TotalSequence);
            TensorAssert.AllClose(all.Logits.narrow(1, s - k, k), some.Logits, rtol: 1e-5, atol: 1e-6);
        }
    }

    [Fact]
    public void LogitsToKeep_Negative_IsRejectedWithItsValue()
    {
        var bad = new VideoLmmCase(1, 1, 1, 2, 16, 2, 1, FusionKind.DualCrossAttention, Layout.VideoFirst, TokenScope.Global, 1);
        using var m = VideoLmmBuilder.Build(bad.Config());
        var rng2 = new Random(1);
        var e = Assert.Throws<ArgumentException>(() => m.call(new VideoLmmInput(bad.Features(rng2), bad.Ids(rng2, 2), LogitsToKeep: -1), null));
        Assert.Contains("input.LogitsToKeep (-1) must be ≥ 0", e.Message);
    }

    /// <summary>Generate's prefill runs the LM head on the last position only: its FLOPs are the cost model's default prefill.</summary>
    [Fact]
    public void Generate_PrefillComputesTheLastPositionsLogitsOnly()
    {
        var config = ZooSpecs.Bind("crosslmm");
        using var model = VideoLmmBuilder.Build(config);
        var rng = new Random(4);
        using var frames = LmTestData.Randn(rng, 1.0, 2, 3, 3, 32, 32);
        using var ids = LmTestData.Ids(rng, 512, 2, 5);
        var measured = CrossLMM.Zoo.Modules.Tests.Cost.CostMeasurement.Of(model, () => model.Generate(new VideoLmmInput(frames, ids), 1).Dispose());
        measured.AssertEquals(CrossLMM.Zoo.Modules.Cost.CostModel.Prefill(config, 3, 5, new CrossLMM.Zoo.Modules.Cost.CostOptions(Batch: 2)), "Generate's prefill");
    }

    [Fact]
    public void LlamaVid_LeftPaddedPrompt_GivesTheUnpaddedRowsTokensAndLogits()
    {
        // LLaMA-VID's context token reads the prompt: with the text padding passed to the compressor, padding
        // tokens change neither the visual tokens nor any logit of the real positions.
        using var scope = torch.NewDisposeScope();
        using var model = Build(ZooSpecs.Bind("llama-vid"), 8);
        var rng = new Random(8);
        var frames = LmTestData.Randn(rng, 1.0, 1, 3, 3, 32, 32);
        var prompt = LmTestData.Ids(rng, 512, 1, 4);
        using var alone = model.call(new VideoLmmInput(frames, prompt), null);
        var padded = torch.cat(new[] { LmTestData.Ids(rng, 512, 1, 3), prompt }, 1);
        var mask = torch.cat(new[] { torch.zeros(1, 3, ScalarType.Bool), torch.ones(1, 4, ScalarType.Bool) }, 1);
        using var withPads = model.call(new VideoLmmInput(frames, padded, mask), null);
        long visual = alone.Counts.VisualTokensInStream;   // [video (2T); pads (3); prompt (4)]
        TensorAssert.AllClose(alone.Logits.narrow(1, 0, visual), withPads.Logits.narrow(1, 0, visual), rtol: 1e-4, atol: 1e-5);
        TensorAssert.AllClose(alone.Logits.narrow(1, visual, 4), withPads.Logits.narrow(1, visual + 3, 4), rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void Generate_EqualsArgmaxOfFullForwards()
    {
        var c = new VideoLmmCase(2, 3, 2, 4, 32, 3, 1, FusionKind.DualCrossAttention, Layout.VideoFirst, TokenScope.Global, 17);
        using var scope = torch.NewDisposeScope();
        using var model = Build(c.Config(), c.Seed, gates: 0.5);
        var rng = new Random(c.Seed);
        var features = c.Features(rng);
        var sequence = c.Ids(rng, c.TextLength);
        var generated = model.Generate(new VideoLmmInput(features, sequence), 4);
        for (int i = 0; i < 4; i++)
        {
            using var output = model.call(new VideoLmmInput(features, sequence), null);
            var next = output.Logits.select(1, output.Logits.shape[1] - 1).argmax(-1, keepdim: true);
            sequence = torch.cat(new[] { sequence, next }, 1);
        }

        Assert.True(TensorAssert.Identical(sequence.narrow(1, c.TextLength, 4), generated));
    }

    [Fact]
    public void VideoFirst_VisualPositionsCannotSeeTheQuestion_QuestionFirstCan()
    {
        foreach (var layout in new[] { Layout.VideoFirst, Layout.QuestionFirst })
        {
            var c = new VideoLmmCase(1, 2, 2, 5, 32, 2, 1, FusionKind.DualCrossAttention, layout, TokenScope.Global, 23);
            using var scope = torch.NewDisposeScope();
            using var model = Build(c.Config(), c.Seed, gates: 0.5);
            var rng = new Random(c.Seed);
            var features = c.Features(rng);
            using var a = model.call(new VideoLmmInput(features, c.Ids(rng, 5)), null);
            using var b = model.call(new VideoLmmInput(features, c.Ids(rng, 5)), null);
            long start = layout == Layout.VideoFirst ? 0 : 5;
            long visual = a.Counts.VisualTokensInStream;
            bool same = TensorAssert.Identical(a.Logits.narrow(1, start, visual), b.Logits.narrow(1, start, visual));
            Assert.Equal(layout == Layout.VideoFirst, same);
        }
    }

    [Property(MaxTest = 8, Arbitrary = new[] { typeof(Arbitraries.VideoLmmCases) })]
    public void TokenCounts_FollowTheConfigFormulas(VideoLmmCase c)
    {
        using var scope = torch.NewDisposeScope();
        var config = c.Config();
        using var model = VideoLmmBuilder.Build(config);
        var rng = new Random(c.Seed);
        using var output = model.call(new VideoLmmInput(c.Features(rng), c.Ids(rng, c.TextLength)), null);
        var counts = output.Counts;
        Assert.Equal(config.StreamTokens(c.Frames), counts.VisualTokensInStream);
        Assert.Equal(c.Frames * c.Grid * c.Grid, counts.VisualTokensInStream);
        Assert.Equal(counts.VisualTokensInStream + c.TextLength, counts.TotalSequence);
        Assert.Equal(new long[] { c.Batch, counts.TotalSequence, VideoLmmCase.Vocab }, output.Logits.shape);
        foreach (var (source, tokens) in counts.SourceTokens)
        {
            Assert.Equal(config.SourceTokens(source, c.Frames), tokens);
        }

        Assert.Equal(config.Sources.ToArray(), counts.SourceTokens.Keys.ToArray());
    }

    [Fact]
    public void PaddedText_LeftPaddedRowMatchesTheUnpaddedPrompt()
    {
        var c = new VideoLmmCase(1, 2, 2, 4, 32, 2, 1, FusionKind.DualCrossAttention, Layout.QuestionFirst, TokenScope.Frame, 29);
        using var scope = torch.NewDisposeScope();
        using var model = Build(c.Config(), c.Seed, gates: 0.5);
        var rng = new Random(c.Seed);
        var features = c.Features(rng);
        var prompt = c.Ids(rng, 4);
        using var alone = model.call(new VideoLmmInput(features, prompt), null);
        var padded = torch.cat(new[] { c.Ids(rng, 2), prompt }, 1);
        var mask = torch.ones(1, 6, ScalarType.Bool);
        mask[0, TensorIndex.Slice(0, 2)] = torch.tensor(false);
        using var withPads = model.call(new VideoLmmInput(features, padded, mask), null);
        TensorAssert.AllClose(alone.Logits, withPads.Logits.narrow(1, 2, alone.Logits.shape[1]), rtol: 1e-4, atol: 1e-5);
    }
}
