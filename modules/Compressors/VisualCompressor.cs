using System;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// What a compressor hands to the rest of the model.
/// <list type="bullet">
/// <item><see cref="Tokens"/>: (B, M, D_c), the tokens that enter the LLM stream (or feed cross-attention
/// when the layout is cross-attention only); M follows the config's token formula for T frames.</item>
/// <item><see cref="Slow"/>: (B, T·n_slow, D), the spatially pooled per-frame tokens of <c>temporal_pool</c>
/// (the Slow-Fast "slow" source), null for every other kind.</item>
/// </list>
/// The caller owns both tensors.
/// </summary>
public sealed record CompressorOutput(Tensor Tokens, Tensor? Slow = null) : IDisposable
{
    /// <summary>Disposes <see cref="Tokens"/> and <see cref="Slow"/>.</summary>
    public void Dispose()
    {
        Tokens.Dispose();
        Slow?.Dispose();
    }
}

/// <summary>
/// Base of every compressor: per-frame encoder tokens (B, T, N, D) and, for text-guided kinds (LLaMA-VID),
/// the embedded prompt (B, L, H) with its padding mask (B, L) → <see cref="CompressorOutput"/>. Kinds that do
/// not read text ignore both. The padding mask (true/1 for real tokens, null = all real; the same mask as the
/// LLM's text padding) lets a text-guided kind keep padded prompt positions out of its attention, so a padded
/// batch compresses each video exactly as its unpadded prompt would. Every compressor is built for one patch
/// grid (N = g²) and input width D and checks its input against them.
/// <para>forward(features (B, T, N, D), text (B, L, H) or null, textPadding (B, L) or null).</para>
/// </summary>
public abstract class VisualCompressor : nn.Module<Tensor, Tensor?, Tensor?, CompressorOutput>, IHfKeyMapped
{
    /// <summary>Sets the geometry the compressor is built for.</summary>
    /// <param name="name">Module type name.</param>
    /// <param name="patchGrid">Side g of the encoder's patch grid; N = g².</param>
    /// <param name="inputWidth">Encoder feature width D.</param>
    /// <param name="outputWidth">Width D_c of the output tokens (D for pooling kinds, the resampler width for learned-query kinds).</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    protected VisualCompressor(string name, int patchGrid, long inputWidth, long outputWidth) : base(name)
    {
        BlockChecks.Positive(patchGrid, "patchGrid");
        BlockChecks.Positive(inputWidth, "inputWidth");
        BlockChecks.Positive(outputWidth, "outputWidth");
        PatchGrid = patchGrid;
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    /// <summary>Side g of the patch grid the input comes from.</summary>
    public int PatchGrid { get; }

    /// <summary>Encoder tokens per frame N = g².</summary>
    public int InputTokensPerFrame => PatchGrid * PatchGrid;

    /// <summary>Encoder feature width D.</summary>
    public long InputWidth { get; }

    /// <summary>Width D_c of <see cref="CompressorOutput.Tokens"/>.</summary>
    public long OutputWidth { get; }

    /// <summary>
    /// Stride σ of the <c>slow</c> fusion source when this compressor does not make slow tokens itself
    /// (<see cref="CompressorOutput.Slow"/> null: every kind but temporal_pool): <see cref="SlowTokens"/> pools the
    /// encoder features with it. 1 (the default) keeps every token. Set by the builders from
    /// <c>compressor.slow_stride</c> (<see cref="CompressorConfig.SlowSourceStride"/>); it holds no parameters.
    /// </summary>
    public int SlowStride { get; private set; } = 1;

    /// <summary>Sets <see cref="SlowStride"/> (the builders call it right after the constructor).</summary>
    /// <param name="stride">σ, 1 ≤ σ ≤ g.</param>
    /// <returns>This compressor.</returns>
    /// <exception cref="ArgumentException">σ is not in [1, g].</exception>
    public VisualCompressor WithSlowStride(int stride)
    {
        BlockChecks.Positive(stride, "stride");
        BlockChecks.AtMost(stride, "stride", PatchGrid, "the patch grid side");
        SlowStride = stride;
        return this;
    }

    /// <summary>
    /// The <c>slow</c> fusion source: <paramref name="output"/>'s own slow tokens when it has them (temporal_pool),
    /// otherwise every frame of <paramref name="features"/> average-pooled in space by <see cref="SlowStride"/>
    /// (kernel = stride, ceil mode): (B, T·⌈g/σ⌉², D).
    /// </summary>
    /// <param name="features">The encoder features (B, T, N, D) this compressor was given (or would have been).</param>
    /// <param name="output">The compressor's output, or null when it was not run.</param>
    public Tensor SlowTokens(Tensor features, CompressorOutput? output)
    {
        if (output?.Slow is { } slow)
        {
            return slow;
        }

        CheckFeatures(features);
        long batch = features.shape[0], time = features.shape[1];
        using var scope = NewDisposeScope();
        var pooled = FrameMaps.StridedAverage(features, PatchGrid, SlowStride);            // [B, T, N, D]
        return pooled.reshape(batch, -1, InputWidth).MoveToOuterDisposeScope();            // [B, T·N, D]
    }

    /// <summary>Tokens this compressor emits for <paramref name="frames"/> frames (the config's formula).</summary>
    public abstract long TokensFor(int frames);

    /// <summary>
    /// The compressor's Hugging Face key mapping, declared by every kind: <see cref="HfKeyMap.Same"/> for the
    /// parameter-free kinds, <see cref="HfKeyMap.New"/> for the learned ones (no Hugging Face checkpoint the zoo loads
    /// holds them, so loading a base model leaves them at their initialisation, with <c>--allow-missing</c>).
    /// </summary>
    public abstract HfKeyMap HfKeys { get; }

    /// <summary>Throws unless <paramref name="features"/> is (B, T, N, D) with B, T ≥ 1 and this compressor's N and D.</summary>
    /// <param name="features">The encoder features.</param>
    /// <exception cref="ArgumentException">The shape does not match; the message quotes it.</exception>
    protected void CheckFeatures(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var shape = features.shape;
        if (shape.Length != 4 || shape[0] < 1 || shape[1] < 1 || shape[2] != InputTokensPerFrame || shape[3] != InputWidth) {
            throw new ArgumentException(
                $"{GetName()}: features {BlockChecks.Format(shape)} must be (B ≥ 1, T ≥ 1, {InputTokensPerFrame}, {InputWidth}): " +
                $"N = {PatchGrid}² tokens per frame of width {InputWidth}", nameof(features));
        }
    }
}
