using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Core;

public class CrossAttentionTests
{
    [Fact]
    public void Keys_AndShapes_WithAnotherSourceWidth()
    {
        using var xattn = new CrossAttention(32, 4, sourceWidth: 24);
        Assert.Equal(
            LmTestData.Sorted(new[] { "q_proj.weight", "q_proj.bias", "k_proj.weight", "k_proj.bias", "v_proj.weight", "v_proj.bias", "o_proj.weight" }),
            LmTestData.Keys(xattn));
        Assert.Equal(new long[] { 32, 24 }, xattn.state_dict()["k_proj.weight"].shape);
        using var noBias = new CrossAttention(32, 4, bias: false);
        Assert.Equal(LmTestData.Sorted(new[] { "q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight" }), LmTestData.Keys(noBias));
    }

    [Fact]
    public void GroupedKeyValueHeads_ShrinkKAndVToKvHeadsTimesHeadDim_KeysUnchanged()
    {
        using var gqa = new CrossAttention(32, 4, sourceWidth: 24, kvHeads: 2);
        Assert.Equal(LmTestData.Keys(new CrossAttention(32, 4, sourceWidth: 24)), LmTestData.Keys(gqa));
        Assert.Equal(new long[] { 16, 24 }, gqa.state_dict()["k_proj.weight"].shape);   // 2 heads × d 8
        Assert.Equal(new long[] { 16 }, gqa.state_dict()["v_proj.bias"].shape);
        Assert.Equal(new long[] { 32, 32 }, gqa.state_dict()["q_proj.weight"].shape);
        using var scope = torch.NewDisposeScope();
        var (k, v) = gqa.ProjectKeyValues(LmTestData.Randn(new Random(2), 1.0, 3, 5, 24));
        Assert.Equal(new long[] { 3, 2, 5, 8 }, k.shape);   // cached at (B, g, M, d)
        Assert.Equal(new long[] { 3, 2, 5, 8 }, v.shape);
        var e = Assert.Throws<ArgumentException>(() => new CrossAttention(32, 4, kvHeads: 3));
        Assert.Contains("heads (4) must be divisible by kvHeads (3)", e.Message);
    }

    /// <summary>
    /// Grouped-query attention is multi-head attention whose key/value heads are shared: with g key/value heads,
    /// it equals the h-head cross-attention whose k/v weights repeat each group's rows for its h/g query heads.
    /// </summary>
    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases), typeof(Arbitraries.KvHeadCounts) })]
    public void GroupedKeyValueHeads_EqualMultiHeadAttentionWithRepeatedKvWeights(SmallCase c, int g)
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(c.Seed);
        int m = rng.Next(1, 9);
        using var gqa = new CrossAttention(c.Hidden, c.Heads, sourceWidth: 24, kvHeads: g);
        using var mha = new CrossAttention(c.Hidden, c.Heads, sourceWidth: 24);
        LmTestData.Randomize(gqa, c.Seed);
        long d = c.Hidden / c.Heads, repeats = c.Heads / g;
        var weights = gqa.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        foreach (var key in new[] { "k_proj.weight", "k_proj.bias", "v_proj.weight", "v_proj.bias" })
        {
            var w = weights[key];
            var shape = w.shape.Skip(1).ToArray();                                  // [] or [in]
            var grouped = w.reshape(new[] { (long)g, 1, d }.Concat(shape).ToArray());    // [g, 1, d, (in)]
            var expanded = grouped.expand(new[] { (long)g, repeats, d }.Concat(shape).ToArray());
            weights[key] = expanded.reshape(new[] { c.Heads * d }.Concat(shape).ToArray());   // [h·d, (in)]
        }

        mha.load_state_dict(weights);
        var q = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var src = LmTestData.Randn(rng, 1.0, c.Batch, m, 24);
        var valid = torch.ones(c.Batch, m, ScalarType.Bool);
        valid[0, m - 1] = torch.tensor(m == 1);
        TensorAssert.AllClose(mha.call(q, src, valid.unsqueeze(1), null), gqa.call(q, src, valid.unsqueeze(1), null), rtol: 1e-5, atol: 1e-6);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void JointlyPermutingKeysAndValues_ChangesNothing_WithOrWithoutQueryRope(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(c.Seed);
        int m = rng.Next(1, 12);
        using var xattn = new CrossAttention(c.Hidden, c.Heads, sourceWidth: 24);
        LmTestData.Randomize(xattn, c.Seed);
        var q = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var src = LmTestData.Randn(rng, 1.0, c.Batch, m, 24);
        var perm = torch.tensor(Enumerable.Range(0, m).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray());
        var rope = rng.Next(2) == 0 ? null : new RotaryEmbedding(c.Hidden / c.Heads).call(torch.arange(3, 3 + c.Length, dtype: ScalarType.Int64).unsqueeze(0).expand(c.Batch, c.Length));
        var y = xattn.call(q, src, null, rope);
        var yPermuted = xattn.call(q, src.index_select(1, perm), null, rope);
        Assert.Equal(new long[] { c.Batch, c.Length, c.Hidden }, y.shape);
        TensorAssert.AllClose(y, yPermuted, rtol: 1e-4, atol: 1e-5);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void MaskedSourceToken_ChangesNothing(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(c.Seed);
        int m = rng.Next(1, 10);
        using var xattn = new CrossAttention(c.Hidden, c.Heads);
        LmTestData.Randomize(xattn, c.Seed);
        var q = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var src = LmTestData.Randn(rng, 1.0, c.Batch, m, c.Hidden);
        var junk = LmTestData.Randn(rng, 10.0, c.Batch, 2, c.Hidden);
        var padded = torch.cat(new[] { src, junk }, 1);
        var valid = torch.cat(new[] { torch.ones(c.Batch, m, ScalarType.Bool), torch.zeros(c.Batch, 2, ScalarType.Bool) }, 1);
        var y = xattn.call(q, src, null, null);
        var yPadded = xattn.call(q, padded, valid.unsqueeze(1), null);   // (B, 1, M) key padding
        TensorAssert.AllClose(y, yPadded, rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void CachedKeyValues_AreComputedOnceAndReused()
    {
        using var scope = torch.NewDisposeScope();
        using var xattn = new CrossAttention(16, 4);
        var src = LmTestData.Randn(new Random(1), 1.0, 2, 5, 16);
        using var entry = new KvCacheEntry();
        var (k1, _, _) = xattn.KeyValues(src, null, entry)!.Value;
        var (k2, _, _) = xattn.KeyValues(null, null, entry)!.Value;
        Assert.True(TensorAssert.Identical(k1, k2));
        Assert.Null(xattn.KeyValues(null, null, null));
    }

    [Fact]
    public void MatchesTorchMultiheadAttention_WithKdimAndKeyPadding()
    {
        using var scope = torch.NewDisposeScope();
        using var xattn = new CrossAttention(32, 4, sourceWidth: 20);
        LmTestData.Randomize(xattn, 21);
        var rng = new Random(21);
        var q = LmTestData.Randn(rng, 1.0, 2, 5, 32);
        var src = LmTestData.Randn(rng, 1.0, 2, 7, 20);
        var valid = torch.ones(2, 7, ScalarType.Bool);
        valid[1, 5] = torch.tensor(false);
        valid[1, 6] = torch.tensor(false);
        var y = xattn.call(q, src, valid.unsqueeze(1), null);
        var sd = xattn.state_dict();
        var bias = torch.cat(new[] { sd["q_proj.bias"], sd["k_proj.bias"], sd["v_proj.bias"] }, 0);
        using var r = PyTorchReference.Run(
            """
            mha = nn.MultiheadAttention(32, 4, kdim=20, vdim=20, batch_first=True)
            with torch.no_grad():
                mha.q_proj_weight.copy_(inputs['wq']); mha.k_proj_weight.copy_(inputs['wk']); mha.v_proj_weight.copy_(inputs['wv'])
                mha.in_proj_bias.copy_(inputs['b'])
                mha.out_proj.weight.copy_(inputs['o']); mha.out_proj.bias.zero_()
            outputs['y'], _ = mha(inputs['q'], inputs['s'], inputs['s'], key_padding_mask=~inputs['valid'], need_weights=False)
            """,
            ("q", q), ("s", src), ("valid", valid), ("wq", sd["q_proj.weight"]), ("wk", sd["k_proj.weight"]),
            ("wv", sd["v_proj.weight"]), ("b", bias), ("o", sd["o_proj.weight"]));
        TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-6);
    }
}
