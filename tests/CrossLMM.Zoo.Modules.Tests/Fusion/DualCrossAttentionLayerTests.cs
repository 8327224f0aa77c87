using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Fusion;

public class DualCrossAttentionLayerTests
{
    private static readonly CrossAttentionBranch[] Both = { CrossAttentionBranch.V2V, CrossAttentionBranch.T2V };

    private static Qwen2DecoderLayer Fused(FusionCase c, TokenScope scope, double? gates = null, CrossAttentionBranch[]? branches = null)
    {
        var dcal = new DualCrossAttentionLayer(c.Hidden, c.Heads, 2 * c.Hidden, branches ?? Both, scope);
        var layer = new Qwen2DecoderLayer(c.Llm, dcal);
        LmTestData.Randomize(layer, c.Seed, gates: gates);
        return layer;
    }

    [Fact]
    public void Keys_BaseKeysUnchanged_DcalUnderCrossAttn()
    {
        var c = new FusionCase(1, 1, 1, 1, 0, 0, 32, 0);
        using var layer = Fused(c, TokenScope.Global);
        string[] xattn = { "q_proj.weight", "q_proj.bias", "k_proj.weight", "k_proj.bias", "v_proj.weight", "v_proj.bias", "o_proj.weight" };
        var dcal = new[] { "input_layernorm.weight", "v2v_gate.alpha", "t2v_gate.alpha", "post_attention_layernorm.weight", "mlp_gate.alpha", "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight" }
            .Concat(xattn.Select(k => "v2v." + k)).Concat(xattn.Select(k => "t2v." + k));
        Assert.Equal(LmTestData.Sorted(LmTestData.Qwen2LayerKeys().Concat(dcal.Select(k => "cross_attn." + k))), LmTestData.Keys(layer));

        using var v2vOnly = new DualCrossAttentionLayer(32, 4, 64, new[] { CrossAttentionBranch.V2V });
        Assert.DoesNotContain(LmTestData.Keys(v2vOnly), k => k.StartsWith("t2v", StringComparison.Ordinal));
        Assert.Contains("v2v.q_proj.weight", LmTestData.Keys(v2vOnly));
    }

    [Fact]
    public void ConfigConstructor_TakesKvHeadsAndFfnWidthFromTheEntry()
    {
        var llm = LmTestData.Llm(32);   // 4 heads, 2 kv heads, mlp 64
        var entry = new DualCrossAttentionConfig(EquatableArray.Of(0), FusionSource.Original, 0.0, Heads: 4, KvHeads: 2, Mlp: 40,
            EquatableArray.Of(CrossAttentionBranch.V2V, CrossAttentionBranch.T2V), TokenScope.Global);
        using var dcal = new DualCrossAttentionLayer(entry, llm);
        var sd = dcal.state_dict();
        foreach (var branch in new[] { "v2v", "t2v" })
        {
            Assert.Equal(new long[] { 16, 32 }, sd[branch + ".k_proj.weight"].shape);   // kv_heads 2 × head_dim 8
            Assert.Equal(new long[] { 16, 32 }, sd[branch + ".v_proj.weight"].shape);
            Assert.Equal(new long[] { 32, 32 }, sd[branch + ".q_proj.weight"].shape);
        }

        Assert.Equal(new long[] { 40, 32 }, sd["mlp.gate_proj.weight"].shape);
        using var full = new DualCrossAttentionLayer(entry with { KvHeads = 4, Mlp = 64 }, llm);
        Assert.Equal(new long[] { 32, 32 }, full.state_dict()["t2v.k_proj.weight"].shape);
        var e = Assert.Throws<ArgumentException>(() => new DualCrossAttentionLayer(entry with { KvHeads = 3 }, llm));
        Assert.Contains("heads (4) must be divisible by kvHeads (3)", e.Message);
    }

    [Fact]
    public void Prefill_CachesOnlyTheT2VKeysAndValues_AtTheKvWidth()
    {
        var c = new FusionCase(2, 3, 2, 4, 1, 2, 32, 5);
        using var disposables = torch.NewDisposeScope();
        using var dcal = new DualCrossAttentionLayer(32, 4, 64, Both, kvHeads: 2);
        LmTestData.Randomize(dcal, 5, gates: 0.5);
        using var cache = new KvCache();
        var rng = new Random(5);
        var context = c.Context(c.Inputs(c.SourceTokens(rng))) with { Cache = cache.Layer(0) };
        dcal.call(c.Hidden_(rng), context);
        Assert.Equal(new[] { CacheSlot.TextToVisual }, cache.Layer(0).Filled);   // V2V keys/values do not outlive the prefill
        var (k, v, mask) = cache.Layer(0)[CacheSlot.TextToVisual].Get();
        Assert.Equal(new long[] { 2, 2, c.Source, 8 }, k.shape);   // (B, g, M, d)
        Assert.Equal(k.shape, v.shape);
        Assert.Null(mask);
    }

    /// <summary>
    /// scope: frame runs B·T attentions of n queries over the N tokens of their frame, so its V2V scores cost 1/T
    /// of the global T·n × T·N rectangle (which masking would still compute); everything else is the same.
    /// </summary>
    [Fact]
    public void FrameScope_ComputesOneFrameOfScoresPerQuery_TTimesFewerThanGlobal()
    {
        var c = new FusionCase(2, 4, 3, 5, 1, 2, 32, 9);
        using var disposables = torch.NewDisposeScope();
        var rng = new Random(9);
        var x = c.Hidden_(rng);
        var ctx = c.Context(c.Inputs(c.SourceTokens(rng)));
        long Scores(TokenScope scope)
        {
            using var dcal = new DualCrossAttentionLayer(32, 4, 64, new[] { CrossAttentionBranch.V2V }, scope, kvHeads: 2);
            using var noGrad = torch.no_grad();
            using var flops = CrossLMM.Zoo.Engine.FlopCounter.Start(dcal);
            dcal.call(x, ctx);
            flops.Stop();
            return flops[CrossLMM.Zoo.Engine.FlopKind.Matmul];
        }

        long global = Scores(TokenScope.Global), frame = Scores(TokenScope.Frame);
        Assert.Equal(2L * 4 * c.Visual * c.Source * 32, global);            // B · 4·L_v·M·H
        Assert.Equal(global / c.Frames, frame);                              // B · 4·L_v·N·H
    }

    [Fact]
    public void Constructor_BadBranches_Throw()
    {
        Assert.Throws<ArgumentException>(() => new DualCrossAttentionLayer(32, 4, 64, Array.Empty<CrossAttentionBranch>()));
        var e = Assert.Throws<ArgumentException>(() => new DualCrossAttentionLayer(30, 4, 64, Both));
        Assert.Contains("hidden (30) must be divisible by heads (4)", e.Message);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases), typeof(Arbitraries.TokenScopes) })]
    public void ZeroGates_EqualTheBaseLayerExactly_ForAnyVisualInput(FusionCase c, TokenScope scope)
    {
        using var disposables = torch.NewDisposeScope();
        using var fused = Fused(c, scope, gates: 0.0);
        using var plain = new Qwen2DecoderLayer(c.Llm);
        LmTestData.CopyShared(fused, plain);
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var y = fused.call(x, c.Context(c.Inputs(c.SourceTokens(rng))));
        var yBase = plain.call(x, c.Context(null));
        Assert.True(TensorAssert.Identical(yBase, y), "a zero-gated DCAL changed the layer's output");
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases) })]
    public void V2VWritesOnlyVisualPositions_T2VOnlyTextPositions(FusionCase c)
    {
        using var disposables = torch.NewDisposeScope();
        using var dcal = new DualCrossAttentionLayer(c.Hidden, c.Heads, 2 * c.Hidden, Both);
        LmTestData.Randomize(dcal, c.Seed, gates: 0.7);
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var ctx = c.Context(c.Inputs(c.SourceTokens(rng)));
        var y = dcal.call(x, ctx);
        foreach (var branch in new[] { "v2v", "t2v" })
        {
            var saved = dcal.state_dict().Where(kv => kv.Key.StartsWith(branch + ".", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            using (torch.no_grad())
            {
                foreach (var (name, p) in dcal.named_parameters().Where(p => p.name.StartsWith(branch + ".", StringComparison.Ordinal)))
                {
                    p.add_(LmTestData.Randn(rng, 0.5, p.shape));
                }
            }

            var y2 = dcal.call(x, ctx);
            var visual = (long)c.TextBefore;
            var (same, changed) = branch == "v2v"
                ? (StreamSegments.Text(y, (visual, c.Visual)), y.narrow(1, visual, c.Visual))
                : (y.narrow(1, visual, c.Visual), StreamSegments.Text(y, (visual, c.Visual)));
            var (same2, changed2) = branch == "v2v"
                ? (StreamSegments.Text(y2, (visual, c.Visual)), y2.narrow(1, visual, c.Visual))
                : (y2.narrow(1, visual, c.Visual), StreamSegments.Text(y2, (visual, c.Visual)));
            if (same is not null)
            {
                Assert.True(TensorAssert.Identical(same, same2!), $"perturbing {branch} changed positions it must not write");
            }

            if (changed is not null)
            {
                Assert.False(TensorAssert.Identical(changed, changed2!), $"perturbing {branch} changed nothing");
            }

            dcal.load_state_dict(saved, strict: false);
        }
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases) })]
    public void FrameScope_FrameTokensIgnoreOtherFrames_GlobalScopeDoesNot(FusionCase c)
    {
        if (c.Frames < 2)
        {
            return;
        }

        using var disposables = torch.NewDisposeScope();
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var src = c.SourceTokens(rng);
        int t = rng.Next(c.Frames);
        var noise = LmTestData.Randn(rng, 3.0, c.Batch, c.Source, c.Hidden);
        var keep = torch.zeros(1, c.Source, 1);
        keep[0, TensorIndex.Slice(t * c.SourcePerFrame, (t + 1) * c.SourcePerFrame), 0] = torch.tensor(1.0f);
        var perturbed = src.add(noise.mul(keep.mul(-1).add(1)));   // every frame but t changes
        var frameT = (long)(c.TextBefore + t * c.PerFrame);
        foreach (var scope in new[] { TokenScope.Frame, TokenScope.Global })
        {
            using var dcal = new DualCrossAttentionLayer(c.Hidden, c.Heads, 2 * c.Hidden, Both, scope);
            LmTestData.Randomize(dcal, c.Seed, gates: 0.7);
            var y = dcal.call(x, c.Context(c.Inputs(src))).narrow(1, frameT, c.PerFrame);
            var y2 = dcal.call(x, c.Context(c.Inputs(perturbed))).narrow(1, frameT, c.PerFrame);
            // Frame scope: unchanged up to float rounding (MKL GEMMs are not bit-reproducible across calls);
            // global scope: moved by orders of magnitude more.
            var moved = TensorAssert.MaxAbsDiff(y, y2);
            Assert.True(scope == TokenScope.Frame ? moved < 1e-5 : moved > 1e-3, $"{scope}: frame {t}'s tokens moved by {moved}");
        }
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.FusionCases) })]
    public void PaddedSourceTokens_ChangeNothing_AndPermutingSourceChangesNothingGlobally(FusionCase c)
    {
        using var disposables = torch.NewDisposeScope();
        using var dcal = new DualCrossAttentionLayer(c.Hidden, c.Heads, 2 * c.Hidden, Both);
        LmTestData.Randomize(dcal, c.Seed, gates: 0.7);
        var rng = new Random(c.Seed);
        var x = c.Hidden_(rng);
        var src = c.SourceTokens(rng);
        var y = dcal.call(x, c.Context(c.Inputs(src)));
        var padded = torch.cat(new[] { src, LmTestData.Randn(rng, 9.0, c.Batch, 3, c.Hidden) }, 1);
        var valid = torch.cat(new[] { torch.ones(c.Batch, c.Source, ScalarType.Bool), torch.zeros(c.Batch, 3, ScalarType.Bool) }, 1);
        var yPadded = dcal.call(x, c.Context(c.Inputs(padded, padding: valid)));
        TensorAssert.AllClose(y, yPadded, rtol: 1e-4, atol: 1e-5);
        var perm = torch.tensor(Enumerable.Range(0, c.Source).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray());
        var yPermuted = dcal.call(x, c.Context(c.Inputs(src.index_select(1, perm))));
        TensorAssert.AllClose(y, yPermuted, rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void FrameScope_PaddedSourceTokens_AreHiddenWithinTheirFrame()
    {
        var c = new FusionCase(2, 3, 2, 4, 1, 2, 32, 17);
        using var disposables = torch.NewDisposeScope();
        using var dcal = new DualCrossAttentionLayer(32, 4, 64, Both, TokenScope.Frame);
        LmTestData.Randomize(dcal, 17, gates: 0.7);
        var rng = new Random(17);
        var x = c.Hidden_(rng);
        var src = c.SourceTokens(rng);
        var valid = torch.ones(c.Batch, c.Frames, c.SourcePerFrame, ScalarType.Bool);
        valid[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Single(c.SourcePerFrame - 1)] = torch.tensor(false);   // each frame's last token
        valid = valid.reshape(c.Batch, c.Source);
        var changed = src.masked_fill(valid.logical_not().unsqueeze(-1), 5.0);
        var y = dcal.call(x, c.Context(c.Inputs(src, padding: valid)));
        TensorAssert.AllClose(y, dcal.call(x, c.Context(c.Inputs(changed, padding: valid))), rtol: 1e-5, atol: 1e-6);
        Assert.False(torch.allclose(y, dcal.call(x, c.Context(c.Inputs(src))), rtol: 1e-4, atol: 1e-5));   // the padding mattered
    }

    [Fact]
    public void NoVisualInput_IsTheIdentityPlusGatedFfn()
    {
        var c = new FusionCase(2, 2, 2, 3, 1, 2, 32, 3);
        using var disposables = torch.NewDisposeScope();
        using var dcal = new DualCrossAttentionLayer(32, 4, 64, Both);
        LmTestData.Randomize(dcal, 3, gates: 0.0);
        var x = c.Hidden_(new Random(3));
        Assert.True(TensorAssert.Identical(x, dcal.call(x, c.Context(null))));
    }

    [Theory]
    [InlineData(4)]   // plain multi-head cross-attention
    [InlineData(2)]   // grouped key/value heads, the zoo's default layout (llm.kv_heads)
    [InlineData(1)]   // one shared key/value head
    public void MatchesStraightforwardPyTorchDcal_FrameScope(int kvHeads)
    {
        var c = new FusionCase(2, 3, 2, 4, 2, 3, 32, 77);
        using var disposables = torch.NewDisposeScope();
        using var dcal = new DualCrossAttentionLayer(32, 4, 48, Both, TokenScope.Frame, kvHeads: kvHeads);
        LmTestData.Randomize(dcal, 77);
        using (torch.no_grad())
        {
            dcal.state_dict()["v2v_gate.alpha"].fill_(0.3);
            dcal.state_dict()["t2v_gate.alpha"].fill_(-0.4);
            dcal.state_dict()["mlp_gate.alpha"].fill_(0.5);
        }

        var rng = new Random(77);
        var x = c.Hidden_(rng);
        var src = c.SourceTokens(rng);
        var y = dcal.call(x, c.Context(c.Inputs(src)));
        var inputs = PyQwen2.Weights(dcal, "d.").Append(("x", x)).Append(("src", src)).Append(("g", torch.tensor((long)kvHeads))).ToArray();
        using var r = PyTorchReference.Run(
            PyQwen2.Prelude + """
            x, src, g = inputs['x'], inputs['src'], int(inputs['g'])
            T, n, N, vs, Lv = 3, 2, 4, 2, 6
            xn = rms(x, W('d.', 'input_layernorm.weight'))
            # scope frame as the paper-level definition: the full (T·n, T·N) rectangle, masked to the same frame
            same_frame = (torch.arange(Lv)[:, None] // n) == (torch.arange(T * N)[None, :] // N)
            v2v = xattn(xn[:, vs:vs + Lv], src, 'd.v2v.', 4, same_frame, g) * torch.tanh(W('d.', 'v2v_gate.alpha'))
            text = torch.cat([xn[:, :vs], xn[:, vs + Lv:]], 1)
            t2v = xattn(text, src, 'd.t2v.', 4, None, g) * torch.tanh(W('d.', 't2v_gate.alpha'))
            h = x + torch.cat([t2v[:, :vs], v2v, t2v[:, vs:]], 1)
            h = h + torch.tanh(W('d.', 'mlp_gate.alpha')) * swiglu(rms(h, W('d.', 'post_attention_layernorm.weight')), 'd.mlp.')
            outputs['y'] = h
            """,
            inputs);
        TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-5);
    }
}
