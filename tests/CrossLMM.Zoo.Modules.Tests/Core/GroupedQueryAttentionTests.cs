using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Core;

public class GroupedQueryAttentionTests
{
    private static GroupedQueryAttention Attention(SmallCase c)
    {
        var attn = new GroupedQueryAttention(c.Hidden, c.Heads, c.KvHeads);
        LmTestData.Randomize(attn, c.Seed);
        return attn;
    }

    [Fact]
    public void Keys_AreQwen2AttentionKeys()
    {
        using var attn = new GroupedQueryAttention(32, 4, 2);
        Assert.Equal(
            LmTestData.Sorted(new[] { "q_proj.weight", "q_proj.bias", "k_proj.weight", "k_proj.bias", "v_proj.weight", "v_proj.bias", "o_proj.weight" }),
            LmTestData.Keys(attn));
        var sd = attn.state_dict();
        Assert.Equal(new long[] { 32, 32 }, sd["q_proj.weight"].shape);
        Assert.Equal(new long[] { 16, 32 }, sd["k_proj.weight"].shape);
        Assert.Equal(new long[] { 32, 32 }, sd["o_proj.weight"].shape);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void Forward_AnySizes_KeepsShape(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var attn = Attention(c);
        var x = LmTestData.Randn(new Random(c.Seed), 1.0, c.Batch, c.Length, c.Hidden);
        var rope = new RotaryEmbedding(c.Hidden / c.Heads).call(torch.arange(0, c.Length, dtype: ScalarType.Int64).unsqueeze(0).expand(c.Batch, c.Length));
        var y = attn.call(x, rope, AttentionMasks.Causal(c.Length), null);
        Assert.Equal(new long[] { c.Batch, c.Length, c.Hidden }, y.shape);
        TensorAssert.AllFinite(y);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void NoPositionsNoMask_PermutingTokens_PermutesOutputs(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var attn = Attention(c);
        var rng = new Random(c.Seed);
        var x = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var perm = torch.tensor(Enumerable.Range(0, c.Length).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray());
        var y = attn.call(x, null, null, null);
        var yPermuted = attn.call(x.index_select(1, perm), null, null, null);
        TensorAssert.AllClose(y.index_select(1, perm), yPermuted, rtol: 1e-4, atol: 1e-5);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCasesUpToLength8) })]
    public void CausalMask_LaterTokensNeverChangeEarlierOutputs(SmallCase c)
    {
        if (c.Length < 2)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var attn = Attention(c);
        var rng = new Random(c.Seed);
        int cut = rng.Next(1, c.Length);
        var x = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var noise = LmTestData.Randn(rng, 5.0, c.Batch, c.Length - cut, c.Hidden);
        var changed = torch.cat(new[] { x.narrow(1, 0, cut), x.narrow(1, cut, c.Length - cut).add(noise) }, 1);
        var rope = new RotaryEmbedding(c.Hidden / c.Heads).call(torch.arange(0, c.Length, dtype: ScalarType.Int64).unsqueeze(0).expand(c.Batch, c.Length));
        var mask = AttentionMasks.Causal(c.Length);
        var y = attn.call(x, rope, mask, null);
        var y2 = attn.call(changed, rope, mask, null);
        // Equal up to float rounding (libtorch's MKL GEMMs are not bit-reproducible across calls), while the
        // perturbation moves the later outputs by orders of magnitude more.
        TensorAssert.AllClose(y.narrow(1, 0, cut), y2.narrow(1, 0, cut), rtol: 1e-5, atol: 1e-6, because: "outputs before the cut changed");
        Assert.True(TensorAssert.MaxAbsDiff(y.narrow(1, cut, c.Length - cut), y2.narrow(1, cut, c.Length - cut)) > 1e-3, "later outputs did not change");
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void PaddedKey_ChangesNothing(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var attn = Attention(c);
        var rng = new Random(c.Seed);
        int at = rng.Next(0, c.Length + 1);
        var x = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var junk = LmTestData.Randn(rng, 10.0, c.Batch, 1, c.Hidden);
        var padded = torch.cat(new[] { x.narrow(1, 0, at), junk, x.narrow(1, at, c.Length - at) }, 1);
        var valid = torch.ones(c.Batch, c.Length + 1, ScalarType.Bool);
        valid[TensorIndex.Colon, at] = torch.tensor(false);
        var mask = AttentionMasks.KeyPadding(valid);   // [B, 1, 1, S + 1]
        var y = attn.call(x, null, null, null);
        var yPadded = attn.call(padded, null, mask, null);
        var real = torch.cat(new[] { yPadded.narrow(1, 0, at), yPadded.narrow(1, at + 1, c.Length - at) }, 1);
        TensorAssert.AllClose(y, real, rtol: 1e-4, atol: 1e-5);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void KvCache_IncrementalDecoding_EqualsFullForward(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var attn = Attention(c);
        var rng = new Random(c.Seed);
        var x = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var rotary = new RotaryEmbedding(c.Hidden / c.Heads);
        var positions = torch.arange(0, c.Length, dtype: ScalarType.Int64).unsqueeze(0).expand(c.Batch, c.Length);
        var full = attn.call(x, rotary.call(positions), AttentionMasks.Causal(c.Length), null);
        using var entry = new KvCacheEntry();
        int prefill = rng.Next(1, c.Length + 1);
        var parts = new List<Tensor> { attn.call(x.narrow(1, 0, prefill), rotary.call(positions.narrow(1, 0, prefill)), AttentionMasks.Causal(prefill), entry) };
        for (int t = prefill; t < c.Length; t++)
        {
            parts.Add(attn.call(x.narrow(1, t, 1), rotary.call(positions.narrow(1, t, 1)), AttentionMasks.Causal(1, t), entry));
        }

        Assert.Equal(c.Length, entry.Length);
        TensorAssert.AllClose(full, torch.cat(parts, 1), rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void FullyMaskedQuery_GivesZerosNotNaN()
    {
        using var scope = torch.NewDisposeScope();
        using var attn = Attention(new SmallCase(1, 3, 16, 7));
        var x = LmTestData.Randn(new Random(7), 1.0, 1, 3, 16);
        var mask = torch.zeros(1, 1, 3, 3, ScalarType.Bool);
        var y = attn.call(x, null, mask, null);
        Assert.True(TensorAssert.Identical(y, torch.zeros_like(y)));
    }

    [Fact]
    public void MatchesTorchMultiheadAttention_CausalNoGqa()
    {
        using var scope = torch.NewDisposeScope();
        using var attn = new GroupedQueryAttention(32, 4, 4);
        LmTestData.Randomize(attn, 11);
        var x = LmTestData.Randn(new Random(11), 1.0, 2, 6, 32);
        var y = attn.call(x, null, AttentionMasks.Causal(6), null);
        var sd = attn.state_dict();
        var inProj = torch.cat(new[] { sd["q_proj.weight"], sd["k_proj.weight"], sd["v_proj.weight"] }, 0);
        var inBias = torch.cat(new[] { sd["q_proj.bias"], sd["k_proj.bias"], sd["v_proj.bias"] }, 0);
        using var r = PyTorchReference.Run(
            """
            x = inputs['x']
            mha = nn.MultiheadAttention(32, 4, batch_first=True)
            with torch.no_grad():
                mha.in_proj_weight.copy_(inputs['w']); mha.in_proj_bias.copy_(inputs['b'])
                mha.out_proj.weight.copy_(inputs['o']); mha.out_proj.bias.zero_()
            hidden = torch.triu(torch.ones(6, 6, dtype=torch.bool), diagonal=1)   # True = not allowed
            outputs['y'], _ = mha(x, x, x, attn_mask=hidden, need_weights=False)
            """,
            ("x", x), ("w", inProj), ("b", inBias), ("o", sd["o_proj.weight"]));
        TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-6);
    }
}
