using System;
using System.Linq;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>LambdaLR, CosineAnnealingLR and the cosine schedule with linear warm-up: the rates the optimizer sees step by step.</summary>
public class OptimSchedulerTests
{
    private static (Parameter p, SGD opt) Sgd(double lr)
    {
        var p = nn.Parameter(tensor(new double[] { 1 }));
        return (p, optim.SGD(new[] { p }, lr));
    }

    private static double Lr(optim.Optimizer opt) => opt.ParamGroups.Single().LearningRate;

    [Fact]
    public void LambdaLR_BaseRateTimesLambda_FromEpochZero()
    {
        var (p, opt) = Sgd(0.5);
        using var _ = p;
        using var __ = opt;
        var sched = optim.lr_scheduler.LambdaLR(opt, e => 1.0 / (e + 1));
        Assert.Equal(0.5, Lr(opt), 15);  // the constructor applies epoch 0
        for (var e = 1; e <= 4; e++) {
            sched.step();
            Assert.Equal(0.5 / (e + 1), Lr(opt), 15);
            Assert.Equal(Lr(opt), sched.get_last_lr().Single());
        }
    }

    [Fact]
    public void LambdaLR_OneLambdaPerGroup()
    {
        using var a = nn.Parameter(tensor(new double[] { 1 }));
        using var b = nn.Parameter(tensor(new double[] { 1 }));
        using var opt = optim.SGD(new[] {
            new SGD.ParamGroup { Parameters = new[] { a }, Options = new SGD.Options { LearningRate = 1.0 } },
            new SGD.ParamGroup { Parameters = new[] { b } },
        }, 0.1);
        var sched = new optim.lr_scheduler.impl.LambdaLR(opt, new Func<int, double>[] { e => e, e => 2 * e });
        sched.step();
        sched.step();
        Assert.Equal(new[] { 2.0, 0.4 }, opt.ParamGroups.Select(g => Math.Round(g.LearningRate, 12)));
        Assert.Throws<ArgumentException>(() => new optim.lr_scheduler.impl.LambdaLR(opt, new Func<int, double>[] { e => 1 }));
    }

    [Fact]
    public void CosineAnnealingLR_FollowsTheClosedForm_ReachesEtaMinAtTMax()
    {
        var (p, opt) = Sgd(0.1);
        using var _ = p;
        using var __ = opt;
        const int tMax = 10;
        const double etaMin = 0.001;
        var sched = optim.lr_scheduler.CosineAnnealingLR(opt, tMax, etaMin);
        for (var t = 0; t <= 2 * tMax; t++) {
            var expected = etaMin + (0.1 - etaMin) * (1 + Math.Cos(Math.PI * t / tMax)) / 2;
            Assert.True(Math.Abs(expected - Lr(opt)) < 1e-12, $"t={t}: expected {expected}, got {Lr(opt)}");
            sched.step();
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => optim.lr_scheduler.CosineAnnealingLR(opt, 0));
    }

    [Fact]
    public void CosineWarmup_Factor_KnownPoints()
    {
        // warm-up 4, total 12, floor 0.1
        Assert.Equal(0.0, CosineWarmupSchedule.Factor(0, 4, 12, 0.1));
        Assert.Equal(0.5, CosineWarmupSchedule.Factor(2, 4, 12, 0.1));
        Assert.Equal(1.0, CosineWarmupSchedule.Factor(4, 4, 12, 0.1), 15);
        Assert.Equal(0.1 + 0.9 * 0.5, CosineWarmupSchedule.Factor(8, 4, 12, 0.1), 15);  // half-way through the decay
        Assert.Equal(0.1, CosineWarmupSchedule.Factor(12, 4, 12, 0.1), 15);
        Assert.Equal(0.1, CosineWarmupSchedule.Factor(100, 4, 12, 0.1), 15);            // stays at the floor
        Assert.Equal(1.0, CosineWarmupSchedule.Factor(0, 0, 10), 15);                    // no warm-up starts at the peak
        Assert.Throws<ArgumentException>(() => CosineWarmupSchedule.Factor(0, 5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => CosineWarmupSchedule.Factor(0, 1, 4, 1.5));
    }

    [Fact]
    public void CosineWarmup_DrivesTheOptimizerRate_StepByStep()
    {
        var (p, opt) = Sgd(2e-4);
        using var _ = p;
        using var __ = opt;
        var sched = CosineWarmupSchedule.Create(opt, warmup_steps: 3, total_steps: 7);
        var seen = new double[9];
        for (var s = 0; s < seen.Length; s++) {
            seen[s] = Lr(opt);
            sched.step();
        }
        var expected = Enumerable.Range(0, 9).Select(s => 2e-4 * CosineWarmupSchedule.Factor(s, 3, 7)).ToArray();
        for (var s = 0; s < seen.Length; s++) Assert.True(Math.Abs(expected[s] - seen[s]) < 1e-18, $"step {s}: {expected[s]} vs {seen[s]}");
        var warm = new[] { 0, 2e-4 / 3, 2 * 2e-4 / 3, 2e-4 };
        for (var s = 0; s < 4; s++) Assert.True(Math.Abs(warm[s] - seen[s]) < 1e-18, $"warm-up step {s}: {warm[s]} vs {seen[s]}");
        Assert.True(Math.Abs(seen[7]) < 1e-18);
        Assert.True(seen.Skip(3).Take(5).Zip(seen.Skip(4).Take(4)).All(t => t.First > t.Second));  // strictly decaying after the peak
    }
}
