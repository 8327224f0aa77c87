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
    /// A decoder layer's own work (also the unchanged part of a hybrid layer), as the language model's block declares
    /// it (<see cref="ILanguageModelCost"/>).
    /// </summary>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S new positions.</param>
    /// <param name="keys">K = P + S positions attended.</param>
    public static FlopBreakdown DecoderLayer(LanguageModelConfig llm, long batch, long queries, long keys) =>
        BlockCosts.LayerFlops(llm ?? throw new ArgumentNullException(nameof(llm)), batch, queries, keys);

    /// <summary>The LM head over <paramref name="positions"/> positions per sample, as the language model's block declares it.</summary>
    /// <param name="llm">The LLM config.</param>
    /// <param name="batch">B.</param>
    /// <param name="positions">Positions whose logits are computed.</param>
    public static FlopBreakdown LmHead(LanguageModelConfig llm, long batch, long positions) =>
        BlockCosts.HeadFlops(llm ?? throw new ArgumentNullException(nameof(llm)), batch, positions);

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
