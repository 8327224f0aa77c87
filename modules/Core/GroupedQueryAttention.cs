using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Multi-head self-attention with grouped-query key/value heads (GQA; Ainslie et al. 2023,
/// arXiv:2305.13245), rotary positions on queries and keys, an optional boolean mask and an optional KV cache
/// for incremental decoding — Hugging Face's <c>Qwen2Attention</c> (eager path), with its keys:
/// <c>q_proj</c> (h·d, H) + bias, <c>k_proj</c>/<c>v_proj</c> (g·d, H) + bias, <c>o_proj</c> (H, h·d) without bias.
/// <para>Shapes: B batch, S new positions, P cached positions, H width, h query heads, g key/value heads,
/// d = H/h. Input (B, S, H) → output (B, S, H).</para>
/// <para>Masking is explicit: pass <see cref="AttentionMasks.Causal"/> for a decoder; a null mask lets every
/// query see every key (an encoder). The pieces (<see cref="ProjectQueries"/>, <see cref="ProjectKeyValues"/>,
/// <see cref="Attend"/>, <see cref="Output"/>) are public so that a fused layer (the Slow-Fast hybrid layer)
/// can reuse the rotated queries and act before <c>o_proj</c> without renaming a single key.</para>
/// </summary>
public sealed class GroupedQueryAttention : nn.Module<Tensor, RotaryPositions?, Tensor?, KvCacheEntry?, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly KeyValueProjection _keyValues;

    /// <summary>Creates the attention with PyTorch's default Linear initialisation.</summary>
    /// <param name="hidden">Model width H, divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Query heads h, divisible by <paramref name="kvHeads"/>.</param>
    /// <param name="kvHeads">Key/value heads g (g = h is plain multi-head attention; Qwen2.5-7B: 28 / 4).</param>
    /// <param name="qkvBias">Whether q/k/v projections have a bias (Qwen2: yes).</param>
    /// <exception cref="ArgumentException">Sizes that do not divide.</exception>
    public GroupedQueryAttention(long hidden, long heads, long kvHeads, bool qkvBias = true) : base(nameof(GroupedQueryAttention))
    {
        BlockChecks.Divisible(hidden, nameof(hidden), heads, nameof(heads));
        BlockChecks.Divisible(heads, nameof(heads), kvHeads, nameof(kvHeads));
        Hidden = hidden;
        Heads = heads;
        KvHeads = kvHeads;
        HeadDim = hidden / heads;
        q_proj = nn.Linear(hidden, heads * HeadDim, hasBias: qkvBias);
        k_proj = nn.Linear(hidden, kvHeads * HeadDim, hasBias: qkvBias);
        v_proj = nn.Linear(hidden, kvHeads * HeadDim, hasBias: qkvBias);
        o_proj = nn.Linear(heads * HeadDim, hidden, hasBias: false);
        _keyValues = new KeyValueProjection(k_proj, v_proj, hidden, kvHeads, "(B, S, H)");
        RegisterComponents();
    }

    /// <summary>Model width H.</summary>
    public long Hidden { get; }

    /// <summary>Query heads h.</summary>
    public long Heads { get; }

    /// <summary>Key/value heads g.</summary>
    public long KvHeads { get; }

    /// <summary>Head width d = H / h.</summary>
    public long HeadDim { get; }

    /// <summary>The key projection (g·d, H), e.g. to initialise a cross-attention from it.</summary>
    public Linear KeyProjection => k_proj;

    /// <summary>The value projection (g·d, H).</summary>
    public Linear ValueProjection => v_proj;

    /// <summary>Queries of the S positions, rotated when <paramref name="rotary"/> is given.</summary>
    /// <param name="x">(B, S, H), already normalised.</param>
    /// <param name="rotary">cos/sin (B, S, d), or null for no positions.</param>
    /// <returns>(B, h, S, d); the caller owns it.</returns>
    public Tensor ProjectQueries(Tensor x, RotaryPositions? rotary)
    {
        BlockChecks.Rank(x, 3, nameof(x), "(B, S, H)");
        BlockChecks.LastDim(x, Hidden, nameof(x));
        using var scope = torch.NewDisposeScope();
        var q = MultiHead.Split(q_proj.call(x), Heads);   // [B, h, S, d]
        if (rotary is not null)
        {
            q = RotaryEmbedding.Apply(q, rotary);
        }

        return q.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keys and values of the S positions (keys rotated when <paramref name="rotary"/> is given), appended to
    /// <paramref name="cache"/> when one is given.
    /// </summary>
    /// <param name="x">(B, S, H), already normalised.</param>
    /// <param name="rotary">cos/sin (B, S, d), or null.</param>
    /// <param name="cache">The layer's self-attention slot, or null.</param>
    /// <returns>(B, g, P + S, d) keys and values (P = 0 without a cache); the caller owns them.</returns>
    public (Tensor Key, Tensor Value) ProjectKeyValues(Tensor x, RotaryPositions? rotary, KvCacheEntry? cache)
    {
        using var scope = torch.NewDisposeScope();
        var (k, v) = _keyValues.Project(x, nameof(x));   // [B, g, S, d] each
        if (rotary is not null)
        {
            k = RotaryEmbedding.Apply(k, rotary);
        }

        if (cache is not null)
        {
            (k, v) = cache.Append(k, v);
        }

        return (k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>The attention itself, heads merged but before <c>o_proj</c>.</summary>
    /// <param name="query">(B, h, S, d).</param>
    /// <param name="key">(B, g, K, d).</param>
    /// <param name="value">(B, g, K, d).</param>
    /// <param name="mask">Boolean, broadcastable to (B, h, S, K), true = may attend; or null.</param>
    /// <returns>(B, S, h·d); the caller owns it.</returns>
    public Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? mask)
    {
        using var scope = torch.NewDisposeScope();
        var attended = ScaledDotProductAttention.ComputeGrouped(query, key, value, mask);   // [B, h, S, d], K/V heads shared by broadcasting
        return MultiHead.Merge(attended).MoveToOuterDisposeScope();   // [B, S, h·d]
    }

    /// <summary>The output projection <c>o_proj</c>: (B, S, h·d) → (B, S, H).</summary>
    /// <param name="attended">Merged heads from <see cref="Attend"/>.</param>
    /// <returns>(B, S, H); the caller owns it.</returns>
    public Tensor Output(Tensor attended) => o_proj.call(attended);

    /// <summary>Self-attention of the S positions over the cached and new keys.</summary>
    /// <param name="x">(B, S, H), already normalised.</param>
    /// <param name="rotary">cos/sin (B, S, d) of the new positions, or null for no positions.</param>
    /// <param name="mask">Boolean (B or 1, 1, S, P + S), true = may attend (<see cref="AttentionMasks.Causal"/>); null = no mask.</param>
    /// <param name="cache">The layer's self-attention slot, or null.</param>
    /// <returns>(B, S, H); the caller owns it.</returns>
    public override Tensor forward(Tensor x, RotaryPositions? rotary, Tensor? mask, KvCacheEntry? cache)
    {
        using var scope = torch.NewDisposeScope();
        var q = ProjectQueries(x, rotary);
        var (k, v) = ProjectKeyValues(x, rotary, cache);
        return Output(Attend(q, k, v, mask)).MoveToOuterDisposeScope();
    }
}
