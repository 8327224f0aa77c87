using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The cosines and sines of rotary position embedding for one forward pass, each (B, S, d): what
/// <see cref="RotaryEmbedding"/> computes once per pass from the position ids and every attention layer
/// shares (Hugging Face's <c>position_embeddings</c> tuple). The creator owns both tensors.
/// </summary>
/// <param name="Cos">cos(position · inv_freq), duplicated over the two halves of the head dim: (B, S, d).</param>
/// <param name="Sin">sin(position · inv_freq), laid out like <paramref name="Cos"/>: (B, S, d).</param>
public sealed record RotaryPositions(Tensor Cos, Tensor Sin) : IDisposable
{
    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
