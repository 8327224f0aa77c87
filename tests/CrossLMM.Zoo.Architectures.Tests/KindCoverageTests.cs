using System;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Engine;
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
/// Every compressor kind of the vocabulary is complete: it binds to its own sealed record (whose YAML name round-trips),
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

    [Fact]
    public void Vocabulary_AndRecords_NameTheSameKinds() =>
        Assert.Equal(
            Enum.GetValues<CompressorKind>().Select(YamlNames.Of).OrderBy(n => n, StringComparer.Ordinal),
            SpecVocabulary.Compressor.Kinds.Select(k => k.Name).OrderBy(n => n, StringComparer.Ordinal));

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
        Assert.Equal(kind, YamlNames.Of(config.Compressor.Kind));
        Assert.True(config.Compressor.GetType().IsSealed);

        // The block.
        using var scope = torch.NewDisposeScope();
        using var block = CompressorFactory.Create(config);
        Assert.Equal(config.Compressor.Kind + "Compressor", block.GetType().Name);
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
        var expected = VisualBlockFlops.Compressor(config.Compressor, config.Vision, config.Resampler, config.Llm.Hidden, batch, frames, config.Compressor.Kind == CompressorKind.LlamaVid ? prompt : 0);
        Assert.Equal(expected.Total, flops.Total);

        // Its page.
        string page = Repo.PathOf($"docs/kinds/{kind}.md");
        Assert.True(File.Exists(page), $"docs/kinds/{kind}.md is missing");
        string pageText = File.ReadAllText(page);
        Assert.Contains($"`compressor.kind: {kind}`", pageText, StringComparison.Ordinal);
    }
}
