using System.Linq;
using CrossLMM.Zoo.Configs;
using Xunit;
using static CrossLMM.Zoo.Spec.Tests.TestSpecs;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>One test (at least) per diagnostic ID: ID, exact message, YAML line and column.</summary>
public class DiagnosticTests
{
    private const string Tail = "projector: { kind: mlp }\nllm: { kind: qwen2 }\n";

    [Fact]
    public void CLMZ0001_MalformedMapping_ReportsScannerPosition()
    {
        var d = Single("name: Demo\nvision: { kind: vit }\ncompressor:\n  kind: pool2d, grid: 3\n" + Tail);
        AssertDiagnostic(d, "CLMZ0001", "YAML syntax error: While scanning a plain scalar value, found invalid mapping.", 4, 21);
    }

    [Fact]
    public void CLMZ0001_UnclosedFlowSequence_BareInvalidOperationIsCaught()
    {
        // YamlDotNet 16.3 throws a bare InvalidOperationException here, not a YamlException.
        var d = Single("name: Demo\nfusion: [1, 2\nlayout: video_first\n");
        AssertDiagnostic(d, "CLMZ0001", "YAML syntax error: malformed YAML near here, often an unclosed '[' or '{' (InvalidOperationException: Operation is not valid due to the current state of the object.)", 3, 1);
    }

    [Fact]
    public void CLMZ0001_UndefinedAlias_IsASyntaxError()
    {
        var d = Single(Demo + "\nlayout: *nowhere\n");
        AssertDiagnostic(d, "CLMZ0001", "YAML syntax error: alias '*nowhere' refers to no anchor defined before it", 6, 9);
    }

    [Fact]
    public void CLMZ0001_SecondDocument_IsRejected()
    {
        var d = Single(Demo + "\n---\nname: Other\n");
        Assert.Equal("CLMZ0001", d.Id);
        Assert.Equal("YAML syntax error: a spec file holds one YAML document, found a second one", d.Message);
        Assert.Equal(6, d.Span.Line);
    }

    [Fact]
    public void CLMZ0001_DeepNesting_StopsAtTheLimit()
    {
        var d = Single("name: " + new string('[', 200) + new string(']', 200) + "\n");
        AssertDiagnostic(d, "CLMZ0001", "YAML syntax error: nesting deeper than 64 levels", 1, 70);
    }

    [Fact]
    public void CLMZ0002_MisspeltKey_SuggestsTheField()
    {
        // 'grid' is then also missing: both are reported, the misspelling at the key.
        var all = BindAll(Demo.Replace("grid: 3", "gird: 3")).Diagnostics;
        Assert.Equal(new[] { "CLMZ0002", "CLMZ0005" }, all.Select(x => x.Id).ToArray());
        AssertDiagnostic(all[0], "CLMZ0002", "unknown key 'gird' in compressor (pool2d); did you mean 'grid'?", 3, 29);
    }

    [Fact]
    public void CLMZ0002_UnknownTopLevelKey_ListsNothingFarFetched()
    {
        var d = Single(Demo + "\nlayuot: video_first\n");
        AssertDiagnostic(d, "CLMZ0002", "unknown key 'layuot' in the architecture; did you mean 'layout'?", 6, 1);
    }

    [Fact]
    public void CLMZ0002_SizeInSlot_PointsAtPresetsAndOverrides()
    {
        var d = Single(Demo.Replace("llm: { kind: qwen2 }", "llm: { kind: qwen2, hidden: 64 }"));
        AssertDiagnostic(d, "CLMZ0002", "unknown key 'hidden' in llm (qwen2): sizes come from the zoo.yaml presets (change one with overrides.<preset>.llm.hidden)", 5, 21);
    }

    [Fact]
    public void CLMZ0003_UnknownKind_SuggestsTheClosest()
    {
        var d = Single(Demo.Replace("kind: pool2d", "kind: pool"));
        AssertDiagnostic(d, "CLMZ0003", "unknown compressor kind 'pool'; did you mean 'pool2d'?", 3, 21);
    }

    [Fact]
    public void CLMZ0003_UnknownFusionKind_NamesTheEntry()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: dual_crossattention, every: 4 }\n");
        AssertDiagnostic(d, "CLMZ0003", "unknown fusion kind 'dual_crossattention' in fusion[0]; did you mean 'dual_cross_attention'?", 7, 13);
    }

    [Fact]
    public void CLMZ0004_UnknownLayout_SuggestsTheValue()
    {
        var d = Single(Demo + "\nlayout: videofirst\n");
        AssertDiagnostic(d, "CLMZ0004", "unknown value 'videofirst' for layout; did you mean 'video_first'?", 6, 9);
    }

    [Fact]
    public void CLMZ0004_UnknownSource_ListsTheValues()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, every: 4, source: pixels }\n");
        AssertDiagnostic(d, "CLMZ0004", "unknown value 'pixels' for fusion[0].source; expected one of: original, compressed, slow", 7, 39);
    }

    [Fact]
    public void CLMZ0005_MissingGrid_IsReportedAtTheSlot()
    {
        var d = Single(Demo.Replace(", grid: 3", string.Empty));
        AssertDiagnostic(d, "CLMZ0005", "compressor (pool2d) is missing required field 'grid'", 3, 1);
    }

    [Fact]
    public void CLMZ0005_MissingTopLevelSlot_IsReportedAtFileStart()
    {
        var d = Single(Demo.Replace("llm: { kind: qwen2 }", string.Empty));
        AssertDiagnostic(d, "CLMZ0005", "the architecture is missing required field 'llm'", 1, 1);
    }

    [Fact]
    public void CLMZ0006_StringForInteger_QuotesTheValue()
    {
        var d = Single(Demo.Replace("grid: 3", "grid: three"));
        AssertDiagnostic(d, "CLMZ0006", "compressor.grid: expected an integer, got 'three'", 3, 35);
    }

    [Fact]
    public void CLMZ0006_QuotedNumber_IsAString()
    {
        var d = Single(Demo.Replace("grid: 3", "grid: \"3\""));
        AssertDiagnostic(d, "CLMZ0006", "compressor.grid: expected an integer, got the quoted string \"3\"", 3, 35);
    }

    [Fact]
    public void CLMZ0006_StrTaggedInteger_NamesKeyValueAndTag()
    {
        // !!str makes '3' a string in every YAML schema: reading it as an integer would silently change its type.
        var d = Single(Demo.Replace("grid: 3", "grid: !!str 3"));
        AssertDiagnostic(d, "CLMZ0006", "compressor.grid: expected an integer, got '3' tagged !!str", 3, 35);
    }

    [Theory]
    [InlineData("grid: !!int 3")]
    [InlineData("grid: !!int \"3\"")]
    public void CLMZ0006_IntTaggedInteger_IsAnInteger(string grid) =>
        Assert.Equal(3, ((Pool2dCompressorConfig)Bind(Demo.Replace("grid: 3", grid)).Compressor).Grid);

    [Theory]
    [InlineData("kind: !!int pool2d", "compressor.kind: expected one of identity, pool2d, strided_pool2d, temporal_pool, qformer, perceiver, ccam, llama_vid, longvlm, frame_sample, got 'pool2d' tagged !!int", 3, 21)]
    [InlineData("grid: !custom 3", "compressor.grid: expected an integer, got '3' tagged !custom", 3, 35)]
    public void CLMZ0006_TagThatContradictsTheField_IsReported(string replacement, string message, int line, int column)
    {
        var d = Single(Demo.Replace(replacement.StartsWith("kind", System.StringComparison.Ordinal) ? "kind: pool2d" : "grid: 3", replacement));
        AssertDiagnostic(d, "CLMZ0006", message, line, column);
    }

    [Fact]
    public void CLMZ0006_StrTaggedBoolean_IsNotABoolean()
    {
        var zoo = ZooRegistry.Parse(ZooYaml.Replace("tie_embeddings: true", "tie_embeddings: !!str true"), ZooPath);
        var d = zoo.Diagnostics.First();
        Assert.Equal("CLMZ0006", d.Id);
        Assert.Contains("expected true or false, got 'true' tagged !!str", d.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void CLMZ0001_TabAsIndentation_IsReportedAtTheTab()
    {
        // YamlDotNet throws this one without a position (Mark.Empty, which reads as 1,1): the scanner's cursor is at the tab.
        var d = Single("name: Demo\nvision: { kind: vit }\nprojector: { kind: mlp }\ncompressor:\n\tkind: pool2d\n");
        AssertDiagnostic(d, "CLMZ0001", "YAML syntax error: While scanning a mapping, found invalid tab as indentation.", 5, 1);
    }

    [Fact]
    public void Presets_PaperLayerList_BindsAtTheListedPresetsOnly()
    {
        // layers 5 and 7 do not exist in tiny (4 layers): the spec says it is meant for small (8 layers).
        string yaml = Demo + "\nfusion:\n  - { kind: dual_cross_attention, layers: [1, 5, 7] }\npresets: [small]\n";
        var all = BindAll(yaml);
        Assert.Empty(all.Diagnostics);
        Assert.Equal(new[] { "small" }, all.Configs.Select(c => c.Preset).ToArray());
        Assert.Equal(new[] { 1, 5, 7 }, Bind(yaml, "small").Fusion[0].Layers.ToArray());
        var tiny = SpecCompiler.Bind(yaml, SpecPath, TestSpecs.Zoo, "tiny");
        Assert.False(tiny.Success);
        AssertDiagnostic(tiny.Diagnostics.Single(), "CLMZ0023", "preset 'tiny' is not one this architecture supports (presets: small)", 8, 10);
    }

    [Theory]
    [InlineData("presets: [smal]", "CLMZ0023", "unknown preset 'smal' in presets; did you mean 'small'?", 6, 11)]
    [InlineData("presets: [small, small]", "CLMZ0022", "presets: small is listed twice", 6, 18)]
    [InlineData("presets: []", "CLMZ0022", "presets must not be empty (leave the key out to support every preset)", 6, 10)]
    [InlineData("presets: small", "CLMZ0006", "presets: expected a list, got 'small'", 6, 10)]
    public void Presets_BadList_IsReportedAtTheItem(string line, string id, string message, int row, int column) =>
        AssertDiagnostic(Single(Demo + "\n" + line + "\n"), id, message, row, column);

    [Fact]
    public void CLMZ0006_ScalarForSlot_SuggestsTheMappingForm()
    {
        var d = Single(Demo.Replace("vision: { kind: vit }", "vision: vit"));
        AssertDiagnostic(d, "CLMZ0006", "vision: expected a mapping, got 'vit'; write { kind: vit }", 2, 9);
    }

    [Fact]
    public void CLMZ0007_ZeroGrid_IsBelowTheMinimum()
    {
        var d = Single(Demo.Replace("grid: 3", "grid: 0"));
        AssertDiagnostic(d, "CLMZ0007", "compressor.grid (0) must be ≥ 1", 3, 35);
    }

    [Fact]
    public void CLMZ0007_NonFiniteGate_IsRejected()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, every: 4, gate_init: .inf }\n");
        AssertDiagnostic(d, "CLMZ0007", "fusion[0].gate_init (.inf) must be finite", 7, 42);
    }

    [Fact]
    public void CLMZ0008_DuplicateKey_PointsAtTheSecond()
    {
        var d = Single(Demo + "\nname: Again\n");
        AssertDiagnostic(d, "CLMZ0008", "duplicate key 'name' in the file (first defined at line 1)", 6, 1);
    }

    [Theory]
    [InlineData("Cross LMM", "name 'Cross LMM' is not a valid C# identifier: use ASCII letters, digits and '_' only, not starting with a digit")]
    [InlineData("9Lives", "name '9Lives' is not a valid C# identifier: use ASCII letters, digits and '_' only, not starting with a digit")]
    [InlineData("class", "name 'class' is a C# keyword")]
    [InlineData("record", "name 'record' is a C# keyword")]
    [InlineData("crosslmm", "name 'crosslmm' has no upper-case letter: C# reserves all-lower-case type names (CS8981); write it in PascalCase, e.g. 'Crosslmm'")]
    [InlineData("Zoo", "name 'Zoo' is reserved: it (or ZooConfig) is already a type or namespace of the zoo")]
    [InlineData("Vision", "name 'Vision' is reserved: it (or VisionConfig) is already a type or namespace of the zoo")]
    [InlineData("Café", "name 'Café' is not a valid C# identifier: use ASCII letters, digits and '_' only, not starting with a digit")]
    public void CLMZ0009_InvalidName_IsRejectedWithTheReason(string name, string message)
    {
        var d = Single(Demo.Replace("name: Demo", $"name: {name}"));
        AssertDiagnostic(d, "CLMZ0009", message, 1, 7);
    }

    [Fact]
    public void CLMZ0009_InjectionAttempt_IsRejectedAndQuotedSafely()
    {
        var d = Single(Demo.Replace("name: Demo", "name: 'X\"; System.IO.File.Delete(\"/\"); //'"));
        AssertDiagnostic(d, "CLMZ0009", "name 'X\"; System.IO.File.Delete(\"/\"); //' is not a valid C# identifier: use ASCII letters, digits and '_' only, not starting with a digit", 1, 7);
    }

    [Fact]
    public void CLMZ0010_OverriddenHidden_NotDivisibleByHeads()
    {
        var d = Single(Demo + "\noverrides:\n  tiny:\n    llm: { hidden: 1000, heads: 12, kv_heads: 2 }\n");
        AssertDiagnostic(d, "CLMZ0010", "llm.hidden (1000) must be divisible by llm.heads (12) in preset 'tiny'", 8, 20);
    }

    [Fact]
    public void CLMZ0010_FusionHeads_MustDivideTheLlmWidth()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, every: 4, heads: 5 }\n");
        AssertDiagnostic(d, "CLMZ0010", "llm.hidden (32) must be divisible by fusion[0].heads (5) in preset 'tiny'", 7, 38);
    }

    [Fact]
    public void CLMZ0010_InZooYaml_IsReportedThere()
    {
        var zoo = ZooRegistry.Parse(ZooYaml.Replace("llm:       { hidden: 32,", "llm:       { hidden: 30,"), ZooPath);
        var d = Assert.Single(zoo.Diagnostics);
        AssertDiagnostic(d, "CLMZ0010", "llm.hidden (30) must be divisible by llm.heads (4) in preset 'tiny'", 5, 26);
        Assert.Equal(ZooPath, d.FilePath);
        Assert.Null(zoo.FindPreset("tiny"));
        Assert.NotNull(zoo.FindPreset("small"));
    }

    [Fact]
    public void CLMZ0011_KvHeadsNotDividingHeads()
    {
        var d = Single(Demo + "\noverrides:\n  tiny:\n    llm: { kv_heads: 3 }\n");
        AssertDiagnostic(d, "CLMZ0011", "llm.heads (4) must be divisible by llm.kv_heads (3) in preset 'tiny'", 8, 22);
    }

    [Fact]
    public void CLMZ0011_FusionKvHeadsNotDividingFusionHeads()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: dual_cross_attention, every: 4, kv_heads: 3 }\n");
        AssertDiagnostic(d, "CLMZ0011", "fusion[0].heads (4) must be divisible by fusion[0].kv_heads (3) in preset 'tiny'", 7, 55);
    }

    [Fact]
    public void CLMZ0011_FusionHeadsNotDividedByTheDefaultKvHeads_SaysWhereTheDefaultComesFrom()
    {
        // tiny: llm.kv_heads 2; heads 1 divides the width 32 but not into 2 key/value heads.
        var d = Single(Demo + "\nfusion:\n  - { kind: gated_cross_attention, every: 4, heads: 1 }\n");
        AssertDiagnostic(d, "CLMZ0011", "fusion[0].heads (1) must be divisible by llm.kv_heads (2) in preset 'tiny'; fusion[0].kv_heads defaults to llm.kv_heads: set it", 7, 53);
    }

    [Fact]
    public void CLMZ0012_ImageNotDivisibleByPatch()
    {
        var d = Single(Demo + "\noverrides:\n  small:\n    vision: { image: 230 }\n");
        AssertDiagnostic(d, "CLMZ0012", "vision.image (230) must be divisible by vision.patch (16) in preset 'small'", 8, 22);
    }

    [Fact]
    public void CLMZ0013_GridLargerThanThePatchGrid()
    {
        var d = Single(Demo.Replace("grid: 3", "grid: 5"));
        AssertDiagnostic(d, "CLMZ0013", "compressor.grid (5) must be ≤ the patch grid side (4 = vision.image 32 / vision.patch 8) in preset 'tiny'", 3, 35);
    }

    [Fact]
    public void CLMZ0013_StrideLargerThanThePatchGrid()
    {
        var d = Single(Demo.Replace("kind: pool2d, grid: 3", "kind: temporal_pool, frames: 4, stride: 6"));
        AssertDiagnostic(d, "CLMZ0013", "compressor.stride (6) must be ≤ the patch grid side (4 = vision.image 32 / vision.patch 8) in preset 'tiny'", 3, 55);
    }

    [Fact]
    public void CLMZ0014_LayerOutsideTheLlm_IsReportedOnceAtTheItem()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, layers: [1, 9] }\n");
        AssertDiagnostic(d, "CLMZ0014", "fusion[0].layers: layer 9 is outside the LLM (llm.layers = 4: valid indices 0…3) in preset 'tiny'; a paper's layer list can name the presets it fits with presets: [...]", 7, 33);
    }

    [Fact]
    public void CLMZ0015_EveryPastTheLastLayer_PlacesNothing()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, every: 8 }\n");
        AssertDiagnostic(d, "CLMZ0015", "fusion[0] places no layer: every 8 starts at layer 7 (start defaults to every − 1), but llm.layers is 4 in preset 'tiny'; set start", 7, 28);
    }

    [Fact]
    public void CLMZ0016_TwoEntriesOnOneLayer()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: dual_cross_attention, every: 4 }\n  - { kind: hybrid, layers: [3] }\n");
        AssertDiagnostic(d, "CLMZ0016", "fusion[1] (hybrid) and fusion[0] (dual_cross_attention) both sit on layer 3 in preset 'tiny'", 8, 21);
    }

    [Fact]
    public void CLMZ0017_SlowStrideNobodyReads()
    {
        var d = Single(Demo.Replace("grid: 3", "grid: 3, slow_stride: 2") + "\nfusion:\n  - { kind: hybrid, every: 4, source: original }\n");
        AssertDiagnostic(d, "CLMZ0017", "compressor.slow_stride (2) has no effect: no fusion entry reads source: slow", 3, 38);
    }

    [Fact]
    public void CLMZ0017_SlowStrideOnTemporalPool()
    {
        var d = Single(Demo.Replace("kind: pool2d, grid: 3", "kind: temporal_pool, frames: 4, slow_stride: 2") + "\nfusion:\n  - { kind: hybrid, every: 4, source: slow }\n");
        AssertDiagnostic(d, "CLMZ0017", "compressor.slow_stride does not apply to temporal_pool: its slow tokens are pooled by its own stride; remove slow_stride", 3, 47);
    }

    [Fact]
    public void SlowSource_AnyCompressor_PoolsTheFramesBySlowStride()
    {
        // pool2d feeds the stream; the hybrid layer reads every frame pooled 2×2 (tiny: g = 4 → 2×2 = 4 per frame).
        var config = Bind(Demo.Replace("grid: 3", "grid: 3, slow_stride: 2") + "\nfusion:\n  - { kind: hybrid, every: 4, source: slow }\n");
        Assert.Equal(2, config.Compressor.SlowSourceStride);
        Assert.Equal(8 * 4, config.SourceTokens(FusionSource.Slow, 8));
        Assert.Equal(8 * 9, config.CompressedTokens(8));
        var unpooled = Bind(Demo + "\nfusion:\n  - { kind: hybrid, every: 4, source: slow }\n");
        Assert.Equal(8 * 16, unpooled.SourceTokens(FusionSource.Slow, 8));   // slow_stride 1: every token
    }

    [Fact]
    public void CLMZ0018_V2VWithCrossAttentionOnly()
    {
        var d = Single(Demo + "\nlayout: cross_attention_only\nfusion:\n  - { kind: dual_cross_attention, every: 4, branches: [v2v, t2v] }\n");
        AssertDiagnostic(d, "CLMZ0018", "fusion[0] branch v2v needs visual tokens in the LLM stream, but layout is cross_attention_only; use branches: [t2v] or another layout", 8, 56);
    }

    [Fact]
    public void CLMZ0019_FrameScopeWithAPerVideoCompressor()
    {
        var d = Single(Demo.Replace("kind: pool2d, grid: 3", "kind: ccam, queries: 8") + "\nfusion:\n  - { kind: dual_cross_attention, every: 4, scope: frame }\n");
        AssertDiagnostic(d, "CLMZ0019", "fusion[0].scope frame needs a per-frame compressor, but ccam is not per-frame (per-frame: identity, pool2d, strided_pool2d, llama_vid, qformer/perceiver with per: frame)", 7, 52);
    }

    [Fact]
    public void CLMZ0020_CrossAttentionOnlyWithoutFusion()
    {
        var d = Single(Demo + "\nlayout: cross_attention_only\n");
        AssertDiagnostic(d, "CLMZ0020", "layout cross_attention_only needs at least one fusion entry: without one no visual information reaches the LLM", 6, 9);
    }

    [Fact]
    public void CLMZ0021_NeitherEveryNorLayers()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid }\n");
        AssertDiagnostic(d, "CLMZ0021", "fusion[0] (hybrid) needs exactly one of 'every' or 'layers'", 7, 13);
    }

    [Fact]
    public void CLMZ0021_StartWithoutEvery()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, layers: [0], start: 1 }\n");
        AssertDiagnostic(d, "CLMZ0021", "fusion[0].start is only meaningful with 'every'", 7, 34);
    }

    [Fact]
    public void CLMZ0022_DuplicateBranch()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: dual_cross_attention, every: 4, branches: [t2v, t2v] }\n");
        AssertDiagnostic(d, "CLMZ0022", "fusion[0].branches: t2v is listed twice", 7, 61);
    }

    [Fact]
    public void CLMZ0022_DuplicateLayer()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, layers: [1, 1] }\n");
        AssertDiagnostic(d, "CLMZ0022", "fusion[0].layers: 1 is listed twice", 7, 33);
    }

    [Fact]
    public void CLMZ0022_EmptyLayers()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, layers: [] }\n");
        AssertDiagnostic(d, "CLMZ0022", "fusion[0].layers must not be empty", 7, 29);
    }

    [Fact]
    public void CLMZ0023_UnknownPresetInOverrides()
    {
        var d = Single(Demo + "\noverrides:\n  tinny:\n    compressor: { grid: 2 }\n");
        AssertDiagnostic(d, "CLMZ0023", "unknown preset 'tinny' in overrides; did you mean 'tiny'?", 7, 3);
    }

    [Fact]
    public void CLMZ0023_UnknownRequestedPreset()
    {
        var result = SpecCompiler.Bind(Demo, SpecPath, TestSpecs.Zoo, "smal");
        var d = Assert.Single(result.Diagnostics);
        AssertDiagnostic(d, "CLMZ0023", "unknown preset 'smal'; zoo.yaml defines tiny, small; did you mean 'small'?", 1, 1);
        Assert.Null(result.Config);
        Assert.Throws<SpecException>(() => result.GetConfigOrThrow());
    }

    [Fact]
    public void CLMZ0023_UnknownDefaultPreset()
    {
        var zoo = ZooRegistry.Parse(ZooYaml + "\ndefaults: { preset: huge }\n", ZooPath);
        var d = Assert.Single(zoo.Diagnostics);
        AssertDiagnostic(d, "CLMZ0023", "unknown preset 'huge' in defaults.preset; expected one of: tiny, small", 12, 21);
        Assert.Equal("tiny", zoo.DefaultPreset);
    }

    [Fact]
    public void CLMZ0024_DuplicateName_IsReportedAtTheLaterFile()
    {
        var result = CatalogChecks.Check(TestSpecs.Zoo, new[]
        {
            new ArchitectureHeader("demo", "/zoo/architectures/demo.yaml", "Demo", new SourceSpan(6, 4, 0, 6, 0, 10)),
            new ArchitectureHeader("other", "/zoo/architectures/other.yaml", "DEMO", new SourceSpan(6, 4, 0, 6, 0, 10)),
        });
        var d = result.Diagnostics.Single(x => x.Id == "CLMZ0024");
        AssertDiagnostic(d, "CLMZ0024", "name 'DEMO' is already used by /zoo/architectures/demo.yaml (names are compared ignoring case)", 1, 7);
        Assert.Equal("/zoo/architectures/other.yaml", d.FilePath);
        Assert.Equal(new[] { "/zoo/architectures/other.yaml" }, result.Excluded.ToArray());
    }

    [Fact]
    public void CLMZ0024_StemListedTwice()
    {
        var zoo = ZooRegistry.Parse(ZooYaml + "\n  - demo\n", ZooPath);
        var d = Assert.Single(zoo.Diagnostics);
        AssertDiagnostic(d, "CLMZ0024", "architecture 'demo' is listed twice in zoo.yaml", 12, 5);
    }

    [Fact]
    public void CLMZ0025_ListedWithoutFile()
    {
        var d = Assert.Single(CatalogChecks.Check(TestSpecs.Zoo, new ArchitectureHeader[0]).Diagnostics);
        AssertDiagnostic(d, "CLMZ0025", "zoo.yaml lists architecture 'demo' but there is no architectures/demo.yaml among the spec files", 11, 5);
        Assert.Equal(ZooPath, d.FilePath);
    }

    [Fact]
    public void CLMZ0026_FileNotListed()
    {
        var result = CatalogChecks.Check(TestSpecs.Zoo, new[]
        {
            new ArchitectureHeader("demo", "/zoo/architectures/demo.yaml", "Demo", default),
            new ArchitectureHeader("extra", "/zoo/architectures/extra.yaml", "Extra", default),
        });
        var d = Assert.Single(result.Diagnostics);
        AssertDiagnostic(d, "CLMZ0026", "extra.yaml is not listed in zoo.yaml; add '- extra' to its architectures", 1, 1);
        Assert.Equal("/zoo/architectures/extra.yaml", d.FilePath);
        Assert.Equal(new[] { "demo" }, result.Entries.ToArray());
    }

    [Fact]
    public void CLMZ0028_PresetNameNotAWord()
    {
        var zoo = ZooRegistry.Parse(ZooYaml.Replace("  small:", "  Small One:"), ZooPath);
        var d = Assert.Single(zoo.Diagnostics);
        AssertDiagnostic(d, "CLMZ0028", "preset name 'Small One' must be lower-case letters and digits joined by '-' or '_' (e.g. tiny, 2b, qwen-1p5b), at most 32 characters", 6, 3);
    }

    [Fact]
    public void CLMZ0028_PresetPropertyCollision()
    {
        var zoo = ZooRegistry.Parse(ZooYaml.Replace("  tiny:", "  2b:").Replace("  small:", "  2-b:"), ZooPath);
        var d = Assert.Single(zoo.Diagnostics);
        AssertDiagnostic(d, "CLMZ0028", "presets '2-b' and '2b' both become the C# property 'Size2B'", 6, 3);
    }

    [Fact]
    public void CLMZ0029_InvalidStem()
    {
        var zoo = ZooRegistry.Parse(ZooYaml.Replace("  - demo", "  - Demo.yaml"), ZooPath);
        var d = Assert.Single(zoo.Diagnostics);
        AssertDiagnostic(d, "CLMZ0029", "architectures[0] 'Demo.yaml' is not a file stem: use lower-case letters and digits joined by '-' or '_' (e.g. crosslmm-1tok), naming architectures/<stem>.yaml", 11, 5);
    }

    [Fact]
    public void CLMZ0030_HybridKvHeadsOtherThanTheLlms()
    {
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, every: 4, kv_heads: 4 }\n");
        AssertDiagnostic(d, "CLMZ0030", "fusion[0].kv_heads (4) must equal llm.kv_heads (2) in preset 'tiny': a hybrid layer reuses its decoder layer's queries and starts its keys/values as copies of that layer's k_proj/v_proj", 7, 41);
    }

    [Fact]
    public void CLMZ0030_HybridHeadsOtherThanTheLlms()
    {
        // heads 2 divides the width and is divided by kv_heads 2, but the layer's own queries have 4 heads.
        var d = Single(Demo + "\nfusion:\n  - { kind: hybrid, every: 4, heads: 2 }\n");
        AssertDiagnostic(d, "CLMZ0030", "fusion[0].heads (2) must equal llm.heads (4) in preset 'tiny': a hybrid layer reuses its decoder layer's queries and starts its keys/values as copies of that layer's k_proj/v_proj", 7, 38);
    }

    [Fact]
    public void CLMZ9999_CoreFailure_BecomesADiagnosticNotAnException()
    {
        // A registry no parser would produce: the binder dereferences the missing sizes.
        var broken = TestSpecs.Zoo with { Presets = EquatableArray.Of(new SizePreset("tiny", "Tiny", null!, null!, null!)) };
        var d = Assert.Single(SpecCompiler.BindAll(Demo, SpecPath, broken).Diagnostics);
        Assert.Equal("CLMZ9999", d.Id);
        Assert.StartsWith("internal error in the spec core (NullReferenceException:", d.Message);
    }

    [Fact]
    public void EveryDescriptor_HasADocumentationPage()
    {
        foreach (var descriptor in SpecDiagnostics.All)
        {
            string page = Repo.PathOf(descriptor.HelpPath);
            Assert.True(System.IO.File.Exists(page), "missing " + descriptor.HelpPath);
            string text = System.IO.File.ReadAllText(page);
            Assert.StartsWith($"# {descriptor.Id}: {descriptor.Title}", text);
            Assert.Contains("## Example", text);
            Assert.Contains("## Fix", text);
        }
    }

    [Fact]
    public void DiagnosticIds_AreUniqueAndWellFormed()
    {
        var ids = SpecDiagnostics.All.Select(d => d.Id).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^CLMZ[0-9]{4}$", id));
    }
}
