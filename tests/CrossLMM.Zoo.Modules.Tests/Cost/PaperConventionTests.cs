using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Tests.Composed;
using FsCheck;
using FsCheck.Fluent;

namespace CrossLMM.Zoo.Modules.Tests.Cost;

/// <summary>
/// The CrossLMM paper's counting convention (<see cref="PaperConvention"/>): MACs of the vision encoder plus the
/// LLM's linear layers over the stream tokens, no attention scores, no fusion layers. Checked against hand counts
/// and against the exact model minus the terms it leaves out.
/// </summary>
public class PaperConventionTests
{
    private static readonly string[] Presets = { "tiny", "small", "2b", "7b" };

    [Fact]
    public void CountedAndLeftOut_PartitionEveryComponentThatHasFlops()
    {
        var parametersOnly = new[] { CostComponent.Embeddings, CostComponent.Norms, CostComponent.FusionNorms };
        var all = PaperConvention.Counted.Concat(PaperConvention.LeftOut).Concat(parametersOnly).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(CostComponents.All.OrderBy(c => c), all.OrderBy(c => c));
        Assert.Contains(CostComponent.AttentionScores, PaperConvention.LeftOut);
        Assert.All(PaperConvention.LeftOut.Where(c => c.Stage() == CostStage.Fusion), c => Assert.DoesNotContain(c, PaperConvention.Counted));
        Assert.DoesNotContain(PaperConvention.Counted, c => c.Stage() == CostStage.Fusion);
    }

    [Fact]
    public void OneLinearLayer_CountsOneMacPerMultiplyAdd()
    {
        // The LM head over 5 positions of the tiny LLM (H = 32, vocab 512): 5 · 32 · 512 multiply-adds.
        var llm = ZooSpecs.Bind("pool-only").Llm;
        var head = LanguageBlockFlops.LmHead(llm, batch: 1, positions: 5);
        Assert.Equal(163_840, head.Total);
        Assert.Equal(81_920, PaperConvention.MultiplyAccumulates(head));

        // One decoder layer over 3 positions and 3 keys: q, o 32·32 and k, v 32·16 per position (kv_heads 2 × head_dim 8);
        // SwiGLU 3 · 32 · 64; the 2 · 3 · 3 · 32 multiply-adds of QKᵀ and AV are left out.
        var layer = LanguageBlockFlops.DecoderLayer(llm, batch: 1, queries: 3, keys: 3);
        Assert.Equal(3 * (2 * 32 * 32 + 2 * 32 * 16) + 3 * 3 * 32 * 64, PaperConvention.MultiplyAccumulates(layer));
        Assert.Equal(27_648, PaperConvention.MultiplyAccumulates(layer));
        Assert.Equal(2 * 27_648 + 4 * 3 * 3 * 32, layer.Total);

        // Attention scores and fusion alone count nothing.
        Assert.Equal(0, PaperConvention.MultiplyAccumulates(FlopBreakdown.Of(CostComponent.AttentionScores, OpKind.Matmul, 1_000_000)));
        Assert.Equal(0, PaperConvention.MultiplyAccumulates(FlopBreakdown.Of(CostComponent.FusionFeedForward, OpKind.Linear, 1_000_000)));
    }

    [Fact]
    public void PoolOnlyAtTiny_TwoFramesFiveTextTokens_EqualsTheHandCount()
    {
        // tiny: 32 px frames, patch 8 → N = 16 tokens of D = 32, 2 ViT layers with MLP 64; pool2d grid 3 → 9 tokens per frame.
        // ViT per frame: conv 16·32·3·8² = 98,304; per layer q/k/v/o 4·16·32² = 65,536, MLP 2·16·32·64 = 65,536,
        // QKᵀ + AV 2·16²·32 = 16,384 → 147,456 × 2 layers; 393,216 in all.
        // LLM (H 32, kv 16, MLP 64, 4 layers) per token: 4 · (32·(2·32 + 2·16) + 3·32·64) = 36,864; S = 2·9 + 5 = 23.
        // LM head on the last position: 32 · 512 = 16,384.
        var report = CostModel.Estimate(ZooSpecs.Bind("pool-only"), frames: 2, textTokens: 5);
        var paper = PaperConvention.Of(report);
        Assert.Equal(23, paper.StreamTokens);
        Assert.Equal(2 * 393_216, paper.VisionMacs);
        Assert.Equal(23 * 36_864 + 16_384, paper.LanguageLinearMacs);
        Assert.Equal(1_650_688, paper.Macs);
        // Left out: the projector (LayerNorm + 2-layer MLP 32 → 32 → 32 on 18 tokens) and the self-attention scores
        // 4 layers × 2 · 23 · 23 · 32 multiply-adds.
        Assert.Equal(2 * 18 * (32 * 32 + 32 * 32), paper.LeftOutFlops[CostComponent.Projector]);
        Assert.Equal(4 * 4 * 23 * 23 * 32, paper.LeftOutFlops[CostComponent.AttentionScores]);
        Assert.Equal(report.Prefill.Total, 2 * paper.Macs + paper.LeftOutTotal);
    }

    [Fact]
    public void LmHeadOnEveryPosition_AddsTheHeadOverTheOtherPositions()
    {
        var config = ZooSpecs.Bind("llava-ov", "7b");
        var last = PaperConvention.Of(CostModel.Estimate(config, 32, 64));
        var all = PaperConvention.Of(CostModel.Estimate(config, 32, 64, new CostOptions(LmHead: LmHeadPositions.All)));
        Assert.Equal((all.StreamTokens - 1) * 3584L * 152064L, all.Macs - last.Macs);
    }

    /// <summary>Random architecture, preset, sizes and LM-head convention.</summary>
    public static class Cases
    {
        public static Arbitrary<(string stem, string preset, int frames, int text, int batch, bool allLogits)> Case() =>
            (from stem in Gen.Elements(ZooSpecs.Stems)
             from preset in Gen.Elements(Presets)
             from frames in Gen.Choose(1, 512)
             from text in Gen.Choose(1, 2048)
             from batch in Gen.Choose(1, 4)
             from allLogits in Gen.Elements(false, true)
             select (stem, preset, frames, text, batch, allLogits)).ToArbitrary();
    }

    /// <summary>
    /// The paper's count is the exact count minus what it leaves out, halved, component by component; and it
    /// equals the closed form B·(T·ViT + S·ℓ·(H(2H + 2kv) + 3HI) + positions·H·V) written from the config alone.
    /// </summary>
    [Property(MaxTest = 60, Arbitrary = new[] { typeof(Cases) })]
    public void PaperCount_IsExactMinusLeftOut_AndTheClosedForm((string stem, string preset, int frames, int text, int batch, bool allLogits) c)
    {
        var config = ZooSpecs.Bind(c.stem, c.preset);
        var options = new CostOptions(Batch: c.batch, LmHead: c.allLogits ? LmHeadPositions.All : LmHeadPositions.Last);
        var report = CostModel.Estimate(config, c.frames, c.text, options);
        var paper = PaperConvention.Of(report);

        Assert.Equal(report.Prefill.Total, checked(2 * paper.Macs + paper.LeftOutTotal));
        Assert.Equal(report.Prefill[CostComponent.Vision], 2 * paper.VisionMacs);
        foreach (var component in PaperConvention.LeftOut)
        {
            Assert.Equal(report.Prefill[component], paper.LeftOutFlops[component]);
        }

        Assert.Equal(PaperConvention.MultiplyAccumulates(report.Prefill), paper.Macs);
        Assert.Equal(report.Prefill.ByStage(CostStage.Fusion), PaperConvention.LeftOut.Where(x => x.Stage() == CostStage.Fusion).Sum(x => paper.LeftOutFlops[x]));

        checked
        {
            var v = config.Vision;
            long n = v.TokensPerFrame, d = v.Hidden;
            long vitPerFrame = v.Kind == VisionKind.Precomputed ? 0
                : n * d * v.Channels * v.Patch * v.Patch + v.Layers * (4 * n * d * d + 2 * n * d * v.Mlp + 2 * n * n * d);
            long h = config.Llm.Hidden, kv = config.Llm.KvWidth;
            long s = config.StreamTokens(c.frames) + c.text;
            long perToken = config.Llm.Layers * (h * (2 * h + 2 * kv) + 3 * h * config.Llm.Mlp);
            long positions = c.allLogits ? s : 1;
            long expected = c.batch * ((long)c.frames * vitPerFrame + s * perToken + positions * h * config.Llm.Vocab);
            Assert.Equal(expected, paper.Macs);
            Assert.Equal(c.batch * s, report.Options.Batch * paper.StreamTokens);
        }
    }

    [Fact]
    public void PinnedValues_7b_CrossLmmAndLlavaOneVision()
    {
        // Regression pins of the paper count at 7b, 64 text tokens (the closed form above is the independent check).
        var crosslmm = PaperConvention.Of(CostModel.Estimate(ZooSpecs.Bind("crosslmm", "7b"), 256, 64));
        var llava = PaperConvention.Of(CostModel.Estimate(ZooSpecs.Bind("llava-ov", "7b"), 256, 64));
        Assert.Equal(PinnedCrossLmm, crosslmm.Macs);
        Assert.Equal(PinnedLlava, llava.Macs);
        Assert.Equal(crosslmm.VisionMacs, llava.VisionMacs);
        Assert.True(crosslmm.LeftOutFlops[CostComponent.FusionAttention] > 0);
        Assert.Equal(0, llava.LeftOutFlops[CostComponent.FusionAttention]);
    }

    private const long PinnedCrossLmm = 100_757_786_656_768;
    private const long PinnedLlava = 413_136_395_239_424;

    [Fact]
    public void Describe_SaysWhatIsCountedAndLeftOut()
    {
        string text = PaperConvention.Describe(CostModel.Estimate(ZooSpecs.Bind("crosslmm"), 4, 8));
        Assert.Contains("multiply-accumulates", text);
        Assert.Contains("vision encoder", text);
        Assert.Contains("left out", text);
        Assert.Contains("attention scores", text);
        Assert.Contains("fusion layers", text);
        Assert.Equal("paper", CostConvention.Paper.Name());
        Assert.Equal("exact", CostConvention.Exact.Name());
    }
}
