using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The one place where an attention turns a key/value source into per-head keys and values: the
/// <c>k_proj</c>/<c>v_proj</c> pair of its owner (which keeps them as its own fields, so the parameter keys stay
/// <c>k_proj</c>/<c>v_proj</c>), the split into g key/value heads, and, for a fixed source read at every decoding
/// step, the cache: stored at prefill, reused afterwards. <see cref="GroupedQueryAttention"/>,
/// <see cref="CrossAttention"/> and <see cref="Fusion.HybridCrossAttention"/> use it.
/// <para>Shapes: B batch, M source tokens, H_s source width, g key/value heads, d head width.
/// <see cref="Project"/>: source (B, M, H_s) → keys, values (B, g, M, d).</para>
/// </summary>
public sealed class KeyValueProjection
{
    private readonly Linear _key;
    private readonly Linear _value;

    /// <summary>Wraps the owner's projections.</summary>
    /// <param name="key">k_proj, (g·d, H_s).</param>
    /// <param name="value">v_proj, (g·d, H_s).</param>
    /// <param name="sourceWidth">H_s, checked on every source.</param>
    /// <param name="kvHeads">g, dividing the projections' output width.</param>
    /// <param name="shape">The source's shape in the owner's terms, quoted by errors (e.g. "(B, M, H_s)").</param>
    public KeyValueProjection(Linear key, Linear value, long sourceWidth, long kvHeads, string shape)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _value = value ?? throw new ArgumentNullException(nameof(value));
        BlockChecks.Positive(sourceWidth, nameof(sourceWidth));
        BlockChecks.Positive(kvHeads, nameof(kvHeads));
        SourceWidth = sourceWidth;
        KvHeads = kvHeads;
        Shape = shape;
    }

    /// <summary>H_s.</summary>
    public long SourceWidth { get; }

    /// <summary>g.</summary>
    public long KvHeads { get; }

    /// <summary>The source's shape in words, as the owner names it.</summary>
    public string Shape { get; }

    /// <summary>Per-head keys and values of <paramref name="source"/> (no positions).</summary>
    /// <param name="source">(B, M, H_s).</param>
    /// <param name="name">The argument's name in the owner's signature, quoted by errors.</param>
    /// <returns>(B, g, M, d) each; the caller owns them.</returns>
    /// <exception cref="ArgumentException">A source of another rank or width; the message names its shape.</exception>
    public (Tensor Key, Tensor Value) Project(Tensor source, string name = "source")
    {
        BlockChecks.Rank(source, 3, name, Shape);
        BlockChecks.LastDim(source, SourceWidth, name);
        using var scope = torch.NewDisposeScope();
        var k = MultiHead.Split(_key.call(source), KvHeads);     // [B, g, M, d]
        var v = MultiHead.Split(_value.call(source), KvHeads);   // [B, g, M, d]
        return (k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Keys and values of a fixed source: from <paramref name="cache"/> when it holds them, else projected from
    /// <paramref name="source"/> and stored in <paramref name="cache"/> with <paramref name="mask"/>.
    /// </summary>
    /// <param name="source">(B, M, H_s), or null when only the cache can provide them.</param>
    /// <param name="mask">The mask that goes with this source (e.g. (B, 1, 1, M) key padding), or null.</param>
    /// <param name="cache">The owner's cache slot, or null (no caching).</param>
    /// <param name="name">The source argument's name, quoted by errors.</param>
    /// <returns>Keys and values (B, g, M, d) and the mask, all owned by the caller; null when neither the cache
    /// nor a source has them.</returns>
    public (Tensor Key, Tensor Value, Tensor? Mask)? Resolve(Tensor? source, Tensor? mask, KvCacheEntry? cache, string name = "source")
    {
        if (cache is { HasValues: true })
        {
            return cache.Get();
        }

        if (source is null)
        {
            return null;
        }

        var (k, v) = Project(source, name);
        cache?.Store(k, v, mask);
        return (k, v, mask?.alias());
    }
}
