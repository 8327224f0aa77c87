using System;
using System.Linq;
using System.Runtime.InteropServices;
using CrossLMM.Testing;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// scaled_dot_product_attention against a hand-written softmax(QKᵀ/√d)V (explicit exp and sum, float64), with
/// boolean, additive and causal masks; the fully-masked-row rule; the FLOP hook; normalize and cosine_similarity.
/// </summary>
public class FunctionalAttentionTests
{
    /// <summary>softmax(QKᵀ/√E + bias)·V with exp/sum written out; bias may hold -inf.</summary>
    private static Tensor Manual(Tensor q, Tensor k, Tensor v, Tensor? bias = null)
    {
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.size(-1));
        if (bias is not null) scores = scores + bias;
        var e = (scores - scores.amax(new long[] { -1 }, keepdim: true)).exp();
        return (e / e.sum(-1, keepdim: true)).matmul(v);
    }

    private static Tensor NegInfWhereFalse(Tensor keep) =>
        zeros(keep.shape, ScalarType.Float64).masked_fill(keep.logical_not(), double.NegativeInfinity);

    /// <summary>Both float64, same shape, every element within <paramref name="tol"/> (TensorAssert reports the worst one).</summary>
    private static void Close(Tensor expected, Tensor actual, double tol = 1e-12)
    {
        Assert.Equal(ScalarType.Float64, expected.dtype);
        Assert.Equal(ScalarType.Float64, actual.dtype);
        TensorAssert.AllClose(expected, actual, rtol: 0, atol: tol);
    }

    private static (Tensor q, Tensor k, Tensor v) Qkv(int seed, long b = 2, long h = 3, long l = 4, long s = 5, long e = 6, long ev = 7) =>
        (Gradcheck.Randn(seed, b, h, l, e), Gradcheck.Randn(seed + 1, b, h, s, e), Gradcheck.Randn(seed + 2, b, h, s, ev));

    [Fact]
    public void NoMask_EqualsManualSoftmaxAttention()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(1);
        var y = F.scaled_dot_product_attention(q, k, v);
        Assert.Equal(new long[] { 2, 3, 4, 7 }, y.shape);
        Close(Manual(q, k, v), y);
    }

    [Fact]
    public void BoolMask_TrueMeansAttend_BroadcastsOverHeads()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(2);
        var keep = rand(2, 1, 4, 5).gt(0.4);
        keep[TensorIndex.Ellipsis, 0] = tensor(true);  // every row keeps key 0
        Close(Manual(q, k, v, NegInfWhereFalse(keep)), F.scaled_dot_product_attention(q, k, v, keep));
    }

    [Fact]
    public void FloatMask_IsAddedToTheScores()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(3);
        var bias = Gradcheck.Randn(9, 4, 5);
        Close(Manual(q, k, v, bias), F.scaled_dot_product_attention(q, k, v, bias));
    }

    [Fact]
    public void Causal_TopLeftAligned_EqualsTrilMask()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(4, l: 4, s: 6);
        var keep = ones(4, 6, ScalarType.Bool).tril();
        Close(Manual(q, k, v, NegInfWhereFalse(keep)), F.scaled_dot_product_attention(q, k, v, is_causal: true));
        // query 0 sees only key 0
        Close(v[TensorIndex.Ellipsis, TensorIndex.Slice(0, 1), TensorIndex.Colon].expand(2, 3, 1, 7),
            F.scaled_dot_product_attention(q, k, v, is_causal: true)[TensorIndex.Ellipsis, TensorIndex.Slice(0, 1), TensorIndex.Colon]);
    }

    [Fact]
    public void CausalWithExplicitMask_Throws()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(5);
        var ex = Assert.Throws<ExternalException>(() => F.scaled_dot_product_attention(q, k, v, ones(4, 5, ScalarType.Bool), is_causal: true));
        Assert.Contains("is_causal", ex.Message);
    }

    [Fact]
    public void FullyMaskedRow_GivesZerosNotNaN_AndZeroFiniteGradients()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(6, b: 1, h: 1, l: 3, s: 4, e: 2, ev: 2);
        q.requires_grad = true;
        v.requires_grad = true;
        var keep = ones(3, 4, ScalarType.Bool);
        keep[1] = zeros(4, ScalarType.Bool);                  // query 1 sees nothing (bool mask)
        var y = F.scaled_dot_product_attention(q, k, v, keep);
        Assert.Equal(new double[] { 0, 0 }, y[0, 0, 1].ToArray<double>());
        Assert.False(y.isnan().any().item<bool>());
        var other = new[] { 0L, 2L };
        Close(Manual(q, k, v).index(TensorIndex.Ellipsis, tensor(other), TensorIndex.Colon).detach(),
            y.index(TensorIndex.Ellipsis, tensor(other), TensorIndex.Colon).detach());
        y.sum().backward();
        Assert.Equal(new double[] { 0, 0 }, q.grad![0, 0, 1].ToArray<double>());
        Assert.True(q.grad!.isfinite().all().item<bool>() && v.grad!.isfinite().all().item<bool>());

        var additive = zeros(3, 4, ScalarType.Float64);
        additive[2] = full(new long[] { 4 }, double.NegativeInfinity, ScalarType.Float64);  // same rule for -inf float masks
        Assert.Equal(new double[] { 0, 0 }, F.scaled_dot_product_attention(q, k, v, additive)[0, 0, 2].ToArray<double>());
    }

    [Fact]
    public void Dropout_POne_ZeroesEverything_PZero_IsDeterministic()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(7);
        Assert.Equal(0.0, F.scaled_dot_product_attention(q, k, v, p: 1.0).abs().sum().item<double>());
        Close(F.scaled_dot_product_attention(q, k, v, p: 0.0), F.scaled_dot_product_attention(q, k, v));
        Assert.Throws<ExternalException>(() => F.scaled_dot_product_attention(q, k, v, p: 1.5));
    }

    [Fact]
    public void MismatchedShapes_ThrowWithBothSizes()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ExternalException>(() => F.scaled_dot_product_attention(randn(2, 3, 4), randn(2, 5, 6), randn(2, 5, 6)));
        Assert.Contains("(4) must equal key's (6)", ex.Message);
    }

    [Fact]
    public void FlopHook_SeesBothProducts()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Qkv(8, b: 2, h: 3, l: 4, s: 5, e: 6, ev: 7);
        using var flops = FlopCounter.Start();
        F.scaled_dot_product_attention(q, k, v, is_causal: true);
        flops.Stop();
        Assert.Equal(2L * 2 * 3 * 4 * 5 * 6 + 2L * 2 * 3 * 4 * 7 * 5, flops[FlopKind.Matmul]);
        Assert.Equal(flops[FlopKind.Matmul], flops.Total);
    }

    [Fact]
    public void Normalize_UnitNormAlongDim_ZeroVectorStaysZero()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[,] { { 3, 4 }, { 0, 0 } });
        Assert.Equal(new double[] { 0.6, 0.8, 0, 0 }, F.normalize(x).ToArray<double>());
        Assert.Equal(new double[] { 1, 1, 0, 0 }, F.normalize(x, p: 1, dim: 0).ToArray<double>());
    }

    [Fact]
    public void CosineSimilarity_KnownAngles()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[,] { { 1, 0 }, { 1, 1 } });
        var b = tensor(new double[,] { { 0, 1 }, { 2, 2 } });
        var c = F.cosine_similarity(a, b).ToArray<double>();
        Assert.Equal(0, c[0], 12);
        Assert.Equal(1, c[1], 12);
    }
}
