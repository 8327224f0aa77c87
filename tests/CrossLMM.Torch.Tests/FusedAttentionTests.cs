using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// scaled_dot_product_attention's inference path (no graph needed, p = 0: query blocks in one reused score
/// buffer, keys no row of a block can see skipped) against its differentiable composed path on the same
/// inputs: the same values, the same FLOP count (the composed path's full L×S rectangle), for bool, float and
/// causal masks, broadcast leading dims (grouped-query attention), fully masked rows and several query blocks.
/// </summary>
[Collection(NativeCountersCollection.Name)]
public class FusedAttentionTests
{
    private sealed record Case(long[] Q, long[] K, long[] V, long[]? Mask, string MaskKind, bool Causal);

    /// <summary>Output and FLOPs, through the fused path (no_grad) or the composed one (inputs that require grad).</summary>
    private static (double[] Out, long[] Shape, long Flops) Run(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal, bool composed)
    {
        using var scope = NewDisposeScope();
        Tensor qq = q.detach(), kk = k.detach(), vv = v.detach();
        if (composed) qq.requires_grad = true;
        using var grad = composed ? null : no_grad();
        using var flops = FlopCounter.Start();
        var y = F.scaled_dot_product_attention(qq, kk, vv, mask, is_causal: causal);
        flops.Stop();
        Assert.Equal(composed, y.requires_grad);
        return (y.detach().to(ScalarType.Float64).ToArray<double>(), y.shape, flops[FlopKind.Matmul]);
    }

    private static Tensor? MakeMask(long[]? shape, string kind, int seed)
    {
        if (shape is null) return null;
        manual_seed(seed);
        switch (kind) {
            case "bool": {
                var m = rand(shape).gt(0.35);
                return m;
            }
            case "bool-dead": {   // some rows see nothing
                var m = rand(shape).gt(0.35);
                m[TensorIndex.Ellipsis, TensorIndex.Slice(1, 3), TensorIndex.Colon] = tensor(false);
                return m;
            }
            case "tril": {         // a bottom-right aligned causal mask as the decoder builds it
                long l = shape[^2], s = shape[^1];
                return ones(l, s, ScalarType.Bool).tril(s - l).expand(shape).contiguous();
            }
            case "float": {
                var m = randn(shape, dtype: ScalarType.Float64);
                m[TensorIndex.Ellipsis, TensorIndex.Slice(0, 1), TensorIndex.Colon] = tensor(double.NegativeInfinity);   // a dead row
                return m;
            }
            default: throw new ArgumentException(kind);
        }
    }

    public static IEnumerable<object[]> Cases()
    {
        var cases = new[] {
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, null, "", false),
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, null, "", true),
            new Case(new long[] { 2, 3, 9, 4 }, new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 5, 4 }, null, "", true),     // L > S
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, new long[] { 2, 1, 5, 7 }, "bool", false),
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, new long[] { 2, 3, 5, 7 }, "bool-dead", false),
            new Case(new long[] { 1, 2, 6, 8 }, new long[] { 1, 2, 9, 8 }, new long[] { 1, 2, 9, 8 }, new long[] { 1, 1, 6, 9 }, "tril", false),
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, new long[] { 5, 7 }, "float", false),
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, new long[] { 2, 1, 1, 7 }, "bool", false),   // key padding
            new Case(new long[] { 2, 3, 5, 4 }, new long[] { 2, 3, 7, 4 }, new long[] { 2, 3, 7, 6 }, new long[] { 7 }, "bool", false),            // 1-d mask
            // grouped-query attention by broadcasting: Q (B, g, r, L, E), K/V (B, g, 1, S, E), mask (B, 1, 1, L, S)
            new Case(new long[] { 2, 2, 3, 6, 4 }, new long[] { 2, 2, 1, 8, 4 }, new long[] { 2, 2, 1, 8, 5 }, new long[] { 1, 1, 1, 6, 8 }, "tril", false),
            // K and V without batch dims; mask with more leading dims than Q
            new Case(new long[] { 3, 5, 4 }, new long[] { 7, 4 }, new long[] { 7, 6 }, new long[] { 2, 1, 5, 7 }, "bool", false),
            // several query blocks (2^18 / S rows each) and a causal mask spanning them
            new Case(new long[] { 1, 2, 700, 8 }, new long[] { 1, 2, 1000, 8 }, new long[] { 1, 2, 1000, 8 }, new long[] { 1, 1, 700, 1000 }, "tril", false),
            new Case(new long[] { 1, 1, 600, 8 }, new long[] { 1, 1, 600, 8 }, new long[] { 1, 1, 600, 8 }, null, "", true),
            new Case(new long[] { 1, 2, 500, 8 }, new long[] { 1, 2, 900, 8 }, new long[] { 1, 2, 900, 8 }, new long[] { 1, 2, 500, 900 }, "bool-dead", false),
        };
        for (var i = 0; i < cases.Length; i++) yield return new object[] { i, cases[i] };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void InferencePath_EqualsComposedPath_ValuesAndFlops(int seed, object boxed)
    {
        var c = (Case)boxed;
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 }) {
            using var scope = NewDisposeScope();
            manual_seed(100 + seed);
            var q = randn(c.Q, dtype: dtype);
            var k = randn(c.K, dtype: dtype);
            var v = randn(c.V, dtype: dtype);
            var mask = MakeMask(c.Mask, c.MaskKind, seed);
            if (mask is not null && mask.dtype != ScalarType.Bool) mask = mask.to(dtype);
            var fused = Run(q, k, v, mask, c.Causal, composed: false);
            var composed = Run(q, k, v, mask, c.Causal, composed: true);
            Assert.Equal(composed.Shape, fused.Shape);
            Assert.Equal(composed.Flops, fused.Flops);
            var tol = dtype == ScalarType.Float64 ? 1e-12 : 2e-6;
            for (var i = 0; i < fused.Out.Length; i++)
                Assert.True(Math.Abs(fused.Out[i] - composed.Out[i]) <= tol * (1 + Math.Abs(composed.Out[i])),
                    $"{dtype} element {i}: fused {fused.Out[i]}, composed {composed.Out[i]}");
        }
    }

    [Fact]
    public void FullyMaskedRows_GiveZeros_OnTheInferencePath()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var q = randn(1, 2, 4, 8);
        var k = randn(1, 2, 6, 8);
        var v = randn(1, 2, 6, 8);
        var mask = ones(1, 1, 4, 6, ScalarType.Bool);
        mask[TensorIndex.Ellipsis, 2, TensorIndex.Colon] = tensor(false);
        var y = F.scaled_dot_product_attention(q, k, v, mask);
        Assert.True(y[TensorIndex.Ellipsis, 2, TensorIndex.Colon].eq(0).all().item<bool>());
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void InferencePath_LeavesNoNativeTensorBehind()
    {
        using var _ = no_grad();
        var before = NativeCountersCollection.SettledLiveCount();
        using (var scope = NewDisposeScope()) {
            var q = randn(2, 4, 300, 16);
            var k = randn(2, 4, 400, 16);
            var v = randn(2, 4, 400, 16);
            var mask = rand(2, 1, 300, 400).gt(0.5);
            for (var i = 0; i < 5; i++) F.scaled_dot_product_attention(q, k, v, mask).Dispose();
        }
        Assert.Equal(before, NativeTensors.Live);
    }
}
