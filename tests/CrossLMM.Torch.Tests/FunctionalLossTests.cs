using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>Losses against hand-computed values: cross entropy with weights, ignore_index and label smoothing; NLL, MSE, L1, BCE-with-logits.</summary>
public class FunctionalLossTests
{
    private static readonly double[,] Logits = { { 1, 2, 3 }, { 1, 1, 1 }, { 0.5, -1, 2 } };
    private static readonly long[] Targets = { 2, 0, 1 };

    private static double LogP(int i, int c)
    {
        var lse = Math.Log(Enumerable.Range(0, 3).Sum(j => Math.Exp(Logits[i, j])));
        return Logits[i, c] - lse;
    }

    /// <summary>PyTorch's definition: Σᵢ w_{tᵢ}[(1−ε)(−log p_{i,tᵢ}) + ε/C Σ_c (w_c/w_{tᵢ})(−log p_{ic})] / Σᵢ w_{tᵢ} over non-ignored i.</summary>
    private static double HandCrossEntropy(double[] w, double eps, long ignore)
    {
        double num = 0, den = 0;
        for (var i = 0; i < 3; i++) {
            if (Targets[i] == ignore) continue;
            var t = (int)Targets[i];
            var smooth = Enumerable.Range(0, 3).Sum(c => w[c] * -LogP(i, c)) / 3;
            num += (1 - eps) * w[t] * -LogP(i, t) + eps * smooth;
            den += w[t];
        }
        return num / den;
    }

    private static Tensor Input => tensor(Logits, ScalarType.Float64);
    private static Tensor Target => tensor(Targets);

    [Theory]
    [InlineData(-100L, 0.0)]
    [InlineData(0L, 0.0)]
    [InlineData(-100L, 0.2)]
    [InlineData(0L, 0.2)]
    public void CrossEntropy_IgnoreIndexAndLabelSmoothing_MatchHandComputation(long ignore, double smoothing)
    {
        using var scope = NewDisposeScope();
        var loss = F.cross_entropy(Input, Target, ignore_index: ignore, label_smoothing: smoothing).item<double>();
        Assert.Equal(HandCrossEntropy(new double[] { 1, 1, 1 }, smoothing, ignore), loss, 12);
    }

    [Fact]
    public void CrossEntropy_ClassWeights_WeightedMeanOverTargetWeights()
    {
        using var scope = NewDisposeScope();
        var w = new double[] { 1, 2, 3 };
        Assert.Equal(HandCrossEntropy(w, 0, -100), F.cross_entropy(Input, Target, tensor(w)).item<double>(), 12);
        Assert.Equal(HandCrossEntropy(w, 0.2, -100), F.cross_entropy(Input, Target, tensor(w), label_smoothing: 0.2).item<double>(), 12);
    }

    [Fact]
    public void CrossEntropy_Reductions_AndProbabilityTargets()
    {
        using var scope = NewDisposeScope();
        var none = F.cross_entropy(Input, Target, reduction: nn.Reduction.None).ToArray<double>();
        Assert.Equal(new[] { -LogP(0, 2), -LogP(1, 0), -LogP(2, 1) }, none, new Close(1e-12));
        Assert.Equal(none.Sum(), F.cross_entropy(Input, Target, reduction: nn.Reduction.Sum).item<double>(), 12);
        var probs = tensor(new double[,] { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 } });
        Assert.Equal(none.Average(), F.cross_entropy(Input, probs).item<double>(), 12);
    }

    [Fact]
    public void CrossEntropy_AllTargetsIgnored_IsNaN_AsInPyTorch()
    {
        using var scope = NewDisposeScope();
        Assert.True(double.IsNaN(F.cross_entropy(Input, full(new long[] { 3 }, -100L, ScalarType.Int64)).item<double>()));
    }

    [Fact]
    public void CrossEntropy_BadTarget_ThrowsLibtorchError()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<System.Runtime.InteropServices.ExternalException>(() => F.cross_entropy(Input, tensor(new long[] { 0, 5, 1 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.cross_entropy(Input, Target, label_smoothing: 1.5));
    }

    [Fact]
    public void NllLoss_OnLogSoftmax_EqualsCrossEntropy_IgnoreIndexExcluded()
    {
        using var scope = NewDisposeScope();
        var logp = Input.log_softmax(1);
        Assert.Equal(F.cross_entropy(Input, Target).item<double>(), F.nll_loss(logp, Target).item<double>(), 12);
        Assert.Equal((-LogP(0, 2) - LogP(2, 1)) / 2, F.nll_loss(logp, Target, ignore_index: 0).item<double>(), 12);
    }

    [Fact]
    public void MseAndL1_KnownValues()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 2, 3, 4 });
        var b = tensor(new double[] { 2, 2, 1, 8 });
        Assert.Equal((1 + 0 + 4 + 16) / 4.0, F.mse_loss(a, b).item<double>(), 12);
        Assert.Equal(21.0, F.mse_loss(a, b, nn.Reduction.Sum).item<double>(), 12);
        Assert.Equal((1 + 0 + 2 + 4) / 4.0, F.l1_loss(a, b).item<double>(), 12);
        Assert.Equal(new double[] { 1, 0, 2, 4 }, F.l1_loss(a, b, nn.Reduction.None).ToArray<double>());
    }

    [Fact]
    public void BceWithLogits_ZeroLogit_IsLog2_PosWeightScalesPositives()
    {
        using var scope = NewDisposeScope();
        var x = zeros(2, ScalarType.Float64);
        var y = tensor(new double[] { 1, 0 });
        Assert.Equal(Math.Log(2), F.binary_cross_entropy_with_logits(x, y).item<double>(), 12);
        var l = F.binary_cross_entropy_with_logits(x, y, reduction: nn.Reduction.None, pos_weights: tensor(new double[] { 3, 3 })).ToArray<double>();
        Assert.Equal(new[] { 3 * Math.Log(2), Math.Log(2) }, l, new Close(1e-12));
        // large logits stay finite (log-sum-exp form)
        var big = F.binary_cross_entropy_with_logits(tensor(new double[] { 1000 }), tensor(new double[] { 0 })).item<double>();
        Assert.Equal(1000, big, 9);
    }

    private sealed class Close(double tol) : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(double x) => 0;
    }
}
