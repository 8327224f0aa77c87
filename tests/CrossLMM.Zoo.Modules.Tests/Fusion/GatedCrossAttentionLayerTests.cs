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

public class GatedCrossAttentionLayerTests
{
    [Fact]
    public void Keys_BaseKeysUnchanged_FlamingoBlockUnderCrossAttn()
    {
        using var layer = new Qwen2DecoderLayer(LmTestData.Llm(32), new GatedCrossAttentionLayer(32, 4, 64));
        var extra = new[]
        {
            "attn_norm.weight", "attn_norm.bias", "attn.q_proj.weight", "attn.k_proj.weight", "attn.v_proj.weight", "attn.o_proj.weight",
            "attn_gate.alpha", "ff_norm.weight", "ff_norm.bias", "ff.fc1.weight", "ff.fc1.bias", "ff.fc2.weight", "ff.fc2.bias", "ff_gate.alpha",
        }.Select(k => "cross_attn." + k);
        Assert.Equal(LmTestData.Sorted(LmTestData.Qwen2LayerKeys().Concat(extra)), LmTestData.Keys(layer));
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases) })]
    public void ZeroGates_EqualTheBaseLayerExactly_ForAnyMedia(FusionCase c)
    {
        using var disposables = torch.NewDisposeScope();
        using var fused = new Qwen2DecoderLayer(c.Llm, new GatedCrossAttentionLayer(c.Hidden, c.Heads, 2 * c.Hidden));
        LmTestData.Randomize(fused, c.Seed, gates: 0.0);
        using var plain = new Qwen2DecoderLayer(c.Llm);
        LmTestData.CopyShared(fused, plain);
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var y = fused.call(x, c.Context(c.Inputs(c.SourceTokens(rng), FusionSource.Compressed)));
        Assert.True(TensorAssert.Identical(plain.call(x, c.Context(null)), y));
    }

    [Fact]
    public void ConfigConstructor_TakesKvHeadsAndFfnWidthFromTheEntry()
    {
        var entry = new GatedCrossAttentionConfig(EquatableArray.Of(0), FusionSource.Compressed, 0.0, Heads: 4, KvHeads: 1, Mlp: 24);
        using var block = new GatedCrossAttentionLayer(entry, LmTestData.Llm(32));
        var sd = block.state_dict();
        Assert.Equal(new long[] { 8, 32 }, sd["attn.k_proj.weight"].shape);   // one key/value head of width 8
        Assert.Equal(new long[] { 8, 32 }, sd["attn.v_proj.weight"].shape);
        Assert.Equal(new long[] { 24, 32 }, sd["ff.fc1.weight"].shape);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void OpenGates_MatchFlamingoEquations_AndNoMediaIsIdentity(int kvHeads)
    {
        var c = new FusionCase(2, 2, 1, 3, 3, 2, 32, 13);
        using var disposables = torch.NewDisposeScope();
        using var block = new GatedCrossAttentionLayer(32, 4, 40, kvHeads: kvHeads);
        LmTestData.Randomize(block, 13, gates: 0.5);
        var rng = new Random(13);
        var x = c.Hidden_(rng);
        var media = c.SourceTokens(rng);
        Assert.True(TensorAssert.Identical(x, block.call(x, c.Context(null))));
        var y = block.call(x, c.Context(c.Inputs(media, FusionSource.Compressed)));
        var inputs = PyQwen2.Weights(block, "g.").Append(("x", x)).Append(("media", media)).Append(("kv", torch.tensor((long)kvHeads))).ToArray();
        using var r = PyTorchReference.Run(
            PyQwen2.Prelude + """
            x, media, g = inputs['x'], inputs['media'], int(inputs['kv'])
            def ln(t, p): return F.layer_norm(t, (t.shape[-1],), W('g.', p + '.weight'), W('g.', p + '.bias'), 1e-5)
            y = x + torch.tanh(W('g.', 'attn_gate.alpha')) * xattn(ln(x, 'attn_norm'), media, 'g.attn.', 4, None, g)
            ff = linear(F.gelu(linear(ln(y, 'ff_norm'), 'g.', 'ff.fc1')), 'g.', 'ff.fc2')
            outputs['y'] = y + torch.tanh(W('g.', 'ff_gate.alpha')) * ff
            """,
            inputs);
        TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-5);
    }
}
