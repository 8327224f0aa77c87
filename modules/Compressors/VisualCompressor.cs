using System;

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
    public void Dispose()
    {
        Tokens.Dispose();
        Slow?.Dispose();
    }
}

/// <summary>
/// Base of every compressor: per-frame encoder tokens (B, T, N, D) and, for text-guided kinds (LLaMA-VID),
/// the embedded prompt (B, L, H) → <see cref="CompressorOutput"/>. Kinds that do not read text ignore it.
/// </summary>
public abstract class VisualCompressor : nn.Module<Tensor, Tensor?, CompressorOutput>
{
    protected VisualCompressor(string name) : base(name) { }

    /// <summary>Tokens this compressor emits for <paramref name="frames"/> frames (the config's formula).</summary>
    public abstract long TokensFor(int frames);
}
