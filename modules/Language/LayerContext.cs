using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// Everything a decoder layer needs besides its hidden states, built once per forward pass by
/// <see cref="Qwen2Model"/> (HF passes the same things as keyword arguments: <c>position_embeddings</c>,
/// <c>attention_mask</c>, <c>past_key_values</c>) plus the visual inputs of fusion blocks. The tensors are
/// owned by whoever built the context.
/// </summary>
/// <param name="Rotary">cos/sin (B, S, d) of this pass's positions, or null for no positions.</param>
/// <param name="Mask">Self-attention mask, boolean (B or 1, 1, S, P + S), true = may attend; null = no mask.</param>
/// <param name="Cache">This layer's cache slots during cached decoding, or null.</param>
/// <param name="Fusion">The visual inputs of fusion blocks, or null (a text-only pass).</param>
public sealed record LayerContext(RotaryPositions? Rotary, Tensor? Mask, KvCacheLayer? Cache = null, FusionInputs? Fusion = null)
{
    /// <summary>This layer's cache entry for <paramref name="slot"/>, or null without a cache.</summary>
    /// <param name="slot">One of the <see cref="Core.CacheSlot"/> constants.</param>
    public KvCacheEntry? CacheSlot(CacheSlot slot) => Cache?[slot];
}
