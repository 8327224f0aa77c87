using CrossLMM.Testing;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Spec.Tests;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

/// <summary>The README's C# snippet, for an architecture of the zoo (the README shows it for a new variant).</summary>
public class ReadmeSnippetTests
{
    [Fact]
    public void Snippet_CompilesAndTheTwoBuildsAgree()
    {
        var config = CrossLmmConfig.Size7B;
        CostReport cost = CostModel.Estimate(config.Architecture, frames: 256, textTokens: 64);
        Assert.Equal(9 * 256 + 64, cost.Tokens.StreamTokens);

        torch.manual_seed(3);
        using CrossLmm typed = CrossLmm.Create("tiny");
        Assert.Equal(CrossLmmConfig.Tiny.Fusion0.Layers.Count, typed.fusion0.Count);

        using var dir = new TempDir();
        string path = dir.Write("my-variant.yaml", File.ReadAllText(Repo.PathOf("architectures/crosslmm.yaml")));
        torch.manual_seed(3);
        using VideoLmm model = Zoo.BuildFile(path, "tiny");
        var expected = typed.state_dict();
        var actual = model.state_dict();
        Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
        Assert.All(expected, kv => Assert.True(TensorAssert.Identical(kv.Value, actual[kv.Key]), kv.Key));
    }
}
