using System;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// FLOPs of one forward of each block inside the LLM — decoder layer, fusion blocks, LM head — written from
/// the blocks' forward code, product by product (2 per multiply-add). Shapes: B batch, S new positions,
/// P cached positions (K = P + S keys), H = llm.hidden = heads·head_dim, kv = kv_heads·head_dim, I = llm.mlp,
/// M source tokens of a fusion block, L_v visual and L_t text queries among the S positions.
/// </summary>
public static class LanguageBlockFlops
{
    /// <summary>
    /// A Qwen2 decoder layer's own work (also the unchanged part of a hybrid layer): q/k/v/o
    /// 2·S·H·(2H + 2·kv), QKᵀ and AV 2·S·K·H each (the hook counts the full rectangle — causal masking
    /// skips no product), SwiGLU 6·S·H·I. All × B.
    /// </summary>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S new positions.</param>
    /// <param name="keys">K = P + S positions attended.</param>
    public static FlopBreakdown DecoderLayer(LanguageModelConfig llm, long batch, long queries, long keys)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden, rows = batch * queries;
            long projections = VisualBlockFlops.Linear(rows, h, h) * 2 + VisualBlockFlops.Linear(rows, h, llm.KvWidth) * 2;
            return FlopBreakdown.Of(CostComponent.AttentionProjections, OpKind.Linear, projections)
                + FlopBreakdown.Of(CostComponent.AttentionScores, OpKind.Matmul, batch * VisualBlockFlops.Attention(queries, keys, h))
                + FlopBreakdown.Of(CostComponent.Mlp, OpKind.Linear, VisualBlockFlops.Linear(rows, h, llm.Mlp) * 3);
        }
    }

    /// <summary>
    /// CrossLMM's dual cross-attention layer (after the decoder layer). Per present branch that runs (V2V
    /// needs L_v &gt; 0, T2V needs L_t &gt; 0): k/v of the source to the entry's K/V width 4·M·H·kv_f unless
    /// cached (V2V never is: it projects in the prefill, the only pass with visual queries), q and o 4·L·H²,
    /// QKᵀ and AV 4·L·K·H with K = M keys per query — or, for V2V with <c>scope: frame</c>, K = M/T (each frame's
    /// queries attend to that frame's tokens only, B·T attentions of n queries over N keys); then the SwiGLU FFN
    /// of width I_f (the entry's <c>mlp</c>) on all S positions 6·S·H·I_f. All × B.
    /// </summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="visualQueries">L_v (0 in decode steps).</param>
    /// <param name="textQueries">L_t.</param>
    /// <param name="sourceTokens">M.</param>
    /// <param name="frames">T (sizes the per-frame keys of <c>scope: frame</c>; M and L_v are multiples of it there).</param>
    /// <param name="projectSource">False when the T2V keys/values come from the cache (decode steps).</param>
    public static FlopBreakdown DualCrossAttention(
        DualCrossAttentionConfig fusion, LanguageModelConfig llm, long batch, long visualQueries, long textQueries, long sourceTokens, long frames, bool projectSource)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        ArgumentNullException.ThrowIfNull(llm);
        long kv = fusion.KvWidth(llm.Hidden);
        var total = FlopBreakdown.Zero;
        if (fusion.HasV2V && visualQueries > 0)
        {
            long keys = fusion.Scope == TokenScope.Frame && frames > 0 ? sourceTokens / frames : sourceTokens;
            total += CrossAttention(llm.Hidden, kv, batch, visualQueries, sourceTokens, keys, projectSource: true);
        }

        if (fusion.HasT2V && textQueries > 0)
        {
            total += CrossAttention(llm.Hidden, kv, batch, textQueries, sourceTokens, sourceTokens, projectSource);
        }

        long rows = checked(batch * (visualQueries + textQueries));
        return total + FlopBreakdown.Of(CostComponent.FusionFeedForward, OpKind.Linear, checked(VisualBlockFlops.Linear(rows, llm.Hidden, fusion.Mlp) * 3));
    }

    /// <summary>
    /// Flamingo's gated cross-attention dense (before the decoder layer): queries at all S positions. k/v to the
    /// entry's K/V width 4·M·H·kv_f unless cached, q and o 4·S·H², QKᵀ and AV 4·S·M·H, GELU FFN of width I_f
    /// 4·S·H·I_f. All × B.
    /// </summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S.</param>
    /// <param name="sourceTokens">M.</param>
    /// <param name="projectSource">False when the keys/values come from the cache.</param>
    public static FlopBreakdown GatedCrossAttention(
        GatedCrossAttentionConfig fusion, LanguageModelConfig llm, long batch, long queries, long sourceTokens, bool projectSource)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        ArgumentNullException.ThrowIfNull(llm);
        long rows = checked(batch * queries);
        return CrossAttention(llm.Hidden, fusion.KvWidth(llm.Hidden), batch, queries, sourceTokens, sourceTokens, projectSource)
            + FlopBreakdown.Of(CostComponent.FusionFeedForward, OpKind.Linear, checked(VisualBlockFlops.Linear(rows, llm.Hidden, fusion.Mlp) * 2));
    }

    /// <summary>
    /// The cross-attention a Slow-Fast hybrid layer adds to its decoder layer: k/v of the (normalised)
    /// source to the KV width 4·M·H·kv unless cached (projected even when no text query reads it), and for
    /// the L_t text queries (which reuse the layer's own queries) the gate Linear(H, 1) 2·L_t·H and QKᵀ and
    /// AV 4·L_t·M·H. All × B.
    /// </summary>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="textQueries">L_t.</param>
    /// <param name="sourceTokens">M.</param>
    /// <param name="projectSource">False when the keys/values come from the cache.</param>
    public static FlopBreakdown HybridCrossAttention(LanguageModelConfig llm, long batch, long textQueries, long sourceTokens, bool projectSource)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden;
            var total = projectSource
                ? FlopBreakdown.Of(CostComponent.FusionKeyValueProjections, OpKind.Linear, VisualBlockFlops.Linear(batch * sourceTokens, h, llm.KvWidth) * 2)
                : FlopBreakdown.Zero;
            if (textQueries > 0)
            {
                total += FlopBreakdown.Of(CostComponent.FusionGates, OpKind.Linear, VisualBlockFlops.Linear(batch * textQueries, h, 1))
                    + FlopBreakdown.Of(CostComponent.FusionAttention, OpKind.Matmul, batch * VisualBlockFlops.Attention(textQueries, sourceTokens, h));
            }

            return total;
        }
    }

    /// <summary>The LM head over <paramref name="positions"/> positions per sample: 2·B·positions·H·vocab.</summary>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="positions">Positions whose logits are computed.</param>
    public static FlopBreakdown LmHead(LanguageModelConfig llm, long batch, long positions)
    {
        ArgumentNullException.ThrowIfNull(llm);
        return FlopBreakdown.Of(CostComponent.LmHead, OpKind.Linear, VisualBlockFlops.Linear(checked(batch * positions), llm.Hidden, llm.Vocab));
    }

    // The generic CrossAttention (queries H → H, keys/values H → kv): k/v of the M source tokens unless cached,
    // q/o, QKᵀ and AV of every query over its K keys (repeating grouped key/value heads is a copy, not a product).
    private static FlopBreakdown CrossAttention(long h, long kv, long batch, long queries, long sourceTokens, long keysPerQuery, bool projectSource)
    {
        checked
        {
            var projections = projectSource
                ? FlopBreakdown.Of(CostComponent.FusionKeyValueProjections, OpKind.Linear, VisualBlockFlops.Linear(batch * sourceTokens, h, kv) * 2)
                : FlopBreakdown.Zero;
            return projections
                + FlopBreakdown.Of(CostComponent.FusionAttention, OpKind.Linear, VisualBlockFlops.Linear(batch * queries, h, h) * 2)
                + FlopBreakdown.Of(CostComponent.FusionAttention, OpKind.Matmul, batch * VisualBlockFlops.Attention(queries, keysPerQuery, h));
        }
    }
}
