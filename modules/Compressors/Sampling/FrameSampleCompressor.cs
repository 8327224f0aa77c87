using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>frame_sample</c>: uniform frame sampling. Features (B, T, g², D) → tokens (B, ⌈T/s⌉·g², D): frames 0, s, 2s, …
/// keep all their tokens, frame-major, the others are dropped. No parameters, no products (docs/kinds/frame_sample.md).
/// </summary>
[BlockFor(typeof(FrameSampleCompressorConfig))]
public sealed class FrameSampleCompressor : VisualCompressor, ICompressorCost<FrameSampleCompressorConfig>
{
    private readonly FrameSampleCompressorConfig _config;

    /// <summary>Creates the sampling.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid.</param>
    /// <param name="stride">Keep one frame in every s ≥ 1.</param>
    /// <param name="width">Feature width D (kept unchanged).</param>
    /// <exception cref="System.ArgumentException">A size is not positive.</exception>
    public FrameSampleCompressor(int patchGrid, int stride, long width) : base(nameof(FrameSampleCompressor), patchGrid, width, width)
    {
        BlockChecks.Positive(stride, "stride");
        _config = new FrameSampleCompressorConfig(stride);
        RegisterComponents();
    }

    /// <summary>Creates the sampling from its record and the vision section.</summary>
    /// <param name="config">Stride.</param>
    /// <param name="vision">Defines g and D.</param>
    public FrameSampleCompressor(FrameSampleCompressorConfig config, VisionConfig vision)
        : this(CompressorArguments.Checked(config, vision).PatchGrid, config.Stride, vision.Hidden)
    {
    }

    /// <summary>Keep one frame in every s.</summary>
    public int Stride => _config.Stride;

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.Same;   // no parameters

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, g², D) → tokens (B, ⌈T/s⌉·g², D); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1];
        using var kept = torch.arange(0, time, Stride, dtype: torch.int64, device: features.device);   // [T']
        var tokens = features.index_select(1, kept)                                                    // [B, T', g², D]
            .reshape(batch, kept.shape[0] * InputTokensPerFrame, InputWidth);                           // [B, T'·g², D]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope());
    }

    /// <summary>FLOPs: none (selecting frames is not a product).</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(FrameSampleCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) => FlopBreakdown.Zero;

    /// <summary>No parameters.</summary>
    /// <inheritdoc/>
    public static long Parameters(FrameSampleCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) => 0;
}
