using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>The TorchSharp members added in Tensor.Extra.cs: expand(sizes, isImplicit), var/std forms, var_mean/std_mean, half/bf16 factories.</summary>
public class TensorExtraTests
{
    [Fact]
    public void Expand_WithIsImplicit_BroadcastsLikeExpand()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, 2 }).view(2, 1);
        var y = x.expand(new long[] { 2, 3 }, isImplicit: true);
        Assert.Equal(new long[] { 2, 3 }, y.shape);
        Assert.Equal(new float[] { 1, 1, 1, 2, 2, 2 }, y.ToArray<float>());
        Assert.Equal(new long[] { 2, 4 }, x.expand(-1, 4).shape);
    }

    [Fact]
    public void VarStdForms_AndVarMeanStdMean_KnownValues()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[,] { { 1, 2, 3 }, { 4, 6, 8 } });
        Assert.Equal(new[] { 1.0, 4.0 }, var(x, 1L).ToArray<double>());
        var biased = var(x, new long[] { 1 }, unbiased: false).ToArray<double>();
        Assert.Equal(2.0 / 3, biased[0], 12);
        Assert.Equal(8.0 / 3, biased[1], 12);
        Assert.Equal(new[] { 1.0, 2.0 }, std(x, 1L).ToArray<double>());
        Assert.Equal(Math.Sqrt(x.var().item<double>()), std(x).item<double>(), 12);
        var (v, m) = var_mean(x, new long[] { 1 }, keepdim: true);
        Assert.Equal(new long[] { 2, 1 }, v.shape);
        Assert.Equal(new[] { 2.0, 6.0 }, m.ToArray<double>());
        var (s, mean) = x.std_mean();
        Assert.Equal(4.0, mean.item<double>(), 12);
        Assert.Equal(Math.Sqrt(x.var().item<double>()), s.item<double>(), 12);
    }

    [Fact]
    public void HalfAndBFloat16Factories_RoundTrip()
    {
        using var scope = NewDisposeScope();
        var h = tensor(new[] { (Half)1.5, (Half)(-2) });
        Assert.Equal(ScalarType.Float16, h.dtype);
        Assert.Equal(new[] { 1.5f, -2f }, h.to(ScalarType.Float32).ToArray<float>());
        var b = tensor(new[] { new BFloat16(0.5f), new BFloat16(3f), new BFloat16(-1f), new BFloat16(8f) }, new long[] { 2, 2 });
        Assert.Equal(ScalarType.BFloat16, b.dtype);
        Assert.Equal(new[] { 0.5f, 3, -1, 8 }, b.@float().ToArray<float>());
        Assert.Equal(new[] { 0.5f, 3, -1, 8 }, b.ToArray<BFloat16>().Select(v => (float)v));
        Assert.Equal(ScalarType.Int32, tensor(new System.Collections.Generic.List<int> { 1, 2 }).dtype);
        Assert.Equal(ScalarType.Float16, tensor((Half)2).dtype);
    }
}

/// <summary>No native tensor survives attention, pooling and a MultiheadAttention training step (run alone).</summary>
[Collection(NativeCountersCollection.Name)]
public class NNLeakTests
{
    [Fact]
    public void AttentionPoolingAndMhaSteps_LeaveTheLiveTensorCountUnchanged()
    {
        using var mha = nn.MultiheadAttention(8, 2, batch_first: true);
        using var seq = nn.Sequential(nn.Linear(8, 8), nn.GELU(), nn.Linear(8, 8));
        using var opt = optim.AdamW(mha.parameters().Concat(seq.parameters()), weight_decay: 0.01);
        void Step()
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var x = randn(2, 5, 8);
            var pad = zeros(2, 5, ScalarType.Bool);
            var (y, w) = mha.call(x, x, x, pad, true, null);
            var z = seq.call(y);
            var pooled = nn.functional.adaptive_avg_pool2d(z.unsqueeze(1), (2, 2));
            var s = nn.functional.scaled_dot_product_attention(z, z, z, is_causal: true);
            (pooled.sum() + s.sum() + w.sum()).backward();
            opt.step();
        }
        Step();
        var before = NativeCountersCollection.SettledLiveCount();
        for (var i = 0; i < 100; i++) Step();
        Assert.Equal(before, NativeCountersCollection.SettledLiveCount());
    }

    [Fact]
    public void DataAccessor_OnTransposedView_ReadsWritesAndCopiesInLogicalOrder()
    {
        var x = arange(6, ScalarType.Float64).view(2, 3);
        var t = x.t();                                    // [[0, 3], [1, 4], [2, 5]], strides (1, 3)
        var a = t.data<double>();
        Assert.Equal(6, a.Count);
        Assert.Equal(new double[] { 0, 3, 1, 4, 2, 5 }, a.ToArray());
        Assert.Equal(new double[] { 0, 3, 1, 4, 2, 5 }, a.ToList());
        Assert.Equal(4.0, a[3]);
        Assert.Equal(2.0, a[2, 0]);
        a[1, 0] = 10;                                     // writes through to the base tensor
        Assert.Equal(new double[] { 0, 10, 2, 3, 4, 5 }, x.ToArray<double>());
        Assert.Equal(new double[] { 0, 3, 10, 4, 2, 5 }, a.ToArray());
        Assert.Throws<IndexOutOfRangeException>(() => a[6]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => a[0]);
        x.Dispose();
    }

    [Fact]
    public void Tensor_FromRectangularArrays_KeepsShapeDtypeAndRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        var f = tensor(new float[,,] { { { 1, 2 }, { 3, 4 }, { 5, 6 } }, { { 7, 8 }, { 9, 10 }, { 11, 12 } } });
        Assert.Equal(new long[] { 2, 3, 2 }, f.shape);
        Assert.Equal(ScalarType.Float32, f.dtype);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, f.ToArray<float>());
        var l = tensor(new long[,] { { 1, -2, 3 }, { long.MaxValue, 5, long.MinValue } });
        Assert.Equal(new long[] { 2, 3 }, l.shape);
        Assert.Equal(new long[] { 1, -2, 3, long.MaxValue, 5, long.MinValue }, l.ToArray<long>());
        var i = tensor(new int[,,,] { { { { 1, 2 } }, { { 3, 4 } } } });
        Assert.Equal(new long[] { 1, 2, 1, 2 }, i.shape);
        Assert.Equal(new[] { 1, 2, 3, 4 }, i.ToArray<int>());
        var b = tensor(new bool[,] { { true, false }, { false, true } });
        Assert.Equal(ScalarType.Bool, b.dtype);
        Assert.Equal(new[] { true, false, false, true }, b.ToArray<bool>());
        var d = tensor(new double[,] { { 0.5, 1.5 } }, dtype: ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, d.dtype);
        Assert.Equal(new float[] { 0.5f, 1.5f }, d.ToArray<float>());
    }
}
