using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>The generator side of two spec features: a spec's own preset list, and the slow source of any compressor.</summary>
public class SpecFrictionTests
{
    private const string Tail = "projector: { kind: mlp }\nllm: { kind: qwen2 }\n";

    [Fact]
    public void PresetList_GeneratesTheListedPresetsOnly_AndCompiles()
    {
        // Layers 5 and 7 exist in small (8 layers), not in tiny (4): without presets: [small] this is CLMZ0014.
        string yaml = "name: PaperLayers\nvision: { kind: vit }\ncompressor: { kind: pool2d, grid: 2 }\n" + Tail +
                      "fusion:\n  - { kind: dual_cross_attention, layers: [1, 5, 7] }\npresets: [small]\n";
        var run = Harness.RunGenerator(Harness.Files(("paper-layers", yaml)));
        Assert.True(run.Diagnostics.IsEmpty, string.Join("\n", run.Diagnostics));
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        string config = run.Source("PaperLayersConfig.g.cs");
        Assert.Contains("PresetNames { get; } = new string[] { \"small\" };", config, StringComparison.Ordinal);
        Assert.DoesNotContain("\"tiny\" =>", config, StringComparison.Ordinal);
    }

    [Fact]
    public void SlowSource_WithAnyCompressor_IsEmittedWithItsStride_AndCompiles()
    {
        string yaml = "name: QSlow\nvision: { kind: vit }\ncompressor: { kind: qformer, queries: 4, slow_stride: 2 }\n" + Tail +
                      "fusion:\n  - { kind: hybrid, every: 2, source: slow }\n";
        var run = Harness.RunGenerator(Harness.Files(("q-slow", yaml)));
        Assert.True(run.Diagnostics.IsEmpty, string.Join("\n", run.Diagnostics));
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("with { SlowStride = 2 }", run.Source("QSlowConfig.g.cs"), StringComparison.Ordinal);
        Assert.Contains("compressor.WithSlowStride(config.Compressor.SlowSourceStride);", run.Source("QSlow.g.cs"), StringComparison.Ordinal);
    }
}
