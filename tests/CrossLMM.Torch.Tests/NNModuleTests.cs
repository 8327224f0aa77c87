using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using R = CrossLMM.Torch.Tests.Gradcheck;

namespace CrossLMM.Torch.Tests;

/// <summary>Sequential, ModuleDict, Softmax, Flatten and MultiheadAttention: keys, shapes, values, masks.</summary>
public class NNModuleTests
{
    /// <summary>Both float64, same shape, every element within <paramref name="tol"/> (TensorAssert reports the worst one).</summary>
    private static void Close(Tensor expected, Tensor actual, double tol = 1e-12)
    {
        Assert.Equal(ScalarType.Float64, expected.dtype);
        Assert.Equal(ScalarType.Float64, actual.dtype);
        TensorAssert.AllClose(expected, actual, rtol: 0, atol: tol);
    }

    [Fact]
    public void Sequential_RunsInOrder_RegistersByPositionOrName_DisposesIntermediates()
    {
        using var scope = NewDisposeScope();
        using var seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, seq.state_dict().Keys);
        Assert.Equal(3, seq.Count);
        var x = randn(5, 3);
        var before = scope.DisposablesCount;
        var y = seq.call(x);
        Assert.Equal(before + 1, scope.DisposablesCount);  // only the output survives
        var expected = ((Linear)seq[2]).call(((Linear)seq[0]).call(x).relu());
        Assert.True(expected.allclose(y));

        using var named = nn.Sequential(("proj", nn.Linear(3, 3)), ("act", nn.GELU()));
        Assert.Equal(new[] { "proj.weight", "proj.bias" }, named.state_dict().Keys);
        named.append(nn.Identity());
        Assert.Contains(named.named_children(), c => c.name == "2");
        using var empty = nn.Sequential();
        Assert.True(empty.call(x).equal(x));
    }

    [Fact]
    public void ModuleDict_KeepsInsertionOrder_PrefixesParameterNames_RefusesRemoval()
    {
        using var dict = nn.ModuleDict(("v2v", nn.Linear(2, 2)), ("t2v", nn.Linear(2, 3, hasBias: false)));
        Assert.Equal(new[] { "v2v", "t2v" }, dict.Keys);
        Assert.Equal(new[] { "v2v.weight", "v2v.bias", "t2v.weight" }, dict.state_dict().Keys);
        Assert.True(dict.TryGetValue("t2v", out var t2v) && t2v.out_features == 3);
        Assert.Equal("t2v", dict[1].Item1);
        Assert.Throws<NotSupportedException>(() => dict.Remove("v2v"));
        Assert.Throws<ArgumentException>(() => dict.Add("v2v", nn.Linear(1, 1)));
        Assert.Throws<ArgumentException>(() => dict.Add("a.b", nn.Linear(1, 1)));
    }

    [Fact]
    public void SoftmaxAndFlatten_Modules()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 4);
        using var sm = nn.Softmax(1);
        Assert.True(sm.call(x).equal(x.softmax(1)));
        using var fl = nn.Flatten();
        Assert.Equal(new long[] { 2, 12 }, fl.call(x).shape);
        using var fl0 = nn.Flatten(0, 1);
        Assert.Equal(new long[] { 6, 4 }, fl0.call(x).shape);
    }

    // ---- MultiheadAttention ----

    [Fact]
    public void Mha_KeysShapesAndInit_FollowPyTorch()
    {
        using var mha = nn.MultiheadAttention(8, 2);
        var sd = mha.state_dict();
        Assert.Equal(new[] { "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, sd.Keys);
        Assert.Equal(new long[] { 24, 8 }, sd["in_proj_weight"].shape);
        Assert.Equal(new long[] { 24 }, sd["in_proj_bias"].shape);
        Assert.Equal(0, sd["in_proj_bias"].abs().sum().item<float>());
        Assert.Equal(0, sd["out_proj.bias"].abs().sum().item<float>());
        var bound = Math.Sqrt(6.0 / (8 + 24));  // xavier_uniform on (3E, E)
        Assert.True(sd["in_proj_weight"].abs().max().item<float>() <= bound);

        using var cross = nn.MultiheadAttention(8, 2, kdim: 5, vdim: 3, bias: false);
        Assert.Equal(new[] { "q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight" }, cross.state_dict().Keys);
        Assert.Equal(new long[] { 8, 5 }, cross.k_proj_weight!.shape);
        Assert.Equal(new long[] { 8, 3 }, cross.v_proj_weight!.shape);

        var ex = Assert.Throws<ArgumentException>(() => nn.MultiheadAttention(10, 4));
        Assert.Contains("embed_dim (10) must be divisible by num_heads (4)", ex.Message);
        Assert.Throws<NotSupportedException>(() => nn.MultiheadAttention(8, 2, add_bias_kv: true));
    }

    /// <summary>Per-batch, per-head attention written out: softmax((x Wqᵀ + bq)(y Wkᵀ + bk)ᵀ/√d + bias)(y Wvᵀ + bv) Woᵀ + bo.</summary>
    private static Tensor ManualMha(MultiheadAttention m, Tensor q, Tensor k, Tensor v, long heads, Tensor? bias)  // q: (N, L, E)
    {
        var E = q.size(2);
        var d = E / heads;
        var w = m.in_proj_weight!;
        var b = m.in_proj_bias!;
        var outs = new List<Tensor>();
        for (var n = 0; n < q.size(0); n++) {
            var headOuts = new List<Tensor>();
            for (var h = 0; h < heads; h++) {
                Tensor Proj(Tensor x, long part) =>
                    x[n].matmul(w.narrow(0, part * E + h * d, d).t()) + b.narrow(0, part * E + h * d, d);
                var qs = Proj(q, 0);
                var ks = Proj(k, 1);
                var vs = Proj(v, 2);
                var scores = qs.matmul(ks.t()) / Math.Sqrt(d);
                if (bias is not null) scores = scores + bias[n];
                headOuts.Add(scores.softmax(-1).matmul(vs));
            }
            outs.Add(cat(headOuts, 1).matmul(m.out_proj.weight.t()) + m.out_proj.bias!);
        }
        return stack(outs);
    }

    private static MultiheadAttention Float64Mha(long e, long h, bool batchFirst = false)
    {
        manual_seed(11);
        var m = nn.MultiheadAttention(e, h, batch_first: batchFirst);
        m.to(ScalarType.Float64);
        using (no_grad()) {
            m.in_proj_bias!.copy_(R.Randn(5, 3 * e));
            m.out_proj.bias!.copy_(R.Randn(6, e));
        }
        return m;
    }

    [Fact]
    public void Mha_Forward_EqualsPerHeadManualAttention_SeqFirstAndBatchFirst()
    {
        using var scope = NewDisposeScope();
        using var m = Float64Mha(6, 3, batchFirst: true);
        var q = R.Randn(1, 2, 4, 6);
        var kv = R.Randn(2, 2, 5, 6);
        var (y, w) = m.call(q, kv, kv);
        Close(ManualMha(m, q, kv, kv, 3, null), y);
        Assert.Equal(new long[] { 2, 4, 5 }, w.shape);
        Close(ones(2, 4, ScalarType.Float64), w.sum(-1));

        using var seqFirst = Float64Mha(6, 3);
        var (ys, _) = seqFirst.call(q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1));
        Close(y, ys.transpose(0, 1));
    }

    [Fact]
    public void Mha_Unbatched_AndNeedWeightsFalse()
    {
        using var scope = NewDisposeScope();
        using var m = Float64Mha(4, 2);
        var x = R.Randn(3, 5, 4);
        var (y, w) = m.call(x, x, x, need_weights: false);
        Assert.Null(w);
        Assert.Equal(new long[] { 5, 4 }, y.shape);
        var (yb, wb) = m.call(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1));
        Close(yb.squeeze(1), y);
        Assert.Equal(new long[] { 1, 5, 5 }, wb.shape);
    }

    [Fact]
    public void Mha_KeyPaddingMask_MaskedKeyChangesNothing()
    {
        using var scope = NewDisposeScope();
        using var m = Float64Mha(4, 2, batchFirst: true);
        var q = R.Randn(7, 1, 3, 4);
        var kv = R.Randn(8, 1, 5, 4);
        var pad = tensor(new[] { false, false, false, false, true }, new long[] { 1, 5 });
        var (masked, weights) = m.call(q, kv, kv, pad);
        var (dropped, _) = m.call(q, kv[.., ..4], kv[.., ..4]);
        Close(dropped, masked);
        Assert.Equal(0.0, weights[TensorIndex.Ellipsis, 4].abs().sum().item<double>());
        // a float padding mask with -inf does the same
        var floatPad = zeros(1, 5, ScalarType.Float64);
        floatPad[0, 4] = tensor(double.NegativeInfinity);
        Close(masked, m.call(q, kv, kv, floatPad).Item1);
    }

    [Fact]
    public void Mha_AttnMask_BoolTrueExcludes_EqualsAdditiveMinusInf_And3dPerHead()
    {
        using var scope = NewDisposeScope();
        using var m = Float64Mha(4, 2, batchFirst: true);
        var q = R.Randn(9, 2, 3, 4);
        var kv = R.Randn(10, 2, 3, 4);
        var exclude = ones(3, 3, ScalarType.Bool).triu(1);  // causal: true = not allowed
        var bias = zeros(3, 3, ScalarType.Float64).masked_fill(exclude, double.NegativeInfinity);
        var (yb, _) = m.call(q, kv, kv, attn_mask: exclude);
        Close(m.call(q, kv, kv, attn_mask: bias).Item1, yb);
        Close(ManualMha(m, q, kv, kv, 2, bias.expand(2, 3, 3)), yb);
        var perHead = exclude.unsqueeze(0).expand(4, 3, 3);  // (N·H, L, S)
        Close(yb, m.call(q, kv, kv, attn_mask: perHead).Item1);
        Assert.Throws<ArgumentException>(() => m.call(q, kv, kv, attn_mask: ones(2, 3, ScalarType.Bool)));
    }

    [Fact]
    public void Mha_Dropout_OnlyInTraining()
    {
        using var scope = NewDisposeScope();
        using var m = nn.MultiheadAttention(4, 2, dropout: 0.5);
        var x = randn(3, 2, 4);
        m.eval();
        Assert.True(m.call(x, x, x).Item1.equal(m.call(x, x, x).Item1));
        m.train();
        manual_seed(1);
        var a = m.call(x, x, x).Item1;
        var b = m.call(x, x, x).Item1;
        Assert.False(a.equal(b));
    }
}
