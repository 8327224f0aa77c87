using System;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Spec.Tests;
using CrossLMM.Zoo.Spec.Vocabulary;
using TorchSharp;
using Xunit;

namespace CrossLMM.Zoo.Architectures.Tests;

/// <summary>
/// Every kind of every slot is complete (<see cref="EveryKind_HasABlockAKeyMapAnExactCostAndAPage"/>), and every compressor kind block by block: it binds to its own sealed record (whose YAML name round-trips),
/// the factory builds its block, the cost model gives exactly the block's parameter count and the FLOPs the engine
/// counts in a forward, it declares its Hugging Face key mapping (<c>HfKeys</c>: learned kinds are new blocks), and it
/// has a documentation page (docs/kinds/&lt;kind&gt;.md) that states its token formula.
/// </summary>
public class KindCoverageTests
{
    public static TheoryData<string> CompressorKinds()
    {
        var data = new TheoryData<string>();
        foreach (var kind in SpecVocabulary.Compressor.Kinds)
        {
            data.Add(kind.Name);
        }

        return data;
    }

    /// <summary>Every kind of every slot with kinds of its own (vision, compressor, projector, fusion), as (slot, kind).</summary>
    public static TheoryData<string, string> AllKinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in KindDeclaration.Visions.Concat(KindDeclaration.Compressors).Concat(KindDeclaration.Projectors).Concat(KindDeclaration.Llms).Concat(KindDeclaration.Fusions))
        {
            data.Add(kind.Slot, kind.Name);
        }

        return data;
    }

    [Fact]
    public void Vocabulary_ListsExactlyTheDeclaredKinds_WithTheirFields()
    {
        foreach (var (slot, declared) in new[]
        {
            (SpecVocabulary.Vision, KindDeclaration.Visions),
            (SpecVocabulary.Compressor, KindDeclaration.Compressors),
            (SpecVocabulary.Projector, KindDeclaration.Projectors),
            (SpecVocabulary.Llm, KindDeclaration.Llms),
            (SpecVocabulary.Fusion, KindDeclaration.Fusions),
        })
        {
            Assert.Equal(declared.Select(k => k.Name), slot.Kinds.Select(k => k.Name));
            foreach (var kind in declared)
            {
                Assert.Equal(kind.Fields.Select(f => f.Name), slot.Find(kind.Name)!.Fields.Select(f => f.Name));
            }
        }

        // The records' own facts: qformer's fields, in constructor order, with their declared defaults and ranges.
        var qformer = SpecVocabulary.Compressor.Find("qformer")!;
        Assert.Equal(new[] { "queries", "per", "cross_every" }, qformer.Fields.Select(f => f.Name));
        Assert.Equal(new[] { "32", "frame", "2" }, qformer.Fields.Select(f => f.DefaultText));
        Assert.Equal(new[] { "frame", "video" }, qformer.Fields[1].Values);
        Assert.Equal((1L, 65536L), (qformer.Fields[0].Min!.Value, qformer.Fields[0].Max!.Value));
        Assert.Equal("resampler.hidden", qformer.Output);
        Assert.True(SpecVocabulary.Compressor.Find("pool2d")!.Fields.Single().Required);
        Assert.Equal("[v2v, t2v]", SpecVocabulary.Fusion.Find("dual_cross_attention")!.Fields.Single(f => f.Name == "branches").DefaultText);
        Assert.Equal("llm.mlp", SpecVocabulary.Fusion.Find("gated_cross_attention")!.Fields.Single(f => f.Name == "mlp").DefaultText);
    }

    /// <summary>
    /// Every kind of every slot: its block is declared (<c>[BlockFor]</c>) and declares its Hugging Face key map; a probe
    /// architecture using it builds that block in its slot, the composed key map covers every parameter, and the cost
    /// model gives the model's parameters and a prefill's FLOPs exactly; and the kind has its page, docs/kinds/&lt;kind&gt;.md,
    /// whose title names <c>&lt;slot&gt;.kind: &lt;kind&gt;</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllKinds))]
    public void EveryKind_HasABlockAKeyMapAnExactCostAndAPage(string slot, string kind)
    {
        var declaration = (slot switch
        {
            "vision" => KindDeclaration.Visions,
            "compressor" => KindDeclaration.Compressors,
            "projector" => KindDeclaration.Projectors,
            "llm" => KindDeclaration.Llms,
            _ => KindDeclaration.Fusions,
        }).Single(k => k.Name == kind);
        var blockType = Blocks.TypeOf(declaration.Record ?? (slot == "vision" ? typeof(VisionConfig) : typeof(LanguageModelConfig)), declaration.Member);
        Assert.NotNull(blockType);
        Assert.True(typeof(IHfKeyMapped).IsAssignableFrom(blockType), $"{blockType!.Name} declares no Hugging Face key map");
        var cost = slot switch
        {
            "vision" => typeof(IVisionCost),
            "compressor" => typeof(ICompressorCost<>).MakeGenericType(declaration.Record!),
            "projector" => typeof(IProjectorCost<>).MakeGenericType(declaration.Record!),
            "llm" => typeof(ILanguageModelCost),
            _ => typeof(IFusionCost<>).MakeGenericType(declaration.Record!),
        };
        Assert.True(cost.IsAssignableFrom(blockType), $"{blockType.Name} does not declare its cost ({cost.Name})");

        // A probe using the kind in its slot (required fields get 2: a valid grid, stride or window at small, g = 14).
        string Entry(string s, string k, string extra = "") =>
            $"{{ kind: {k}{string.Concat(SpecVocabulary.Slots.Single(x => x.Name == s).Find(k)!.Fields.Where(f => f.Required).Select(f => $", {f.Name}: 2"))}{extra} }}";
        string yaml = "name: Probe\n"
            + $"vision: {(slot == "vision" ? Entry(slot, kind) : "{ kind: precomputed }")}\n"
            + $"compressor: {(slot == "compressor" ? Entry(slot, kind) : "{ kind: pool2d, grid: 2 }")}\n"
            + $"projector: {(slot == "projector" ? Entry(slot, kind) : "{ kind: linear }")}\n"
            + $"llm: {(slot == "llm" ? Entry(slot, kind) : "{ kind: qwen2 }")}\n"
            + (slot == "fusion" ? $"fusion:\n  - {Entry(slot, kind, ", every: 2")}\n" : string.Empty);
        var config = SpecCompiler.Bind(yaml, "probe.yaml", Zoo.Registry, "small").GetConfigOrThrow();
        using var scope = torch.NewDisposeScope();
        using var model = VideoLmmBuilder.Build(config);
        var parts = model.named_modules().Where(m => m.module.GetType() == blockType).ToArray();
        Assert.NotEmpty(parts);
        var map = HfKeyMap.Compose(model);
        Assert.Equal(model.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), map.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(CostModel.Parameters(config).Total, model.parameters().Sum(p => p.numel()));

        const int batch = 1, frames = 2, text = 3;
        var rng = new Random(11);
        var video = config.Vision.Kind == VisionKind.Vit
            ? torch.randn(new long[] { batch, frames, config.Vision.Channels, config.Vision.Image, config.Vision.Image })
            : torch.randn(new long[] { batch, frames, config.EncoderTokensPerFrame, config.Vision.Hidden });
        var ids = torch.randint(config.Llm.Vocab, new long[] { batch, text }, dtype: torch.int64);
        using var noGrad = torch.no_grad();
        using var flops = FlopCounter.Start(model);
        model.call(new VideoLmmInput(video, ids), null).Dispose();
        flops.Stop();
        Assert.Equal(CostModel.Prefill(config, frames, text, new CostOptions(Batch: batch, LmHead: LmHeadPositions.All)).Total, flops.Total);

        string page = Repo.PathOf($"docs/kinds/{kind}.md");
        Assert.True(File.Exists(page), $"docs/kinds/{kind}.md is missing");
        Assert.Contains($"`{slot}.kind: {kind}`", File.ReadLines(page).First(), StringComparison.Ordinal);
        Assert.Contains($"]({kind}.md)", File.ReadAllText(Repo.PathOf("docs/kinds/README.md")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CompressorKinds))]
    public void CompressorKind_HasARecordABlockAnExactCostAndAPage(string kind)
    {
        var spec = SpecVocabulary.Compressor.Find(kind)!;
        // Required fields without a default get 2 (a valid grid, stride or window at small, g = 14).
        string required = string.Concat(spec.Fields.Where(f => f.Required).Select(f => $", {f.Name}: 2"));
        string yaml = $"name: Probe\nvision: {{ kind: precomputed }}\ncompressor: {{ kind: {kind}{required} }}\nprojector: {{ kind: linear }}\nllm: {{ kind: qwen2 }}\n";
        var config = SpecCompiler.Bind(yaml, "probe.yaml", Zoo.Registry, "small").GetConfigOrThrow();

        // The record.
        Assert.Equal(kind, config.Compressor.KindName);
        Assert.Equal(config.Compressor.GetType(), KindDeclaration.Compressors.Single(k => k.Name == kind).Record);
        Assert.True(config.Compressor.GetType().IsSealed);

        // The block.
        using var scope = torch.NewDisposeScope();
        using var block = CompressorFactory.Create(config);
        Assert.Equal(Blocks.TypeOf(config.Compressor.GetType()), block.GetType());
        Assert.Equal(config.Compressor.Tokens(3, config.PatchGrid), block.TokensFor(3));
        // its key mapping: a parameter-free kind keeps (no) names; a learned one is declared new, and the composed map
        // of the block sends every one of its keys somewhere
        Assert.NotNull(block.HfKeys);
        Assert.Equal(block.parameters().Any(), block.HfKeys.IsNew);
        Assert.Equal(block.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), HfKeyMap.Compose(block).Keys.OrderBy(k => k, StringComparer.Ordinal));

        // Its cost: parameters and FLOPs, exactly.
        long parameters = block.parameters().Sum(p => p.numel());
        Assert.Equal(BlockParameters.Compressor(config.Compressor, config.Vision, config.Resampler, config.Llm.Hidden).Total, parameters);
        var rng = new Random(5);
        const int batch = 2, frames = 3, prompt = 4;
        var features = torch.randn(new long[] { batch, frames, config.Vision.TokensPerFrame, config.Vision.Hidden }, generator: new torch.Generator((ulong)rng.Next()));
        var text = torch.randn(new long[] { batch, prompt, config.Llm.Hidden });
        using var noGrad = torch.no_grad();
        using var flops = FlopCounter.Start(block);
        block.call(features, text, null);
        flops.Stop();
        var expected = VisualBlockFlops.Compressor(config.Compressor, config.Vision, config.Resampler, config.Llm.Hidden, batch, frames, config.Compressor is LlamaVidCompressorConfig ? prompt : 0);
        Assert.Equal(expected.Total, flops.Total);

        // Its page (which EveryKind_… requires) states the token formula the record declares.
        Assert.Contains(config.Compressor.Declaration.Attribute.Tokens!, File.ReadAllText(Repo.PathOf($"docs/kinds/{kind}.md")), StringComparison.Ordinal);
    }
}
