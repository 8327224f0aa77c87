using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>temporal_pool</c>: the two token paths of Slow-Fast video MLLMs (Shi et al. 2025, arXiv:2504.01328).
/// Slow tokens: every frame, average-pooled in space with kernel = stride = σ (ceil mode), n = ⌈g/σ⌉²
/// per frame. Fast tokens (the LLM stream): the slow tokens average-pooled in time over consecutive groups
/// of τ frames (<c>avg_pool3d</c> semantics: trailing T mod τ frames are dropped); a video shorter than τ
/// gives one fast frame, the mean of all its frames. Features (B, T, g², D) → tokens
/// (B, max(1, ⌊T/τ⌋)·n, D) and <see cref="CompressorOutput.Slow"/> (B, T·n, D). No parameters.
/// </summary>
[BlockFor(typeof(TemporalPoolCompressorConfig))]
public sealed class TemporalPoolCompressor : VisualCompressor, ICompressorCost<TemporalPoolCompressorConfig>
{
    private readonly TemporalPoolCompressorConfig _config;

    /// <summary>Creates the pooling.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid.</param>
    /// <param name="frames">Temporal window τ ≥ 1 (4 in Slow-Fast's 64-frame model).</param>
    /// <param name="stride">Spatial kernel and stride σ, 1 ≤ σ ≤ g (1 keeps every patch).</param>
    /// <param name="width">Feature width D (kept unchanged).</param>
    /// <exception cref="System.ArgumentException">A size is not positive or σ exceeds g.</exception>
    public TemporalPoolCompressor(int patchGrid, int frames, int stride, long width)
        : base(nameof(TemporalPoolCompressor), patchGrid, width, width)
    {
        BlockChecks.Positive(frames, "frames");
        BlockChecks.Positive(stride, "stride");
        BlockChecks.AtMost(stride, "stride", patchGrid, "the patch grid side");
        _config = new TemporalPoolCompressorConfig(frames, stride);
        RegisterComponents();
    }

    /// <summary>Creates the pooling from its record and the vision section.</summary>
    /// <param name="config">τ and σ.</param>
    /// <param name="vision">Defines g and D.</param>
    public TemporalPoolCompressor(TemporalPoolCompressorConfig config, VisionConfig vision)
        : this(CompressorArguments.Checked(config, vision).PatchGrid, config.Frames, config.Stride, vision.Hidden)
    {
    }

    /// <summary>Temporal window τ.</summary>
    public int Frames => _config.Frames;

    /// <summary>Spatial stride σ.</summary>
    public int Stride => _config.Stride;

    /// <summary>Spatial grid side ⌈g/σ⌉ of both paths.</summary>
    public int SpatialGrid => _config.SpatialGrid(PatchGrid);

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.Same;   // no parameters

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>Slow tokens for <paramref name="frames"/> frames: T·⌈g/σ⌉².</summary>
    public long SlowTokensFor(int frames) => _config.SlowTokens(frames, PatchGrid);

    /// <summary>
    /// Features (B, T, g², D) → fast tokens (B, max(1, ⌊T/τ⌋)·n, D) with slow tokens (B, T·n, D);
    /// <paramref name="text"/> and <paramref name="textPadding"/> are ignored.
    /// </summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1], side = SpatialGrid, perFrame = side * side;
        var slow = FrameMaps.StridedAverage(features, PatchGrid, Stride);                  // [B, T, N, D]
        long fastFrames = _config.FastFrames((int)time);
        var fast = time >= Frames
            ? slow.narrow(1, 0, fastFrames * Frames)
                .reshape(batch, fastFrames, Frames, perFrame, InputWidth)                   // [B, T/τ, τ, N, D]
                .mean(new long[] { 2 })                                                     // [B, T/τ, N, D]
            : slow.mean(new long[] { 1 }, keepdim: true);                                   // [B, 1, N, D]
        var tokens = fast.reshape(batch, fastFrames * perFrame, InputWidth);               // [B, T_f·N, D]
        var slowTokens = slow.reshape(batch, time * perFrame, InputWidth);                 // [B, T·N, D]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope(), slowTokens.MoveToOuterDisposeScope());
    }

    /// <summary>FLOPs: none (pooling and copying are not products).</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(TemporalPoolCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) => FlopBreakdown.Zero;

    /// <summary>No parameters.</summary>
    /// <inheritdoc/>
    public static long Parameters(TemporalPoolCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) => 0;
}
