using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>
/// The typed modules: each architecture's class derives from VideoLmm and exposes its parts under the block
/// types its spec names; every kind of the vocabulary maps to a block and compiles; hooks bind; without the
/// blocks referenced only configs are emitted.
/// </summary>
public class ModuleEmitterTests
{
    private const string Modules = "CrossLMM.Zoo.Modules.";
    private const string List = "System.Collections.Generic.IReadOnlyList<";

    private static readonly Lazy<Harness.Run> Zoo = new(() => Harness.RunGenerator(Harness.RepositoryFiles()));

    /// <summary>The zoo's architectures and the block types their specs name (written out here, not derived from the emitter).</summary>
    public static TheoryData<string, string, string, bool, string, string?> ZooModules() => new()
    {
        { "CrossLmm", "Compressors.Pool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
        { "CrossLmm1Tok", "Compressors.Pool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
        { "CrossLmm16Tok", "Compressors.Pool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
        { "CrossLmmV2V", "Compressors.Pool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
        { "CrossLmmT2V", "Compressors.Pool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
        { "PoolOnly", "Compressors.Pool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", null },
        { "FullTokens", "Compressors.IdentityCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", null },
        { "LlavaOneVision", "Compressors.StridedPool2dCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", null },
        { "SlowFast", "Compressors.TemporalPoolCompressor", "Projectors.MlpProjector", false, "Language.DecoderLayer", "Language.HybridDecoderLayer" },
        { "QFormer", "Compressors.QFormerCompressor", "Projectors.LinearProjector", false, "Language.Qwen2DecoderLayer", null },
        { "Flamingo", "Compressors.PerceiverCompressor", "Projectors.LinearProjector", false, "Language.Qwen2DecoderLayer", "Fusion.GatedCrossAttentionLayer" },
        { "VideoCcam", "Compressors.CcamCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", null },
        { "LlamaVid", "Compressors.LlamaVidCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", null },
        { "QFormerT2V", "Compressors.QFormerCompressor", "Projectors.LinearProjector", true, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
        { "SlowFastV2V", "Compressors.TemporalPoolCompressor", "Projectors.MlpProjector", false, "Language.Qwen2DecoderLayer", "Fusion.DualCrossAttentionLayer" },
    };

    [Theory]
    [MemberData(nameof(ZooModules))]
    public void ZooModule_DerivesFromVideoLmm_WithThePartsTypedAsItsSpecSays(
        string name, string compressor, string projector, bool sourceProjector, string layer, string? fusion)
    {
        var type = Zoo.Value.Output.GetTypeByMetadataName("CrossLMM.Zoo." + name);
        Assert.NotNull(type);
        Assert.Equal(Modules + "VideoLmm", type!.BaseType!.ToDisplayString());
        Assert.True(type.IsSealed);
        Assert.True(type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword)));

        var expected = new Dictionary<string, string>
        {
            ["Config"] = $"CrossLMM.Zoo.{name}Config",
            ["vision_tower"] = Modules + "Vision.SiglipVisionTransformer",
            ["compressor"] = Modules + compressor,
            ["multi_modal_projector"] = Modules + projector,
            ["language_model"] = Modules + "Language.Qwen2ForCausalLM",
            ["layers"] = List + Modules + layer + ">",
        };
        if (sourceProjector)
        {
            expected["source_projector"] = Modules + projector;
        }

        if (fusion is not null)
        {
            expected["fusion0"] = List + Modules + fusion + ">";
        }

        var properties = type.GetMembers().OfType<IPropertySymbol>().Where(p => p.DeclaredAccessibility == Accessibility.Public && !p.IsStatic)
            .ToDictionary(p => p.Name, p => p.Type.ToDisplayString());
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), properties.OrderBy(kv => kv.Key, StringComparer.Ordinal));

        // The constructor takes the typed config; Create(preset) defaults to the zoo's default preset.
        Assert.Contains(type.InstanceConstructors, c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Single().Type.Name == name + "Config");
        var create = type.GetMembers("Create").OfType<IMethodSymbol>().Single();
        Assert.True(create.IsStatic);
        Assert.Equal("tiny", create.Parameters.Single().ExplicitDefaultValue);
        Assert.Equal(type, create.ReturnType, SymbolEqualityComparer.Default);
    }

    [Fact]
    public void ZooModule_CallsTheBlocksConstructorsDirectly_WithNoSwitchOnKinds()
    {
        string crossLmm = Zoo.Value.Source("CrossLmm.g.cs");
        Assert.Contains("new global::CrossLMM.Zoo.Modules.Vision.SiglipVisionTransformer(config.Vision)", crossLmm);
        Assert.Contains("new global::CrossLMM.Zoo.Modules.Compressors.Pool2dCompressor(config.Compressor, config.Vision)", crossLmm);
        Assert.Contains("new global::CrossLMM.Zoo.Modules.Projectors.MlpProjector(config.Projector, architecture.ProjectorInputWidth, llm.Hidden)", crossLmm);
        Assert.Contains("new global::CrossLMM.Zoo.Modules.Fusion.DualCrossAttentionLayer(config.Fusion0, llm)", crossLmm);
        foreach (var source in Zoo.Value.Generator.GeneratedSources.Where(s => s.HintName != "Zoo.g.cs" && !s.HintName.EndsWith("Config.g.cs", StringComparison.Ordinal)))
        {
            string text = source.SourceText.ToString();
            Assert.DoesNotContain("Factory", text);
            Assert.DoesNotContain("VideoLmmBuilder.Build", text);
            Assert.DoesNotContain(".Kind", text);
        }

        // The QFormer-T2V source projector reads the vision width (original tokens), the stream projector the Q-Former's.
        Assert.Contains("new global::CrossLMM.Zoo.Modules.Projectors.LinearProjector(config.Projector, architecture.SourceProjectorInputWidth!.Value, llm.Hidden)", Zoo.Value.Source("QFormerT2V.g.cs"));
    }

    [Fact]
    public void EveryKind_MapsToItsBlock_AndTheModulesCompileCleanly()
    {
        string Spec(string name, string vision, string compressor, string projector, string fusion = "", string layout = "video_first") =>
            $"name: {name}\nvision: {{ kind: {vision} }}\ncompressor: {compressor}\nprojector: {projector}\nllm: {{ kind: qwen2 }}\n{fusion}layout: {layout}\n";

        var specs = new (string Stem, string Yaml, string Compressor, string Vision)[]
        {
            ("identity", Spec("KindIdentity", "precomputed", "{ kind: identity }", "{ kind: linear }"), "IdentityCompressor", "PrecomputedVisionFeatures"),
            ("pool", Spec("KindPool", "vit", "{ kind: pool2d, grid: 2 }", "{ kind: mlp, depth: 1 }",
                "fusion:\n  - { kind: dual_cross_attention, layers: [1], branches: [v2v], scope: frame }\n  - { kind: gated_cross_attention, layers: [2], source: compressed }\n  - { kind: hybrid, layers: [0, 3] }\n"), "Pool2dCompressor", "SiglipVisionTransformer"),
            ("strided", Spec("KindStrided", "vit", "{ kind: strided_pool2d, stride: 2 }", "{ kind: mlp }"), "StridedPool2dCompressor", "SiglipVisionTransformer"),
            ("temporal", Spec("KindTemporal", "vit", "{ kind: temporal_pool, frames: 2, stride: 2 }", "{ kind: mlp }", "fusion:\n  - { kind: hybrid, every: 2, source: slow }\n"), "TemporalPoolCompressor", "SiglipVisionTransformer"),
            ("qformer", Spec("KindQFormer", "vit", "{ kind: qformer, queries: 4, per: video }", "{ kind: linear }", "fusion:\n  - { kind: gated_cross_attention, every: 2, source: original }\n", "cross_attention_only"), "QFormerCompressor", "SiglipVisionTransformer"),
            ("perceiver", Spec("KindPerceiver", "vit", "{ kind: perceiver, latents: 4, per: frame }", "{ kind: mlp }"), "PerceiverCompressor", "SiglipVisionTransformer"),
            ("ccam", Spec("KindCcam", "vit", "{ kind: ccam, queries: 8 }", "{ kind: mlp }", "fusion:\n  - { kind: dual_cross_attention, every: 2, branches: [t2v], source: original }\n"), "CcamCompressor", "SiglipVisionTransformer"),
            ("llamavid", Spec("KindLlamaVid", "vit", "{ kind: llama_vid, queries: 4 }", "{ kind: mlp }"), "LlamaVidCompressor", "SiglipVisionTransformer"),
        };

        var run = Harness.RunGenerator(Harness.Files(specs.Select(s => (s.Stem, s.Yaml)).ToArray()));
        Assert.True(run.Diagnostics.IsEmpty, string.Join("\n", run.Diagnostics));
        var diagnostics = run.Output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Select(d => d.ToString())));
        foreach (var spec in specs)
        {
            string name = spec.Yaml.Split('\n')[0]["name: ".Length..];
            var type = run.Output.GetTypeByMetadataName("CrossLMM.Zoo." + name)!;
            Assert.Equal(spec.Compressor, Property(type, "compressor").Name);
            Assert.Equal(spec.Vision, Property(type, "vision_tower").Name);
        }

        // Mixed fusion: hybrid layers make the layer list their common base; each entry gets its own typed list.
        var mixed = run.Output.GetTypeByMetadataName("CrossLMM.Zoo.KindPool")!;
        Assert.Equal(List + Modules + "Language.DecoderLayer>", Property(mixed, "layers").ToDisplayString());
        Assert.Equal(List + Modules + "Fusion.DualCrossAttentionLayer>", Property(mixed, "fusion0").ToDisplayString());
        Assert.Equal(List + Modules + "Fusion.GatedCrossAttentionLayer>", Property(mixed, "fusion1").ToDisplayString());
        Assert.Equal(List + Modules + "Language.HybridDecoderLayer>", Property(mixed, "fusion2").ToDisplayString());

        // Original tokens as keys when the compressor's output lives in another space: a source projector of the projector's kind.
        Assert.Equal("LinearProjector", Property(run.Output.GetTypeByMetadataName("CrossLMM.Zoo.KindQFormer")!, "source_projector").Name);
        Assert.Equal("MlpProjector", Property(run.Output.GetTypeByMetadataName("CrossLMM.Zoo.KindCcam")!, "source_projector").Name);
        Assert.Empty(run.Output.GetTypeByMetadataName("CrossLMM.Zoo.KindPool")!.GetMembers("source_projector"));
    }

    /// <summary>
    /// Every declared kind of every record slot (compressor, projector, fusion), none listed here: a spec per kind, whose
    /// generated module types that part as the block the compilation marks <c>[BlockFor(typeof(ItsRecord))]</c>, and the
    /// modules compile. A kind added with its record and block is covered without touching this test.
    /// </summary>
    [Fact]
    public void EveryDeclaredKind_GetsTheBlockMarkedForItsRecord_AndTheModulesCompile()
    {
        // Every integer field 2 (valid at the harness's tiny preset, g = 4); the others at their defaults.
        static string Fields(CrossLMM.Zoo.Configs.KindDeclaration kind) =>
            string.Concat(kind.Fields.Where(f => f.Type == typeof(int)).Select(f => $", {f.Name}: 2"));
        var cases = new List<(string Stem, string Yaml, string Member, Type Record)>();
        int i = 0;
        foreach (var kind in CrossLMM.Zoo.Configs.KindDeclaration.Compressors)
        {
            cases.Add(($"c{i++}", $"name: Compressor{i}\nvision: {{ kind: vit }}\ncompressor: {{ kind: {kind.Name}{Fields(kind)} }}\nprojector: {{ kind: linear }}\nllm: {{ kind: qwen2 }}\n", "compressor", kind.Record!));
        }

        foreach (var kind in CrossLMM.Zoo.Configs.KindDeclaration.Projectors)
        {
            cases.Add(($"p{i++}", $"name: Projector{i}\nvision: {{ kind: precomputed }}\ncompressor: {{ kind: identity }}\nprojector: {{ kind: {kind.Name}{Fields(kind)} }}\nllm: {{ kind: qwen2 }}\n", "multi_modal_projector", kind.Record!));
        }

        foreach (var kind in CrossLMM.Zoo.Configs.KindDeclaration.Fusions)
        {
            cases.Add(($"f{i++}", $"name: Fusion{i}\nvision: {{ kind: precomputed }}\ncompressor: {{ kind: pool2d, grid: 2 }}\nprojector: {{ kind: linear }}\nllm: {{ kind: qwen2 }}\nfusion:\n  - {{ kind: {kind.Name}{Fields(kind)}, every: 2 }}\n", "fusion0", kind.Record!));
        }

        var run = Harness.RunGenerator(Harness.Files(cases.Select(c => (c.Stem, c.Yaml)).ToArray()));
        Assert.True(run.Diagnostics.IsEmpty, string.Join("\n", run.Diagnostics));
        var diagnostics = run.Output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Select(d => d.ToString())));
        foreach (var c in cases)
        {
            string name = c.Yaml.Split('\n')[0]["name: ".Length..];
            var part = Property(run.Output.GetTypeByMetadataName("CrossLMM.Zoo." + name)!, c.Member);
            var block = part is INamedTypeSymbol { TypeArguments.Length: 1 } list && c.Member == "fusion0" ? list.TypeArguments[0] : part;
            var marker = block.GetAttributes().Single(a => a.AttributeClass!.Name == "BlockForAttribute");
            Assert.Equal(c.Record.FullName, ((ITypeSymbol)marker.ConstructorArguments[0].Value!).ToDisplayString());
        }
    }

    [Fact]
    public void HandWrittenHooks_BindToTheGeneratedPartialMethods_AndRunBeforeAndAfterTheBlocksAreBuilt()
    {
        const string hooks = """
            namespace CrossLMM.Zoo
            {
                public sealed partial class CrossLmm
                {
                    internal static int Configured;
                    internal int Created;
                    static partial void OnConfiguring(CrossLmmConfig config) => Configured += config.Llm.Layers;
                    partial void OnCreated() => Created = layers.Count + fusion0.Count + Configured;
                }
            }
            """;
        var compilation = Zoo.Value.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(hooks, Harness.ParseOptions));
        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(d => d.ToString())));

        // Run it: OnConfiguring once before the blocks (4 layers at tiny), OnCreated after every part is assigned.
        var type = GeneratedSourceTests.Load(compilation).GetType("CrossLMM.Zoo.CrossLmm")!;
        using (var model = (IDisposable)type.GetMethod("Create")!.Invoke(null, new object[] { "tiny" })!)
        {
            const System.Reflection.BindingFlags any = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
            Assert.Equal(4, type.GetField("Configured", any | System.Reflection.BindingFlags.Static)!.GetValue(null));
            Assert.Equal(4 + 1 + 4, type.GetField("Created", any | System.Reflection.BindingFlags.Instance)!.GetValue(model));
        }

        // A misspelt hook is a compile error, not a silently dropped customisation.
        var misspelt = Zoo.Value.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(hooks.Replace("OnCreated()", "OnCreate()"), Harness.ParseOptions));
        Assert.Contains(misspelt.GetDiagnostics(), d => d.Id == "CS0759");
    }

    [Fact]
    public void WithoutTheBlocks_OnlyConfigsAndTheCatalogueAreEmitted_AndTheyCompile()
    {
        var run = Harness.RunGenerator(Harness.RepositoryFiles(), Harness.ConfigsOnlyCompilation());
        Assert.Empty(run.Diagnostics);
        Assert.Equal(17, run.HintNames.Length);
        Assert.All(run.HintNames, h => Assert.True(h == "Zoo.g.cs" || h.EndsWith("Config.g.cs", StringComparison.Ordinal), h));
        Assert.DoesNotContain("Create(", run.Source("Zoo.g.cs"));
        var diagnostics = run.Output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Select(d => d.ToString())));
    }

    [Fact]
    public void Catalogue_CreatesEveryArchitectureThroughItsTypedClass()
    {
        string zoo = Zoo.Value.Source("Zoo.g.cs");
        foreach (var name in ZooModules().Select(row => (string)row[0]))
        {
            Assert.Contains($"case \"{name}\":\n                    return new global::CrossLMM.Zoo.{name}(global::CrossLMM.Zoo.{name}Config.ForPreset(preset));", zoo);
        }
    }

    [Theory]
    [InlineData("Create", "name 'Create' is reserved: the generated module class Create has a member of that name")]
    [InlineData("OnCreated", "name 'OnCreated' is reserved: the generated module class OnCreated has a member of that name")]
    [InlineData("Config", "name 'Config' is reserved: the generated module class Config has a member of that name")]
    [InlineData("Modules", "name 'Modules' is reserved: it (or ModulesConfig) is already a type or namespace of the zoo")]
    public void NamesTheModuleClassCannotTake_AreRejected(string name, string message)
    {
        var run = Harness.RunGenerator(Harness.Files(("demo", Spec.Tests.TestSpecs.Demo.Replace("name: Demo", "name: " + name))));
        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("CLMZ0009", d.Id);
        Assert.Equal(message, d.GetMessage());
        Assert.Equal(new[] { "Zoo.g.cs" }, run.HintNames);
    }

    private static ITypeSymbol Property(INamedTypeSymbol type, string name) => type.GetMembers(name).OfType<IPropertySymbol>().Single().Type;
}
