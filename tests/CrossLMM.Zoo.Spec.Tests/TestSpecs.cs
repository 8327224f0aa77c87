using System.Linq;
using CrossLMM.Zoo.Configs;
using Xunit;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>A tiny in-memory zoo (two presets) and helpers to bind YAML against it.</summary>
public static class TestSpecs
{
    public const string ZooPath = "/zoo/zoo.yaml";
    public const string SpecPath = "/zoo/architectures/demo.yaml";

    public const string ZooYaml = """
        presets:
          tiny:
            vision:    { image: 32, patch: 8, channels: 3, hidden: 32, layers: 2, heads: 4, mlp: 64, norm_eps: 1.0e-6 }
            resampler: { hidden: 32, layers: 2, heads: 4, mlp: 64, norm_eps: 1.0e-6 }
            llm:       { hidden: 32, layers: 4, heads: 4, kv_heads: 2, mlp: 64, vocab: 512, rope_theta: 10000, norm_eps: 1.0e-6, tie_embeddings: true, max_positions: 8192 }
          small:
            vision:    { image: 224, patch: 16, channels: 3, hidden: 256, layers: 4, heads: 4, mlp: 1024, norm_eps: 1.0e-6 }
            resampler: { hidden: 128, layers: 2, heads: 4, mlp: 512, norm_eps: 1.0e-6 }
            llm:       { hidden: 512, layers: 8, heads: 8, kv_heads: 2, mlp: 1408, vocab: 512, rope_theta: 1.0e6, norm_eps: 1.0e-6, tie_embeddings: true, max_positions: 32768 }
        architectures:
          - demo
        """;

    /// <summary>A valid spec; tests replace or append lines.</summary>
    public const string Demo = """
        name: Demo
        vision: { kind: vit }
        compressor: { kind: pool2d, grid: 3 }
        projector: { kind: mlp }
        llm: { kind: qwen2 }
        """;

    public static ZooRegistry Zoo { get; } = ZooRegistry.Parse(ZooYaml, ZooPath);

    public static SpecSetResult BindAll(string yaml) => SpecCompiler.BindAll(yaml, SpecPath, Zoo);

    public static ArchitectureConfig Bind(string yaml, string preset = "tiny")
    {
        var result = SpecCompiler.Bind(yaml, SpecPath, Zoo, preset);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    /// <summary>The single diagnostic the YAML produces (fails when there are none or several).</summary>
    public static SpecDiagnostic Single(string yaml)
    {
        var diagnostics = BindAll(yaml).Diagnostics;
        Assert.True(diagnostics.Count == 1, "expected one diagnostic, got:\n" + string.Join("\n", diagnostics));
        return diagnostics[0];
    }

    /// <summary>Asserts ID, exact message and one-based line and column.</summary>
    public static void AssertDiagnostic(SpecDiagnostic d, string id, string message, int line, int column)
    {
        Assert.Equal(id, d.Id);
        Assert.Equal(message, d.Message);
        Assert.Equal((line, column), (d.Span.Line, d.Span.Column));
    }
}
