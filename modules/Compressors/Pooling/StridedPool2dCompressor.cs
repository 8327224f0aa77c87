using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>strided_pool2d</c>: LLaVA-OneVision's video token reduction (Li et al. 2024, arXiv:2408.03326;
/// 27×27 → 14×14 with stride 2) as average pooling with kernel = stride = s in ceil mode: the last window of
/// an axis may be clipped and then averages only its in-bounds tokens. Features (B, T, g², D) → tokens
/// (B, T·⌈g/s⌉², D), frame-major. No parameters.
/// </summary>
[BlockFor(typeof(StridedPool2dCompressorConfig))]
public sealed class StridedPool2dCompressor : VisualCompressor, ICompressorCost<StridedPool2dCompressorConfig>
{
    private readonly StridedPool2dCompressorConfig _config;

    /// <summary>Creates the pooling.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid.</param>
    /// <param name="stride">Kernel and stride s, 1 ≤ s ≤ g.</param>
    /// <param name="width">Feature width D (kept unchanged).</param>
    /// <exception cref="System.ArgumentException">A size is not positive or the stride exceeds g.</exception>
    public StridedPool2dCompressor(int patchGrid, int stride, long width) : base(nameof(StridedPool2dCompressor), patchGrid, width, width)
    {
        BlockChecks.Positive(stride, "stride");
        BlockChecks.AtMost(stride, "stride", patchGrid, "the patch grid side");
        _config = new StridedPool2dCompressorConfig(stride);
        RegisterComponents();
    }

    /// <summary>Creates the pooling from its record and the vision section.</summary>
    /// <param name="config">Stride.</param>
    /// <param name="vision">Defines g and D.</param>
    public StridedPool2dCompressor(StridedPool2dCompressorConfig config, VisionConfig vision)
        : this(CompressorArguments.Checked(config, vision).PatchGrid, config.Stride, vision.Hidden)
    {
    }

    /// <summary>Pooling stride s.</summary>
    public int Stride => _config.Stride;

    /// <summary>Output grid side ⌈g/s⌉.</summary>
    public int OutputGrid => _config.OutputGrid(PatchGrid);

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.Same;   // no parameters

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, g², D) → tokens (B, T·⌈g/s⌉², D); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1], side = OutputGrid;
        var tokens = FrameMaps.StridedAverage(features, PatchGrid, Stride)        // [B, T, O², D]
            .reshape(batch, time * side * side, InputWidth);                     // [B, T·O², D]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope());
    }

    /// <summary>FLOPs: none (pooling and copying are not products).</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(StridedPool2dCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) => FlopBreakdown.Zero;

    /// <summary>No parameters.</summary>
    /// <inheritdoc/>
    public static long Parameters(StridedPool2dCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) => 0;
}
