using System.IO;
using System.Linq;
using CrossLMM.Zoo.Configs;
using Xunit;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>The checked-in zoo.yaml and architectures/*.yaml: clean, complete, and binding to the facts the papers state.</summary>
public class RepositorySpecTests
{
    private static readonly ZooRegistry Zoo = ZooRegistry.Parse(Repo.Read("zoo.yaml"), Repo.PathOf("zoo.yaml"));

    private static string[] SpecFiles() => Directory.GetFiles(Repo.PathOf("architectures"), "*.yaml").OrderBy(f => f).ToArray();

    private static ArchitectureConfig Config(string stem, string preset) =>
        SpecCompiler.Bind(File.ReadAllText(Repo.PathOf($"architectures/{stem}.yaml")), Repo.PathOf($"architectures/{stem}.yaml"), Zoo, preset).GetConfigOrThrow();

    [Fact]
    public void ZooYaml_IsClean_WithTheFourPresets()
    {
        Assert.Empty(Zoo.Diagnostics);
        Assert.Equal(new[] { "tiny", "small", "2b", "7b" }, Zoo.Presets.Select(p => p.Name).ToArray());
        Assert.Equal("tiny", Zoo.DefaultPreset);
        Assert.Equal(16, Zoo.Architectures.Count);
    }

    [Fact]
    public void EveryArchitecture_BindsAtEveryPresetWithoutDiagnostics()
    {
        var results = SpecFiles().Select(f => SpecCompiler.BindAll(File.ReadAllText(f), f, Zoo)).ToArray();
        Assert.All(results, r => Assert.True(r.Diagnostics.IsEmpty, string.Join("\n", r.Diagnostics)));
        Assert.All(results, r => Assert.Equal(4, r.Configs.Count));
        Assert.All(results.SelectMany(r => r.Configs), c => Assert.Empty(c.Validate()));
        var catalog = CatalogChecks.Check(Zoo, results.Select(r => new ArchitectureHeader(r.Stem, r.Path, r.Name, r.NameSpan)));
        Assert.Empty(catalog.Diagnostics);
        Assert.Equal(Zoo.Architectures.Select(a => a.Stem).ToArray(), catalog.Entries.ToArray());
    }

    [Fact]
    public void EveryYaml_PointsAtItsSchema()
    {
        Assert.StartsWith("# yaml-language-server: $schema=./architectures/schema/zoo.schema.json", Repo.Read("zoo.yaml"));
        Assert.All(SpecFiles(), f => Assert.StartsWith("# yaml-language-server: $schema=./schema/architecture.schema.json", File.ReadAllText(f)));
    }

    [Fact]
    public void PaperPresets_MatchTheModelsTheyName()
    {
        var siglip = Zoo.FindPreset("2b")!.Vision;
        Assert.Equal((27, 729, 1152), (siglip.PatchGrid, siglip.TokensPerFrame, siglip.Hidden));
        var qwen15 = Zoo.FindPreset("2b")!.Llm;
        Assert.Equal((1536, 28, 12, 2, 128), (qwen15.Hidden, qwen15.Layers, qwen15.Heads, qwen15.KvHeads, qwen15.HeadDim));
        var qwen7 = Zoo.FindPreset("7b")!.Llm;
        Assert.Equal((3584, 28, 28, 4, 128, false), (qwen7.Hidden, qwen7.Layers, qwen7.Heads, qwen7.KvHeads, qwen7.HeadDim, qwen7.TieEmbeddings));
        Assert.Equal(16, Zoo.FindPreset("tiny")!.Vision.TokensPerFrame);
    }

    [Fact]
    public void CrossLmm_At2B_HasSevenDcalsAndNineTokensPerFrame()
    {
        var c = Config("crosslmm", "2b");
        Assert.Equal(new[] { 3, 7, 11, 15, 19, 23, 27 }, c.LayerPlan.FusedLayers.ToArray());
        Assert.Equal(9, c.StreamTokensPerFrame);
        Assert.Equal(64 * 9, c.StreamTokens(64));
        Assert.Equal(64 * 729, c.SourceTokens(FusionSource.Original, 64));
        Assert.Equal(1, Config("crosslmm-1tok", "2b").StreamTokensPerFrame);
        Assert.Equal(16, Config("crosslmm-16tok", "7b").StreamTokensPerFrame);
    }

    [Fact]
    public void LlavaOneVision_At2B_Has196TokensPerFrame() =>
        Assert.Equal(196, Config("llava-ov", "2b").StreamTokensPerFrame);

    [Fact]
    public void SlowFast_At7B_HasHybridLayersEvery8FromZero()
    {
        var c = Config("slowfast", "7b");
        Assert.Equal(new[] { 0, 8, 16, 24 }, c.LayerPlan.FusedLayers.ToArray());
        Assert.Equal(16 * 14 * 14, c.StreamTokens(64));
        Assert.Equal(64 * 14 * 14, c.SourceTokens(FusionSource.Slow, 64));
    }

    [Fact]
    public void Flamingo_HasNoStreamTokensAndGatesBeforeEvery4thLayer()
    {
        var c = Config("flamingo", "7b");
        Assert.Equal(0, c.StreamTokens(32));
        Assert.Equal(64, c.CompressedTokens(32));
        Assert.Equal(new[] { 3, 7, 11, 15, 19, 23, 27 }, c.LayerPlan.FusedLayers.ToArray());
    }

    [Fact]
    public void VideoCcam_UsesItsTinyOverride() =>
        Assert.Equal((16, 1024), (((CcamCompressorConfig)Config("video-ccam", "tiny").Compressor).Queries, ((CcamCompressorConfig)Config("video-ccam", "2b").Compressor).Queries));

    [Fact]
    public void Recombinations_NeedWhatTheyMix()
    {
        Assert.True(Config("qformer-t2v", "2b").NeedsSourceProjector);
        Assert.Equal(1152, Config("qformer-t2v", "2b").SourceProjectorInputWidth);
        var v2v = Config("slowfast-v2v", "2b");
        Assert.False(v2v.NeedsSourceProjector);
        Assert.Equal(FusionSource.Slow, v2v.Fusion[0].Source);
        Assert.Equal(2 * 32, Config("llama-vid", "2b").StreamTokens(32));
        Assert.Equal(32 * 729, Config("full-tokens", "2b").StreamTokens(32));
    }
}
