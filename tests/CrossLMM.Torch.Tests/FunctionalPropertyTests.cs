using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using R = CrossLMM.Torch.Tests.Gradcheck;

namespace CrossLMM.Torch.Tests;

/// <summary>FsCheck properties over random small shapes (and random values from a generated seed).</summary>
public class FunctionalPropertyTests
{
    private static readonly Config Cfg = Config.QuickThrowOnFailure.WithMaxTest(60);

    private static Gen<int> Dim(int max) => Gen.Choose(1, max);

    /// <summary>Attention sizes: batch, heads, queries, keys, head dim, value dim, and a value seed.</summary>
    public sealed record AttnCase(int B, int H, int L, int S, int E, int Ev, int Seed)
    {
        public (Tensor q, Tensor k, Tensor v) Tensors() => (R.Randn(Seed, B, H, L, E), R.Randn(Seed + 1, B, H, S, E), R.Randn(Seed + 2, B, H, S, Ev));
    }

    private static readonly Arbitrary<AttnCase> Attn = Arb.From(
        from b in Dim(2) from h in Dim(3) from l in Dim(5) from s in Dim(6) from e in Dim(4) from ev in Dim(4) from seed in Gen.Choose(0, 10_000)
        select new AttnCase(b, h, l, s, e, ev, seed));

    /// <summary>A (N, C, spatial…) grid of 1-3 spatial dims with a value seed.</summary>
    public sealed record GridCase(long[] Shape, int Seed);

    private static readonly Arbitrary<GridCase> Grids = Arb.From(
        from nsp in Gen.Choose(1, 3)
        from dims in Dim(5).ArrayOf(nsp)
        from n in Dim(2) from c in Dim(3) from seed in Gen.Choose(0, 10_000)
        select new GridCase(new long[] { n, c }.Concat(dims.Select(d => (long)d)).ToArray(), seed));

    private static bool Close(Tensor a, Tensor b, double tol = 1e-10) =>
        a.shape.SequenceEqual(b.shape) && (a.numel() == 0 || (a - b).abs().max().item<double>() <= tol);

    [Fact]
    public void Softmax_RowsSumToOne_LogSoftmaxIsItsLog() =>
        Check.One(Cfg, Prop.ForAll(Grids, g => {
            using var scope = NewDisposeScope();
            var x = R.Randn(g.Seed, g.Shape) * 5;
            var dim = g.Seed % g.Shape.Length;
            var p = F.softmax(x, dim);
            Assert.True(Close(ones_like(p.sum(dim)), p.sum(dim)));
            Assert.True(Close(p.log(), F.log_softmax(x, dim), 1e-9));
        }));

    private static Tensor AdaptivePool(Tensor x, long[] size) => size.Length switch {
        1 => F.adaptive_avg_pool1d(x, size[0]),
        2 => F.adaptive_avg_pool2d(x, size),
        _ => F.adaptive_avg_pool3d(x, size),
    };

    [Fact]
    public void AdaptiveAvgPool_ToInputSize_IsIdentity_ToOne_IsMean_KeepsConstants() =>
        Check.One(Cfg, Prop.ForAll(Grids, g => {
            using var scope = NewDisposeScope();
            var x = R.Randn(g.Seed, g.Shape);
            var spatial = g.Shape.Skip(2).ToArray();
            var dims = Enumerable.Range(2, spatial.Length).Select(d => (long)d).ToArray();
            Assert.True(Close(x, AdaptivePool(x, spatial)));
            Assert.True(Close(x.mean(dims, keepdim: true), AdaptivePool(x, spatial.Select(_ => 1L).ToArray())));
            var c = full(g.Shape, 1.25, ScalarType.Float64);
            var half = spatial.Select(s => (s + 1) / 2).ToArray();
            Assert.True(Close(full(g.Shape.Take(2).Concat(half).ToArray(), 1.25, ScalarType.Float64), AdaptivePool(c, half)));
        }));

    [Fact]
    public void NearestUpsample_ThenAveragePool_IsIdentity() =>
        Check.One(Cfg, Prop.ForAll(Grids, g => {
            using var scope = NewDisposeScope();
            var x = R.Randn(g.Seed, g.Shape);
            var nsp = g.Shape.Length - 2;
            var k = 1 + g.Seed % 3;
            var up = F.interpolate(x, scale_factor: new[] { (double)k });
            var kernel = Enumerable.Repeat((long)k, nsp).ToArray();
            var back = nsp switch {
                1 => F.avg_pool1d(up, k),
                2 => F.avg_pool2d(up, kernel),
                _ => F.avg_pool3d(up, kernel),
            };
            Assert.True(Close(x, back));
        }));

    [Fact]
    public void ConstantPad_ThenNegativePad_IsIdentity() =>
        Check.One(Cfg, Prop.ForAll(Grids, g => {
            using var scope = NewDisposeScope();
            var x = R.Randn(g.Seed, g.Shape);
            var pad = Enumerable.Range(0, 2 * (g.Shape.Length - 2)).Select(i => (long)((g.Seed >> i) % 3)).ToArray();
            var padded = F.pad(x, pad, value: 7);
            Assert.True(Close(x, F.pad(padded, pad.Select(p => -p).ToArray())));
        }));

    [Fact]
    public void Sdpa_AllTrueMask_EqualsUnmasked_AndZeroFloatMaskToo() =>
        Check.One(Cfg, Prop.ForAll(Attn, a => {
            using var scope = NewDisposeScope();
            var (q, k, v) = a.Tensors();
            var plain = F.scaled_dot_product_attention(q, k, v);
            Assert.True(Close(plain, F.scaled_dot_product_attention(q, k, v, ones(a.L, a.S, ScalarType.Bool))));
            Assert.True(Close(plain, F.scaled_dot_product_attention(q, k, v, zeros(a.B, 1, a.L, a.S, ScalarType.Float64))));
        }));

    [Fact]
    public void Sdpa_JointlyPermutingKeysAndValues_ChangesNothing() =>
        Check.One(Cfg, Prop.ForAll(Attn, a => {
            using var scope = NewDisposeScope();
            var (q, k, v) = a.Tensors();
            var perm = tensor(Enumerable.Range(0, a.S).OrderBy(i => (i * 7919 + a.Seed) % 101).Select(i => (long)i).ToArray());
            var keep = R.Randn(a.Seed + 3, a.L, a.S).gt(-0.5);
            Assert.True(Close(F.scaled_dot_product_attention(q, k, v, keep),
                F.scaled_dot_product_attention(q, k.index_select(2, perm), v.index_select(2, perm), keep.index_select(1, perm))));
        }));

    [Fact]
    public void Sdpa_Causal_EarlierOutputsIgnoreLaterKeys() =>
        Check.One(Cfg, Prop.ForAll(Attn, a => {
            using var scope = NewDisposeScope();
            var (q, k, v) = a.Tensors();
            var y = F.scaled_dot_product_attention(q, k, v, is_causal: true);
            var cut = Math.Min(a.L, a.S) - 1;  // queries 0..cut-1 see keys 0..cut-1 only
            var k2 = k.clone();
            var v2 = v.clone();
            k2[TensorIndex.Ellipsis, TensorIndex.Slice(cut), TensorIndex.Colon] = R.Randn(a.Seed + 9, a.B, a.H, a.S - cut, a.E);
            v2[TensorIndex.Ellipsis, TensorIndex.Slice(cut), TensorIndex.Colon] = R.Randn(a.Seed + 8, a.B, a.H, a.S - cut, a.Ev);
            var y2 = F.scaled_dot_product_attention(q, k2, v2, is_causal: true);
            Assert.True(Close(y[TensorIndex.Ellipsis, TensorIndex.Slice(0, cut), TensorIndex.Colon],
                y2[TensorIndex.Ellipsis, TensorIndex.Slice(0, cut), TensorIndex.Colon]));
        }));

    [Fact]
    public void CrossEntropy_LabelSmoothing_IsMixOfNllAndUniform() =>
        Check.One(Cfg, Prop.ForAll(Arb.From(from n in Dim(5) from c in Gen.Choose(2, 6) from seed in Gen.Choose(0, 10_000) select (n, c, seed)), t => {
            using var scope = NewDisposeScope();
            var (n, c, seed) = t;
            var x = R.Randn(seed, n, c);
            var target = tensor(Enumerable.Range(0, n).Select(i => (long)((seed + i) % c)).ToArray());
            const double eps = 0.3;
            var expected = (1 - eps) * F.cross_entropy(x, target).item<double>() + eps * (-x.log_softmax(1)).mean().item<double>();
            Assert.Equal(expected, F.cross_entropy(x, target, label_smoothing: eps).item<double>(), 10);
        }));
}
