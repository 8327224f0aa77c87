using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>Incremental caching with trackIncrementalGeneratorSteps: unchanged inputs and unrelated edits keep every step cached; one edited spec reruns only its own steps.</summary>
public class CachingTests
{
    private static readonly string[] Steps = { "RegistryText", "Registry", "SpecText", "Bind", "CatalogEntry", "Catalog", "Excluded", "Blocks", "Module" };

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> Reasons(Harness.Run run, params string[] steps) =>
        steps.SelectMany(step => run.Generator.TrackedSteps.TryGetValue(step, out var runs)
            ? runs.SelectMany(r => r.Outputs).Select(o => (step, o.Reason))
            : Enumerable.Empty<(string, IncrementalStepRunReason)>());

    private static bool IsReused(IncrementalStepRunReason reason) =>
        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged;

    [Fact]
    public void Rerun_WithNothingChanged_CachesEveryStep()
    {
        var first = Harness.RunGenerator(Harness.RepositoryFiles());
        var second = Harness.Rerun(first.Driver);
        var reasons = Reasons(second, Steps).ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(IsReused(r.Reason), $"{r.Step}: {r.Reason}"));
        Assert.All(second.Generator.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingUnrelatedFiles_LeavesEveryStepCached()
    {
        var compilation = Harness.EmptyCompilation("class A { }");
        var first = Harness.RunGenerator(Harness.RepositoryFiles(), compilation);

        // An unrelated C# edit and a non-YAML additional file.
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText("class A { int x; }", Harness.ParseOptions));
        var driver = first.Driver.AddAdditionalTexts(new[] { (AdditionalText)new InMemoryAdditionalText(Harness.Root + "/NOTES.md", "notes") }.ToImmutableArray());
        var second = Harness.Rerun(driver, edited);

        var reasons = Reasons(second, Steps).ToArray();
        Assert.All(reasons, r => Assert.True(IsReused(r.Reason), $"{r.Step}: {r.Reason}"));
        Assert.All(second.Generator.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingOneSpec_RegeneratesOnlyThatSpec()
    {
        var files = Harness.RepositoryFiles();
        var first = Harness.RunGenerator(files);
        var old = (InMemoryAdditionalText)files.Single(f => f.Path.EndsWith("/crosslmm.yaml", StringComparison.Ordinal));
        var replacement = new InMemoryAdditionalText(old.Path, old.Content.Replace("every: 4", "every: 2"));
        var second = Harness.Rerun(first.Driver.ReplaceAdditionalText(old, replacement));

        var bind = Reasons(second, "Bind").ToArray();
        Assert.Equal(16, bind.Length);
        Assert.Single(bind, r => r.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(15, bind.Count(r => IsReused(r.Reason)));

        // The catalogue entry of the edited spec did not change (same name, summary, formula): the catalogue is not rebuilt.
        Assert.All(Reasons(second, "Catalog", "Excluded"), r => Assert.True(IsReused(r.Reason), $"{r.Step}: {r.Reason}"));
        Assert.Equal(first.Source("Zoo.g.cs"), second.Source("Zoo.g.cs"));

        // Its module depends on kinds only, not on the layer indices: recomputed, found equal, not re-emitted.
        var module = Reasons(second, "Module").ToArray();
        Assert.Equal(16, module.Length);
        Assert.Single(module, r => r.Reason == IncrementalStepRunReason.Unchanged);
        Assert.Equal(15, module.Count(r => r.Reason == IncrementalStepRunReason.Cached));

        // Exactly one generated file changed, and it is the edited spec's.
        var changed = first.HintNames.Where(h => first.Source(h) != second.Source(h)).ToArray();
        Assert.Equal(new[] { "CrossLmmConfig.g.cs" }, changed);
        Assert.Contains("fusion on layers 1, 3, 5, 7", second.Source("CrossLmmConfig.g.cs"));
        var outputs = second.Generator.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs).ToArray();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void ChangingAKindInOneSpec_RegeneratesOnlyThatSpecsConfigAndModule()
    {
        var files = Harness.RepositoryFiles();
        var first = Harness.RunGenerator(files);
        var old = (InMemoryAdditionalText)files.Single(f => f.Path.EndsWith("/crosslmm.yaml", StringComparison.Ordinal));
        var replacement = new InMemoryAdditionalText(old.Path, old.Content.Replace("{ kind: pool2d, grid: 3 }", "{ kind: strided_pool2d, stride: 2 }"));
        var second = Harness.Rerun(first.Driver.ReplaceAdditionalText(old, replacement));
        Assert.Empty(second.Diagnostics);

        var module = Reasons(second, "Module").ToArray();
        Assert.Single(module, r => r.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(15, module.Count(r => IsReused(r.Reason)));
        var changed = first.HintNames.Where(h => first.Source(h) != second.Source(h)).ToArray();
        Assert.Equal(new[] { "CrossLmm.g.cs", "CrossLmmConfig.g.cs" }, changed);
        Assert.Contains("Compressors.StridedPool2dCompressor compressor", second.Source("CrossLmm.g.cs"));
    }

    [Fact]
    public void AddingTheBlocksReference_EmitsTheModules_AndNothingElseReruns()
    {
        var files = Harness.RepositoryFiles();
        var first = Harness.RunGenerator(files, Harness.ConfigsOnlyCompilation());
        Assert.Equal(17, first.HintNames.Length);
        var second = Harness.Rerun(first.Driver);
        Assert.Equal(33, second.HintNames.Length);
        Assert.All(Reasons(second, "Bind", "Catalog"), r => Assert.True(IsReused(r.Reason), $"{r.Step}: {r.Reason}"));
        Assert.All(Reasons(second, "Blocks"), r => Assert.Equal(IncrementalStepRunReason.Modified, r.Reason));
    }

    [Fact]
    public void EditingTheRegistry_RebindsEverySpec()
    {
        var files = Harness.RepositoryFiles();
        var first = Harness.RunGenerator(files);
        var old = (InMemoryAdditionalText)files.Single(f => f.Path.EndsWith("/zoo.yaml", StringComparison.Ordinal));
        var second = Harness.Rerun(first.Driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(old.Path, old.Content.Replace("vocab: 512", "vocab: 1024"))));
        Assert.All(Reasons(second, "Bind"), r => Assert.Equal(IncrementalStepRunReason.Modified, r.Reason));
    }

    [Fact]
    public void DeletingASpec_RemovesItsOutputAndReportsTheListEntry()
    {
        var files = Harness.RepositoryFiles();
        var first = Harness.RunGenerator(files);
        var removed = files.Single(f => f.Path.EndsWith("/flamingo.yaml", StringComparison.Ordinal));
        var second = Harness.Rerun(first.Driver.RemoveAdditionalTexts(new[] { removed }.ToImmutableArray()));
        Assert.DoesNotContain("FlamingoConfig.g.cs", second.HintNames);
        Assert.Equal("CLMZ0025", Assert.Single(second.Diagnostics).Id);
        Assert.DoesNotContain("Flamingo", second.Source("Zoo.g.cs"));
    }
}

internal static class ImmutableArrayExtensions
{
    public static System.Collections.Immutable.ImmutableArray<T> ToImmutableArray<T>(this T[] items) => System.Collections.Immutable.ImmutableArray.Create(items);
}
