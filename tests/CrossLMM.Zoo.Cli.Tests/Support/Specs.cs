namespace CrossLMM.Zoo.Cli.Tests.Support;

/// <summary>Spec texts used by several tests.</summary>
public static class Specs
{
    /// <summary>A valid variant: 2×2 pooled tokens, V2V only, every 4 layers.</summary>
    public const string Valid = """
        name: Pool4V2V
        summary: 2x2 pooled tokens per frame, V2V cross-attention to the original tokens every 4 layers.
        vision: { kind: vit }
        compressor: { kind: pool2d, grid: 2 }
        projector: { kind: mlp, depth: 2, activation: gelu }
        llm: { kind: qwen2 }
        fusion:
          - { kind: dual_cross_attention, every: 4, branches: [v2v], source: original }
        layout: video_first

        """;

    /// <summary>The same with <c>grid</c> misspelt on line 4.</summary>
    public const string Typo = """
        name: Pool4V2V
        summary: 2x2 pooled tokens per frame, V2V cross-attention to the original tokens every 4 layers.
        vision: { kind: vit }
        compressor: { kind: pool2d, gird: 2 }
        projector: { kind: mlp, depth: 2, activation: gelu }
        llm: { kind: qwen2 }

        """;
}
