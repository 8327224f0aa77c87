using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>An AdditionalText held in memory.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path => path;

    public string Content => text;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>An AdditionalText whose text cannot be read.</summary>
public sealed class ThrowingAdditionalText(string path) : AdditionalText
{
    public override string Path => path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => throw new IOException("disk on fire");
}

/// <summary>Drives <see cref="ZooGenerator"/> with CSharpGeneratorDriver; references come from the running runtime.</summary>
public static class Harness
{
    public const string Root = "/repo";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>The runtime's System assemblies and Configs: what the configs and the catalogue need.</summary>
    public static readonly MetadataReference[] ConfigReferences =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .Append(MetadataReference.CreateFromFile(typeof(ArchitectureConfig).Assembly.Location))
        .ToArray();

    /// <summary><see cref="ConfigReferences"/> plus the blocks and the engine, as in the architectures project: the module emitter is on.</summary>
    public static readonly MetadataReference[] References = ConfigReferences
        .Append(MetadataReference.CreateFromFile(typeof(CrossLMM.Zoo.Modules.VideoLmm).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
        .ToArray();

    /// <summary>zoo.yaml and every architecture file of the repository, at in-memory paths under /repo.</summary>
    public static ImmutableArray<AdditionalText> RepositoryFiles()
    {
        var files = new List<AdditionalText> { new InMemoryAdditionalText(Root + "/zoo.yaml", Repo.Read("zoo.yaml")) };
        foreach (string file in Directory.GetFiles(Repo.PathOf("architectures"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
        {
            files.Add(new InMemoryAdditionalText($"{Root}/architectures/{Path.GetFileName(file)}", File.ReadAllText(file)));
        }

        return files.ToImmutableArray();
    }

    public static CSharpCompilation EmptyCompilation(params string[] sources) => CSharpCompilation.Create(
        "Zoo.Tests.Generated",
        sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A compilation without the blocks (System and Configs only): the generator emits configs and the catalogue, no modules.</summary>
    public static CSharpCompilation ConfigsOnlyCompilation() => CSharpCompilation.Create(
        "Zoo.Tests.ConfigsOnly",
        Array.Empty<SyntaxTree>(),
        ConfigReferences,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, bool track = true) => CSharpGeneratorDriver.Create(
        new[] { new ZooGenerator().AsSourceGenerator() },
        additionalTexts: files,
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    public sealed record Run(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
    {
        public GeneratorRunResult Generator => Result.Results.Single();

        public string Source(string hintName) => Generator.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

        public string[] HintNames => Generator.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal).ToArray();
    }

    public static Run RunGenerator(IEnumerable<AdditionalText> files, CSharpCompilation? compilation = null)
    {
        var driver = Driver(files).RunGeneratorsAndUpdateCompilation(compilation ?? EmptyCompilation(), out var output, out var diagnostics);
        return new Run(driver, driver.GetRunResult(), output, diagnostics);
    }

    public static Run Rerun(GeneratorDriver driver, CSharpCompilation? compilation = null)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation ?? EmptyCompilation(), out var output, out var diagnostics);
        return new Run(driver, driver.GetRunResult(), output, diagnostics);
    }

    /// <summary>A spec set: a small valid registry plus the given architecture files (stem → YAML).</summary>
    public static ImmutableArray<AdditionalText> Files(params (string Stem, string Yaml)[] specs) =>
        new AdditionalText[] { new InMemoryAdditionalText(Root + "/zoo.yaml", ZooYaml(specs.Select(s => s.Stem).ToArray())) }
            .Concat(specs.Select(s => (AdditionalText)new InMemoryAdditionalText($"{Root}/architectures/{s.Stem}.yaml", s.Yaml)))
            .ToImmutableArray();

    public static string ZooYaml(params string[] stems) =>
        Spec.Tests.TestSpecs.ZooYaml.Replace("architectures:\n  - demo", "architectures:\n" + string.Concat(stems.Select(s => $"  - {s}\n")));
}

/// <summary>An AdditionalText whose very path throws.</summary>
public sealed class PathlessAdditionalText : AdditionalText
{
    public override string Path => throw new InvalidOperationException("no path");

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From("name: X");
}
