using System;
using CrossLMM.Zoo.Engine;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017, Eq. 1), <c>softmax(QKᵀ/√d + mask) V</c>, defined by its
/// composition from matmul, masked_fill and softmax so that it means the same on any TorchSharp release and on
/// libtorch 1.13 (whose fused kernel is private). It differs from older releases' <c>F.scaled_dot_product_attention</c>
/// in one deliberate way: a query whose keys are all masked out gets a zero output instead of NaN — padded query
/// rows and text queries of a sample without video stay finite, so a zero gate (0·x) really is zero. On this
/// repository's engine, whose <c>F.scaled_dot_product_attention</c> computes exactly that (PyTorch ≥ 2.5's rule),
/// the work is handed to it: at inference it runs in query blocks without materialising the S×K scores.
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
        var attended = Composed(query, key, value, mask);
        if (FlopCounter.IsCounting)
        {
            // The two products, QKᵀ and PV, at the zoo's own call site (libtorch's kernels have no counter):
            // rows · K · d and rows · K · d_v multiply-adds, rows = every query of every (broadcast) head.
            long dv = attended.shape[^1], rows = attended.numel() / Math.Max(dv, 1), keys = key.shape[^2];
            FlopCounter.Record(FlopKind.Matmul, 2 * rows * keys * (query.shape[^1] + dv));
        }

        return attended;
    }

    /// <summary>
    /// Attention with fewer key/value heads than query heads (grouped-query attention, Ainslie et al. 2023):
    /// query head i·r + j (r = h/g) reads key/value head i, as after <see cref="RepeatKeyValueHeads"/> — but by
    /// broadcasting (queries viewed as (B, g, r, S, d) against keys (B, g, 1, K, d)) instead of copying the keys
    /// and values to every query head. Same values and the same FLOP count as repeating them.
    /// </summary>
    /// <param name="query">Queries (B, h, S, d).</param>
    /// <param name="key">Keys (B, g, K, d), g dividing h.</param>
    /// <param name="value">Values (B, g, K, d_v).</param>
    /// <param name="mask">Boolean, broadcastable to (B, h, S, K); true where the query may attend to the key.</param>
    /// <returns>(B, h, S, d_v); the caller owns it.</returns>
    /// <exception cref="ArgumentException">g does not divide h.</exception>
    public static Tensor ComputeGrouped(Tensor query, Tensor key, Tensor value, Tensor? mask = null)
    {
        long[] qs = query.shape;
        long heads = qs[1], groups = key.shape[1];
        if (groups == heads)
        {
            return Compute(query, key, value, mask);
        }

        if (groups < 1 || heads % groups != 0)
        {
            throw new ArgumentException($"key/value heads ({groups}) must divide query heads ({heads})", nameof(key));
        }

        long repeats = heads / groups;
        using var scope = torch.NewDisposeScope();
        var q = query.view(qs[0], groups, repeats, qs[2], qs[3]);   // [B, g, r, S, d]
        var m = mask is null ? null : GroupMask(mask, groups, repeats);   // [B|1, g|1, r|1, S|1, K]
        var attended = Compute(q, key.unsqueeze(2), value.unsqueeze(2), m);   // [B, g, r, S, d_v]
        return attended.reshape(qs[0], heads, qs[2], value.shape[^1]).MoveToOuterDisposeScope();
    }

    // A mask broadcastable to (B, h, S, K) as one broadcastable to (B, g, r, S, K).
    private static Tensor GroupMask(Tensor mask, long groups, long repeats)
    {
        var m = mask;
        while (m.shape.Length < 4)
        {
            m = m.unsqueeze(0);
        }

        var s = m.shape;
        return s[1] == 1
            ? m.unsqueeze(2)                                       // [B|1, 1, 1, S, K]
            : m.reshape(s[0], groups, repeats, s[2], s[3]);         // per-head mask, split like the queries
    }

    // softmax(QKᵀ/√d + mask) V from matmul, masked_fill and softmax: the definition, and the path for a
    // non-boolean mask or another TorchSharp backend.
    private static Tensor Composed(Tensor query, Tensor key, Tensor value, Tensor? mask)
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
