using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>pool2d</c>: CrossLMM's initial token merge (Yan et al. 2025, arXiv:2505.17020, §3.1) — parameter-free
/// adaptive 2D average pooling of each frame's g×g token map to grid×grid (grid 1, 3, 4 give the paper's 1,
/// 9, 16 tokens per frame). Window i of an axis covers [⌊i·g/grid⌋, ⌈(i+1)·g/grid⌉), as
/// <c>F.adaptive_avg_pool2d</c>. Features (B, T, g², D) → tokens (B, T·grid², D), frame-major, row-major
/// within a frame. No parameters.
/// </summary>
[BlockFor(typeof(Pool2dCompressorConfig))]
public sealed class Pool2dCompressor : VisualCompressor, ICompressorCost<Pool2dCompressorConfig>
{
    private readonly Pool2dCompressorConfig _config;

    /// <summary>Creates the pooling.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid.</param>
    /// <param name="grid">Output grid side, 1 ≤ grid ≤ g.</param>
    /// <param name="width">Feature width D (kept unchanged).</param>
    /// <exception cref="System.ArgumentException">A size is not positive or grid exceeds g.</exception>
    public Pool2dCompressor(int patchGrid, int grid, long width) : base(nameof(Pool2dCompressor), patchGrid, width, width)
    {
        BlockChecks.Positive(grid, "grid");
        BlockChecks.AtMost(grid, "grid", patchGrid, "the patch grid side");
        _config = new Pool2dCompressorConfig(grid);
        RegisterComponents();
    }

    /// <summary>Creates the pooling from its record and the vision section (g = image / patch, D = hidden).</summary>
    /// <param name="config">Output grid.</param>
    /// <param name="vision">Defines g and D.</param>
    public Pool2dCompressor(Pool2dCompressorConfig config, VisionConfig vision)
        : this(CompressorArguments.Checked(config, vision).PatchGrid, config.Grid, vision.Hidden)
    {
    }

    /// <summary>Output grid side.</summary>
    public int Grid => _config.Grid;

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.Same;   // no parameters

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, g², D) → tokens (B, T·grid², D); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1];
        var pooled = nn.functional.adaptive_avg_pool2d(FrameMaps.ToMaps(features, PatchGrid), new long[] { Grid, Grid }); // [B·T, D, G, G]
        var tokens = FrameMaps.ToTokens(pooled, batch, time).reshape(batch, time * Grid * Grid, InputWidth); // [B, T·G², D]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope());
    }

    /// <summary>FLOPs: none (pooling and copying are not products).</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(Pool2dCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) => FlopBreakdown.Zero;

    /// <summary>No parameters.</summary>
    /// <inheritdoc/>
    public static long Parameters(Pool2dCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) => 0;
}
