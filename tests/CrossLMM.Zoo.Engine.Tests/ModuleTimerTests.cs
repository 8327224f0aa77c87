using System;
using System.Linq;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>ModuleTimer: wall time per module path from the call observer, nesting like the FLOP counter.</summary>
[Collection(NativeCountersCollection.Name)]
public class ModuleTimerTests
{
    [Fact]
    public void TimesEveryCalledModule_InclusiveCoversExclusive_AndStopDetaches()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Sequential(("fc1", nn.Linear(64, 256)), ("act", nn.ReLU()), ("fc2", nn.Linear(256, 8)));
        var x = randn(512, 64);
        ModuleTimer timer;
        using (timer = ModuleTimer.Start(model)) {
            model.call(x);
            model.call(x);
        }
        var t = timer.ByModule;
        Assert.Equal(new[] { "", "fc1", "act", "fc2" }, t.Keys.ToArray());
        Assert.All(t.Values, m => Assert.Equal(2, m.Calls));
        Assert.All(t.Values, m => Assert.True(m.Inclusive >= m.Exclusive && m.Exclusive >= TimeSpan.Zero));
        var children = t["fc1"].Inclusive + t["act"].Inclusive + t["fc2"].Inclusive;
        Assert.True(t[""].Inclusive >= children, $"root {t[""].Inclusive} < children {children}");
        Assert.Contains("fc2", timer.ToTable());

        model.call(x);   // after Stop: not observed any more
        Assert.Equal(2, timer.ByModule["fc1"].Calls);
    }

    [Fact]
    public void NestsWithAFlopCounter()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(16, 16);
        var x = randn(4, 16);
        using var flops = FlopCounter.Start(fc);
        using (var timer = ModuleTimer.Start(fc)) {
            fc.call(x);
            timer.Stop();
            Assert.Equal(1, timer.ByModule[""].Calls);
        }
        fc.call(x);
        flops.Stop();
        Assert.Equal(2, flops.ByModule[""].Calls);
        Assert.Equal(2L * 2 * 4 * 16 * 16, flops.Total);
    }
}
