using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Multi-head cross-attention (Vaswani et al. 2017, §3.2.3): queries from one stream, keys and values from
/// another — possibly of another width — with an optional boolean mask and optional rotary positions on the
/// queries only (the source has no positions in the stream). The attention form of CrossLMM's V2V/T2V
/// branches (arXiv:2505.17020, Eq. 2) and of Flamingo's <c>xattn</c>. Keys and values may have fewer heads
/// than the queries (grouped-query attention, Ainslie et al. 2023, arXiv:2305.13245): each of the g
/// key/value heads serves h/g consecutive query heads, so the K/V projections and any cached source
/// keys/values are g·d wide instead of h·d.
/// Keys: <c>q_proj</c> (h·d, H_q), <c>k_proj</c>/<c>v_proj</c> (g·d, H_s), each with bias when
/// <c>bias</c>; <c>o_proj</c> (H_q, h·d) without bias.
/// <para>Shapes: B batch, S queries, M source tokens, H_q query width, H_s source width, h heads, g key/value
/// heads, d = H_q/h. forward: queries (B, S, H_q), source (B, M, H_s) → (B, S, H_q).</para>
/// <para>Source keys/values can be computed once and cached (<see cref="KeyValues"/>) when the same source is
/// read at every decoding step; the fusion blocks use the pieces for that.</para>
/// </summary>
public sealed class CrossAttention : nn.Module<Tensor, Tensor, Tensor?, RotaryPositions?, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly KeyValueProjection _keyValues;

    /// <summary>Creates the cross-attention with PyTorch's default Linear initialisation.</summary>
    /// <param name="queryWidth">Width H_q of the query stream (and of the output), divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads h.</param>
    /// <param name="sourceWidth">Width H_s of the key/value source; defaults to <paramref name="queryWidth"/>.</param>
    /// <param name="bias">Whether q/k/v projections have a bias (Qwen2-style: yes; Flamingo: no).</param>
    /// <param name="kvHeads">Key/value heads g, dividing <paramref name="heads"/>; defaults to <paramref name="heads"/>
    /// (plain multi-head attention).</param>
    /// <exception cref="ArgumentException">Sizes that do not divide or are below 1.</exception>
    public CrossAttention(long queryWidth, long heads, long? sourceWidth = null, bool bias = true, long? kvHeads = null) : base(nameof(CrossAttention))
    {
        BlockChecks.Divisible(queryWidth, nameof(queryWidth), heads, nameof(heads));
        long source = sourceWidth ?? queryWidth;
        BlockChecks.Positive(source, nameof(sourceWidth));
        long groups = kvHeads ?? heads;
        BlockChecks.Positive(groups, nameof(kvHeads));
        BlockChecks.Divisible(heads, nameof(heads), groups, nameof(kvHeads));
        QueryWidth = queryWidth;
        SourceWidth = source;
        Heads = heads;
        KvHeads = groups;
        HeadDim = queryWidth / heads;
        q_proj = nn.Linear(queryWidth, queryWidth, hasBias: bias);
        k_proj = nn.Linear(source, groups * HeadDim, hasBias: bias);
        v_proj = nn.Linear(source, groups * HeadDim, hasBias: bias);
        o_proj = nn.Linear(queryWidth, queryWidth, hasBias: false);
        _keyValues = new KeyValueProjection(k_proj, v_proj, source, groups, "(B, M, H_s)");
        RegisterComponents();
    }

    /// <summary>Query (and output) width H_q.</summary>
    public long QueryWidth { get; }

    /// <summary>Source width H_s.</summary>
    public long SourceWidth { get; }

    /// <summary>Query heads h.</summary>
    public long Heads { get; }

    /// <summary>Key/value heads g (= h without grouping).</summary>
    public long KvHeads { get; }

    /// <summary>Head width d = H_q / h.</summary>
    public long HeadDim { get; }

    /// <summary>Per-head queries, rotated when <paramref name="rotary"/> is given.</summary>
    /// <param name="queries">(B, S, H_q), already normalised.</param>
    /// <param name="rotary">cos/sin (B, S, d) of the query positions, or null.</param>
    /// <returns>(B, h, S, d); the caller owns it.</returns>
    public Tensor ProjectQueries(Tensor queries, RotaryPositions? rotary)
    {
        BlockChecks.Rank(queries, 3, nameof(queries), "(B, S, H_q)");
        BlockChecks.LastDim(queries, QueryWidth, nameof(queries));
        using var scope = torch.NewDisposeScope();
        var q = MultiHead.Split(q_proj.call(queries), Heads);   // [B, h, S, d]
        if (rotary is not null)
        {
            q = RotaryEmbedding.Apply(q, rotary);
        }

        return q.MoveToOuterDisposeScope();
    }

    /// <summary>Per-head keys and values of the source (no positions), at the g key/value heads.</summary>
    /// <param name="source">(B, M, H_s).</param>
    /// <returns>(B, g, M, d) each; the caller owns them.</returns>
    public (Tensor Key, Tensor Value) ProjectKeyValues(Tensor source) => _keyValues.Project(source, nameof(source));

    /// <summary>
    /// Keys and values of a fixed source, from <paramref name="cache"/> when it holds them, else projected from
    /// <paramref name="source"/> (and stored in <paramref name="cache"/> with <paramref name="mask"/>).
    /// </summary>
    /// <param name="source">(B, M, H_s), or null when only the cache can provide them.</param>
    /// <param name="mask">Mask that goes with this source (e.g. (B, 1, 1, M) key padding), or null.</param>
    /// <param name="cache">A cross-attention cache slot, or null.</param>
    /// <returns>Keys and values (B, g, M, d) and the mask, or null when neither a cache nor a source has them.</returns>
    public (Tensor Key, Tensor Value, Tensor? Mask)? KeyValues(Tensor? source, Tensor? mask, KvCacheEntry? cache) =>
        _keyValues.Resolve(source, mask, cache, nameof(source));

    /// <summary>The attention itself, heads merged but before <c>o_proj</c>.</summary>
    /// <param name="query">(B, h, S, d).</param>
    /// <param name="key">(B, g, M, d), shared by the h/g query heads of its group.</param>
    /// <param name="value">(B, g, M, d).</param>
    /// <param name="mask">Boolean, broadcastable to (B, h, S, M), true = may attend; or null.</param>
    /// <returns>(B, S, h·d); the caller owns it.</returns>
    public Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? mask)
    {
        using var scope = torch.NewDisposeScope();
        var attended = ScaledDotProductAttention.ComputeGrouped(query, key, value, mask);   // [B, h, S, d]
        return MultiHead.Merge(attended).MoveToOuterDisposeScope();   // [B, S, h·d]
    }

    /// <summary>The output projection <c>o_proj</c>: (B, S, h·d) → (B, S, H_q).</summary>
    /// <param name="attended">Merged heads from <see cref="Attend"/>.</param>
    /// <returns>(B, S, H_q); the caller owns it.</returns>
    public Tensor Output(Tensor attended) => o_proj.call(attended);

    /// <summary>Cross-attention of the queries over the source.</summary>
    /// <param name="queries">(B, S, H_q), already normalised.</param>
    /// <param name="source">(B, M, H_s).</param>
    /// <param name="mask">Boolean, broadcastable to (B, S, M) or (B, 1, S, M), true = may attend
    /// (e.g. (B, 1, M) key padding); null = every query sees every source token.</param>
    /// <param name="queryRotary">cos/sin (B, S, d) to rotate the queries with, or null (no positions).</param>
    /// <returns>(B, S, H_q); the caller owns it.</returns>
    /// <exception cref="ArgumentException">Queries, source or mask of another rank, width or batch; the message names their shapes.</exception>
    public override Tensor forward(Tensor queries, Tensor source, Tensor? mask, RotaryPositions? queryRotary)
    {
        CheckForward(queries, source, mask);
        using var scope = torch.NewDisposeScope();
        var q = ProjectQueries(queries, queryRotary);
        var (k, v) = ProjectKeyValues(source);
        var headMask = mask is not null && mask.shape.Length == 3 ? mask.unsqueeze(1) : mask;   // [B, 1, S, M]
        return Output(Attend(q, k, v, headMask)).MoveToOuterDisposeScope();
    }

    // The block's own terms (B, S, H_q), (B, M, H_s), (B, S, M): past this point the shapes are per head and the
    // attention kernel's message would quote (B, h, S, d), which the caller never built.
    private void CheckForward(Tensor queries, Tensor source, Tensor? mask)
    {
        BlockChecks.Rank(queries, 3, nameof(queries), "(B, S, H_q)");
        BlockChecks.LastDim(queries, QueryWidth, nameof(queries));
        BlockChecks.Rank(source, 3, nameof(source), "(B, M, H_s)");
        BlockChecks.LastDim(source, SourceWidth, nameof(source));
        long[] q = queries.shape, m = source.shape;
        if (q[0] != m[0])
        {
            throw new ArgumentException($"source {BlockChecks.Format(m)} (B, M, H_s) has batch {m[0]}, but queries {BlockChecks.Format(q)} (B, S, H_q) have batch {q[0]}", nameof(source));
        }

        if (mask is null)
        {
            return;
        }

        long[] target = mask.shape.Length == 4 ? new[] { q[0], Heads, q[1], m[1] } : new[] { q[0], q[1], m[1] };
        long[] s = mask.shape;
        bool ok = s.Length <= target.Length && mask.dtype == ScalarType.Bool;
        for (int i = 1; ok && i <= s.Length; i++)
        {
            ok = s[^i] == 1 || s[^i] == target[^i];
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"mask {BlockChecks.Format(s)} ({mask.dtype}) must be boolean and broadcastable to (B, S, M) = {BlockChecks.Format(target)} " +
                $"for queries {BlockChecks.Format(q)} and source {BlockChecks.Format(m)}", nameof(mask));
        }
    }
}
