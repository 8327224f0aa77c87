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
    internal static FlopBreakdown CrossAttention(long h, long kv, long batch, long queries, long sourceTokens, long keysPerQuery, bool projectSource)
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
