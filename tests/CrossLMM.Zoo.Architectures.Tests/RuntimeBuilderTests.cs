using System;
using CrossLMM.Testing;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Spec.Tests;
using Xunit;

namespace CrossLMM.Zoo.Architectures.Tests;

/// <summary>The runtime builder: same spec core as the build, same configurations, same diagnostics.</summary>
public sealed class RuntimeBuilderTests : IDisposable
{
    private const string Demo = """
        name: Demo
        vision: { kind: vit }
        compressor: { kind: pool2d, grid: 3 }
        projector: { kind: mlp }
        llm: { kind: qwen2 }
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("zoo-build-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void BuildConfig_IsTheTypedClassForACatalogueConfig_TheRuntimeBuilderOtherwise_WithTheSameParameters()
    {
        var config = Zoo.Architectures.Single(a => a.Stem == "crosslmm").Config("tiny");
        TorchSharp.torch.manual_seed(7);
        using var typed = Zoo.Build(config);
        TorchSharp.torch.manual_seed(7);
        using var runtime = VideoLmmBuilder.Build(config);
        Assert.Equal("CrossLmm", typed.GetType().Name);
        Assert.Equal(typeof(VideoLmm), runtime.GetType());
        var a = typed.named_parameters().ToArray();
        var b = runtime.named_parameters().ToArray();
        Assert.Equal(a.Select(p => p.name), b.Select(p => p.name));
        Assert.All(a.Zip(b), p => Assert.True(TensorAssert.Identical(p.First.parameter, p.Second.parameter), p.First.name));

        // A config that is not the catalogue's (another preset's sizes under the same name) goes to the runtime builder.
        using var changed = Zoo.Build(config with { Preset = "small" });
        Assert.Equal(typeof(VideoLmm), changed.GetType());
        Assert.Throws<ArgumentNullException>(() => Zoo.Build((ArchitectureConfig)null!));
    }

    [Fact]
    public void Bind_OfEveryArchitectureFile_EqualsTheGeneratedConfig_AtEveryPreset()
    {
        foreach (var info in Zoo.Architectures)
        {
            string yaml = Repo.Read(info.SourceFile);
            foreach (string preset in info.Presets)
            {
                Assert.Equal(info.Config(preset), Zoo.Bind(yaml, preset, info.SourceFile));
            }

            Assert.Equal(info.Config(Zoo.DefaultPreset), Zoo.Bind(yaml, path: info.SourceFile));
        }
    }

    [Fact]
    public void Build_OfAValidSpec_IsAVideoLmmOfItsConfig_AndTheDefaultPathIsInline()
    {
        using var model = Zoo.Build(Demo);
        Assert.Equal(typeof(VideoLmm), model.GetType());
        Assert.Equal(9, model.Compressor.TokensFor(1));
        var config = Zoo.Bind(Demo);
        Assert.Equal(("Demo", "inline", Zoo.InlinePath, Zoo.DefaultPreset), (config.Name, config.Stem, config.SourceFile, config.Preset));

        Assert.True(Zoo.TryBuild(Demo, out var built, out var diagnostics, preset: "small"));
        using (built)
        {
            Assert.Empty(diagnostics);
            Assert.Equal(512, built.LanguageModel.Model.Hidden);
        }
    }

    [Fact]
    public void BadSpec_ComesBackAsTheBuildsDiagnostics_WithIdMessageLineAndColumn()
    {
        string yaml = Demo.Replace("grid: 3", "grid: 9").Replace("projector:", "projektor:");
        const string path = "architectures/demo.yaml";

        Assert.False(Zoo.TryBuild(yaml, out var model, out var diagnostics, path: path));
        Assert.Null(model);
        var unknownKey = diagnostics.Single(d => d.Id == SpecDiagnostics.UnknownKey);
        Assert.Equal(("unknown key 'projektor' in the architecture; did you mean 'projector'?", 4, 1, path), (unknownKey.Message, unknownKey.Span.Line, unknownKey.Span.Column, unknownKey.FilePath));

        // What the source generator reports for the same file (the core's view at every preset, errors included).
        var generator = SpecCompiler.BindAll(yaml, path, Zoo.Registry).Diagnostics;
        Assert.Equal(generator, diagnostics);

        var ex = Assert.Throws<SpecException>(() => Zoo.Build(yaml, path: path));
        Assert.Equal(diagnostics, ex.Diagnostics);
        Assert.Contains($"{path}(4,1): error CLMZ0002: unknown key 'projektor' in the architecture; did you mean 'projector'?", ex.Message);
        Assert.Equal(diagnostics, Zoo.TryBind(yaml, path: path).Diagnostics);
    }

    [Fact]
    public void RuleBrokenAtThePreset_IsReportedAtTheYamlValue()
    {
        string yaml = Demo.Replace("grid: 3", "grid: 9");
        var d = Assert.Single(Zoo.TryBind(yaml, "tiny").Diagnostics);
        Assert.Equal(SpecDiagnostics.PoolLargerThanPatchGrid, d.Id);
        Assert.Equal((3, 35, Zoo.InlinePath), (d.Span.Line, d.Span.Column, d.FilePath));
        Assert.Contains("(9)", d.Message);

        // At the small preset (14×14 patches) the same grid is fine.
        using var model = Zoo.Build(yaml, "small");
        Assert.Equal(81, model.Compressor.TokensFor(1));
    }

    [Fact]
    public void UnknownPreset_IsCLMZ0023_WithASuggestion()
    {
        var d = Assert.Single(Zoo.TryBind(Demo, "tiyn").Diagnostics);
        Assert.Equal(SpecDiagnostics.UnknownPreset, d.Id);
        Assert.Equal("unknown preset 'tiyn'; zoo.yaml defines tiny, small, 2b, 7b; did you mean 'tiny'?", d.Message);
        Assert.Throws<SpecException>(() => Zoo.Build(Demo, "tiyn"));
    }

    [Fact]
    public void BuildFile_NamesTheFileInDiagnostics_AndGivesTheStem()
    {
        string file = Path.Combine(directory, "my-variant.yaml");
        File.WriteAllText(file, Demo.Replace("name: Demo", "name: MyVariant"));
        var config = Zoo.BindFile(file);
        Assert.Equal(("MyVariant", "my-variant"), (config.Name, config.Stem));
        using (var model = Zoo.BuildFile(file, "tiny"))
        {
            Assert.Equal(config.Llm.Layers, model.LanguageModel.Model.Layers.Count);
        }

        File.WriteAllText(file, Demo.Replace("kind: vit", "kind: vitt"));
        var ex = Assert.Throws<SpecException>(() => Zoo.BuildFile(file));
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal((SpecDiagnostics.UnknownKind, file, 2, 17), (d.Id, d.FilePath, d.Span.Line, d.Span.Column));
        Assert.Throws<FileNotFoundException>(() => Zoo.BuildFile(Path.Combine(directory, "missing.yaml")));
    }

    [Fact]
    public void UsersRegistry_ProvidesThePresets_AndItsErrorsAreReported()
    {
        string zooYaml = Zoo.RegistryYaml.Replace("  tiny:", "  mini:").Replace("preset: tiny", "preset: mini");
        string registryPath = Path.Combine(directory, "zoo.yaml");
        File.WriteAllText(registryPath, zooYaml);
        var registry = Zoo.LoadRegistry(registryPath);
        Assert.Empty(registry.Diagnostics);

        var config = Zoo.Bind(Demo, registry: registry, path: Path.Combine(directory, "architectures", "demo.yaml"));
        Assert.Equal(("mini", "architectures/demo.yaml"), (config.Preset, config.SourceFile));
        Assert.Equal(Zoo.Bind(Demo, "tiny").Llm, config.Llm);

        File.WriteAllText(registryPath, zooYaml + "\nextras: 1\n");
        var broken = Zoo.LoadRegistry(registryPath);
        Assert.False(Zoo.TryBuild(Demo, out _, out var diagnostics, registry: broken));
        var d = Assert.Single(diagnostics);
        Assert.Equal((SpecDiagnostics.UnknownKey, registryPath), (d.Id, d.FilePath));
    }

    [Fact]
    public void ForeignCatalogueEntry_IsBuiltByTheRuntimeBuilder()
    {
        var config = Zoo.Bind(Demo, "tiny");
        var info = new ArchitectureInfo("Demo", "demo", "", "", "", "demo.yaml", Demo, typeof(object), new[] { "tiny" }, _ => config);
        using var model = info.Create("tiny");
        Assert.Equal(typeof(VideoLmm), model.GetType());
    }
}
