using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017, Eq. 1), <c>softmax(QKᵀ/√d + mask) V</c>, composed from
/// matmul, masked_fill and softmax so that it runs on any TorchSharp release and on libtorch 1.13 (whose
/// fused kernel is private). It differs from <c>F.scaled_dot_product_attention</c> in one deliberate way: a
/// query whose keys are all masked out gets a zero output instead of NaN — padded query rows and text
/// queries of a sample without video stay finite, so a zero gate (0·x) really is zero.
/// <para>Shapes: B batch, h heads, S query length, K key length, d head width.</para>
/// </summary>
public static class ScaledDotProductAttention
{
    /// <summary>Attention of every query over the keys it may see.</summary>
    /// <param name="query">Queries (B, h, S, d).</param>
    /// <param name="key">Keys (B, h, K, d), already repeated to h heads (see <see cref="RepeatKeyValueHeads"/>).</param>
    /// <param name="value">Values (B, h, K, d_v).</param>
    /// <param name="mask">Boolean, broadcastable to (B, h, S, K); true where the query may attend to the key.
    /// Null: every query sees every key.</param>
    /// <returns>(B, h, S, d_v); the caller owns it.</returns>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor? mask = null)
    {
        using var scope = torch.NewDisposeScope();
        // 1/√d applied to the queries (S·d values) rather than to the scores (S·K values).
        var scaled = query.div(Math.Sqrt(query.shape[^1]));
        var scores = scaled.matmul(key.transpose(-2, -1));   // [B, h, S, K]
        if (mask is null)
        {
            return scores.softmax(-1).matmul(value).MoveToOuterDisposeScope();
        }

        var hidden = mask.logical_not();
        var probs = scores.masked_fill(hidden, double.NegativeInfinity).softmax(-1);
        // A row with no visible key is all NaN after softmax; masked_fill turns it into zeros and leaves
        // every other row untouched (its masked entries are exactly 0 already).
        probs = probs.masked_fill(hidden, 0.0);
        return probs.matmul(value).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Grouped-query attention's key/value sharing (Ainslie et al. 2023): each of the g key/value heads serves
    /// h/g consecutive query heads — HF's <c>repeat_kv</c>, i.e. <c>repeat_interleave</c> on the head dim.
    /// </summary>
    /// <param name="keyOrValue">(B, g, K, d).</param>
    /// <param name="repeats">h / g, ≥ 1.</param>
    /// <returns>(B, g·repeats, K, d); the input itself (as an alias) when <paramref name="repeats"/> is 1.</returns>
    public static Tensor RepeatKeyValueHeads(Tensor keyOrValue, long repeats)
    {
        if (repeats == 1)
        {
            return keyOrValue.alias();
        }

        var s = keyOrValue.shape;   // [B, g, K, d]
        using var scope = torch.NewDisposeScope();
        return keyOrValue.unsqueeze(2).expand(s[0], s[1], repeats, s[2], s[3])   // [B, g, r, K, d]
            .reshape(s[0], s[1] * repeats, s[2], s[3])                         // [B, h, K, d]
            .MoveToOuterDisposeScope();
    }
}
