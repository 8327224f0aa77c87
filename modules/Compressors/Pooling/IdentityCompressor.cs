using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>identity</c>: every encoder token enters the LLM — the full-token baseline of LLaVA-OneVision
/// (Li et al. 2024, arXiv:2408.03326) that CrossLMM compares its cost with. Features (B, T, N, D) →
/// tokens (B, T·N, D), frame-major. No parameters.
/// </summary>
[BlockFor(typeof(IdentityCompressorConfig))]
public sealed class IdentityCompressor : VisualCompressor, ICompressorCost<IdentityCompressorConfig>
{
    /// <summary>Creates the pass-through.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid (N = g²).</param>
    /// <param name="width">Feature width D (kept unchanged).</param>
    /// <exception cref="System.ArgumentException">A size is not positive.</exception>
    public IdentityCompressor(int patchGrid, long width) : base(nameof(IdentityCompressor), patchGrid, width, width)
    {
        RegisterComponents();
    }

    /// <summary>Creates the pass-through for a bound architecture's vision section.</summary>
    /// <param name="config">The compressor record (has no fields).</param>
    /// <param name="vision">Defines g and D.</param>
    public IdentityCompressor(IdentityCompressorConfig config, VisionConfig vision)
        : this(CompressorArguments.Checked(config, vision).PatchGrid, vision.Hidden)
    {
    }

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.Same;   // no parameters

    /// <inheritdoc/>
    public override long TokensFor(int frames) => new IdentityCompressorConfig().Tokens(frames, PatchGrid);

    /// <summary>Features (B, T, N, D) → tokens (B, T·N, D); <paramref name="text"/> and <paramref name="textPadding"/> are ignored.</summary>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        long batch = features.shape[0], time = features.shape[1];
        return new CompressorOutput(features.reshape(batch, time * InputTokensPerFrame, InputWidth)); // [B, T·N, D]
    }

    /// <summary>FLOPs: none (pooling and copying are not products).</summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(IdentityCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) => FlopBreakdown.Zero;

    /// <summary>No parameters.</summary>
    /// <inheritdoc/>
    public static long Parameters(IdentityCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) => 0;
}
