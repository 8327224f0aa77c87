using System.Linq;
using CrossLMM.Zoo.Configs;
using Xunit;
using static CrossLMM.Zoo.Spec.Tests.TestSpecs;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>What binding derives: layer plans, token formulas per kind, overrides, widths and the source projector.</summary>
public class BinderTests
{
    private static ArchitectureConfig WithFusion(string entry, string preset = "small") =>
        Bind(Demo + "\nfusion:\n  - " + entry + "\n", preset);

    private static ArchitectureConfig WithCompressor(string compressor, string preset = "tiny") =>
        Bind(Demo.Replace("{ kind: pool2d, grid: 3 }", compressor), preset);

    [Theory]
    [InlineData("{ kind: hybrid, every: 4 }", new[] { 3, 7 })]
    [InlineData("{ kind: hybrid, every: 2 }", new[] { 1, 3, 5, 7 })]
    [InlineData("{ kind: hybrid, every: 8, start: 0 }", new[] { 0 })]
    [InlineData("{ kind: hybrid, every: 3, start: 1 }", new[] { 1, 4, 7 })]
    [InlineData("{ kind: hybrid, every: 1 }", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("{ kind: hybrid, layers: [6, 0, 2] }", new[] { 0, 2, 6 })]
    public void Placement_ExpandsToExplicitLayers(string entry, int[] layers)
    {
        var config = WithFusion(entry);
        Assert.Equal(layers, config.Fusion[0].Layers.ToArray());
        Assert.Equal(layers, config.LayerPlan.FusedLayers.ToArray());
        Assert.Equal(8, config.LayerPlan.Count);
        Assert.All(layers, l => Assert.Equal(0, config.LayerPlan[l]));
        Assert.Same(config.Fusion[0], config.FusionAt(layers[0]));
    }

    [Fact]
    public void Placement_EveryDependsOnThePreset()
    {
        const string entry = "{ kind: dual_cross_attention, every: 4 }";
        Assert.Equal(new[] { 3 }, WithFusion(entry, "tiny").Fusion[0].Layers.ToArray());
        Assert.Equal(new[] { 3, 7 }, WithFusion(entry, "small").Fusion[0].Layers.ToArray());
    }

    [Fact]
    public void LayerPlan_ShowsEveryEntryOnItsLayers()
    {
        var config = Bind(Demo + "\nfusion:\n  - { kind: dual_cross_attention, every: 4 }\n  - { kind: hybrid, layers: [0] }\n", "small");
        Assert.Equal("[1, -, -, 0, -, -, -, 0]", config.LayerPlan.ToString());
        Assert.IsType<HybridFusionConfig>(config.FusionAt(0));
        Assert.Null(config.FusionAt(1));
    }

    [Fact]
    public void Defaults_AreFilledFromTheVocabulary()
    {
        var config = WithFusion("{ kind: dual_cross_attention, every: 4 }");
        var dual = Assert.IsType<DualCrossAttentionConfig>(config.Fusion[0]);
        Assert.Equal(EquatableArray.Of(CrossAttentionBranch.V2V, CrossAttentionBranch.T2V), dual.Branches);
        Assert.Equal(TokenScope.Global, dual.Scope);
        Assert.Equal(FusionSource.Original, dual.Source);
        Assert.Equal(0.0, dual.GateInit);
        Assert.Equal(config.Llm.Heads, dual.Heads);
        Assert.Equal(config.Llm.KvHeads, dual.KvHeads);
        Assert.Equal(config.Llm.Mlp, dual.Mlp);
        Assert.Equal(Layout.VideoFirst, config.Layout);
        Assert.Equal(new MlpProjectorConfig(2, Activation.Gelu, ProjectorNorm.None), config.Projector);
        Assert.Equal(FusionSource.Compressed, WithFusion("{ kind: gated_cross_attention, every: 4 }").Fusion[0].Source);
    }

    [Fact]
    public void FusionHeadLayout_DefaultsToTheLlms_AndExplicitValuesAreKept()
    {
        // small: llm.heads 8, kv_heads 2, mlp 1408, hidden 512.
        var gated = Assert.IsType<GatedCrossAttentionConfig>(WithFusion("{ kind: gated_cross_attention, every: 4 }").Fusion[0]);
        Assert.Equal((8, 2, 1408), (gated.Heads, gated.KvHeads, gated.Mlp));
        Assert.Equal(128, gated.KvWidth(512));   // the LLM's own K/V width, not H = 512
        var hybrid = Assert.IsType<HybridFusionConfig>(WithFusion("{ kind: hybrid, every: 4 }").Fusion[0]);
        Assert.Equal((8, 2), (hybrid.Heads, hybrid.KvHeads));

        var dual = Assert.IsType<DualCrossAttentionConfig>(WithFusion("{ kind: dual_cross_attention, every: 4, heads: 4, kv_heads: 4, mlp: 256 }").Fusion[0]);
        Assert.Equal((4, 4, 256), (dual.Heads, dual.KvHeads, dual.Mlp));
        Assert.Equal(512, dual.KvWidth(512));   // kv_heads = heads: full-width keys/values
        Assert.Empty(WithFusion("{ kind: dual_cross_attention, every: 4, kv_heads: 1 }").Validate());
    }

    [Fact]
    public void FusionHeadLayout_ChangedInCode_UsesTheSharedWording()
    {
        var config = WithFusion("{ kind: hybrid, every: 4 }");
        var hybrid = (HybridFusionConfig)config.Fusion[0];
        var broken = config with { Fusion = EquatableArray.Of<FusionConfig>(hybrid with { KvHeads = 8 }) };
        Assert.Contains("fusion[0].kv_heads (8) must equal llm.kv_heads (2): a hybrid layer reuses its decoder layer's queries and starts its keys/values as copies of that layer's k_proj/v_proj", broken.Validate());
        var dual = (DualCrossAttentionConfig)WithFusion("{ kind: dual_cross_attention, every: 4 }").Fusion[0];
        var odd = config with { Fusion = EquatableArray.Of<FusionConfig>(dual with { KvHeads = 3, Mlp = 0 }) };
        Assert.Contains("fusion[0].heads (8) must be divisible by fusion[0].kv_heads (3)", odd.Validate());
        Assert.Contains("fusion[0].mlp (0) must be ≥ 1", odd.Validate());
    }

    [Theory]
    [InlineData("{ kind: identity }", 16, 8 * 16)]
    [InlineData("{ kind: pool2d, grid: 1 }", 1, 8)]
    [InlineData("{ kind: pool2d, grid: 3 }", 9, 8 * 9)]
    [InlineData("{ kind: strided_pool2d, stride: 3 }", 4, 8 * 4)]
    [InlineData("{ kind: qformer, queries: 5 }", 5, 8 * 5)]
    [InlineData("{ kind: perceiver, latents: 7, per: frame }", 7, 8 * 7)]
    [InlineData("{ kind: llama_vid }", 2, 16)]
    public void PerFrameKinds_CountTokensPerFrame(string compressor, int perFrame, long tokensFor8Frames)
    {
        var config = WithCompressor(compressor);
        Assert.True(config.IsPerFrame);
        Assert.Equal(perFrame, config.StreamTokensPerFrame);
        Assert.Equal(tokensFor8Frames, config.StreamTokens(8));
        Assert.Equal(0, config.StreamTokens(0));
    }

    [Theory]
    [InlineData("{ kind: qformer, queries: 5, per: video }", 5, 5)]
    [InlineData("{ kind: perceiver, latents: 7 }", 7, 7)]
    [InlineData("{ kind: ccam, queries: 12 }", 12, 12)]
    [InlineData("{ kind: temporal_pool, frames: 4, stride: 2 }", 4, 2 * 4)]
    [InlineData("{ kind: temporal_pool, frames: 4 }", 16, 2 * 16)]
    public void OtherKinds_CountTokensPerVideoOrWindow(string compressor, long tokensFor1Frame, long tokensFor8Frames)
    {
        var config = WithCompressor(compressor);
        Assert.False(config.IsPerFrame);
        Assert.Null(config.StreamTokensPerFrame);
        Assert.Equal(tokensFor1Frame, config.StreamTokens(1));
        Assert.Equal(tokensFor8Frames, config.StreamTokens(8));
    }

    [Fact]
    public void TemporalPool_ProvidesSlowTokensOfEveryFrame()
    {
        var config = Bind(Demo.Replace("{ kind: pool2d, grid: 3 }", "{ kind: temporal_pool, frames: 4, stride: 3 }")
            + "\nfusion:\n  - { kind: hybrid, every: 2, source: slow }\n", "small");
        var pool = Assert.IsType<TemporalPoolCompressorConfig>(config.Compressor);
        Assert.Equal(5, pool.SpatialGrid(14));
        Assert.Equal(10 * 25, config.SourceTokens(FusionSource.Slow, 10));
        Assert.Equal(2 * 25, config.StreamTokens(10));
        Assert.Equal(10 * 196, config.SourceTokens(FusionSource.Original, 10));
        Assert.Equal("max(1, ⌊T/4⌋)·25", config.TokensFormulaAtPreset);
    }

    [Fact]
    public void CrossAttentionOnly_PutsNoVisualTokensInTheStream()
    {
        var config = Bind(Demo.Replace("{ kind: pool2d, grid: 3 }", "{ kind: perceiver, latents: 8 }")
            + "\nlayout: cross_attention_only\nfusion:\n  - { kind: gated_cross_attention, every: 2 }\n");
        Assert.Equal(0, config.StreamTokens(16));
        Assert.Equal(8, config.CompressedTokens(16));
        Assert.Equal(8, config.SourceTokens(FusionSource.Compressed, 16));
        Assert.Equal("0 (cross-attention only)", config.TokensFormula);
    }

    [Fact]
    public void Ccam_QueriesSeeFramesUpToTheirGroupsHorizon()
    {
        var ccam = new CcamCompressorConfig(8);
        Assert.Equal(new[] { 1, 1, 2, 2, 3, 3, 4, 4 }, Enumerable.Range(0, 8).Select(j => ccam.VisibleFrames(j, 4)).ToArray());
        Assert.All(Enumerable.Range(0, 8), j => Assert.Equal(1, ccam.VisibleFrames(j, 1)));
        Assert.Equal(16, ccam.VisibleFrames(7, 16));
    }

    [Fact]
    public void Overrides_ApplyToTheirPresetOnly()
    {
        string yaml = Demo + "\noverrides:\n  tiny:\n    llm: { layers: 2 }\n    compressor: { grid: 2 }\n";
        var tiny = Bind(yaml, "tiny");
        var small = Bind(yaml, "small");
        Assert.Equal(2, tiny.Llm.Layers);
        Assert.Equal(new Pool2dCompressorConfig(2), tiny.Compressor);
        Assert.Equal(8, small.Llm.Layers);
        Assert.Equal(new Pool2dCompressorConfig(3), small.Compressor);
    }

    [Fact]
    public void Overrides_OfEveryValueType_ReplaceOnlyTheFieldsTheySet()
    {
        string yaml = Demo + "\noverrides:\n  small:\n    vision: { norm_eps: 1.0e-5 }\n    resampler: { mlp: 96 }\n    llm: { kv_heads: 4, rope_theta: 5000, tie_embeddings: false }\n";
        var plain = Bind(Demo, "small");
        var changed = Bind(yaml, "small");
        Assert.Equal(plain.Vision with { NormEps = 1.0e-5 }, changed.Vision);
        Assert.Equal(plain.Resampler with { Mlp = 96 }, changed.Resampler);
        Assert.Equal(plain.Llm with { KvHeads = 4, RopeTheta = 5000, TieEmbeddings = false }, changed.Llm);
        Assert.Equal(VisionKind.Vit, changed.Vision.Kind);
    }

    [Fact]
    public void Overrides_CannotChangeStructure()
    {
        var d = Single(Demo.Replace("{ kind: pool2d, grid: 3 }", "{ kind: qformer }") + "\noverrides:\n  tiny:\n    compressor: { per: video }\n");
        AssertDiagnostic(d, "CLMZ0002", "unknown key 'per' in overrides.tiny.compressor (overrides may set the qformer size fields: queries, cross_every)", 8, 19);
    }

    [Fact]
    public void Widths_FollowTheFeatureSpaceOfTheCompressor()
    {
        var pooled = Bind(Demo, "small");
        Assert.Equal(256, pooled.CompressorOutputWidth);
        Assert.False(pooled.NeedsSourceProjector);

        var qformer = Bind(Demo.Replace("{ kind: pool2d, grid: 3 }", "{ kind: qformer }") + "\nfusion:\n  - { kind: dual_cross_attention, every: 4, branches: [t2v] }\n", "small");
        Assert.Equal(128, qformer.CompressorOutputWidth);
        Assert.True(qformer.NeedsSourceProjector);
        Assert.Equal(256, qformer.SourceProjectorInputWidth);
        Assert.Equal(256, qformer.SourceWidth(FusionSource.Original));

        var llamaVid = Bind(Demo.Replace("{ kind: pool2d, grid: 3 }", "{ kind: llama_vid }"), "small");
        Assert.Equal(256, llamaVid.CompressorOutputWidth);
        Assert.True(llamaVid.Compressor.UsesResampler);
    }

    [Fact]
    public void SourceProjector_IsDecidedBySpaceNotByWidth()
    {
        // At tiny, resampler and vision are both 32 wide, yet the module structure must not change with the preset.
        var yaml = Demo.Replace("{ kind: pool2d, grid: 3 }", "{ kind: qformer }") + "\nfusion:\n  - { kind: dual_cross_attention, every: 4, branches: [t2v] }\n";
        var tiny = Bind(yaml, "tiny");
        Assert.Equal(tiny.Vision.Hidden, tiny.Resampler.Hidden);
        Assert.True(tiny.NeedsSourceProjector);
    }

    [Fact]
    public void DerivedSizes_AreComputedOnce()
    {
        var config = Bind(Demo, "small");
        Assert.Equal(14, config.PatchGrid);
        Assert.Equal(196, config.EncoderTokensPerFrame);
        Assert.Equal(64, config.Vision.HeadDim);
        Assert.Equal(64, config.Llm.HeadDim);
        Assert.Equal(128, config.Llm.KvWidth);
        Assert.Equal(4, config.Llm.QueriesPerKvHead);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public void BindAll_BindsEveryPresetInZooOrder()
    {
        var result = BindAll(Demo);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "tiny", "small" }, result.Configs.Select(c => c.Preset).ToArray());
        Assert.Equal("Demo", result.Name);
        Assert.Equal("demo", result.Stem);
        Assert.Equal("architectures/demo.yaml", result.SourceFile);
    }

    [Fact]
    public void Bind_WithoutPreset_UsesTheDefault()
    {
        var zoo = ZooRegistry.Parse(ZooYaml + "\ndefaults: { preset: small }\n", ZooPath);
        Assert.Equal("small", SpecCompiler.Bind(Demo, SpecPath, zoo).GetConfigOrThrow().Preset);
    }

    [Fact]
    public void Bind_IsDeterministicAndEquatable()
    {
        Assert.Equal(BindAll(Demo), BindAll(Demo));
        Assert.Equal(Bind(Demo).GetHashCode(), Bind(Demo).GetHashCode());
        Assert.NotEqual(Bind(Demo), Bind(Demo.Replace("grid: 3", "grid: 2")));
    }

    [Fact]
    public void Validate_OnARecordChangedInCode_UsesTheSharedWording()
    {
        var config = Bind(Demo) with { Llm = Bind(Demo).Llm with { Hidden = 30 } };
        Assert.Contains("llm.hidden (30) must be divisible by llm.heads (4)", config.Validate());
        var ex = Assert.Throws<System.ArgumentException>(() => config.EnsureValid("spec"));
        Assert.Equal("spec", ex.ParamName);
    }

    [Theory]
    [InlineData("tiny", "Tiny")]
    [InlineData("small", "Small")]
    [InlineData("2b", "Size2B")]
    [InlineData("7b", "Size7B")]
    [InlineData("qwen-1p5b", "Qwen1P5B")]
    [InlineData("cpu_fast", "CpuFast")]
    public void PresetNames_BecomePascalCaseProperties(string preset, string property) =>
        Assert.Equal(property, Names.PresetPropertyName(preset));

    [Theory]
    [InlineData("/repo/zoo.yaml", "/repo/architectures/x.yaml", "architectures/x.yaml")]
    [InlineData("/repo/architectures/../zoo.yaml", "/repo/architectures/x.yaml", "architectures/x.yaml")]
    [InlineData("zoo.yaml", "architectures/x.yaml", "architectures/x.yaml")]
    [InlineData(@"C:\repo\zoo.yaml", @"C:\repo\architectures\x.yaml", "architectures/x.yaml")]
    [InlineData("/a/zoo.yaml", "/b/x.yaml", "/b/x.yaml")]
    public void SourceFile_IsRelativeToTheRegistry(string registry, string spec, string expected) =>
        Assert.Equal(expected, Names.RelativeToRegistry(registry, spec));

    /// <summary>
    /// Every compressor kind's sized rules name the field they are about (<see cref="CompressorConfig.Problems"/>), so the
    /// binder reports each at its YAML value: built with every integer field 0, each kind with an integer field breaks a
    /// rule, and every problem's field is one the kind declares and its message speaks of <c>compressor.&lt;field&gt;</c>.
    /// </summary>
    [Fact]
    public void CompressorProblems_NameADeclaredField_ThatTheMessageSpeaksOf()
    {
        var vision = new VisionConfig(VisionKind.Precomputed, 16, 4, 3, 8, 1, 2, 16, 1e-6);
        foreach (var kind in KindDeclaration.Compressors.Where(k => k.Fields.Any(f => f.Type == typeof(int))))
        {
            var record = (CompressorConfig)kind.Create((p, f) => f!.Type == typeof(int) ? 0 : System.Enum.GetValues(f.Type).GetValue(0)!);
            var problems = record.Problems(vision);
            Assert.NotEmpty(problems);
            Assert.All(problems, p =>
            {
                Assert.Contains(p.Field, kind.Fields.Select(f => f.Name));
                Assert.StartsWith($"compressor.{p.Field} (0)", p.Message, System.StringComparison.Ordinal);
            });
            Assert.Equal(problems.Select(p => p.Message), record.Validate(vision));
        }
    }

    [Fact]
    public void CompressorRule_IsReportedAtItsField_NotAtTheKind()
    {
        // segment_tokens 999 > g² at tiny (16): the rule of the record, reported at the value, not at `kind`.
        var d = Single("name: Big\nvision: { kind: vit }\ncompressor: { kind: longvlm, segment_tokens: 999 }\nprojector: { kind: mlp }\nllm: { kind: qwen2 }\n");
        Assert.Equal("CLMZ0013", d.Id);
        Assert.StartsWith("compressor.segment_tokens (999) must be ≤ the tokens of one frame", d.Message, System.StringComparison.Ordinal);
        Assert.Equal((3, 46), (d.Span.Line, d.Span.Column));   // the value 999; `kind` is at column 21
    }
}
