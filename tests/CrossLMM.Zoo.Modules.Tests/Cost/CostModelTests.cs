using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Composed;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace CrossLMM.Zoo.Modules.Tests.Cost;

/// <summary>Properties of the analytic model itself (no tensors): formulas, conventions, scaling, pinned values.</summary>
public class CostModelTests
{
    private static readonly string[] Presets = { "tiny", "small", "2b", "7b" };

    public static IEnumerable<object[]> Stems() => ZooSpecs.Stems.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Stems))]
    public void Tokens_EveryPreset_EqualTheConfigFormulas(string stem)
    {
        foreach (var preset in Presets)
        {
            var config = ZooSpecs.Bind(stem, preset);
            foreach (int frames in new[] { 1, 7, 32, 256 })
            {
                var tokens = CostModel.Tokens(config, frames, 64);
                Assert.Equal((long)frames * config.EncoderTokensPerFrame, tokens.EncoderTokens);
                Assert.Equal(config.CompressedTokens(frames), tokens.CompressedTokens);
                Assert.Equal(config.StreamTokens(frames), tokens.StreamVisualTokens);
                Assert.Equal(config.StreamTokens(frames) + 64, tokens.StreamTokens);
                Assert.Equal(config.Sources.OrderBy(s => s), tokens.SourceTokens.Keys.OrderBy(s => s));
                Assert.All(tokens.SourceTokens, kv => Assert.Equal(config.SourceTokens(kv.Key, frames), kv.Value));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stems))]
    public void Parameters_EveryPreset_SumToTheTotal_AndMatchTheStages(string stem)
    {
        foreach (var preset in Presets)
        {
            var config = ZooSpecs.Bind(stem, preset);
            var p = CostModel.Parameters(config);
            Assert.Equal(p.Total, CostComponents.All.Sum(c => p[c]));
            Assert.Equal(p.Total, p.ByStage(CostStage.Visual) + p.ByStage(CostStage.Language) + p.ByStage(CostStage.Fusion));
            Assert.Equal(config.Fusion.IsEmpty, p.ByStage(CostStage.Fusion) == 0);
            Assert.Equal(config.NeedsSourceProjector, p[CostComponent.SourceProjector] > 0);
            Assert.Equal(config.Llm.TieEmbeddings, p[CostComponent.LmHead] == 0);
            Assert.Equal(0, p[CostComponent.AttentionScores]);
        }
    }

    /// <summary>Random architecture, preset, sizes and generated-token count (replaying a failure: see <see cref="Arbitraries"/>).</summary>
    public static class DecodeCases
    {
        public static Arbitrary<(string stem, string preset, int frames, int text, int batch, int generated)> Case() =>
            (from stem in Gen.Elements(ZooSpecs.Stems)
             from preset in Gen.Elements(Presets)
             from frames in Gen.Choose(1, 300)
             from text in Gen.Choose(1, 100)
             from batch in Gen.Choose(1, 4)
             from generated in Gen.Choose(0, 9)
             select (stem, preset, frames, text, batch, generated)).ToArbitrary();
    }

    [Property(MaxTest = 40, Arbitrary = new[] { typeof(DecodeCases) })]
    public void Decode_ClosedForm_EqualsTheSumOfItsSteps_ComponentByComponent((string stem, string preset, int frames, int text, int batch, int generated) c)
    {
        var config = ZooSpecs.Bind(c.stem, c.preset);
        var options = new CostOptions(Batch: c.batch, GeneratedTokens: c.generated);
        var decode = CostModel.Decode(config, c.frames, c.text, options);
        var steps = FlopBreakdown.Sum(Enumerable.Range(0, options.DecodeSteps).Select(k => CostModel.DecodeStep(config, c.frames, c.text, k, options)));
        foreach (var component in CostComponents.All)
        {
            foreach (var kind in CostComponents.Kinds)
            {
                Assert.Equal(steps.Get(component, kind), decode.Get(component, kind));
            }
        }

        var report = CostModel.Estimate(config, c.frames, c.text, options);
        Assert.Equal(report.Prefill.Total + decode.Total, report.TotalFlops);
        Assert.Equal(0, decode.ByStage(CostStage.Visual));   // decoding never touches the video
    }

    [Theory]
    [MemberData(nameof(Stems))]
    public void LmHead_DefaultIsTheLastPosition_AllAddsTheOtherPositionsOnly(string stem)
    {
        Assert.Equal(LmHeadPositions.Last, CostOptions.Default.LmHead);
        var config = ZooSpecs.Bind(stem, "7b");
        var last = CostModel.Prefill(config, 32, 64, new CostOptions(Batch: 2));
        var all = CostModel.Prefill(config, 32, 64, new CostOptions(Batch: 2, LmHead: LmHeadPositions.All));
        long stream = config.StreamTokens(32) + 64;
        Assert.Equal(2L * 2 * config.Llm.Hidden * config.Llm.Vocab, last[CostComponent.LmHead]);
        Assert.Equal(2L * 2 * (stream - 1) * config.Llm.Hidden * config.Llm.Vocab, all.Total - last.Total);
        Assert.Equal(all.Total - last.Total, all[CostComponent.LmHead] - last[CostComponent.LmHead]);
    }

    /// <summary>
    /// docs/cost-model.md, "Growth in T": for a per-frame compressor (n stream tokens and m source tokens
    /// per frame) the prefill is an exact quadratic a·T² + b·T + c with a = 4·B·H·(layers·n² + Σ_V2V global n·m +
    /// Σ_gated n·m): only self-attention among the visual tokens, global V2V and gated cross-attention of visual
    /// queries grow with T², everything else (vision, projections, MLPs, fusion K/V, T2V, V2V with scope frame)
    /// with T.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stems))]
    public void Prefill_PerFrameCompressor_IsQuadraticInFrames_WithTheDocumentedCoefficient(string stem)
    {
        var config = ZooSpecs.Bind(stem, "7b");
        if (!config.IsPerFrame || config.Sources.Any(s => config.SourceTokens(s, 2) != 2 * config.SourceTokens(s, 1)))
        {
            return;   // per-video and temporal compressors: token counts are not linear in T
        }

        const int batch = 2;
        long F(int t) => CostModel.Prefill(config, t, 64, new CostOptions(Batch: batch)).Total;
        long n = config.StreamTokens(1);
        long a = config.Llm.Layers * n * n;
        foreach (var fusion in config.Fusion)
        {
            long m = config.SourceTokens(fusion.Source, 1);
            long perLayer = fusion switch
            {
                DualCrossAttentionConfig dual when dual.HasV2V && dual.Scope == TokenScope.Global => n * m,   // frame: n·N·T, linear
                GatedCrossAttentionConfig => n * m,
                _ => 0,
            };
            a += fusion.Layers.Count * perLayer;
        }

        a *= 4L * batch * config.Llm.Hidden;
        foreach (int t in new[] { 1, 16, 250 })
        {
            Assert.Equal(2 * a, F(t + 2) - 2 * F(t + 1) + F(t));                                     // second difference = 2a
            Assert.Equal(0, F(t + 3) - 3 * F(t + 2) + 3 * F(t + 1) - F(t));                          // no cubic term
        }
    }

    [Fact]
    public void PaperScale_CrossLmmAt256Frames_IsFarCheaperThanFullTokensAndLlavaOneVision()
    {
        // CrossLMM's efficiency claim (arXiv:2505.17020, §4 efficiency figures vs LLaVA-OV, 32–256 frames), qualitatively.
        var cross = CostModel.Estimate(ZooSpecs.Bind("crosslmm", "7b"), 256, 64);
        var llava = CostModel.Estimate(ZooSpecs.Bind("llava-ov", "7b"), 256, 64);
        var full = CostModel.Estimate(ZooSpecs.Bind("full-tokens", "7b"), 256, 64);
        Assert.Equal(256 * 9 + 64, cross.Tokens.StreamTokens);
        Assert.Equal(256 * 196 + 64, llava.Tokens.StreamTokens);
        Assert.Equal(256 * 729 + 64, full.Tokens.StreamTokens);
        Assert.True(cross.Prefill.Total * 4 < llava.Prefill.Total, $"{cross.Prefill.Total} vs {llava.Prefill.Total}");
        Assert.True(cross.Prefill.Total * 40 < full.Prefill.Total, $"{cross.Prefill.Total} vs {full.Prefill.Total}");
        // The stream's own self-attention cache shrinks with the stream ...
        Assert.True(cross.Memory.SelfAttentionBytes * 20 < llava.Memory.SelfAttentionBytes);
        // ... and the DCALs cache only T2V's keys/values of the T·N original tokens, at the LLM's own K/V width
        // (kv_heads defaults to llm.kv_heads): the whole cache is below LLaVA-OV's, though of the same order.
        Assert.True(cross.Memory.KvCacheBytes < llava.Memory.KvCacheBytes, $"{cross.Memory.KvCacheBytes} vs {llava.Memory.KvCacheBytes}");
        Assert.True(cross.Memory.KvCacheBytes * 2 > llava.Memory.KvCacheBytes);
    }

    [Fact]
    public void PinnedValues_CrossLmm7B_256Frames()
    {
        var config = ZooSpecs.Bind("crosslmm", "7b");
        var report = CostModel.Estimate(config, 256, 64);
        // Self-attention cache: 2 · 28 layers · (4 kv heads · 128) · 2368 positions · 2 bytes.
        Assert.Equal(2L * 28 * 512 * 2368 * 2, report.Memory.SelfAttentionBytes);
        // Fusion cache: 7 DCALs × T2V only (V2V keeps nothing past the prefill) × K and V × the LLM's K/V width
        // 4 · 128 = 512 (kv_heads defaults to llm.kv_heads) × 186,624 original tokens × 2 bytes.
        Assert.Equal(7L * 1 * 2 * 512 * 186_624 * 2, report.Memory.FusionBytes);
        // Fusion K/V projections: 7 DCALs × 2 branches × 2 projections × 2·M·H·kv.
        Assert.Equal(7L * 2 * 2 * 2 * 186_624 * 3584 * 512, report.Prefill[CostComponent.FusionKeyValueProjections]);
        // V2V scores over all M keys (scope global): 7 × 4·L_v·M·H, plus T2V's 7 × 4·L_t·M·H.
        Assert.Equal(7L * 4 * (256 * 9 + 64) * 186_624 * 3584, report.Prefill.Get(CostComponent.FusionAttention, OpKind.Matmul));
        // The ViT: 256 frames × (patch conv + 27 layers of projections, scores and MLP).
        long n = 729, d = 1152;
        long perFrame = 2 * n * d * 3 * 14 * 14 + 27 * (8 * n * d * d + 4 * n * n * d + 4 * n * d * 4304);
        Assert.Equal(256 * perFrame, report.Prefill[CostComponent.Vision]);
        Assert.Equal(9_882_544_773, report.Parameters.Total);   // 10,190,912,133 with full-width (kv_heads = heads) fusion K/V
    }

    [Fact]
    public void Estimate_EveryArchitectureAt7bAnd1024Frames_DoesNotOverflow_AndGrowsWithFrames()
    {
        foreach (var stem in ZooSpecs.Stems)
        {
            var config = ZooSpecs.Bind(stem, "7b");
            var options = new CostOptions(Batch: 8, LmHead: LmHeadPositions.All, GeneratedTokens: 512, KvDtype: CostDtype.Float32);
            long previous = 0;
            foreach (int frames in new[] { 32, 64, 128, 256, 1024 })
            {
                var report = CostModel.Estimate(config, frames, 64, options);
                Assert.True(report.TotalFlops > previous, stem);
                previous = report.TotalFlops;
                Assert.Equal(report.Memory.SelfAttentionBytesPerPosition * (report.Tokens.StreamTokens + 511), report.Memory.FinalSelfAttentionBytes);
            }
        }
    }

    [Fact]
    public void Estimate_InvalidArguments_ThrowNamingTheArgument()
    {
        var config = ZooSpecs.Bind("crosslmm");
        Assert.Equal("frames", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.Estimate(config, 0, 4)).ParamName);
        Assert.Equal("textTokens", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.Estimate(config, 2, -1)).ParamName);
        Assert.Contains("options.Batch (0)", Assert.Throws<ArgumentException>(() => CostModel.Estimate(config, 2, 4, new CostOptions(Batch: 0))).Message);
        Assert.Contains("GeneratedTokens", Assert.Throws<ArgumentException>(() => CostModel.Estimate(config, 2, 4, new CostOptions(GeneratedTokens: -1))).Message);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.DecodeStep(config, 2, 4, -1)).ParamName);
        var flamingo = ZooSpecs.Bind("flamingo");
        Assert.Contains("stream would be empty", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.Estimate(flamingo, 2, 0)).Message);
        var perceiver = (PerceiverCompressorConfig)flamingo.Compressor;
        Assert.Contains("max_frames", Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.Estimate(flamingo, perceiver.MaxFrames + 1, 3)).Message);
    }

    [Fact]
    public void ModuleCostMap_ProductsInAContainer_AreReportedNotDropped()
    {
        var config = ZooSpecs.Bind("crosslmm");
        using var lm = new Qwen2ForCausalLM(config.Llm);
        var map = ModuleCostMap.Create(lm);
        Assert.Null(map.ComponentOf("model"));
        Assert.Equal(CostComponent.AttentionProjections, map.ComponentOf("model.layers.0.self_attn.q_proj"));
        Assert.Equal(CostComponent.AttentionScores, map.ComponentOf("model.layers.0.self_attn"));
        Assert.Equal(CostComponent.Mlp, map.ComponentOf("model.layers.0.mlp.down_proj"));
        Assert.Equal(CostComponent.LmHead, map.ComponentOf(""));
        var error = Assert.Throws<InvalidOperationException>(() => map.Attribute(new[] { new KeyValuePair<string, long>("model.layers", 10) }));
        Assert.Contains("'model.layers'", error.Message);
        Assert.Throws<InvalidOperationException>(() => map.Attribute(new[] { new KeyValuePair<string, long>("?Linear", 10) }));
        Assert.Throws<ArgumentException>(() => map.ComponentOf("no.such.module"));
    }

    [Fact]
    public void CostTable_SaysWhatIsCounted()
    {
        var config = ZooSpecs.Bind("crosslmm", "7b");
        string table = CostTable.Render(new[] { CostModel.Estimate(config, 32, 64), CostModel.Estimate(config, 64, 64) });
        Assert.Contains("LM head on the last prefill position only", table);
        Assert.Contains("2 × multiply-adds", table);
        Assert.Contains("KV cache bf16", table);
        Assert.Contains("crosslmm", table);
        Assert.Equal(4, table.TrimEnd().Split('\n').Length);   // conventions, header, two rows
        string all = CostTable.Render(new[] { CostModel.Estimate(config, 32, 64, new CostOptions(LmHead: LmHeadPositions.All)) });
        Assert.Contains("LM head on every prefill position", all);
    }
}
