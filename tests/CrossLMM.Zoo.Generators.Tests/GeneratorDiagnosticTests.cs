using System.IO;
using System.Linq;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Spec.Tests;
using Microsoft.CodeAnalysis;
using Xunit;
using static CrossLMM.Zoo.Spec.Tests.TestSpecs;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>A representative subset of the diagnostics, through the generator: Roslyn diagnostics located in the YAML file.</summary>
public class GeneratorDiagnosticTests
{
    private const string DemoPath = Harness.Root + "/architectures/demo.yaml";

    private static Diagnostic SingleDiagnostic(Harness.Run run)
    {
        Assert.Null(run.Generator.Exception);
        return Assert.Single(run.Diagnostics);
    }

    private static void AssertAt(Diagnostic d, string id, string message, string path, int line, int column)
    {
        Assert.Equal(id, d.Id);
        Assert.Equal(message, d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(LocationKind.ExternalFile, d.Location.Kind);
        var span = d.Location.GetLineSpan();
        Assert.Equal(path, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
    }

    [Fact]
    public void YamlSyntaxError_IsAnErrorAtTheYamlPosition()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", "name: Demo\nvision: { kind: vit }\ncompressor:\n  kind: pool2d, grid: 3\nprojector: { kind: mlp }\nllm: { kind: qwen2 }\n")));
        AssertAt(SingleDiagnostic(run), "CLMZ0001", "YAML syntax error: While scanning a plain scalar value, found invalid mapping.", DemoPath, 4, 21);
        Assert.Equal(new[] { "Zoo.g.cs" }, run.HintNames);
    }

    [Fact]
    public void BareInvalidOperationFromYamlDotNet_IsAnErrorNotACrash()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", "name: Demo\nfusion: [1, 2\nlayout: video_first\n")));
        var d = SingleDiagnostic(run);
        Assert.Equal("CLMZ0001", d.Id);
        Assert.Equal(LocationKind.ExternalFile, d.Location.Kind);
    }

    [Fact]
    public void UnknownKey_SuggestsAndPointsAtTheKey()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", Demo.Replace("grid: 3", "gird: 3"))));
        var d = run.Diagnostics.Single(x => x.Id == "CLMZ0002");
        AssertAt(d, "CLMZ0002", "unknown key 'gird' in compressor (pool2d); did you mean 'grid'?", DemoPath, 3, 29);
        Assert.Equal("docs/diagnostics/CLMZ0002.md", d.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void GridLargerThanPatchGrid_IsReportedAtTheGrid()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", Demo.Replace("grid: 3", "grid: 5"))));
        AssertAt(SingleDiagnostic(run), "CLMZ0013", "compressor.grid (5) must be ≤ the patch grid side (4 = vision.image 32 / vision.patch 8) in preset 'tiny'", DemoPath, 3, 35);
        Assert.DoesNotContain("DemoConfig.g.cs", run.HintNames);
    }

    [Fact]
    public void InvalidName_IsRejectedAndNothingIsEmitted()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", Demo.Replace("name: Demo", "name: \"Demo; class Evil\""))));
        Assert.Equal("CLMZ0009", SingleDiagnostic(run).Id);
        Assert.Equal(new[] { "Zoo.g.cs" }, run.HintNames);
        Assert.DoesNotContain("Evil", run.Source("Zoo.g.cs"));
    }

    [Fact]
    public void ZooYamlErrors_AreReportedInZooYaml()
    {
        var files = Harness.Files(("demo", Demo)).Select(f => f.Path.EndsWith("zoo.yaml")
            ? new InMemoryAdditionalText(f.Path, ((InMemoryAdditionalText)f).Content.Replace("llm:       { hidden: 32,", "llm:       { hidden: 30,"))
            : f);
        var run = Harness.RunGenerator(files);
        AssertAt(SingleDiagnostic(run), "CLMZ0010", "llm.hidden (30) must be divisible by llm.heads (4) in preset 'tiny'", Harness.Root + "/zoo.yaml", 5, 26);
        // The other preset is still valid, so the architecture is generated for it alone.
        Assert.Contains("DemoConfig.g.cs", run.HintNames);
        Assert.DoesNotContain("Tiny", run.Source("DemoConfig.g.cs"));
    }

    [Fact]
    public void ListedArchitectureWithoutFile_IsReportedAtTheListEntry()
    {
        var files = Harness.Files(("demo", Demo)).Select(f => f.Path.EndsWith("zoo.yaml")
            ? new InMemoryAdditionalText(f.Path, Harness.ZooYaml("demo", "ghost"))
            : f);
        AssertAt(SingleDiagnostic(Harness.RunGenerator(files)), "CLMZ0025", "zoo.yaml lists architecture 'ghost' but there is no architectures/ghost.yaml among the spec files", Harness.Root + "/zoo.yaml", 12, 5);
    }

    [Fact]
    public void UnlistedFile_IsReportedAtItsStart()
    {
        var files = Harness.Files(("demo", Demo)).Add(new InMemoryAdditionalText(Harness.Root + "/architectures/extra.yaml", Demo.Replace("Demo", "Extra")));
        var run = Harness.RunGenerator(files);
        AssertAt(SingleDiagnostic(run), "CLMZ0026", "extra.yaml is not listed in zoo.yaml; add '- extra' to its architectures", Harness.Root + "/architectures/extra.yaml", 1, 1);
    }

    [Fact]
    public void DuplicateNames_AreReportedAndOnlyTheFirstIsEmitted()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", Demo), ("other", Demo.Replace("name: Demo", "name: DEMO"))));
        AssertAt(SingleDiagnostic(run), "CLMZ0024", $"name 'DEMO' is already used by {DemoPath} (names are compared ignoring case)", Harness.Root + "/architectures/other.yaml", 1, 7);
        Assert.Equal(new[] { "Demo.g.cs", "DemoConfig.g.cs", "Zoo.g.cs" }, run.HintNames);
    }

    [Fact]
    public void MissingRegistry_IsReportedOnce()
    {
        var run = Harness.RunGenerator(new AdditionalText[] { new InMemoryAdditionalText(DemoPath, Demo), new InMemoryAdditionalText(Harness.Root + "/architectures/b.yaml", Demo) });
        var d = SingleDiagnostic(run);
        Assert.Equal("CLMZ0027", d.Id);
        Assert.Equal(Location.None, d.Location);
        Assert.Equal("no zoo.yaml among the AdditionalFiles, so the 2 architecture file(s) have no presets to bind: add <AdditionalFiles Include=\"path/to/zoo.yaml\" />", d.GetMessage());
        Assert.Empty(run.HintNames);
    }

    [Fact]
    public void SecondRegistry_IsReportedAndIgnored()
    {
        var files = Harness.Files(("demo", Demo)).Add(new InMemoryAdditionalText(Harness.Root + "/other/zoo.yaml", Harness.ZooYaml("demo")));
        AssertAt(SingleDiagnostic(Harness.RunGenerator(files)), "CLMZ0027", $"more than one zoo.yaml among the AdditionalFiles: {Harness.Root}/zoo.yaml is ignored, {Harness.Root}/other/zoo.yaml is used", Harness.Root + "/zoo.yaml", 1, 1);
    }

    [Fact]
    public void NoYamlAtAll_GeneratesAndReportsNothing()
    {
        var run = Harness.RunGenerator(new AdditionalText[] { new InMemoryAdditionalText("/x/readme.txt", "hello") });
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.HintNames);
    }

    [Fact]
    public void UnreadableFile_IsADiagnosticNotACrash()
    {
        var files = Harness.Files(("demo", Demo)).Add(new ThrowingAdditionalText(Harness.Root + "/architectures/broken.yaml"));
        var run = Harness.RunGenerator(files);
        Assert.Null(run.Generator.Exception);
        Assert.Contains(run.Diagnostics, d => d.Id == "CLMZ0001" && d.GetMessage() == "YAML syntax error: the file could not be read");
    }

    [Fact]
    public void FileWhosePathThrows_IsIgnoredNotACrash()
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", Demo)).Add(new PathlessAdditionalText()));
        Assert.Null(run.Generator.Exception);
        Assert.Empty(run.Diagnostics);
        Assert.Contains("DemoConfig.g.cs", run.HintNames);
    }

    [Fact]
    public void InternalError_BecomesCLMZ9999()
    {
        var d = Descriptors.ToDiagnostic(PipelineInputs.Internal(DemoPath, new System.InvalidOperationException("boom")));
        Assert.Equal("CLMZ9999", d.Id);
        Assert.Equal("CrossLMM.Zoo.Generators failed (InvalidOperationException: boom); this is a bug, please report it with the YAML", d.GetMessage());
        Assert.Equal(LocationKind.ExternalFile, d.Location.Kind);
    }

    [Fact]
    public void EveryDescriptor_HasAHelpPageInTheRepository()
    {
        Assert.Equal(SpecDiagnostics.All.Select(d => d.Id), Descriptors.All.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        foreach (var descriptor in Descriptors.All.Values)
        {
            Assert.Equal($"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Repo.PathOf(descriptor.HelpLinkUri)), descriptor.HelpLinkUri);
            Assert.Equal(Descriptors.Category, descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
        }
    }
}
