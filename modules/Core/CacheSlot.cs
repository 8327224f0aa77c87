using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The name of one attention module's entry in a decoder layer's cache (<see cref="KvCacheLayer"/>): the module
/// path below the layer, as in the layer's parameter keys. Only the constants below exist, so a block and a test
/// cannot disagree on a slot's spelling.
/// </summary>
public readonly struct CacheSlot : IEquatable<CacheSlot>
{
    /// <summary>The layer's causal self-attention (<c>self_attn</c>): keys and values appended step by step.</summary>
    public static readonly CacheSlot SelfAttention = new("self_attn");

    /// <summary>The Slow-Fast hybrid layer's cross-attention (<c>cross_attn</c>) to a fixed visual source: its keys
    /// and values are stored once at prefill.</summary>
    public static readonly CacheSlot CrossAttention = new("cross_attn");

    /// <summary>The attention of Flamingo's gated cross-attention block (<c>cross_attn.attn</c>): stored once at
    /// prefill.</summary>
    public static readonly CacheSlot GatedCrossAttention = new("cross_attn.attn");

    /// <summary>CrossLMM's text-to-visual branch (<c>cross_attn.t2v</c>): stored once at prefill. The V2V branch
    /// has no slot: its queries are the visual block, which only the prefill holds.</summary>
    public static readonly CacheSlot TextToVisual = new("cross_attn.t2v");

    private CacheSlot(string name) => Name = name;

    /// <summary>The module path below the layer, e.g. <c>cross_attn.t2v</c>.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Equals(CacheSlot other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CacheSlot other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name ?? "(default)";

    /// <summary>Whether two slots are the same.</summary>
    public static bool operator ==(CacheSlot left, CacheSlot right) => left.Equals(right);

    /// <summary>Whether two slots differ.</summary>
    public static bool operator !=(CacheSlot left, CacheSlot right) => !left.Equals(right);
}
