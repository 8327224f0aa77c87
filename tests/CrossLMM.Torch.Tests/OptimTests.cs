using System;
using System.Linq;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>AdamW and SGD against their update equations computed by hand for three steps; groups, state, zero_grad, errors.</summary>
public class OptimTests
{
    private static readonly double[] P0 = { 1, -2, 0.5 };
    private static readonly double[][] Grads = { new[] { 0.5, -1, 2 }, new[] { 1.0, 1, -1 }, new[] { -0.3, 0.2, 0.1 } };

    /// <summary>Runs three steps with gradient Grads[t] (from loss Σ g·θ) and returns θ after each.</summary>
    private static double[][] Run(Parameter p, optim.Optimizer opt)
    {
        var trace = new double[3][];
        for (var t = 0; t < 3; t++) {
            using (NewDisposeScope()) {
                opt.zero_grad();
                (p * tensor(Grads[t])).sum().backward();
                opt.step();
            }
            trace[t] = p.ToArray<double>();
        }
        return trace;
    }

    private static void Close(double[] expected, double[] actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    private static double[][] HandAdamW(double lr, double b1, double b2, double eps, double wd, bool amsgrad, bool maximize)
    {
        var p = (double[])P0.Clone();
        var m = new double[3];
        var v = new double[3];
        var vmax = new double[3];
        var trace = new double[3][];
        for (var t = 1; t <= 3; t++) {
            for (var i = 0; i < 3; i++) {
                var g = maximize ? -Grads[t - 1][i] : Grads[t - 1][i];
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vmax[i] = Math.Max(vmax[i], v[i]);
                var denom = Math.Sqrt(amsgrad ? vmax[i] : v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps;
                p[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / denom;
            }
            trace[t - 1] = (double[])p.Clone();
        }
        return trace;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void AdamW_ThreeSteps_MatchTheUpdateEquations(bool amsgrad, bool maximize)
    {
        using var p = nn.Parameter(tensor(P0));
        using var opt = optim.AdamW(new[] { p }, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1, amsgrad: amsgrad, maximize: maximize);
        var trace = Run(p, opt);
        var hand = HandAdamW(0.01, 0.8, 0.99, 1e-6, 0.1, amsgrad, maximize);
        for (var t = 0; t < 3; t++) Close(hand[t], trace[t]);
        Assert.Equal(3, opt.state(p)!.step);
    }

    private static double[][] HandSgd(double lr, double mu, double tau, double wd, bool nesterov, bool maximize)
    {
        var p = (double[])P0.Clone();
        var b = new double[3];
        var trace = new double[3][];
        for (var t = 0; t < 3; t++) {
            for (var i = 0; i < 3; i++) {
                var d = (maximize ? -Grads[t][i] : Grads[t][i]) + wd * p[i];
                if (mu != 0) {
                    b[i] = t == 0 ? d : mu * b[i] + (1 - tau) * d;
                    d = nesterov ? d + mu * b[i] : b[i];
                }
                p[i] -= lr * d;
            }
            trace[t] = (double[])p.Clone();
        }
        return trace;
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false, false)]
    [InlineData(0.9, 0.1, 0.01, false, false)]
    [InlineData(0.9, 0.0, 0.01, true, false)]
    [InlineData(0.5, 0.0, 0.0, false, true)]
    public void Sgd_ThreeSteps_MatchTheUpdateEquations(double momentum, double dampening, double wd, bool nesterov, bool maximize)
    {
        using var p = nn.Parameter(tensor(P0));
        using var opt = optim.SGD(new[] { p }, 0.1, momentum, dampening, wd, nesterov, maximize);
        var trace = Run(p, opt);
        var hand = HandSgd(0.1, momentum, dampening, wd, nesterov, maximize);
        for (var t = 0; t < 3; t++) Close(hand[t], trace[t]);
        Assert.Equal(momentum != 0, opt.state(p) is not null);
    }

    [Fact]
    public void ParamGroups_HavePerGroupRateAndDecay_UnsetOptionsTakeDefaults()
    {
        using var a = nn.Parameter(tensor(new double[] { 1 }));
        using var b = nn.Parameter(tensor(new double[] { 1 }));
        var groups = new[] {
            new SGD.ParamGroup { Parameters = new[] { a }, Options = new SGD.Options { LearningRate = 0.5 } },
            new SGD.ParamGroup { Parameters = new[] { b }, Options = new SGD.Options { weight_decay = 1.0 } },
        };
        using var opt = optim.SGD(groups, learningRate: 0.1, weight_decay: 0.0);
        (a * 2 + b * 2).sum().backward();
        opt.step();
        Assert.Equal(1 - 0.5 * 2, a.ToArray<double>()[0], 12);              // own lr, default decay 0
        Assert.Equal(1 - 0.1 * (2 + 1.0 * 1), b.ToArray<double>()[0], 12);  // default lr, own decay
        Assert.Equal(new[] { 0.5, 0.1 }, opt.ParamGroups.Select(g => g.LearningRate));
        Assert.Equal(new[] { 0.5, 0.1 }, opt.ParamGroups.Select(g => g.InitialLearningRate));
    }

    [Fact]
    public void AdamW_GroupsWithoutDecayForBiases_TypicalUse()
    {
        using var fc = nn.Linear(3, 2);
        fc.to(ScalarType.Float64);
        var decay = new AdamW.ParamGroup { Parameters = new[] { fc.weight }, Options = new AdamW.Options { weight_decay = 0.1 } };
        var noDecay = new AdamW.ParamGroup { Parameters = new[] { fc.bias! }, Options = new AdamW.Options { weight_decay = 0.0 } };
        using var opt = optim.AdamW(new[] { decay, noDecay }, lr: 0.01);
        var before = fc.bias!.ToArray<double>();
        fc.weight.grad = null;
        opt.step();  // no gradients yet: nothing moves, no state is created
        Assert.Equal(before, fc.bias!.ToArray<double>());
        Assert.Null(opt.state(fc.weight));
        Assert.Equal(new[] { 0.1, 0.0 }, opt.ParamGroups.Cast<AdamW.ParamGroup>().Select(g => g.Options.weight_decay!.Value));
    }

    [Fact]
    public void Step_Closure_ReturnsItsLoss_AndLearningRateChangesApply()
    {
        using var p = nn.Parameter(tensor(new double[] { 1 }));
        using var opt = optim.SGD(new[] { p }, 0.1);
        Tensor? loss = null;
        var returned = opt.step(() => {
            opt.zero_grad();
            loss = (p * p).sum();
            loss.backward();
            return loss;
        });
        Assert.Same(loss, returned);
        Assert.Equal(1 - 0.1 * 2, p.ToArray<double>()[0], 12);
        opt.ParamGroups.First().LearningRate = 1.0;
        opt.step();  // the gradient (2) is still there
        Assert.Equal(0.8 - 2, p.ToArray<double>()[0], 12);
        returned!.Dispose();
    }

    [Fact]
    public void ZeroGrad_ZeroesInPlace()
    {
        using var p = nn.Parameter(tensor(new double[] { 1, 2 }));
        using var opt = optim.AdamW(new[] { p });
        (p * 3).sum().backward();
        opt.zero_grad();
        using var g = p.grad!;
        Assert.Equal(new double[] { 0, 0 }, g.ToArray<double>());
    }

    [Fact]
    public void State_LivesAcrossSteps_AndIsDisposedWithTheOptimizer()
    {
        using var p = nn.Parameter(tensor(new double[] { 1, 2 }));
        var opt = optim.AdamW(new[] { p }, amsgrad: true);
        (p * 3).sum().backward();
        opt.step();
        var state = opt.state(p)!;
        var m = state.exp_avg;
        opt.step();
        Assert.Same(m, opt.state(p)!.exp_avg);
        Assert.Equal(2, state.step);
        opt.Dispose();
        Assert.True(state.exp_avg.IsInvalid && state.exp_avg_sq.IsInvalid && state.max_exp_avg_sq!.IsInvalid);
        Assert.False(p.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => opt.step());
    }

    [Fact]
    public void BadHyperParameters_ThrowArgumentExceptionNamingTheValue()
    {
        using var p = nn.Parameter(tensor(new double[] { 1 }));
        Assert.Contains("beta1 1.5", Assert.Throws<ArgumentException>(() => optim.AdamW(new[] { p }, beta1: 1.5)).Message);
        Assert.Throws<ArgumentException>(() => optim.AdamW(new[] { p }, lr: -1));
        Assert.Contains("dampening 0.5", Assert.Throws<ArgumentException>(() => optim.SGD(new[] { p }, 0.1, momentum: 0.9, dampening: 0.5, nesterov: true)).Message);
        Assert.Throws<ArgumentException>(() => optim.SGD(new[] { p, p }, 0.1));  // a parameter twice
    }

    [Fact]
    public void NamedParameters_Overload_TrainsAModule()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var fc = nn.Linear(2, 1);
        using var opt = optim.SGD(fc.named_parameters(), 0.1);
        var x = tensor(new float[] { 0.5f, -1, 1, 0.5f }, new long[] { 2, 2 });
        var y = tensor(new float[] { 1, -1 }, new long[] { 2, 1 });
        double first = 0, last = 0;
        for (var i = 0; i < 100; i++) {
            using var s = NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.mse_loss(fc.call(x), y);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 10, $"loss {first} → {last}");
    }
}

/// <summary>The optimizer step leaves no native tensor behind (run alone: it reads the process-wide count).</summary>
[Collection(NativeCountersCollection.Name)]
public class OptimLeakTests
{
    [Fact]
    public void AdamWAndSgdSteps_LeaveTheLiveTensorCountUnchanged()
    {
        using var fc1 = nn.Linear(8, 16);
        using var fc2 = nn.Linear(16, 4);
        var ps = fc1.parameters().Concat(fc2.parameters()).ToList();
        using var adam = optim.AdamW(ps.Take(2), weight_decay: 0.01, amsgrad: true);
        using var sgd = optim.SGD(ps.Skip(2), 0.01, momentum: 0.9, nesterov: true);
        void Step()
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            sgd.zero_grad();
            var x = randn(5, 8);
            nn.functional.mse_loss(fc2.call(fc1.call(x).relu()), zeros(5, 4)).backward();
            adam.step();
            sgd.step();
        }
        Step();  // creates gradients and optimizer state
        var before = NativeCountersCollection.SettledLiveCount();
        for (var i = 0; i < 200; i++) Step();
        Assert.Equal(before, NativeCountersCollection.SettledLiveCount());
    }
}
