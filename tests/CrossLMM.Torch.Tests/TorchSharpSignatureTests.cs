using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// The engine signatures fixed to TorchSharp's (build/torchsharp-api.txt, checked by the compat guard): the
/// named arguments, parameter order and member kinds model code relies on, and that the behaviour behind them
/// is unchanged. Named arguments here fail to compile if a name drifts again.
/// </summary>
public class TorchSharpSignatureTests
{
    [Fact]
    public void Linear_WeightAndBias_ArePropertiesRegisteredUnderTheirKeys()
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(3, 2);
        Assert.NotNull(typeof(Linear).GetProperty(nameof(Linear.weight)));
        Assert.NotNull(typeof(Linear).GetProperty(nameof(Linear.bias)));
        Assert.Equal(new[] { "weight", "bias" }, linear.state_dict().Keys);

        var w = nn.Parameter(ones(2, 3));
        linear.weight = w;
        Assert.Same(w, linear.weight);
        Assert.Equal(new[] { "weight", "bias" }, linear.state_dict().Keys); // replaced in place, order kept
        Assert.Same(w, linear.state_dict()["weight"]);

        linear.bias = null;
        Assert.Equal(new[] { "weight" }, linear.state_dict().Keys);
        var y = linear.call(tensor(new float[] { 1, 2, 3 }));
        Assert.Equal(new[] { 6f, 6f }, y.ToArray<float>()); // forward reads the new weight and no bias
        Assert.Throws<ArgumentNullException>(() => linear.weight = null!);
    }

    [Fact]
    public void Embedding_Weight_IsAPropertyRegisteredAsWeight()
    {
        using var scope = NewDisposeScope();
        using var embedding = nn.Embedding(4, 2);
        Assert.NotNull(typeof(Embedding).GetProperty(nameof(Embedding.weight)));
        Assert.Equal(new[] { "weight" }, embedding.state_dict().Keys);

        var w = nn.Parameter(arange(8, dtype: ScalarType.Float32).reshape(4, 2));
        embedding.weight = w;
        Assert.Same(w, embedding.state_dict()["weight"]);
        var y = embedding.call(tensor(new long[] { 3, 0 }));
        Assert.Equal(new[] { 6f, 7f, 0f, 1f }, y.ToArray<float>());
    }

    [Fact]
    public void Conv2d_PaddingModeComesBeforeGroups_AndOnlyZerosIsImplemented()
    {
        using var scope = NewDisposeScope();
        // Positional: (in, out, kernel, stride, padding, dilation, padding_mode, groups), as in TorchSharp.
        using var conv = nn.Conv2d(4, 6, 3, 1, 1, 1, PaddingModes.Zeros, 2);
        Assert.Equal(new long[] { 6, 2, 3, 3 }, conv.state_dict()["weight"].shape);
        Assert.Equal(new long[] { 1, 6, 5, 5 }, conv.call(randn(1, 4, 5, 5)).shape);

        using var named = nn.Conv2d(3, 8, kernel_size: 2, stride: 2);
        Assert.Equal(new long[] { 1, 8, 2, 2 }, named.call(randn(1, 3, 4, 4)).shape);

        var e = Assert.Throws<NotSupportedException>(() => nn.Conv2d(1, 1, 3, padding_mode: PaddingModes.Reflect));
        Assert.Contains("Reflect", e.Message);
    }

    [Fact]
    public void FunctionalGelu_OneArgument_IsTheExactErfForm()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { -2, -0.5, 0, 0.5, 2 });
        var exact = x.ToArray<double>().Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray();
        var y = F.gelu(x).ToArray<double>();
        for (var i = 0; i < exact.Length; i++) Assert.Equal(exact[i], y[i], 1e-7);
        Assert.Equal(y, F.gelu(x, approximate: GELUApproximate.none).ToArray<double>());
        Assert.NotEqual(y[0], F.gelu(x, GELUApproximate.tanh).ToArray<double>()[0]);
    }

    [Fact]
    public void NoGrad_IsTypedIDisposable_AndDisablesGradUntilDisposed()
    {
        Assert.Equal(typeof(IDisposable), typeof(torch).GetMethod(nameof(no_grad))!.ReturnType);
        Assert.Equal(typeof(IDisposable), typeof(torch).GetMethod(nameof(enable_grad))!.ReturnType);
        Assert.True(is_grad_enabled());
        using (no_grad()) {
            Assert.False(is_grad_enabled());
            using (enable_grad()) Assert.True(is_grad_enabled());
            Assert.False(is_grad_enabled());
        }
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void SubScalarAndCopy_TakeTorchSharpsParameterNames()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new long[] { 5, 7 });
        Assert.Equal(new long[] { 3, 5 }, x.sub(target: 2).ToArray<long>());
        var dst = zeros(2, dtype: ScalarType.Int64);
        Assert.Same(dst, dst.copy_(source: x, nonBlocking: false));
        Assert.Equal(new long[] { 5, 7 }, dst.ToArray<long>());
    }

    // Abramowitz–Stegun 7.1.26 is too coarse for 1e-7; use the series/continued fraction of erf instead.
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
