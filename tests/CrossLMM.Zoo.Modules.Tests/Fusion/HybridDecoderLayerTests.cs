using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Fusion;

public class HybridDecoderLayerTests
{
    private static HybridDecoderLayer Hybrid(FusionCase c, double? beta)
    {
        var layer = new HybridDecoderLayer(c.Llm, FusionSource.Slow);
        LmTestData.Randomize(layer, c.Seed, gates: beta);
        return layer;
    }

    [Fact]
    public void Keys_BaseKeysUnchanged_CrossKeysUnderCrossAttn()
    {
        using var layer = new HybridDecoderLayer(LmTestData.Llm(32));
        var extra = new[] { "k_proj.weight", "k_proj.bias", "v_proj.weight", "v_proj.bias", "gate.proj.weight", "gate.proj.bias", "gate.beta" }
            .Select(k => "cross_attn." + k);
        Assert.Equal(LmTestData.Sorted(LmTestData.Qwen2LayerKeys().Concat(extra)), LmTestData.Keys(layer));
        Assert.Equal(new long[] { 16, 32 }, layer.state_dict()["cross_attn.k_proj.weight"].shape);
    }

    [Fact]
    public void ConfigConstructor_HeadsOtherThanTheLayers_Throw()
    {
        var config = new HybridFusionConfig(EquatableArray.Of(0), FusionSource.Slow, 0.0, Heads: 2, KvHeads: 2);
        var e = Assert.Throws<ArgumentException>(() => new HybridDecoderLayer(config, LmTestData.Llm(32)));
        Assert.Contains("hybrid heads (2) must equal llm.heads (4): a hybrid layer reuses its decoder layer's queries", e.Message);
        var kv = Assert.Throws<ArgumentException>(() => new HybridDecoderLayer(config with { Heads = 4, KvHeads = 4 }, LmTestData.Llm(32)));
        Assert.Contains("hybrid kv_heads (4) must equal llm.kv_heads (2)", kv.Message);
        using var ok = new HybridDecoderLayer(config with { Heads = 4 }, LmTestData.Llm(32));
        Assert.Equal(FusionSource.Slow, ok.CrossAttention.Source);
    }

    [Fact]
    public void KvInit_IsAnExactPerHeadCopyOfTheLayersKeyValueProjections()
    {
        using var disposables = torch.NewDisposeScope();
        var c = new FusionCase(2, 2, 1, 3, 1, 1, 48, 5);
        using var layer = Hybrid(c, beta: 0.0);   // randomised after construction: re-copy as after loading a checkpoint
        layer.InitializeCrossAttentionFromSelfAttention();
        var sd = layer.state_dict();
        foreach (var part in new[] { "k_proj.weight", "k_proj.bias", "v_proj.weight", "v_proj.bias" })
        {
            Assert.True(TensorAssert.Identical(sd["self_attn." + part], sd["cross_attn." + part]), part);
        }

        // Per head: the cross keys/values of a token equal its self-attention keys/values before RoPE.
        using var attn = new GroupedQueryAttention(48, 4, 2);
        attn.load_state_dict(sd.Where(kv => kv.Key.StartsWith("self_attn.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["self_attn.".Length..], kv => kv.Value));
        var x = LmTestData.Randn(new Random(5), 1.0, 2, 6, 48);
        var (k, v) = attn.ProjectKeyValues(x, null, null);               // [B, g, S, d]
        var (kc, vc) = layer.CrossAttention.ProjectKeyValues(x);          // [B, g, S, d]
        Assert.True(TensorAssert.Identical(k, kc));
        Assert.True(TensorAssert.Identical(v, vc));

        using var fresh = new HybridDecoderLayer(LmTestData.Llm(32));      // the constructor copies too
        var f = fresh.state_dict();
        Assert.True(TensorAssert.Identical(f["self_attn.k_proj.weight"], f["cross_attn.k_proj.weight"]));
        Assert.True(TensorAssert.Identical(f["self_attn.v_proj.bias"], f["cross_attn.v_proj.bias"]));
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases) })]
    public void ZeroBeta_EqualsTheBaseLayerExactly_ForAnySlowTokens(FusionCase c)
    {
        using var disposables = torch.NewDisposeScope();
        using var hybrid = Hybrid(c, beta: 0.0);
        using var plain = new Qwen2DecoderLayer(c.Llm);
        LmTestData.CopyShared(hybrid, plain);
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var y = hybrid.call(x, c.Context(c.Inputs(c.SourceTokens(rng), FusionSource.Slow)));
        Assert.True(TensorAssert.Identical(plain.call(x, c.Context(null)), y));
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases) })]
    public void OpenGate_SlowTokensReachOnlyTextPositions_PaddingAndOrderChangeNothing(FusionCase c)
    {
        using var disposables = torch.NewDisposeScope();
        using var hybrid = Hybrid(c, beta: 0.8);
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var slow = c.SourceTokens(rng);
        var other = c.SourceTokens(rng);
        var y = hybrid.call(x, c.Context(c.Inputs(slow, FusionSource.Slow)));
        var y2 = hybrid.call(x, c.Context(c.Inputs(other, FusionSource.Slow)));
        var visual = ((long)c.TextBefore, (long)c.Visual);
        Assert.True(TensorAssert.Identical(y.narrow(1, c.TextBefore, c.Visual), y2.narrow(1, c.TextBefore, c.Visual)), "slow tokens reached a visual position");
        var text = StreamSegments.Text(y, visual);
        if (text is not null)
        {
            Assert.False(TensorAssert.Identical(text, StreamSegments.Text(y2, visual)!), "slow tokens reached no text position");
        }

        var padded = torch.cat(new[] { slow, LmTestData.Randn(rng, 9.0, c.Batch, 2, c.Hidden) }, 1);
        var valid = torch.cat(new[] { torch.ones(c.Batch, c.Source, ScalarType.Bool), torch.zeros(c.Batch, 2, ScalarType.Bool) }, 1);
        TensorAssert.AllClose(y, hybrid.call(x, c.Context(c.Inputs(padded, FusionSource.Slow, valid))), rtol: 1e-4, atol: 1e-5);
        var perm = torch.tensor(Enumerable.Range(0, c.Source).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray());
        TensorAssert.AllClose(y, hybrid.call(x, c.Context(c.Inputs(slow.index_select(1, perm), FusionSource.Slow))), rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void MatchesStraightforwardPyTorchHybridLayer()
    {
        var c = new FusionCase(2, 2, 2, 3, 2, 3, 32, 91);
        using var disposables = torch.NewDisposeScope();
        using var hybrid = Hybrid(c, beta: 0.6);
        var rng = new Random(91);
        var x = c.Hidden_(rng);
        var slow = c.SourceTokens(rng);
        var valid = torch.ones(2, c.Source, ScalarType.Bool);
        valid[1, c.Source - 1] = torch.tensor(false);
        var y = hybrid.call(x, c.Context(c.Inputs(slow, FusionSource.Slow, valid)));
        var inputs = PyQwen2.Weights(hybrid, "l.").Append(("x", x)).Append(("slow", slow)).Append(("valid", valid)).ToArray();
        using var r = PyTorchReference.Run(
            PyQwen2.Prelude + """
            x, slow, valid = inputs['x'], inputs['slow'], inputs['valid']
            h, g, vs, Lv = 4, 2, 2, 4
            B, S, H = x.shape
            positions = torch.arange(S)[None].expand(B, -1)
            xn = rms(x, W('l.', 'input_layernorm.weight'))
            q, a = qwen2_attention_parts(xn, 'l.', h, g, positions)
            sn = rms(slow, W('l.', 'input_layernorm.weight'))
            k = heads(linear(sn, 'l.', 'cross_attn.k_proj'), g).repeat_interleave(h // g, dim=1)
            v = heads(linear(sn, 'l.', 'cross_attn.v_proj'), g).repeat_interleave(h // g, dim=1)
            is_text = torch.ones(S, dtype=torch.bool); is_text[vs:vs + Lv] = False
            c = merge(softmax_attention(q[:, :, is_text], k, v, valid[:, None, None, :]))
            gate = torch.tanh(linear(a[:, is_text], 'l.', 'cross_attn.gate.proj')) * torch.tanh(W('l.', 'cross_attn.gate.beta'))
            a = a.clone(); a[:, is_text] = a[:, is_text] + gate * c
            x = x + linear(a, 'l.', 'self_attn.o_proj', bias=False)
            outputs['y'] = x + swiglu(rms(x, W('l.', 'post_attention_layernorm.weight')), 'l.mlp.')
            """,
            inputs);
        TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-5);
    }
}
