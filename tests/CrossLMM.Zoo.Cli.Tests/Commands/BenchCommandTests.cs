using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Measurement;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class BenchCommandTests
{
    [Fact]
    public void Bench_Json_HasTheMedianOfTheTimedRunsAndTheStreamLength()
    {
        using var dir = new TempDir();
        string svg = dir.File("latency.svg");
        var r = ZooCommand.Run("bench", "crosslmm", "pool-only", "--preset", "tiny", "--frames", "2,4", "--runs", "3", "--text", "8", "--format", "json", "--svg", svg);
        Assert.Equal(0, r.Code);
        var document = JsonSerializer.Deserialize<BenchDocument>(r.Out, CostOutputs.Json)!;
        Assert.Equal("tiny", document.Preset);
        Assert.Equal(4, document.Measurements.Count);
        Assert.Equal(new[] { ("crosslmm", 2), ("crosslmm", 4), ("pool-only", 2), ("pool-only", 4) }, document.Measurements.Select(m => (m.Stem, m.Frames)));
        foreach (var m in document.Measurements)
        {
            Assert.Equal(3, m.TimesMs.Count);
            Assert.Equal(PrefillBenchmark.Median(m.TimesMs), m.MedianMs);
            Assert.Equal(m.TimesMs.Min(), m.MinMs);
            Assert.All(m.TimesMs, t => Assert.True(t > 0));
            Assert.Equal(Zoo.Config(m.Stem, "tiny").StreamTokens(m.Frames) + 8, m.StreamTokens);
            Assert.NotNull(m.PeakBytes);
        }

        // Progress goes to stderr (one line per case), so the JSON on stdout stays parseable.
        Assert.Contains("[4/4] pool-only @ 4 frames:", r.Err);
        var chart = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(new[] { "crosslmm", "pool-only" }, chart.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "category").Select(g => (string?)g.Attribute("data-category")));
        Assert.Equal(4, chart.Descendants(ns + "rect").Count(e => e.Element(ns + "title") is not null));
    }

    [Fact]
    public void Bench_Table_ReportsTheMethod()
    {
        var r = ZooCommand.Run("bench", "llama-vid", "--preset", "tiny", "--frames", "2", "--runs", "1", "--warmup", "0");
        Assert.Equal(0, r.Code);
        Assert.Contains(r.Lines, l => l.StartsWith("│ llama-vid ", System.StringComparison.Ordinal));
        Assert.Contains("median of 1 timed runs after 0 warm-up", r.Out);
        Assert.Contains("machine:", r.Out);
    }

    [Fact]
    public void Bench_ZeroRuns_OneLineError() =>
        ZooCommand.Run("bench", "crosslmm", "--preset", "tiny", "--frames", "2", "--runs", "0").AssertOneLineError(1, "runs (0) must be ≥ 1");

    [Fact]
    public void Bench_PaperScalePreset_RefusesToAllocate()
    {
        if (Memory.AvailableBytes > 40L << 30)
        {
            return;   // a machine that could hold 7b in fp32 would start building it: nothing to refuse
        }

        ZooCommand.Run("bench", "crosslmm", "--preset", "7b").AssertOneLineError(1, "use --preset tiny or small");
    }
}
