using System;
using System.Linq;
using CrossLMM.Zoo.Tools.Measurement;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

public class BenchmarkTests
{
    [Fact]
    public void CaseBudget_StopsAfterOneTimedRunButKeepsIt()
    {
        var config = Zoo.Config("pool-only", "tiny");
        var limited = PrefillBenchmark.Run(new[] { config }, new[] { 2 }, 4, runs: 5, warmup: 1, caseBudget: TimeSpan.Zero).Single();
        var full = PrefillBenchmark.Run(new[] { config }, new[] { 2 }, 4, runs: 5, warmup: 0).Single();
        Assert.Single(limited.TimesMs);
        Assert.Equal(5, full.TimesMs.Count);
        Assert.Equal(config.StreamTokens(2) + 4, full.StreamTokens);
        Assert.Equal("cpu", full.Device);
        Assert.True(full.AnalyticFlops > 0);
    }

    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1, 3 }, 3.0)]
    [InlineData(new[] { 4.0, 1, 3, 2 }, 2.5)]
    public void Median_OddAndEven(double[] values, double median) => Assert.Equal(median, PrefillBenchmark.Median(values));

    [Fact]
    public void MemoryProbe_ReadsThisProcess()
    {
        long? rss = MemoryProbe.CurrentRss(), peak = MemoryProbe.PeakRss();
        Assert.NotNull(rss);
        Assert.True(peak >= rss);
        Assert.True(MemoryProbe.Trim());
    }
}
