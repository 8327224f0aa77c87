using System;
using System.Linq;
using CrossLMM.Zoo.Engine;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017, Eq. 1), <c>softmax(QKᵀ/√d + mask) V</c>: the one attention
/// kernel entry of the zoo. Every attention in modules/ comes here, so three rules hold everywhere:
/// <list type="bullet">
/// <item>A query whose keys are all masked out gets a zero output, not NaN: padded query rows and text queries of
/// a sample without video stay finite, so a zero gate (0·x) really is zero. libtorch ≥ 2.5's fused kernel
/// computes exactly that (PyTorch's "safe softmax"), and the tests pin it.</item>
/// <item>Shapes are checked before any native call, and a mismatch is an <see cref="ArgumentException"/> naming
/// every shape (libtorch's own message would not say which attention, and TorchSharp's <c>matmul</c> ends the
/// process on mismatched shapes).</item>
/// <item>Its two products are reported to the <see cref="FlopCounter"/> (libtorch's kernels have no counter).</item>
/// </list>
/// It runs TorchSharp's fused <c>scaled_dot_product_attention</c>, which does not materialise the S×K scores.
/// <para>Shapes: B batch, h heads, S query length, K key length, d head width.</para>
/// </summary>
public static class ScaledDotProductAttention
{
    /// <summary>Attention of every query over the keys it may see.</summary>
    /// <param name="query">Queries (…, S, d): (B, h, S, d) in the blocks.</param>
    /// <param name="key">Keys (…, K, d), batch dims broadcastable against the queries'.</param>
    /// <param name="value">Values (…, K, d_v).</param>
    /// <param name="mask">Boolean, broadcastable to (…, S, K); true where the query may attend to the key.
    /// Null: every query sees every key.</param>
    /// <returns>(…, S, d_v); the caller owns it.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together (the message names all of them), or the
    /// mask is not boolean.</exception>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor? mask = null)
    {
        CheckShapes(query, key, value, mask);
        if (AttentionMasks.IsPlainCausal(mask) && query.shape[^2] == key.shape[^2])
        {
            return Fused(query, key, value, null, causal: true);
        }

        return Fused(query, key, value, mask, causal: false);
    }

    // libtorch's fused kernel, with the FLOPs of the two products reported (the full S×K products, as the cost
    // model counts them, also where the causal kernel skips the masked half).
    private static Tensor Fused(Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal)
    {
        var attended = nn.functional.scaled_dot_product_attention(query, key, value, mask, 0.0, causal);
        if (FlopCounter.IsCounting)
        {
            // The two products, QKᵀ and PV: rows · K · d and rows · K · d_v multiply-adds, rows = every query of
            // every (broadcast) head.
            long dv = attended.shape[^1], rows = attended.numel() / Math.Max(dv, 1), keys = key.shape[^2];
            FlopCounter.Record(FlopKind.Matmul, 2 * rows * keys * (query.shape[^1] + dv));
        }

        return attended;
    }

    /// <summary>
    /// Attention with fewer key/value heads than query heads (grouped-query attention, Ainslie et al. 2023):
    /// query head i·r + j (r = h/g) reads key/value head i, as after <see cref="RepeatKeyValueHeads"/>, without
    /// copying the keys and values: the r query heads of a group are folded into its rows (queries viewed as
    /// (B, g, r·S, d) against keys (B, g, K, d)), which is exact because each row's softmax is its own. Same values
    /// and the same FLOP count as repeating them.
    /// </summary>
    /// <param name="query">Queries (B, h, S, d).</param>
    /// <param name="key">Keys (B, g, K, d), g dividing h.</param>
    /// <param name="value">Values (B, g, K, d_v).</param>
    /// <param name="mask">Boolean, broadcastable to (B, h, S, K); true where the query may attend to the key.</param>
    /// <returns>(B, h, S, d_v); the caller owns it.</returns>
    /// <exception cref="ArgumentException">g does not divide h, or the shapes do not fit together.</exception>
    public static Tensor ComputeGrouped(Tensor query, Tensor key, Tensor value, Tensor? mask = null)
    {
        if (query.dim() != 4 || key.dim() != 4 || value.dim() != 4)
        {
            throw new ArgumentException($"grouped attention takes 4-D (B, heads, length, width) tensors; got query {Shape(query)}, key {Shape(key)}, value {Shape(value)}", nameof(query));
        }

        if (mask is not null && mask.dtype != ScalarType.Bool)
        {
            // before the mask is regrouped, so that the message quotes the shape the caller gave
            throw new ArgumentException($"attention masks are boolean (true = may attend); got a {mask.dtype} mask {Shape(mask)}", nameof(mask));
        }

        long[] qs = query.shape;
        long heads = qs[1], groups = key.shape[1];
        if (groups == heads)
        {
            return Compute(query, key, value, mask);
        }

        if (groups < 1 || heads % groups != 0 || value.shape[1] != groups)
        {
            throw new ArgumentException($"key/value heads ({groups}, values {value.shape[1]}) must divide query heads ({heads}): query {Shape(query)}, key {Shape(key)}, value {Shape(value)}", nameof(key));
        }

        long repeats = heads / groups, length = qs[2], keys = key.shape[2];
        using var scope = torch.NewDisposeScope();
        bool causal = AttentionMasks.IsPlainCausal(mask) && length == keys;
        // Folding the heads into rows needs the mask per row: a mask that varies over the queries would be copied
        // h times (h·S·K bytes). Repeating K/V instead costs 2·h·K·d floats; take the cheaper (prefill: repeat).
        bool perQueryMask = mask is not null && mask.dim() >= 2 && mask.shape[^2] > 1 && (mask.dim() < 3 || mask.shape[^3] == 1);
        if (causal || (perQueryMask && length > 8 * qs[3]))
        {
            var k = RepeatKeyValueHeads(key, repeats);      // [B, h, K, d]
            var v = RepeatKeyValueHeads(value, repeats);    // [B, h, K, d_v]
            return Compute(query, k, v, mask).MoveToOuterDisposeScope();   // a plain causal mask runs as is_causal there
        }

        var q = query.reshape(qs[0], groups, repeats * length, qs[3]);   // [B, g, r·S, d]
        var m = mask is null ? null : GroupMask(mask, qs[0], heads, groups, repeats, length, key.shape[2]);   // [B|1, g|1, r·S|1, K]
        var attended = Compute(q, key, value, m);   // [B, g, r·S, d_v]
        return attended.view(qs[0], heads, length, value.shape[^1]).MoveToOuterDisposeScope();
    }

    // A mask broadcastable to (B, h, S, K) as one broadcastable to (B, g, r·S, K), row (j, s) of group i being
    // query head i·r + j at position s.
    private static Tensor GroupMask(Tensor mask, long batch, long heads, long groups, long repeats, long length, long keys)
    {
        CheckBroadcast(mask, new[] { batch, heads, length, keys }, "mask");
        var m = mask;
        while (m.dim() < 4)
        {
            m = m.unsqueeze(0);
        }

        var s = m.shape;   // [B|1, h|1, S|1, K|1]
        if (s[1] == 1 && s[2] == 1)
        {
            return m;   // the same for every row
        }

        var perHead = m.expand(s[0], heads, length, s[3])   // [B|1, h, S, K|1]
            .reshape(s[0], groups, repeats * length, s[3]); // [B|1, g, r·S, K|1]
        return perHead;
    }

    private static void CheckShapes(Tensor query, Tensor key, Tensor value, Tensor? mask)
    {
        bool ok = query.dim() >= 2 && key.dim() >= 2 && value.dim() >= 2
            && query.shape[^1] == key.shape[^1]
            && key.shape[^2] == value.shape[^2]
            && Broadcastable(query.shape[..^2], key.shape[..^2])
            && Broadcastable(query.shape[..^2], value.shape[..^2]);
        if (!ok)
        {
            throw new ArgumentException(
                $"attention shapes do not fit: query {Shape(query)} (…, S, d), key {Shape(key)} (…, K, d), value {Shape(value)} (…, K, d_v)" +
                (mask is null ? string.Empty : $", mask {Shape(mask)}"), nameof(query));
        }

        if (mask is not null && mask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"attention masks are boolean (true = may attend); got a {mask.dtype} mask {Shape(mask)}", nameof(mask));
        }

        if (mask is not null)
        {
            var batch = Broadcast(query.shape[..^2], key.shape[..^2]);
            CheckBroadcast(mask, batch.Append(query.shape[^2]).Append(key.shape[^2]).ToArray(), $"mask (query {Shape(query)}, key {Shape(key)})");
        }
    }

    private static void CheckBroadcast(Tensor mask, long[] target, string what)
    {
        var s = mask.shape;
        bool ok = s.Length <= target.Length;
        for (int i = 1; ok && i <= s.Length; i++)
        {
            ok = s[^i] == 1 || s[^i] == target[^i];
        }

        if (!ok)
        {
            throw new ArgumentException($"attention mask {Shape(mask)} is not broadcastable to {Shape(target)} for {what}", nameof(mask));
        }
    }

    private static bool Broadcastable(long[] a, long[] b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
        {
            if (a[^i] != b[^i] && a[^i] != 1 && b[^i] != 1) return false;
        }

        return true;
    }

    private static long[] Broadcast(long[] a, long[] b)
    {
        var n = Math.Max(a.Length, b.Length);
        var r = new long[n];
        for (int i = 1; i <= n; i++)
        {
            long x = i <= a.Length ? a[^i] : 1, y = i <= b.Length ? b[^i] : 1;
            r[^i] = Math.Max(x, y);
        }

        return r;
    }

    private static string Shape(Tensor t) => Shape(t.shape);

    private static string Shape(long[] s) => "[" + string.Join(", ", s) + "]";

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
